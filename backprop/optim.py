"""Update rules, one small function each, in cs231n's shape: ``update(w, dw, state) -> (next_w, state)``.

``w`` and ``dw`` are arrays of the same shape (training passes every parameter at once, as one flat
vector); ``state`` holds the rule's hyperparameters and whatever it carries from step to step (a
velocity, Adam's moments). The rules return new arrays and never change their inputs, so a step that
turns out not to be finite can be thrown away.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop._checks import finite_float


def sgd(w: np.ndarray, dw: np.ndarray, state: dict) -> tuple[np.ndarray, dict]:
    """Plain gradient descent: w ← w − lr·dw. state: {"lr"}."""
    return w - state["lr"] * dw, state


def sgd_momentum(w: np.ndarray, dw: np.ndarray, state: dict) -> tuple[np.ndarray, dict]:
    """Gradient descent with momentum: v ← momentum·v − lr·dw, w ← w + v.

    state: {"lr", "momentum"}, and "velocity" (shaped like w, zero at first).
    """
    v = state.get("velocity")
    v = -state["lr"] * dw if v is None else state["momentum"] * v - state["lr"] * dw
    return w + v, {**state, "velocity": v}


def adam(w: np.ndarray, dw: np.ndarray, state: dict) -> tuple[np.ndarray, dict]:
    """Adam (Kingma & Ba): running means of dw and dw², corrected for their start at zero.

    m ← β1·m + (1 − β1)·dw, v ← β2·v + (1 − β2)·dw², t ← t + 1,
    w ← w − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε).
    state: {"lr", "beta1" (0.9), "beta2" (0.999), "eps" (1e-8)}, and "m", "v", "t" (zero at first).
    """
    b1, b2, eps = state.get("beta1", 0.9), state.get("beta2", 0.999), state.get("eps", 1e-8)
    t = state.get("t", 0) + 1
    m = (1 - b1) * dw if state.get("m") is None else b1 * state["m"] + (1 - b1) * dw
    v = (1 - b2) * dw * dw if state.get("v") is None else b2 * state["v"] + (1 - b2) * dw * dw
    step = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return w - state["lr"] * step, {**state, "m": m, "v": v, "t": t}


OPTIMIZERS: dict[str, Callable[[np.ndarray, np.ndarray, dict], tuple[np.ndarray, dict]]] = {
    "sgd": sgd,
    "momentum": sgd_momentum,
    "adam": adam,
}


def optimizer_state(optimizer: str, lr: float, momentum: float | None = None) -> dict:
    """The starting state of ``optimizer`` ("sgd", "momentum" or "adam") with learning rate ``lr``.

    momentum: for "momentum", the factor (0.9 when None); must be in [0, 1).
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}")
    state = {"lr": finite_float("lr", lr, minimum=0.0, strict=True)}
    if optimizer == "momentum":
        momentum = 0.9 if momentum is None else finite_float("momentum", momentum, minimum=0.0)
        if momentum >= 1.0:
            raise ValueError(f"momentum must be below 1; got {momentum}")
        state["momentum"] = momentum
    return state
