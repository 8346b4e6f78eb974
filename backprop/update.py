"""One step of gradient descent on the 2-layer MLP: θ ← θ − η·∂L/∂θ for every parameter, and the loss
before and after it.

Shapes as in the package: X (N, D), y (N, C), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,). The hidden and
output units are sigmoids, as in the assignment; the loss is "mse" = (1/2N)·Σ(A2 − y)² or "bce".
Each update goes through ``optim.sgd``; each gradient through ``network.backward``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from backprop._checks import finite_float, positive_int, require_finite, to_float_array
from backprop.layers import output_loss
from backprop.network import ForwardCache, Grads, Params, backward, forward
from backprop.optim import sgd

#: The parameters of the 2-layer MLP, in the order they are updated and shown.
PARAMETERS = ("W1", "b1", "W2", "b2")
#: The largest learning rate accepted: far beyond it every step overshoots.
MAX_LR = 100.0
#: The most steps ``descend`` takes in one call (a page's "take k more steps").
MAX_STEPS = 10_000


def learning_rate(lr) -> float:
    """η as a float: finite, greater than 0 and at most MAX_LR; a ValueError naming lr otherwise."""
    lr = finite_float("lr", lr, minimum=0.0, strict=True)
    if lr > MAX_LR:
        raise ValueError(f"lr must be at most {MAX_LR:g}; got {lr:g}")
    return lr


def descent_step(params: Params, grads: Mapping[str, np.ndarray] | Grads, lr: float) -> Params:
    """The parameters after one step of gradient descent: θ ← θ − η·∂L/∂θ, for W1, b1, W2 and b2.

    - params: Params with W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)
    - grads: ∂L/∂θ keyed "W1", "b1", "W2", "b2", each of its parameter's shape (a bias may be a (1, n) row),
      or a Grads
    - lr: η > 0
    Returns new Params; ``params`` is not changed.
    """
    lr = learning_rate(lr)
    if isinstance(grads, Grads):
        grads = grads.for_params()
    missing = [name for name in PARAMETERS if name not in grads]
    if missing:
        raise ValueError(f"grads needs a gradient for every parameter ({', '.join(PARAMETERS)}); "
                         f"missing: {', '.join(missing)}")
    new = {}
    for name, value in params.as_dict().items():
        g = to_float_array(f"grads[{name!r}]", grads[name])
        if g.ndim == 2 and value.ndim == 1 and g.shape[0] == 1:
            g = g.reshape(-1)
        if g.shape != value.shape:
            raise ValueError(f"grads[{name!r}] has shape {g.shape} but {name} has shape {value.shape}: "
                             "a gradient has the shape of its parameter")
        require_finite(f"grads[{name!r}]", g)
        new[name], _ = sgd(value, g, {"lr": lr})
    return Params(**new)


def loss_value(params: Params, X, y, loss: str = "mse") -> tuple[float, ForwardCache]:
    """L of ``params`` on (X, y) by a full forward pass, and that pass.

    - X: (N, D); y: (N, C) targets between 0 and 1
    Returns (L, ForwardCache with Z1, A1 (N, H) and Z2, A2 (N, C)); L is a mean over the N samples.
    """
    cache = forward(params, X)
    return output_loss(cache.Z2, y, "sigmoid", loss)[0], cache


def gradients(params: Params, X, y, loss: str = "mse") -> tuple[float, Grads]:
    """L and every gradient by backpropagation at ``params`` (network.backward)."""
    return backward(params, forward(params, X), y, loss)


@dataclass(frozen=True, eq=False)
class Descent:
    """Several steps of gradient descent.

    - losses: (steps + 1,) L before the first step, then after each step
    - params: the parameters after the last step
    - lr: η
    """

    losses: np.ndarray
    params: Params
    lr: float

    @property
    def steps(self) -> int:
        return len(self.losses) - 1


def descend(params: Params, X, y, lr: float, steps: int, loss: str = "mse") -> Descent:
    """``steps`` steps of full-batch gradient descent from ``params``, each with the gradients backprop gives
    at the current parameters; the loss is recorded before the first step and after each one.

    - X: (N, D); y: (N, C); lr: η > 0; steps: 1 … MAX_STEPS
    A step whose loss is not finite ends the run early (losses is then shorter than steps + 1).
    """
    lr = learning_rate(lr)
    steps = positive_int("steps", steps)
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most {MAX_STEPS}; got {steps}")
    value, grads = gradients(params, X, y, loss)
    losses = [value]
    for _ in range(steps):
        stepped = descent_step(params, grads, lr)
        value, stepped_grads = gradients(stepped, X, y, loss)
        if not (np.isfinite(value) and all(np.isfinite(g).all() for g in stepped_grads.for_params().values())):
            break  # params stay those of the last loss recorded
        params, grads = stepped, stepped_grads
        losses.append(value)
    return Descent(np.array(losses), params, lr)
