"""Losses, each a mean over the N samples, with delta2 = ∂L/∂Z2 computed beside the value.

Shapes: Z2, A2, y and the returned delta2 are all (N, C).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop.activations import Activation


def mse_value(Z2: np.ndarray, A2: np.ndarray, y: np.ndarray) -> float:
    """L = (1 / 2N) · Σ (A2 − y)²."""
    diff = A2 - y
    return float(np.vdot(diff, diff) / (2.0 * A2.shape[0]))


def mse_delta(Z2: np.ndarray, A2: np.ndarray, y: np.ndarray, output: Activation) -> np.ndarray:
    """delta2 = ∂L/∂Z2 = ((A2 − y) / N) ∗ g′(Z2)."""
    return (A2 - y) * (output.grad_at(Z2, A2) / A2.shape[0])


def bce_value(Z2: np.ndarray, A2: np.ndarray, y: np.ndarray) -> float:
    """L = (1/N) · Σ −[y·log σ(Z2) + (1 − y)·log(1 − σ(Z2))], from Z2 so that it never takes log 0.

    Uses −log σ(z) = softplus(−z) and softplus(z) = max(z, 0) + log(1 + e^(−|z|)).
    """
    per_entry = np.maximum(Z2, 0.0) - Z2 * y + np.log1p(np.exp(-np.abs(Z2)))
    return float(per_entry.sum() / Z2.shape[0])


def bce_delta(Z2: np.ndarray, A2: np.ndarray, y: np.ndarray, output: Activation) -> np.ndarray:
    """delta2 = ∂L/∂Z2 = (σ(Z2) − y) / N: the sigmoid's derivative cancels the log's."""
    return (A2 - y) / A2.shape[0]


@dataclass(frozen=True)
class Loss:
    """A loss's value and its delta2; ``needs_output`` names the only output it is defined for."""

    name: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray, Activation], np.ndarray]
    latex: str
    needs_output: str | None = None
    targets_in_unit_interval: bool = False


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", mse_value, mse_delta, r"L = \frac{1}{2N}\sum_{n,k}(A_{2,nk} - y_{nk})^2"),
    "bce": Loss(
        "bce", bce_value, bce_delta,
        r"L = -\frac{1}{N}\sum_{n,k}\big[y_{nk}\log A_{2,nk} + (1-y_{nk})\log(1-A_{2,nk})\big]",
        needs_output="sigmoid", targets_in_unit_interval=True,
    ),
}


def get_loss(loss: str, output: Activation | None = None) -> Loss:
    """The loss called ``loss``; with ``output`` given, also check that the pair makes sense."""
    try:
        found = LOSSES[loss]
    except (KeyError, TypeError):
        known = ", ".join(LOSSES)
        raise ValueError(f"unknown loss {loss!r}; choose one of: {known}") from None
    if output is not None and found.needs_output and output.name != found.needs_output:
        raise ValueError(
            f"loss {found.name!r} needs a {found.needs_output} output, but output is {output.name!r}; "
            f"use output={found.needs_output!r} or loss='mse'"
        )
    return found
