"""The 2-layer MLP: parameters, the assignment's four steps as functions, and forward/backward.

Shapes follow the package docstring: X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from backprop._checks import (
    as_bias,
    as_matrix,
    check_inner,
    check_same_rows,
    check_same_shape,
    finite_float,
    positive_int,
    seed_value,
    to_float_array,
)
from backprop.activations import Activation, get_activation
from backprop.losses import get_loss


def _frozen_copy(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr, dtype=np.float64)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Params:
    """Weights and biases of the 2-layer MLP.

    - W1: (D, H) input-to-hidden weights      - b1: (H,) hidden bias (a (1, H) row is accepted)
    - W2: (H, C) hidden-to-output weights     - b2: (C,) output bias (a (1, C) row is accepted)

    The arrays are float64 copies and read-only, so a Params can be shared and cached safely.
    """

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def __post_init__(self):
        W1 = as_matrix("W1", self.W1)
        W2 = as_matrix("W2", self.W2)
        check_inner("W1", W1, "W2", W2)
        b1 = as_bias("b1", self.b1, W1.shape[1], against=f"W1 has {W1.shape[1]} columns")
        b2 = as_bias("b2", self.b2, W2.shape[1], against=f"W2 has {W2.shape[1]} columns")
        for name, arr in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
            object.__setattr__(self, name, _frozen_copy(arr))

    @property
    def dims(self) -> tuple[int, int, int]:
        """(D, H, C)."""
        return self.W1.shape[0], self.W1.shape[1], self.W2.shape[1]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, eq=False)
class ForwardCache:
    """What the forward pass computed, kept for the backward pass.

    X (N, D), Z1 (N, H), A1 (N, H), Z2 (N, C), A2 (N, C).
    """

    X: np.ndarray
    Z1: np.ndarray
    A1: np.ndarray
    Z2: np.ndarray
    A2: np.ndarray


@dataclass(frozen=True, eq=False)
class Grads:
    """Gradients of the mean loss, named after the forward variable they belong to.

    dW1 (D, H), db1 (H,), dW2 (H, C), db2 (C,), delta1 = ∂L/∂Z1 (N, H), delta2 = ∂L/∂Z2 (N, C).
    """

    dW1: np.ndarray
    db1: np.ndarray
    dW2: np.ndarray
    db2: np.ndarray
    delta1: np.ndarray
    delta2: np.ndarray

    def for_params(self) -> dict[str, np.ndarray]:
        """{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}: keyed like Params.as_dict()."""
        return {"W1": self.dW1, "b1": self.db1, "W2": self.dW2, "b2": self.db2}

    def norms(self) -> dict[str, float]:
        """Frobenius norm of each parameter gradient, keyed like Params.as_dict()."""
        return {name: float(np.linalg.norm(g)) for name, g in self.for_params().items()}


# --- the assignment's steps, one function each -------------------------------------------------


def linear(X, W, b, *, names: tuple[str, str, str] = ("X", "W", "b")) -> np.ndarray:
    """Z = X·W + b.

    - X: (N, D) inputs, one row per sample (a 1-D X is one sample)
    - W: (D, H) weights
    - b: (H,) or (1, H) bias, added to every row
    Returns Z: (N, H).
    """
    x_name, w_name, b_name = names
    X = as_matrix(x_name, X)
    W = as_matrix(w_name, W)
    check_inner(x_name, X, w_name, W)
    b = as_bias(b_name, b, W.shape[1], against=f"{w_name} has {W.shape[1]} columns")
    return X @ W + b


def output_layer_gradient(A1, delta2) -> np.ndarray:
    """∂L/∂W2 = A1ᵀ·delta2.

    - A1: (N, H) hidden activations
    - delta2: (N, C) ∂L/∂Z2
    Returns dW2: (H, C), the same shape as W2. A1 is transposed so that the sum runs over the N
    samples: dW2[j, k] = Σₙ A1[n, j]·delta2[n, k].
    """
    A1 = as_matrix("A1", A1)
    delta2 = as_matrix("delta2", delta2)
    check_same_rows("A1", A1, "delta2", delta2)
    return A1.T @ delta2


def hidden_delta(delta2, W2, Z1, activation: str | Activation = "sigmoid") -> np.ndarray:
    """delta1 = ∂L/∂Z1 = (delta2·W2ᵀ) ∗ σ′(Z1).

    - delta2: (N, C) ∂L/∂Z2
    - W2: (H, C) hidden-to-output weights (transposed to carry the error from C outputs back to H)
    - Z1: (N, H) hidden pre-activations; σ′ is evaluated at Z1, not at A1
    - activation: the hidden activation σ, by name or as an Activation
    Returns delta1: (N, H).
    """
    act = get_activation(activation)
    delta2 = as_matrix("delta2", delta2)
    W2 = as_matrix("W2", W2)
    Z1 = as_matrix("Z1", Z1)
    if W2.shape[1] != delta2.shape[1]:
        raise ValueError(
            f"W2 has shape {W2.shape} but delta2 has {delta2.shape[1]} columns (shape {delta2.shape}): "
            f"W2 needs {delta2.shape[1]} columns, one per output"
        )
    check_same_rows("delta2", delta2, "Z1", Z1)
    if Z1.shape[1] != W2.shape[0]:
        raise ValueError(
            f"Z1 has shape {Z1.shape} but W2 has {W2.shape[0]} rows (shape {W2.shape}): "
            f"Z1 needs {W2.shape[0]} columns, one per hidden unit"
        )
    return (delta2 @ W2.T) * act.grad(Z1)


def hidden_layer_gradient(X, delta1) -> np.ndarray:
    """∂L/∂W1 = Xᵀ·delta1.

    - X: (N, D) inputs
    - delta1: (N, H) ∂L/∂Z1
    Returns dW1: (D, H), the same shape as W1: dW1[i, j] = Σₙ X[n, i]·delta1[n, j].
    """
    X = as_matrix("X", X)
    delta1 = as_matrix("delta1", delta1)
    check_same_rows("X", X, "delta1", delta1)
    return X.T @ delta1


# --- whole passes --------------------------------------------------------------------------------


def _forward(params: Params, X: np.ndarray, hidden: Activation, output: Activation) -> ForwardCache:
    Z1 = X @ params.W1 + params.b1
    A1 = hidden.fn(Z1)
    Z2 = A1 @ params.W2 + params.b2
    return ForwardCache(X, Z1, A1, Z2, output.fn(Z2))


def _backward(params: Params, cache: ForwardCache, y: np.ndarray, loss, hidden: Activation,
              output: Activation) -> tuple[float, Grads]:
    value = loss.value(cache.Z2, cache.A2, y)
    delta2 = loss.delta(cache.Z2, cache.A2, y, output)
    dW2 = cache.A1.T @ delta2
    delta1 = (delta2 @ params.W2.T) * hidden.grad(cache.Z1)
    dW1 = cache.X.T @ delta1
    return value, Grads(dW1, delta1.sum(axis=0), dW2, delta2.sum(axis=0), delta1, delta2)


def _check_X(params: Params, X) -> np.ndarray:
    X = as_matrix("X", X)
    check_inner("X", X, "W1", params.W1)
    return X


def _check_y(y, N: int, C: int, loss) -> np.ndarray:
    """Targets as (N, C); a 1-D y is read as a column when C == 1 and as one row when N == 1."""
    arr = to_float_array("y", y)
    if arr.ndim == 1:
        if C == 1 and arr.shape[0] == N:
            arr = arr.reshape(N, 1)
        elif N == 1:
            arr = arr.reshape(1, -1)
    y = as_matrix("y", arr)
    if y.shape != (N, C):
        raise ValueError(f"y has shape {y.shape} but the network's output A2 has shape ({N}, {C})")
    if loss.targets_in_unit_interval and ((y < 0).any() or (y > 1).any()):
        raise ValueError(f"loss {loss.name!r} needs targets y between 0 and 1; y ranges over "
                         f"[{y.min():g}, {y.max():g}]")
    return y


def forward(params: Params, X, hidden: str | Activation = "sigmoid",
            output: str | Activation = "sigmoid") -> ForwardCache:
    """Z1 = X·W1 + b1, A1 = hidden(Z1), Z2 = A1·W2 + b2, A2 = output(Z2).

    - params: Params with W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)
    - X: (N, D)
    Returns a ForwardCache with X (N, D), Z1 and A1 (N, H), Z2 and A2 (N, C).
    """
    hidden, output = get_activation(hidden), get_activation(output)
    return _forward(params, _check_X(params, X), hidden, output)


def backward(params: Params, cache: ForwardCache, y, loss: str = "mse",
             hidden: str | Activation = "sigmoid",
             output: str | Activation = "sigmoid") -> tuple[float, Grads]:
    """The loss of ``cache.A2`` against ``y`` and its gradients, by the chain rule.

    - params: the Params that produced ``cache``
    - cache: ForwardCache from forward(params, X, hidden, output)
    - y: (N, C) targets (a 1-D y is accepted when C == 1 or N == 1)
    - loss: "mse" = (1/2N)·Σ(A2 − y)², or "bce" (binary cross-entropy; needs a sigmoid output)
    Returns (loss_value, Grads) with delta2 = ∂L/∂Z2 (N, C), dW2 = A1ᵀ·delta2 (H, C),
    delta1 = (delta2·W2ᵀ) ∗ σ′(Z1) (N, H), dW1 = Xᵀ·delta1 (D, H), and the biases' gradients
    db2 (C,) and db1 (H,) as the column sums of delta2 and delta1.
    """
    hidden, output = get_activation(hidden), get_activation(output)
    loss_fn = get_loss(loss, output)
    N = cache.X.shape[0]
    D, H, C = params.dims
    if cache.X.shape[1] != D or cache.Z1.shape != (N, H) or cache.A2.shape != (N, C):
        raise ValueError(
            f"cache does not match params: X {cache.X.shape}, Z1 {cache.Z1.shape}, A2 {cache.A2.shape} "
            f"but params have D={D}, H={H}, C={C}; pass the cache that forward(params, X) returned"
        )
    y = _check_y(y, N, C, loss_fn)
    check_same_shape("cache.A1", cache.A1, "cache.Z1", cache.Z1)
    return _backward(params, cache, y, loss_fn, hidden, output)


def predict(params: Params, X, hidden: str | Activation = "sigmoid",
            output: str | Activation = "sigmoid") -> np.ndarray:
    """A2 for inputs X (N, D): the network's output, (N, C)."""
    return forward(params, X, hidden, output).A2


def init_params(n_in: int, n_hidden: int, n_out: int, seed: int = 0, scale: float = 1.0) -> Params:
    """Random weights W ~ N(0, scale²), zero biases, from numpy's seeded default_rng.

    Returns Params with W1 (n_in, n_hidden), b1 (n_hidden,), W2 (n_hidden, n_out), b2 (n_out,).
    The same arguments always give the same Params.
    """
    D = positive_int("n_in", n_in)
    H = positive_int("n_hidden", n_hidden)
    C = positive_int("n_out", n_out)
    scale = finite_float("scale", scale, minimum=0.0)
    rng = np.random.default_rng(seed_value("seed", seed))
    W1 = rng.standard_normal((D, H)) * scale
    W2 = rng.standard_normal((H, C)) * scale
    return Params(W1, np.zeros(H), W2, np.zeros(C))
