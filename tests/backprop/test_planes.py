"""Tests of backprop.planes: a network over the input plane (layer maps, the decision grid, boundary crossings)."""
from dataclasses import replace

import numpy as np
import pytest

import backprop as bp
from backprop.planes import layer_maps, plane
from backprop.runs import TrainConfig, train_config


def test_decision_grid_is_the_trained_networks_output():
    run = train_config(bp.TrainConfig(epochs=100))
    h, cfg = run.history, run.config
    xs, ys, A2 = bp.planes.decision_grid(h.params, run.data.X, cfg.hidden, cfg.output, resolution=30)
    assert xs.shape == ys.shape == (30,) and A2.shape == (30, 30)
    assert xs[0] < run.data.X[:, 0].min() and xs[-1] > run.data.X[:, 0].max()
    for i, j in [(0, 0), (7, 21), (29, 3), (15, 15)]:
        expected = bp.predict(h.params, [[xs[j], ys[i]]])[0, 0]
        assert A2[i, j] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="needs 2 inputs and 1 output"):
        bp.planes.decision_grid(bp.init_params(3, 2, 1), np.zeros((2, 3)))


def test_layer_maps_are_the_network_run_on_the_plane():
    run = train_config(replace(TrainConfig(hidden_sizes=(3, 2)), epochs=20))
    xs, ys, points = plane(run.data.X, resolution=9, margin=0.5)
    assert points.shape == (81, 2) and xs[0] == pytest.approx(run.data.X[:, 0].min() - 0.5)
    maps = layer_maps(run.network, xs, ys)
    assert [m.shape for m in maps] == [(9, 9, 3), (9, 9, 2), (9, 9, 1)]
    cache = bp.network_forward(run.network, [[xs[4], ys[7]]])
    for m, A in zip(maps, cache.As, strict=True):
        np.testing.assert_allclose(m[7, 4], A[0], rtol=1e-12)
    with pytest.raises(ValueError, match="2 inputs"):
        layer_maps(bp.init_network((3, 2, 1)), xs, ys)
    with pytest.raises(ValueError, match="2 columns"):
        plane(np.zeros((4, 3)))


def test_crossings_mark_the_grid_points_beside_the_boundary():
    from backprop.planes import crossings

    xs = np.linspace(-1, 1, 9)
    P = np.tile(1 / (1 + np.exp(-4 * xs)), (5, 1))  # ½ at column 4 (x = 0), which counts as above
    mask = crossings(P)
    assert mask.shape == (5, 9)
    assert mask[:, 3].all() and mask[:, 4].all() and not mask[:, [0, 1, 2, 5, 6, 7, 8]].any()
    flat = crossings(np.full((4, 4), 0.2))
    assert not flat.any()
    holes = np.array([[0.0, np.nan, 1.0]])
    assert not crossings(holes)[0, 1] and not crossings(holes).any(), "NaN is on neither side"
    with pytest.raises(ValueError, match="2-D"):
        crossings(np.zeros(3))
