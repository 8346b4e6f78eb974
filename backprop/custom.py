"""Activations that are not built in, written the way a practitioner adds one: a function and its
derivative, checked numerically before they are trusted (Problem 1). One has a deliberate bug.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.activations import Activation, sigmoid
from backprop.gradcheck import numerical_gradient, rel_error


def softplus(z):
    """log(1 + e^z), computed as max(z, 0) + log(1 + e^(−|z|)) so that it never overflows."""
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def swish(z):
    """z·σ(z) (also called SiLU)."""
    z = np.asarray(z, dtype=np.float64)
    return z * sigmoid(z)


def swish_grad(z):
    """σ(z) + z·σ(z)·(1 − σ(z)), by the product rule."""
    z = np.asarray(z, dtype=np.float64)
    s = sigmoid(z)
    return s + z * s * (1.0 - s)


def swish_grad_forgot_product_rule(z):
    """A typical slip: d/dz [z·σ(z)] written as σ(z), dropping z·σ′(z)."""
    return sigmoid(z)


def leaky_relu(z, slope: float = 0.1):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, slope * z)


def leaky_relu_grad(z, slope: float = 0.1):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, slope)


CUSTOM_ACTIVATIONS: dict[str, Activation] = {
    "softplus": Activation("softplus", softplus, sigmoid, r"f(z) = \log(1 + e^{z})", r"f'(z) = \sigma(z)"),
    "swish": Activation("swish", swish, swish_grad, r"f(z) = z\,\sigma(z)",
                        r"f'(z) = \sigma(z) + z\,\sigma(z)\,(1 - \sigma(z))"),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_grad,
                             r"f(z) = \max(0.1\,z,\ z)", r"f'(z) = 1 \text{ if } z > 0 \text{ else } 0.1",
                             smooth=False),
    "swish_buggy": Activation("swish_buggy", swish, swish_grad_forgot_product_rule,
                              r"f(z) = z\,\sigma(z)", r"f'(z) = \sigma(z) \quad \text{(product rule forgotten)}"),
}


@dataclass(frozen=True, eq=False)
class DerivativeCheck:
    """An activation's derivative at points z, analytic and by centred differences, and their rel_error."""

    z: np.ndarray
    analytic: np.ndarray
    numerical: np.ndarray
    rel_error: float


def check_derivative(activation: Activation, z=None, h: float = 1e-5) -> DerivativeCheck:
    """Compare ``activation.grad`` with centred differences of ``activation.fn`` at the points z.

    By default z runs over [−4, 4] at points that avoid 0, where kinked functions have no derivative.
    """
    z = np.linspace(-4.05, 3.95, 41) if z is None else np.asarray(z, dtype=np.float64)
    analytic = np.asarray(activation.grad(z), dtype=np.float64)
    # f acts entry by entry, so the gradient of Σ f(z) is f′ at every point.
    numerical = numerical_gradient(lambda v: float(np.sum(activation.fn(v))), z, h)
    return DerivativeCheck(z, analytic, numerical, rel_error(analytic, numerical))
