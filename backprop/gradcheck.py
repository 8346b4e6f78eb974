"""Numerical gradient checking, in cs231n's vocabulary, and typical backprop bugs to plant.

A gradient check compares the analytic gradients of ``backward`` with centred differences of the
loss, parameter by parameter, as a relative error: the way to trust a hand-written backward pass.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop._checks import finite_float
from backprop.activations import Activation, get_activation
from backprop.losses import get_loss
from backprop.network import ForwardCache, Grads, Params, _check_X, _check_y, _forward, backward

PARAM_NAMES = ("W1", "b1", "W2", "b2")


def numerical_gradient(f: Callable[[np.ndarray], float], x, h: float = 1e-5) -> np.ndarray:
    """Centred differences (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for every entry i of ``x``.

    - f: takes an array shaped like x and returns a scalar; it is called with a perturbed copy
      of x, one entry moved at a time (and put back afterwards)
    - x: the point, any shape
    Returns an array shaped like x.
    """
    h = finite_float("h", h, minimum=0.0, strict=True)
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def rel_error(a, b, floor: float = 1e-8) -> float:
    """max |a − b| / max(floor, |a| + |b|), entry by entry (cs231n's rel_error)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs equal shapes; got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))))


@dataclass(frozen=True)
class Band:
    """One of cs231n's interpretation bands for a relative error."""

    level: str  # "ok", "kink" (fine only where the function has a kink), "warn" or "bad"
    text: str

    @property
    def label(self) -> str:
        """A few words for a table cell."""
        return {"ok": "agree", "kink": "fine only at kinks", "warn": "suspicious", "bad": "wrong"}[self.level]


def interpret_rel_error(err: float) -> Band:
    """cs231n's reading of a relative error between analytic and numerical gradients."""
    if not np.isfinite(err) or err > 1e-2:
        return Band("bad", "above 1e-2: the gradient is probably wrong")
    if err > 1e-4:
        return Band("warn", "1e-4 to 1e-2: uncomfortable, most likely a bug")
    if err > 1e-7:
        return Band("kink", "1e-7 to 1e-4: fine where the function has kinks (relu), too high otherwise")
    return Band("ok", "below 1e-7: the gradients agree")


@dataclass(frozen=True, eq=False)
class GradientCheck:
    """Analytic vs numerical gradients per parameter ("W1", "b1", "W2", "b2").

    - rel_errors: relative error per parameter (rel_error of the two arrays)
    - analytic, numerical: the two gradients per parameter, shaped like the parameter
    """

    rel_errors: dict[str, float]
    analytic: dict[str, np.ndarray]
    numerical: dict[str, np.ndarray]

    @property
    def differences(self) -> dict[str, np.ndarray]:
        """analytic − numerical, per parameter."""
        return {name: self.analytic[name] - self.numerical[name] for name in self.analytic}

    @property
    def worst(self) -> float:
        return max(self.rel_errors.values())

    def passed(self, threshold: float = 1e-7) -> bool:
        return self.worst < threshold


@dataclass(frozen=True)
class Bug:
    """A typical mistake in a hand-written backward pass."""

    label: str
    explanation: str


BUGS: dict[str, Bug] = {
    "no_activation_derivative": Bug(
        "δ1 without σ′(Z1)", "delta1 = delta2·W2ᵀ: the hidden activation's derivative was forgotten."
    ),
    "sigma_prime_of_A1": Bug(
        "σ′ taken at A1 instead of Z1",
        "delta1 = (delta2·W2ᵀ) ∗ σ′(A1): the derivative was evaluated at the activation, not the "
        "pre-activation.",
    ),
    "dW2_sign": Bug("sign flipped in ∂L/∂W2", "dW2 = −A1ᵀ·delta2: a sign slipped."),
    "no_mean": Bug(
        "loss gradient not divided by N",
        "delta2 is the gradient of the summed loss, not of the mean: every gradient is N times too big.",
    ),
    "bias_first_sample": Bug(
        "bias gradient from the first sample only",
        "db = delta[0] instead of the sum of delta's rows over all N samples.",
    ),
}


def backward_with_bug(params: Params, cache: ForwardCache, y, bug: str | None, loss: str = "mse",
                      hidden: str | Activation = "sigmoid",
                      output: str | Activation = "sigmoid") -> tuple[float, Grads]:
    """``backward`` with one of BUGS planted in it (None plants nothing). Same shapes as backward."""
    value, g = backward(params, cache, y, loss, hidden, output)
    if bug is None:
        return value, g
    if bug not in BUGS:
        raise ValueError(f"unknown bug {bug!r}; choose one of: {', '.join(BUGS)}")
    act = get_activation(hidden)
    delta2 = g.delta2 * cache.X.shape[0] if bug == "no_mean" else g.delta2
    dW2 = cache.A1.T @ delta2
    if bug == "dW2_sign":
        dW2 = -dW2
    back = delta2 @ params.W2.T
    if bug == "no_activation_derivative":
        delta1 = back
    elif bug == "sigma_prime_of_A1":
        delta1 = back * act.grad(cache.A1)
    else:
        delta1 = back * act.grad(cache.Z1)
    dW1 = cache.X.T @ delta1
    if bug == "bias_first_sample":
        db1, db2 = delta1[0].copy(), delta2[0].copy()
    else:
        db1, db2 = delta1.sum(axis=0), delta2.sum(axis=0)
    return value, Grads(dW1, db1, dW2, db2, delta1, delta2)


def gradient_check(params: Params, X, y, loss: str = "mse", hidden: str | Activation = "sigmoid",
                   output: str | Activation = "sigmoid", h: float = 1e-5,
                   bug: str | None = None) -> GradientCheck:
    """Compare backward's gradients (optionally with ``bug`` planted) with numerical ones.

    - params: Params, W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)
    - X: (N, D) inputs; y: (N, C) targets
    Returns a GradientCheck with the relative error per parameter.
    """
    hidden_act, output_act = get_activation(hidden), get_activation(output)
    loss_fn = get_loss(loss, output_act)
    X = _check_X(params, X)
    y = _check_y(y, X.shape[0], params.dims[2], loss_fn)
    cache = _forward(params, X, hidden_act, output_act)
    _, grads = backward_with_bug(params, cache, y, bug, loss, hidden_act, output_act)
    analytic = grads.for_params()
    current = {name: np.array(arr) for name, arr in params.as_dict().items()}

    numerical: dict[str, np.ndarray] = {}
    for name in PARAM_NAMES:
        def loss_with(arr: np.ndarray, name: str = name) -> float:
            W1, b1, W2, b2 = (arr if n == name else current[n] for n in PARAM_NAMES)
            A1 = hidden_act.fn(X @ W1 + b1)
            Z2 = A1 @ W2 + b2
            return loss_fn.value(Z2, output_act.fn(Z2), y)

        numerical[name] = numerical_gradient(loss_with, current[name], h)

    errors = {name: rel_error(analytic[name], numerical[name]) for name in PARAM_NAMES}
    return GradientCheck(errors, {k: np.array(v) for k, v in analytic.items()}, numerical)
