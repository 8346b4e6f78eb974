"""Pictures over the input plane: a grid covering 2-D data, what every unit computes on it, and where an output
crosses a level (the decision boundary). Shapes: X (N, 2), a grid of R × S points."""
from __future__ import annotations

import numpy as np

from backprop._checks import as_matrix, finite_float, positive_int
from backprop.activations import Activation
from backprop.network import Network, Params, check_inputs, forward_unchecked, predict


def plane(X, resolution: int = 100, margin: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A square grid over the box that holds the 2-D points X (N, 2), widened by ``margin`` on every side.

    Returns xs (R,), ys (R,) and points (R·R, 2), row i·R + j being (xs[j], ys[i]); R = resolution.
    """
    X = as_matrix("X", X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (points in the plane); got shape {X.shape}")
    resolution = positive_int("resolution", resolution)
    margin = finite_float("margin", margin, minimum=0.0)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def layer_maps(net: Network, xs: np.ndarray, ys: np.ndarray) -> list[np.ndarray]:
    """What every unit of every layer computes over the plane: the network run on each grid point.

    - net: a Network with D = 2 inputs; xs (R,), ys (S,): the grid's coordinates
    Returns [A_1, …, A_L], A_l of shape (S, R, sizes[l]): A_l[i, j, u] is unit u's activation at (xs[j], ys[i]).
    """
    if net.sizes[0] != 2:
        raise ValueError(f"maps over the plane need a network with 2 inputs; this one has D={net.sizes[0]}")
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged network's outputs may overflow
        cache = forward_unchecked(net, np.column_stack([gx.ravel(), gy.ravel()]))
    return [A.reshape(ys.size, xs.size, A.shape[1]) for A in cache.As]


def decision_grid(params: Params | Network, X, hidden: str | Activation = "sigmoid",
                  output: str | Activation = "sigmoid", resolution: int = 100,
                  margin: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The network's output over a grid covering the data, for drawing a decision boundary.

    - params: a network with D = 2 inputs and C = 1 output (a Network uses its own activations);
      X: (N, 2) the data to cover
    Returns xs (R,), ys (R,) and A2 (R, R) with A2[i, j] = network output at (xs[j], ys[i]),
    R = resolution.
    """
    D, C = (params.sizes[0], params.sizes[-1]) if isinstance(params, Network) else (params.dims[0], params.dims[2])
    if D != 2 or C != 1:
        raise ValueError(f"a decision boundary needs 2 inputs and 1 output; the network has D={D}, C={C}")
    X = check_inputs(params, X)
    xs, ys, points = plane(X, resolution, margin)
    A2 = predict(params, points, hidden, output)
    return xs, ys, A2.reshape(ys.size, xs.size)


def crossings(values: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Where a map over the plane crosses ``level``: a (S, R) bool mask of the grid points at least one of whose
    four neighbours lies on the other side of ``level`` (the decision boundary of a sigmoid output at ½).

    - values: (S, R) the output at each grid point (NaN is on neither side)
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"values must be a 2-D grid; got shape {values.shape}")
    above = values >= level
    known = np.isfinite(values)
    mask = np.zeros(values.shape, dtype=bool)
    across = (above[:, 1:] != above[:, :-1]) & known[:, 1:] & known[:, :-1]  # left and right neighbours
    mask[:, 1:] |= across
    mask[:, :-1] |= across
    down = (above[1:, :] != above[:-1, :]) & known[1:, :] & known[:-1, :]  # upper and lower neighbours
    mask[1:, :] |= down
    mask[:-1, :] |= down
    return mask
