"""Backpropagation as one local rule: a forward/backward pair per layer, each backward next to its forward.

A forward returns its output and a cache of what its backward needs; a backward takes the gradient of
the loss with respect to the layer's output (the *upstream* gradient) and returns the gradients with
respect to the layer's inputs and parameters. A network of any depth is these pairs in a row
(``backprop.network``), and this module is the only place where the chain rule of a layer is written.

Shapes (rows are samples): X (N, D), W (D, H), b (H,), Z and A (N, H).
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from backprop._checks import as_matrix
from backprop.activations import Activation, get_activation, get_output
from backprop.losses import Loss, get_loss, targets


class LinearCache(NamedTuple):
    """What linear_backward needs: the layer's input X (N, D) and its weights W (D, H).

    Either may be None when a gradient that needs it is not wanted: without W there is no dX, without X
    no dW (the assignment's Problem 3 gives A1 and δ2, not W2).
    """

    X: np.ndarray | None
    W: np.ndarray | None


class ActivationCache(NamedTuple):
    """What activation_backward needs: the activation, its input Z (N, H) and its output A = f(Z).

    Z is None when A was written over it (the training loop's activation_forward_inplace).
    """

    activation: Activation
    Z: np.ndarray | None
    A: np.ndarray


def linear_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, LinearCache]:
    """Z = X·W + b, the bias added to every row.

    - X: (N, D) inputs, one row per sample; W: (D, H) weights; b: (H,) bias
    Returns Z: (N, H) and the cache (X, W).
    """
    _check_linear(X, W, b)
    Z = X @ W + b
    return Z, LinearCache(X, W)


def linear_backward(dZ: np.ndarray, cache: LinearCache) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
    """The gradients of Z = X·W + b, given dZ = ∂L/∂Z.

    - dZ: (N, H) upstream gradient; cache: (X (N, D), W (D, H)) from linear_forward
    Returns
    - dX = dZ·Wᵀ (N, D): what the layer below receives (None if the cache has no W)
    - dW = Xᵀ·dZ (D, H): a sum over the N samples, so it has W's shape (None if the cache has no X)
    - db = Σₙ dZ[n, :] (H,): b is added to every row, so its gradient collects every row
    """
    X, W = cache
    _check_upstream(dZ, X, W)
    dX = None if W is None else dZ @ W.T
    dW = None if X is None else X.T @ dZ
    db = dZ.sum(axis=0)
    return dX, dW, db


def activation_forward(Z: np.ndarray, activation: str | Activation) -> tuple[np.ndarray, ActivationCache]:
    """A = f(Z): element-wise for sigmoid, tanh, relu and identity; row by row for softmax.

    - Z: (N, H) pre-activations; activation: a name from ACTIVATIONS or OUTPUTS, or an Activation
    Returns A: (N, H) and the cache (f, Z, A).
    """
    act = activation if isinstance(activation, Activation) else get_output_or_hidden(activation)
    A = act.fn(Z)
    return A, ActivationCache(act, Z, A)


def activation_backward(dA: np.ndarray, cache: ActivationCache) -> np.ndarray:
    """dZ = ∂L/∂Z, given dA = ∂L/∂A and the cache of A = f(Z).

    - dA: (N, H) upstream gradient
    Returns dZ: (N, H), with
    - element-wise f: dZ = dA ∗ f′(Z), entry by entry (f′ from A where that is cheaper: σ′ = A(1 − A))
    - softmax, whose every output depends on the whole row: dZ[n, k] = A[n, k]·(dA[n, k] − Σⱼ dA[n, j]·A[n, j])
    """
    act, Z, A = cache
    _check_same_shape(dA, A)
    if act.grad is None:  # softmax: the Jacobian diag(s) − s·sᵀ applied to each row of dA
        return A * (dA - (dA * A).sum(axis=1, keepdims=True))
    return dA * act.grad_at(Z, A)


# --- the training loop's fast path ------------------------------------------------------------------------
# The same products as the pairs above, for the loop that runs them thousands of times on arrays it has already
# checked: no checks, results written into arrays the loop owns, activations computed over their input.
# tests/backprop/test_layers.py checks that each gives the textbook function's numbers.


def linear_forward_fast(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, LinearCache]:
    """linear_forward without checks. np.dot rather than @: numpy's matmul takes a slow path for an inner size of 1."""
    Z = np.dot(X, W)
    Z += b
    return Z, LinearCache(X, W)


def linear_backward_into(dZ: np.ndarray, cache: LinearCache, dW: np.ndarray, db: np.ndarray,
                         ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """linear_backward, writing dW (D, H) and db (H,) into the given arrays (the training loop keeps every
    gradient in one flat vector) and returning them. Σₙ is a product with a row of ones: a few times faster than
    dZ.sum(axis=0) on tall matrices."""
    X, W = cache
    dX = None if W is None else np.dot(dZ, W.T)
    return dX, np.dot(X.T, dZ, out=dW), np.dot(_ones(dZ.shape[0]), dZ, out=db)


def activation_forward_inplace(Z: np.ndarray, act: Activation) -> tuple[np.ndarray, ActivationCache]:
    """activation_forward, writing A over Z when f′ can be had from A alone (σ′ = A(1 − A)): no copy of Z is made,
    and the cache holds no Z. Other activations are computed as activation_forward does."""
    if act.fn_inplace is not None and act.grad_from_output is not None:
        return (A := act.fn_inplace(Z)), ActivationCache(act, None, A)
    A = act.fn(Z)
    return A, ActivationCache(act, Z, A)


@functools.lru_cache(maxsize=64)
def _ones(n: int) -> np.ndarray:
    """A read-only row of n ones, made once per n (the training loop asks for the same n every epoch)."""
    ones = np.ones(n)
    ones.setflags(write=False)
    return ones


# --- checks at the public entry points ----------------------------------------------------------------------


def _array_error(name: str, a, ndim: int) -> ValueError | None:
    if isinstance(a, np.ndarray) and a.ndim == ndim and a.dtype.kind == "f":
        return None
    got = f"a {a.ndim}-D {a.dtype} array of shape {a.shape}" if isinstance(a, np.ndarray) else f"a {type(a).__name__}"
    return ValueError(f"{name} must be a {ndim}-D float numpy array (np.asarray(..., dtype=float)); got {got}")


def _check_arrays(**named: tuple[object, int]) -> None:
    """Raise a ValueError naming the first argument that is not a float numpy array of its number of dimensions."""
    for name, (a, ndim) in named.items():
        if (error := _array_error(name, a, ndim)) is not None:
            raise error


def _shape_error(what: str, a_name: str, a: np.ndarray, b_name: str, b: np.ndarray) -> ValueError:
    return ValueError(f"{a_name} has shape {a.shape} but {b_name} has shape {b.shape}: {what}")


def _check_linear(X, W, b) -> None:
    _check_arrays(X=(X, 2), W=(W, 2), b=(b, 1))
    if X.shape[1] != W.shape[0]:
        raise _shape_error("X needs one column per row of W", "X", X, "W", W)
    if b.shape != (W.shape[1],):
        raise _shape_error("b needs one entry per column of W", "b", b, "W", W)


def _check_upstream(dZ, X, W) -> None:
    _check_arrays(dZ=(dZ, 2))
    if X is not None and X.shape[0] != dZ.shape[0]:
        raise _shape_error("both need one row per sample", "dZ", dZ, "X", X)
    if W is not None and W.shape[1] != dZ.shape[1]:
        raise _shape_error("dZ needs one column per column of W", "dZ", dZ, "W", W)


def _check_same_shape(dA, A: np.ndarray) -> None:
    _check_arrays(dA=(dA, A.ndim))
    if dA.shape != A.shape:
        raise _shape_error("dA needs the shape of the activation A", "dA", dA, "A", A)


def get_output_or_hidden(name: str) -> Activation:
    """An activation by name, from the hidden ones or the output ones (softmax)."""
    return get_output(name) if name == "softmax" else get_activation(name)


def loss_and_delta(Z: np.ndarray, A: np.ndarray, Y: np.ndarray, cache: ActivationCache,
                   loss: Loss) -> tuple[float, np.ndarray]:
    """The loss of the output A = f(Z) against Y (N, C), and dZ = ∂L/∂Z (N, C), where backpropagation starts.

    Every loss here is a mean over the N samples. For mse, ∂L/∂A = (A − Y)/N and dZ = activation_backward of it.
    bce (sigmoid only) and ce (softmax only) have other ∂L/∂A — (A − Y)/(N·A·(1 − A)) and −Y/(N·A), see
    losses.loss_gradient — but their output's derivative cancels them to dZ = (A − Y)/N, which is used directly
    (loss.cancels), so the backward pass never divides by a saturated output.
    """
    dA = A - Y
    value = float(np.vdot(dA, dA) / (2.0 * A.shape[0])) if loss.name == "mse" else loss.value(Z, A, Y)
    dA /= A.shape[0]
    return value, (dA if loss.cancels else activation_backward(dA, cache))


def output_loss(Z_out, y, output: str | Activation = "sigmoid", loss: str = "mse") -> tuple[float, np.ndarray]:
    """The loss of the output layer and the gradient it sends back, dZ_out = ∂L/∂Z_out.

    - Z_out: (N, C) the last layer's pre-activation
    - y: (N, C) targets; for ``ce`` also (N,) integer class labels (0 … C−1)
    - output/loss: sigmoid + bce (computed from Z_out, so never log 0), sigmoid + mse, identity + mse,
      softmax + ce (mean cross-entropy, stable for logits of any size)
    Returns (L, dZ_out (N, C)); L is a mean over the N samples.
    """
    act = get_output(output)
    loss_fn = get_loss(loss, act)
    Z_out = as_matrix("Z_out", Z_out)
    Y = targets(y, Z_out.shape[0], Z_out.shape[1], loss_fn)
    A, cache = activation_forward(Z_out, act)
    return loss_and_delta(Z_out, A, Y, cache, loss_fn)
