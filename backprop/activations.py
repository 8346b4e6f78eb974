"""Activation functions, each beside its derivative with respect to the pre-activation z.

Every function works element-wise on an array of any shape (or a Python float) and returns float64.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np


def _scalar_or_array(out: np.ndarray):
    # A 0-d input gives a numpy scalar back, so sigmoid(2.0) reads like a number.
    return out[()] if out.ndim == 0 else out


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow: e^(−|z|) never exceeds 1."""
    z = np.asarray(z, dtype=np.float64)
    e = np.abs(z.reshape(-1)).reshape(z.shape)  # an array even for a 0-d z, so out= works below
    np.negative(e, out=e)
    np.exp(e, out=e)  # e = e^(−|z|) in (0, 1]
    out = np.where(z >= 0, 1.0, e)  # σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0
    e += 1.0
    out /= e
    return _scalar_or_array(out)


def sigmoid_grad(z):
    """σ′(z) = σ(z)·(1 − σ(z)): the derivative at the pre-activation z, not at A = σ(z)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_inplace_unguarded(z: np.ndarray) -> np.ndarray:
    """σ(z) written over the float64 array z: 1 / (1 + e^(−z)) with no temporaries, for a caller that already
    ignores overflow (train runs under np.errstate(over="ignore")).

    For z < −709, e^(−z) overflows to inf and 1 / (1 + inf) = 0, which is σ(z) in float64.
    """
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return np.divide(1.0, z, out=z)  # the same numbers as np.reciprocal, and faster


def sigmoid_inplace(z: np.ndarray) -> np.ndarray:
    """sigmoid_inplace_unguarded, with the expected overflow's warning silenced here (on a small epoch, entering
    this errstate costs a tenth of the time: the training loop uses the unguarded form under its own)."""
    with np.errstate(over="ignore"):
        return sigmoid_inplace_unguarded(z)


def tanh(z):
    """tanh(z)."""
    return _scalar_or_array(np.tanh(np.asarray(z, dtype=np.float64)))


def tanh_grad(z):
    """tanh′(z) = 1 − tanh²(z)."""
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return _scalar_or_array(1.0 - t * t)


def relu(z):
    """max(0, z)."""
    return _scalar_or_array(np.maximum(np.asarray(z, dtype=np.float64), 0.0))


def relu_grad(z):
    """1 where z > 0, else 0 (the subgradient 0 is taken at the kink z = 0)."""
    return _scalar_or_array((np.asarray(z, dtype=np.float64) > 0.0).astype(np.float64))


def identity(z):
    """z itself (a linear output layer)."""
    return _scalar_or_array(np.array(z, dtype=np.float64))


def identity_grad(z):
    """1 everywhere."""
    return _scalar_or_array(np.ones_like(np.asarray(z, dtype=np.float64)))


@dataclass(frozen=True)
class Activation:
    """An activation ``fn`` with its derivative ``grad`` (both of z), and how to write them.

    ``smooth`` is False where the function has a kink (relu), which is where a numerical
    gradient check can disagree with the analytic one by more than rounding. ``grad`` is None for
    softmax, whose derivative is not element-wise.
    """

    name: str
    fn: Callable
    grad: Callable | None
    latex: str
    grad_latex: str
    smooth: bool = True
    grad_from_output: Callable | None = None
    fn_inplace: Callable | None = None

    # grad_from_output(a) is the derivative written in terms of a = fn(z) (σ′ = a(1 − a)); with it,
    # fn_inplace(z) may overwrite z with fn(z): the training loop then needs no copy of Z.

    def grad_at(self, z, a):
        """The derivative at z, using the activation's output a = fn(z) where that saves work."""
        return self.grad_from_output(a) if self.grad_from_output is not None else self.grad(z)

    def __call__(self, z):
        return self.fn(z)


def _sigmoid_grad_from_output(a: np.ndarray) -> np.ndarray:
    """σ′ written through a = σ(z): a·(1 − a), in one new array (no temporaries: on a 512 × 32 layer each
    temporary costs more in allocation than in arithmetic)."""
    g = 1.0 - a
    g *= a
    return g


def _tanh_grad_from_output(a: np.ndarray) -> np.ndarray:
    """tanh′ written through a = tanh(z): 1 − a², in one new array."""
    g = np.multiply(a, a)
    np.subtract(1.0, g, out=g)
    return g


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid", sigmoid, sigmoid_grad, r"\sigma(z) = \frac{1}{1 + e^{-z}}",
        r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))", grad_from_output=_sigmoid_grad_from_output,
        fn_inplace=sigmoid_inplace,
    ),
    "tanh": Activation(
        "tanh", tanh, tanh_grad, r"\tanh(z)", r"\tanh'(z) = 1 - \tanh^2(z)",
        grad_from_output=_tanh_grad_from_output, fn_inplace=lambda z: np.tanh(z, out=z),
    ),
    "relu": Activation(
        "relu", relu, relu_grad, r"\mathrm{relu}(z) = \max(0, z)",
        r"\mathrm{relu}'(z) = [z > 0]", smooth=False,
        grad_from_output=lambda a: (a > 0.0).astype(np.float64), fn_inplace=lambda z: np.maximum(z, 0.0, out=z),
    ),
    "identity": Activation("identity", identity, identity_grad, r"g(z) = z", r"g'(z) = 1",
                           grad_from_output=np.ones_like, fn_inplace=lambda z: z),
}


def softmax(z):
    """softmax(z)[n, k] = e^(z[n, k]) / Σⱼ e^(z[n, j]), row by row, computed from z − max(z) so that no
    exponential overflows. Rows are samples: z (N, C) → (N, C), every row a probability distribution."""
    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 2:
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        e /= e.sum(axis=-1, keepdims=True)
        return e
    # Each row's largest entry picked by argmax, and each row's sum as a product with ones: numpy's max and
    # sum along a short last axis are several times slower (15 µs against 4 µs on 512 × 3)
    e = np.exp(z - z[np.arange(z.shape[0]), z.argmax(axis=1)][:, None])
    e /= np.dot(e, np.ones(z.shape[1]))[:, None]
    return e


#: The output layer's activation: any element-wise one, or softmax, which mixes a row's entries and so
#: has no element-wise derivative (grad is None; layers.activation_backward has its Jacobian product).
SOFTMAX = Activation("softmax", softmax, None, r"\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}",
                     r"\frac{\partial\, \mathrm{softmax}_k}{\partial z_j} = s_k([k = j] - s_j)")

def get_activation(activation: str | Activation) -> Activation:
    """The registered activation called ``activation``, or ``activation`` itself if it is one."""
    if isinstance(activation, Activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {activation!r}; choose one of: {known}") from None


#: What the last layer may apply: the element-wise activations that make sense on an output, and softmax.
OUTPUTS: dict[str, Activation] = {**{name: ACTIVATIONS[name] for name in ("sigmoid", "identity", "tanh")},
                                  "softmax": SOFTMAX}


def get_output(output: str | Activation) -> Activation:
    """The output layer's activation called ``output`` (sigmoid, identity, tanh or softmax), or ``output``
    itself if it is an Activation."""
    if isinstance(output, Activation):
        return output
    try:
        return OUTPUTS[output]
    except (KeyError, TypeError):
        raise ValueError(f"unknown output activation {output!r}; choose one of: {', '.join(OUTPUTS)}") from None


#: In-place forms for a caller that already ignores floating-point overflow (the training loop).
UNGUARDED_INPLACE: dict[str, Callable] = {"sigmoid": sigmoid_inplace_unguarded}


def unguarded(activation: Activation) -> Activation:
    """``activation`` with its in-place form swapped for one that leaves overflow to the caller's errstate."""
    raw = UNGUARDED_INPLACE.get(activation.name)
    if raw is None or activation.fn_inplace is not ACTIVATIONS.get(activation.name, activation).fn_inplace:
        return activation
    return replace(activation, fn_inplace=raw)
