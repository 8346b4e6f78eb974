"""Losses, each a mean over the N samples. The gradient they start the backward pass with is made in
``layers.output_loss``; here are their values and what they may be paired with.

Shapes: Z and A are the output layer's pre-activation and activation, Y the targets, all (N, C); for
``ce`` Y is one-hot (``targets`` turns integer labels into one-hot rows).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop._checks import as_matrix, to_float_array
from backprop.activations import Activation


def mse_value(Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> float:
    """L = (1 / 2N) · Σ (A − Y)²."""
    diff = A - Y
    return float(np.vdot(diff, diff) / (2.0 * A.shape[0]))


def bce_terms(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """−[Y·log σ(Z) + (1 − Y)·log(1 − σ(Z))] entry by entry (N, C), from Z so that it never takes log 0.

    Uses −log σ(z) = softplus(−z) and softplus(z) = max(z, 0) + log(1 + e^(−|z|)).
    """
    return np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))


def bce_value(Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> float:
    """L = (1/N) · Σ −[Y·log σ(Z) + (1 − Y)·log(1 − σ(Z))], from Z so that it never takes log 0."""
    return float(bce_terms(Z, Y).sum() / Z.shape[0])


def ce_value(Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> float:
    """L = −(1/N) · Σₙ Σₖ Y[n, k]·log softmax(Z)[n, k], for A = softmax(Z) and rows of Y that sum to 1.

    Written so that logits of ±1000 give a finite loss, accurate to a few units in the last place of each row's
    largest terms (a row classified right with great confidence, whose loss is tiny, keeps about 7 significant
    digits; float64's log of a number near 1 loses the rest): with m the row's largest logit, log Σ e^z =
    m + log Σ e^(z − m), and Σ e^(z − m) = 1 / A[n, argmax], which is at least 1/C: so each row's loss is
    m − Σₖ Y[n, k]·Z[n, k] − log A[n, argmax] (exactly 0 − log A[n, argmax] for a row classified right).
    """
    rows = np.arange(Z.shape[0])
    top = A.argmax(axis=1)
    zy = np.dot(Z * Y, np.ones(Z.shape[1]))  # Σₖ Y[n, k]·Z[n, k], row by row
    return float(np.sum(Z[rows, top] - zy - np.log(A[rows, top])) / Z.shape[0])


@dataclass(frozen=True)
class Loss:
    """A loss's value, how to write it, and the output it needs.

    - needs_output: the only output activation it is defined for (None: any element-wise one)
    - cancels: with that output, ∂L/∂Z = (A − Y)/N directly (the output's derivative cancels the log's);
      otherwise ∂L/∂A = (A − Y)/N is carried back through the output activation
    - classes: targets are classes (0/1 for bce, one class per row for ce), so accuracy means something
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray, np.ndarray], float]
    latex: str
    needs_output: str | None = None
    cancels: bool = False
    targets_in_unit_interval: bool = False


LOSSES: dict[str, Loss] = {
    "mse": Loss("mse", mse_value, r"L = \frac{1}{2N}\sum_{n,k}(A_{2,nk} - y_{nk})^2"),
    "bce": Loss(
        "bce", bce_value,
        r"L = -\frac{1}{N}\sum_{n,k}\big[y_{nk}\log A_{2,nk} + (1-y_{nk})\log(1-A_{2,nk})\big]",
        needs_output="sigmoid", cancels=True, targets_in_unit_interval=True,
    ),
    "ce": Loss("ce", ce_value, r"L = -\frac{1}{N}\sum_{n,k} y_{nk}\log \mathrm{softmax}(Z)_{nk}",
               needs_output="softmax", cancels=True, targets_in_unit_interval=True),
}


def loss_terms(loss: Loss, Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float]:
    """The summands of L and what their sum is divided by, for writing L out: L = terms.sum() / divisor.

    - mse: terms (A − Y)² (N, C), divisor 2N
    - bce: terms −[Y·log A + (1 − Y)·log(1 − A)] (N, C), from Z (see bce_terms), divisor N
    """
    if loss.name == "mse":
        return (A - Y) ** 2, 2.0 * A.shape[0]
    if loss.name == "bce":
        return bce_terms(Z, Y), float(A.shape[0])
    raise ValueError(f"loss_terms writes out mse and bce; got {loss.name!r}")


def loss_gradient(loss: Loss, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∂L/∂A (N, C): how the mean loss changes with each output A[n, k], for writing the chain rule out.

    - mse: (A − Y)/N
    - bce: −(Y/A − (1 − Y)/(1 − A))/N = (A − Y)/(N·A·(1 − A)); not finite where a sigmoid has saturated to
      exactly 0 or 1 (the backward pass never forms it: with a sigmoid, layers.output_loss goes straight to (A − Y)/N)
    - ce: −Y/(N·A)
    A and Y: (N, C), the output layer's activation and the targets (see ``targets``).
    """
    N = A.shape[0]
    if loss.name == "mse":
        return (A - Y) / N
    with np.errstate(divide="ignore", invalid="ignore"):
        if loss.name == "bce":
            return (A - Y) / (N * A * (1.0 - A))
        return -Y / (N * A)


def get_loss(loss: str, output: Activation | None = None) -> Loss:
    """The loss called ``loss``; with ``output`` given, also check that the pair makes sense."""
    try:
        found = LOSSES[loss]
    except (KeyError, TypeError):
        known = ", ".join(LOSSES)
        raise ValueError(f"unknown loss {loss!r}; choose one of: {known}") from None
    if output is not None:
        if found.needs_output and output.name != found.needs_output:
            raise ValueError(
                f"loss {found.name!r} needs a {found.needs_output} output, but output is {output.name!r}; "
                f"use output={found.needs_output!r} or loss='mse'"
            )
        if output.grad is None and not found.needs_output:
            raise ValueError(f"a {output.name} output goes with loss='ce', not {found.name!r}")
    return found


def targets(y, N: int, C: int, loss: Loss, name: str = "y") -> np.ndarray:
    """The targets ``y`` as a float64 (N, C) matrix Y, checked against the network's output.

    A 1-D y is read as a column when C == 1 and as one row when N == 1. For ``ce``, y may also be N
    integer class labels (0 … C−1), turned into one-hot rows; one-hot (or probability) rows are kept.
    ``name``: the argument's name in error messages (y_test for held-out targets).
    """
    arr = to_float_array(name, y)
    if loss.name == "ce" and arr.ndim == 1 and arr.shape[0] == N:
        if (arr != np.round(arr)).any() or (arr < 0).any() or (arr >= C).any():
            raise ValueError(f"{name} holds class labels, which must be whole numbers from 0 to {C - 1} "
                             f"(C = {C} outputs); {name} ranges over [{arr.min():g}, {arr.max():g}]")
        Y = np.zeros((N, C))
        Y[np.arange(N), arr.astype(np.intp)] = 1.0
        return Y
    if arr.ndim == 1:
        if C == 1 and arr.shape[0] == N:
            arr = arr.reshape(N, 1)
        elif N == 1:
            arr = arr.reshape(1, -1)
    Y = as_matrix(name, arr)
    if Y.shape != (N, C):
        raise ValueError(f"{name} has shape {Y.shape} but the network's output has shape ({N}, {C})")
    if loss.targets_in_unit_interval and ((Y < 0).any() or (Y > 1).any()):
        raise ValueError(f"loss {loss.name!r} needs targets {name} between 0 and 1; {name} ranges over "
                         f"[{Y.min():g}, {Y.max():g}]")
    if loss.name == "ce" and not np.allclose(Y.sum(axis=1), 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"loss 'ce' needs each row of {name} to be one-hot (or to sum to 1), or {name} to be "
                         f"integer class labels of shape ({N},)")
    return Y
