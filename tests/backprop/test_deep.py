"""Tests of backprop.deep, Problem 1's deep stack: its gradients, vanishing and exploding norms, and how they read."""
import numpy as np
import pytest

import backprop as bp
from backprop import deep


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_deep_stack_gradients_agree_with_numerical_ones(activation):
    rng = np.random.default_rng(0)
    layers = deep.deep_params(depth=4, width=3, n_in=2, scale=1.5, seed=1)
    X, y = rng.standard_normal((5, 2)), rng.standard_normal((5, 1))
    grads = deep.deep_gradients(layers, X, y, activation)
    assert len(grads) == 5
    for l, (W, b) in enumerate(layers):
        def loss_of(Wl, l=l, b=b):
            trial = list(layers)
            trial[l] = (Wl, b)
            return deep.deep_loss(trial, X, y, activation)

        assert bp.rel_error(grads[l], bp.numerical_gradient(loss_of, W)) < 1e-6, l


def test_sigmoid_gradients_vanish_towards_the_input():
    norms = deep.deep_gradient_norms(depth=10, width=16, activation="sigmoid", scale=1.0, seed=0)
    assert norms.shape == (11,)
    assert norms[0] < 1e-3 * norms[-1]
    assert np.all(np.diff(np.log(norms[:-1])) > 0)  # every layer closer to the output gets more


def test_large_init_makes_gradients_explode():
    calm = deep.deep_gradient_norms(depth=10, width=16, activation="relu", scale=1.0, seed=0)
    wild = deep.deep_gradient_norms(depth=10, width=16, activation="relu", scale=3.0, seed=0)
    assert wild.min() > 1e4 * calm.max()
    tanh = deep.deep_gradient_norms(depth=10, width=16, activation="tanh", scale=3.0, seed=0)
    assert tanh[0] > 5 * tanh[-1]  # growing, not shrinking, on the way back to the input


@pytest.mark.parametrize("activation, scale, depth, verdict", [
    ("sigmoid", 1.0, 10, "vanishing"),
    ("relu", 3.0, 10, "exploding"),
    ("relu", 0.25, 12, "tiny"),
    ("tanh", 1.0, 3, "healthy"),
])
def test_reading_the_norms(activation, scale, depth, verdict):
    reading = deep.read_norms(deep.deep_gradient_norms(depth, 16, activation, scale, seed=0))
    assert reading.verdict == verdict, reading
