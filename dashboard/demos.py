"""The live demonstrations of Problem 1 and the gradient-check page: small seeded problems and what
their numbers say. Pure functions over ``backprop``; the pages only lay them out."""
from __future__ import annotations

import numpy as np

import backprop as bp
from backprop.deep import NormsReading
from dashboard.numbers import short


def norms_reading_text(reading: NormsReading, activation: str) -> str:
    """What a deep stack's gradient norms say, with the numbers of its reading, and what to try."""
    advice = {
        "vanishing": "It is vanishing: the early layers barely learn. "
                     + ("Try tanh or relu, " if activation == "sigmoid" else "Try ")
                     + "fewer layers or a larger scale.",
        "exploding": ("It is exploding. " if reading.ratio > 1e2 else
                      f"It is exploding all the same: the largest layer's gradient norm is "
                      f"{short(reading.largest, 2)}. ") + "Try a smaller weight scale or fewer layers.",
        "tiny": f"Every layer's gradient is tiny (the largest is {short(reading.largest, 2)}): the weights are too "
                "small for the signal to get through in either direction. Try a larger weight scale.",
        "healthy": "The gradients stay within a few orders of magnitude of each other: every layer can learn.",
    }
    return f"The first layer's gradient is {short(reading.ratio, 2)} × the output layer's. " + advice[reading.verdict]


def random_problem(N: int, D: int, H: int, C: int, seed: int,
                   loss: str = "mse") -> tuple[bp.Params, np.ndarray, np.ndarray]:
    """A seeded 2-layer problem: Params (init_params(D, H, C, seed)), X (N, D) standard normal and targets
    y (N, C) that ``loss`` accepts: one-hot rows (a random class per sample) for "ce", otherwise uniform in
    [0, 1] (which mse and bce both accept)."""
    rng = np.random.default_rng(seed)
    params = bp.init_params(D, H, C, seed=seed)
    X = rng.standard_normal((N, D))
    if loss == "ce":
        return params, X, np.eye(C)[rng.integers(C, size=N)]
    return params, X, rng.uniform(size=(N, C))


def custom_activation_check(activation: bp.Activation) -> bp.GradientCheck:
    """A custom activation inside a 2-4-1 network on 6 samples, checked parameter by parameter."""
    params, X, y = random_problem(6, 2, 4, 1, seed=0)
    return bp.gradient_check(params, X, y, hidden=activation)


def bug_demo(bug: str) -> tuple[bp.GradientCheck, bp.GradientCheck]:
    """A 3-4-2 network on 5 samples, checked with a correct backward pass and with ``bug`` planted."""
    params, X, y = random_problem(5, 3, 4, 2, seed=1)
    return bp.gradient_check(params, X, y), bp.gradient_check(params, X, y, bug=bug)
