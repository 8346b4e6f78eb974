"""A deep stack of layers, to show how gradient norms shrink or grow with depth (Problem 1).

A Network of depth + 1 layers with a linear output, trained on the mean squared error; its backward pass
is network_backward's, the same steps as the 2-layer network, repeated: Z_l = A_{l−1}·W_l + b_l, A_l = σ(Z_l) for
l = 1..depth, then a linear output Z_out = A_depth·W_out and the loss (1/2N)·Σ(Z_out − y)².
Backward: delta_l = (delta_{l+1}·W_{l+1}ᵀ) ∗ σ′(Z_l) and dW_l = A_{l−1}ᵀ·delta_l, each factor σ′
(at most 1/4 for the sigmoid) multiplying the gradient once more on its way to the first layer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop._checks import finite_float, positive_int, seed_value
from backprop.activations import Activation
from backprop.network import Network, network_loss_and_grads


def deep_params(depth: int, width: int, n_in: int = 2, scale: float = 1.0, seed: int = 0) -> list[tuple]:
    """[(W_l, b_l)] for depth hidden layers of ``width`` units and one linear output unit.

    W_l ~ N(0, scale²/fan_in): scale 1 keeps pre-activations of order one; larger or smaller
    scales make gradients explode or vanish faster. Biases are zero.
    """
    depth = positive_int("depth", depth)
    width = positive_int("width", width)
    scale = finite_float("scale", scale, minimum=0.0)
    rng = np.random.default_rng(seed_value("seed", seed))
    sizes = [positive_int("n_in", n_in)] + [width] * depth + [1]
    return [(rng.standard_normal((a, b)) * scale / np.sqrt(a), np.zeros(b)) for a, b in zip(sizes[:-1], sizes[1:],
                                                                                            strict=True)]


def _stack(layers: list[tuple], activation: str | Activation) -> Network:
    return Network(tuple(W for W, _ in layers), tuple(b for _, b in layers), activation, "identity")


def deep_loss(layers: list[tuple], X: np.ndarray, y: np.ndarray, activation: str | Activation = "sigmoid") -> float:
    """The mean squared error (1/2N)·Σ(Z_out − y)² of the stack on (X, y)."""
    return network_loss_and_grads(_stack(layers, activation), X, y, "mse")[0]


def deep_gradients(layers: list[tuple], X: np.ndarray, y: np.ndarray,
                   activation: str | Activation = "sigmoid") -> list[np.ndarray]:
    """[dW_1, …, dW_depth, dW_out]: the weight gradients of deep_loss, by backpropagation.

    - layers: from deep_params; X: (N, n_in); y: (N, 1)
    """
    return list(network_loss_and_grads(_stack(layers, activation), X, y, "mse")[1])


def deep_gradient_norms(depth: int, width: int = 16, activation: str | Activation = "sigmoid",
                        scale: float = 1.0, seed: int = 0, n_samples: int = 64) -> np.ndarray:
    """‖dW_l‖ (Frobenius) for l = 1..depth and the output layer: (depth + 1,), input side first.

    Data: n_samples standard-normal points in 2-D with standard-normal targets, from ``seed``.
    """
    rng = np.random.default_rng(seed_value("seed", seed))
    X = rng.standard_normal((positive_int("n_samples", n_samples), 2))
    y = rng.standard_normal((n_samples, 1))
    grads = deep_gradients(deep_params(depth, width, 2, scale, seed), X, y, activation)
    return np.array([np.linalg.norm(g) for g in grads])


@dataclass(frozen=True)
class NormsReading:
    """What a deep stack's gradient norms say (layer 1 first, the output layer last).

    - ratio: ‖dW_1‖ / ‖dW_out‖, how the first layer's gradient compares with the output layer's
    - largest, smallest: the extreme norms over all layers
    - verdict: "vanishing" (the first layer gets under 1/100 of the output's), "exploding" (a norm
      above 1e3 or a first layer over 100× the output's), "tiny" (every norm under 1e-6, however they
      compare: the weights are too small for anything to learn), or "healthy"
    """

    ratio: float
    largest: float
    smallest: float
    verdict: str


def read_norms(norms) -> NormsReading:
    """Read deep_gradient_norms' output: see NormsReading for the thresholds."""
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 1 or norms.size < 2:
        raise ValueError(f"norms must be a 1-D array of at least two layers' gradient norms; got shape {norms.shape}")
    ratio = float(norms[0] / norms[-1]) if norms[-1] > 0 else float("inf")
    largest, smallest = float(norms.max()), float(norms.min())
    if largest < 1e-6:
        verdict = "tiny"
    elif largest > 1e3 or ratio > 1e2:
        verdict = "exploding"
    elif ratio < 1e-2:
        verdict = "vanishing"
    else:
        verdict = "healthy"
    return NormsReading(ratio, largest, smallest, verdict)
