"""Tests of backprop.optim: the update rules take their textbook steps, and each lowers the loss in training."""
import numpy as np
import pytest

import backprop as bp


def test_update_rules_take_their_textbook_steps():
    w, dw = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    nxt, _ = bp.optim.sgd(w, dw, {"lr": 0.1})
    np.testing.assert_allclose(nxt, w - 0.1 * dw)
    state = {"lr": 0.1, "momentum": 0.9}
    w1, state = bp.optim.sgd_momentum(w, dw, state)
    w2, state = bp.optim.sgd_momentum(w1, dw, state)
    np.testing.assert_allclose(w2, w - 0.1 * dw + 0.9 * (-0.1 * dw) - 0.1 * dw)
    a1, st = bp.optim.adam(w, dw, {"lr": 0.1})
    np.testing.assert_allclose(a1, w - 0.1 * np.sign(dw), rtol=1e-6)  # Adam's first step is lr in every direction
    assert st["t"] == 1
    np.testing.assert_array_equal(w, [1.0, -2.0])  # inputs untouched


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_lowers_the_loss(optimizer):
    data = bp.make_dataset("moons", 80, 0.1, seed=0)
    net = bp.init_network((2, 8, 1), hidden="tanh", output="sigmoid", seed=0)
    h = bp.train(net, data.X, data.y, lr=0.05 if optimizer == "adam" else 0.5, epochs=200, loss="bce",
                 optimizer=optimizer)
    assert h.final_loss < 0.6 * h.losses[0]
