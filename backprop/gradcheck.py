"""Numerical gradient checking, in cs231n's vocabulary, and typical backprop bugs to plant.

A gradient check compares the analytic gradients of ``backward`` with centred differences of the
loss, parameter by parameter, as a relative error: the way to trust a hand-written backward pass.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop._checks import finite_float
from backprop.activations import Activation, get_activation, get_output
from backprop.layers import ActivationCache, activation_backward, linear_backward, loss_and_delta
from backprop.losses import get_loss, targets
from backprop.network import (
    ForwardCache,
    Grads,
    Network,
    Params,
    backward_swapped,
    check_inputs,
    forward_unchecked,
    l2_penalty,
    network_backward,
)


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

    level: str  # "ok", "kink" (fine only where the function has a kink), "rounding" (see GradientCheck.bands),
    #             "warn" or "bad"
    text: str

    @property
    def label(self) -> str:
        """A few words for a table cell."""
        return {"ok": "agree", "kink": "fine only at kinks", "rounding": "agree (rounding near 0)",
                "warn": "suspicious", "bad": "wrong"}[self.level]


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
    """Analytic vs numerical gradients per parameter ("W1", "b1", …, "WL", "bL").

    - rel_errors: relative error per parameter (rel_error of the two arrays)
    - analytic, numerical: the two gradients per parameter, shaped like the parameter
    - h: the centred differences' step; loss: the loss at the checked parameters
    """

    rel_errors: dict[str, float]
    analytic: dict[str, np.ndarray]
    numerical: dict[str, np.ndarray]
    h: float = 1e-5
    loss: float = float("nan")

    @property
    def own_error(self) -> float:
        """How far a centred difference can be from the true derivative by itself: ten times its rounding error
        ε·|L|/h plus its truncation error, of order h² (for derivatives of order one)."""
        eps = float(np.finfo(np.float64).eps)
        return 10.0 * (eps * max(abs(self.loss), eps) / self.h + self.h**2)

    def bands(self, *, kinks: bool) -> dict[str, Band]:
        """cs231n's reading of each parameter's relative error, for a network with or without ``kinks`` (relu).

        Only a network with kinks reads 1e-7 to 1e-4 as "fine at kinks". Without kinks such an error comes from the
        entries' absolute differences: when every one is within the centred differences' own error (own_error),
        the relative error is large only on entries near 0, where that error is a large share of them, and the
        gradients agree; otherwise the error is suspicious."""
        out = {}
        for name, err in self.rel_errors.items():
            band = interpret_rel_error(err)
            if band.level == "kink" and not kinks:
                worst = float(np.max(np.abs(self.differences[name]), initial=0.0))
                if worst <= self.own_error:
                    band = Band("rounding", f"1e-7 to 1e-4 on entries near 0 only: every difference (at most "
                                            f"{worst:.1e}) is within the centred differences' own error "
                                            f"({self.own_error:.1e}), so the gradients agree")
                else:
                    band = Band("warn", f"1e-7 to 1e-4 with differences up to {worst:.1e}, beyond the centred "
                                        f"differences' own error ({self.own_error:.1e}): too high for a network "
                                        "without kinks, most likely a bug")
            out[name] = band
        return out

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
    """A typical mistake in a hand-written backward pass, planted by swapping one layer's backward function.

    ``swap(L)`` gives the replacements for a network of L layers (see network.Swap).
    """

    label: str
    explanation: str
    swap: Callable[[int], dict]


def _flip_dW(dZ, cache):
    dX, dW, db = linear_backward(dZ, cache)
    return dX, -dW, db


def _db_first_sample(dZ, cache):
    dX, dW, _ = linear_backward(dZ, cache)
    return dX, dW, dZ[0].copy()


def _sigma_prime_at_A(dA, cache):
    act, _, A = cache
    return activation_backward(dA, ActivationCache(act, A, act.fn(A)))


BUGS: dict[str, Bug] = {
    "no_activation_derivative": Bug(
        "δ1 without σ′(Z1)", "delta1 = delta2·W2ᵀ: the hidden activation's derivative was forgotten.",
        lambda L: {("activation", l): (lambda dA, cache: dA) for l in range(1, L)},
    ),
    "sigma_prime_of_A1": Bug(
        "σ′ taken at A1 instead of Z1",
        "delta1 = (delta2·W2ᵀ) ∗ σ′(A1): the derivative was evaluated at the activation, not the "
        "pre-activation.",
        lambda L: {("activation", l): _sigma_prime_at_A for l in range(1, L)},
    ),
    "dW2_sign": Bug("sign flipped in ∂L/∂W2", "dW2 = −A1ᵀ·delta2: a sign slipped.",
                    lambda L: {("linear", L): _flip_dW}),
    "no_mean": Bug(
        "loss gradient not divided by N",
        "delta2 is the gradient of the summed loss, not of the mean: every gradient is N times too big.",
        lambda L: {("loss",): lambda dZ: dZ * dZ.shape[0]},
    ),
    "bias_first_sample": Bug(
        "bias gradient from the first sample only",
        "db = delta[0] instead of the sum of delta's rows over all N samples.",
        lambda L: {("linear", l): _db_first_sample for l in range(1, L + 1)},
    ),
}


def _bug(bug: str | None) -> Bug | None:
    if bug is None:
        return None
    if bug not in BUGS:
        raise ValueError(f"unknown bug {bug!r}; choose one of: {', '.join(BUGS)}")
    return BUGS[bug]


def backward_with_bug(params: Params, cache: ForwardCache, y, bug: str | None, loss: str = "mse",
                      hidden: str | Activation = "sigmoid",
                      output: str | Activation = "sigmoid") -> tuple[float, Grads]:
    """``backward`` with one of BUGS planted in it (None plants nothing). Same shapes as backward."""
    planted = _bug(bug)
    return backward_swapped(params, cache, y, loss, hidden, output, swap=planted.swap(2) if planted else None)


def gradient_check(params: Params | Network, X, y, loss: str = "mse", hidden: str | Activation = "sigmoid",
                   output: str | Activation = "sigmoid", h: float = 1e-5,
                   bug: str | None = None, l2: float = 0.0) -> GradientCheck:
    """Compare backprop's gradients (optionally with ``bug`` planted) with numerical ones.

    - params: Params, W1 (D, H), b1 (H,), W2 (H, C), b2 (C,) with ``hidden``/``output``; or a Network of
      any depth (its own activations)
    - X: (N, D) inputs; y: (N, C) targets (or (N,) labels for loss="ce"); l2: as in network_loss_and_grads
    Returns a GradientCheck with the relative error per parameter ("W1", "b1", …).
    """
    if not isinstance(params, (Params, Network)):
        raise ValueError(f"params must be Params or a Network; got {type(params).__name__}")
    net = params if isinstance(params, Network) else params.network(get_activation(hidden), get_output(output))
    loss_fn = get_loss(loss, get_output(net.output))
    l2 = finite_float("l2", l2, minimum=0.0)
    X = check_inputs(net, X)
    Y = targets(y, X.shape[0], net.sizes[-1], loss_fn)
    planted = _bug(bug)

    def loss_of(model: Network) -> float:
        cache = forward_unchecked(model, X)
        return loss_fn.value(cache.Zs[-1], cache.output, Y) + (l2_penalty(model, l2) if l2 else 0.0)

    cache = forward_unchecked(net, X)
    _, dZ_out = loss_and_delta(cache.Zs[-1], cache.output, Y, cache.activation[-1], loss_fn)
    dWs, dbs, _ = network_backward(net, cache, dZ_out, swap=planted.swap(net.depth) if planted else None)
    analytic = {}
    for l, (dW, db, W) in enumerate(zip(dWs, dbs, net.Ws, strict=True), start=1):
        analytic[f"W{l}"] = dW + l2 * W if l2 else dW
        analytic[f"b{l}"] = db
    current = [np.array(arr) for _, arr in net.parameters()]
    numerical: dict[str, np.ndarray] = {}
    for i, (name, _) in enumerate(net.parameters()):
        def loss_with(arr: np.ndarray, i: int = i) -> float:
            return loss_of(net.with_parameters([arr if j == i else a for j, a in enumerate(current)]))

        numerical[name] = numerical_gradient(loss_with, current[i], h)

    errors = {name: rel_error(analytic[name], numerical[name]) for name in numerical}
    return GradientCheck(errors, {k: np.array(v) for k, v in analytic.items()}, numerical, h, float(loss_of(net)))
