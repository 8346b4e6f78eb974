"""Runs described by a TrainConfig: trained at once or a few epochs at a time (as Play and Step do), split into
training and test data, read into the numbers the lessons quote, and drawn over the input plane."""
from dataclasses import replace

import numpy as np
import pytest

import backprop as bp
from backprop.planes import layer_maps, plane
from backprop.reading import curves, read_run
from backprop.runs import MAX_SNAPSHOTS, TrainConfig, advance, check_config, join, start_run, train_config

CONFIGS = {
    "default": TrainConfig(),
    "deep adam minibatch": TrainConfig(hidden_sizes=(8, 6), optimizer="adam", lr=0.01, batch_size=16, epochs=60),
    "softmax momentum l2": TrainConfig(dataset="blobs", n_classes=3, output="softmax", loss="ce", optimizer="momentum",
                                       lr=0.1, l2=0.001, epochs=40),
    "regression diverges": TrainConfig(dataset="surface", noise=0.1, output="identity", loss="mse", init_scale=None,
                                       lr=2.0, epochs=300),
    "assignment": TrainConfig(dataset="assignment", test_ratio=0.0, hidden_sizes=(2,), hidden="sigmoid", loss="mse",
                              lr=2.0, epochs=50),
}


def assert_same_history(a: bp.History, b: bp.History) -> None:
    for name in ("losses", "accuracies", "test_losses", "test_accuracies"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            np.testing.assert_array_equal(x, y, err_msg=name)
    for name in a.grad_norms:
        np.testing.assert_array_equal(a.grad_norms[name], b.grad_norms[name], err_msg=name)
    assert a.final_loss == b.final_loss or (np.isnan(a.final_loss) and np.isnan(b.final_loss))
    assert a.diverged_at == b.diverged_at
    for W, V in zip(a.params.Ws, b.params.Ws, strict=True):
        np.testing.assert_array_equal(W, V)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS)
@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_training_a_few_epochs_at_a_time_is_one_run(config, chunk):
    """Play and Step advance a run by a few epochs each time: epoch by epoch the numbers of one uninterrupted run
    (optimiser moments, mini-batch shuffles and all)."""
    if chunk == 1:
        config = replace(config, epochs=min(config.epochs, 40))
    full = train_config(config)
    run = start_run(config)
    assert run.history is None and run.epochs_done == 0 and run.snapshot_epochs == [0]
    while not run.finished:
        before = run.epochs_done
        run = advance(run, chunk)
        assert run.epochs_done == min(before + chunk, config.epochs) or run.history.diverged_at is not None
        assert run.snapshot_epochs[-1] == run.epochs_done
    assert_same_history(full.history, run.history)
    assert run.snapshot_epochs[0] == 0 and len(run.snapshot_epochs) <= MAX_SNAPSHOTS
    assert advance(run, 5) is run, "a finished run stays as it is"


def test_a_diverged_run_is_finished_where_it_diverged():
    run = train_config(CONFIGS["regression diverges"])
    assert run.finished and run.history.diverged_at is not None
    assert run.epochs_done == run.history.diverged_at < run.config.epochs


def test_join_needs_consecutive_histories_and_thins_snapshots_evenly():
    config = replace(TrainConfig(), epochs=300)
    run = start_run(config)
    first = advance(run, 10).history
    with pytest.raises(ValueError, match="starts at epoch 0, but first ends at epoch 10"):
        join(first, first)
    run = start_run(config)
    for _ in range(300):
        run = advance(run, 1)
    epochs = run.snapshot_epochs
    assert len(epochs) <= MAX_SNAPSHOTS and epochs[0] == 0 and epochs[-1] == 300
    ideal = 300 / (MAX_SNAPSHOTS - 1)
    assert max(np.diff(epochs)) <= 3 * ideal, f"the kept epochs are not spread evenly: {epochs}"


def test_start_run_splits_the_data_and_seeds_the_network():
    run = start_run(TrainConfig(n_samples=200, test_ratio=0.3, hidden_sizes=(5, 4), seed=3, init_scale=None))
    assert run.data.n_samples == 140 and run.test.n_samples == 60
    assert not set(map(tuple, run.data.X)) & set(map(tuple, run.test.X))
    expected = bp.init_network((2, 5, 4, 1), hidden="tanh", output="sigmoid", seed=3, scale=None)
    for W, V in zip(run.initial.Ws, expected.Ws, strict=True):
        np.testing.assert_array_equal(W, V)
    assert start_run(TrainConfig(test_ratio=0.0)).test is None
    softmax = start_run(TrainConfig(dataset="spirals", n_classes=4, output="softmax", loss="ce"))
    assert softmax.initial.sizes == (2, 8, 4) and softmax.targets(softmax.data).ndim == 1


@pytest.mark.parametrize("changes, field", [
    ({"dataset": "mnist"}, "dataset"),
    ({"output": "softmax", "loss": "mse"}, "output and loss"),
    ({"n_classes": 3}, "n_classes"),
    ({"dataset": "surface"}, "output"),
    ({"dataset": "blobs", "n_classes": 3}, "output"),
    ({"hidden_sizes": (8, 0)}, r"hidden_sizes\[1\]"),
    ({"optimizer": "rmsprop"}, "optimizer"),
    ({"lr": 0.0}, "lr"),
    ({"batch_size": 0}, "batch_size"),
])
def test_impossible_configs_are_refused_naming_the_setting(changes, field):
    with pytest.raises(ValueError, match=field):
        check_config(replace(TrainConfig(), **changes))


def test_read_run_reads_the_history():
    run = train_config(CONFIGS["regression diverges"])
    r = read_run(run.history)
    losses = run.history.losses
    rises = np.flatnonzero(np.diff(losses) > 0)
    assert r.rises == rises.size > 0 and r.first_rise == rises[0] + 1
    assert r.diverged_at == run.history.diverged_at and r.final_loss == np.inf
    sums = {name: series.sum() for name, series in run.history.grad_norms.items()}
    assert r.first_to_last == pytest.approx(sums["W1"] / sums["W2"])
    assert r.best_test_loss == run.history.test_losses.min()
    assert r.best_test_epoch == int(np.argmin(run.history.test_losses))
    calm = train_config(TrainConfig(epochs=100))
    c = read_run(calm.history)
    assert c.rises == 0 and c.first_rise is None and c.loss_change < -0.5
    W0, W1 = calm.initial.Ws[0], calm.network.Ws[0]
    assert c.weight_change["W1"] == pytest.approx(np.linalg.norm(W1 - W0) / np.linalg.norm(W0))
    assert c.gap == pytest.approx(calm.history.final_test_loss - calm.history.final_loss)
    with pytest.raises(ValueError, match="no epochs"):
        read_run(replace(calm.history, losses=np.array([])))


def test_curves_end_with_the_trained_network():
    run = train_config(replace(TrainConfig(), epochs=30))
    c, h = curves(run.history), run.history
    np.testing.assert_array_equal(c.epochs, np.arange(31))
    np.testing.assert_array_equal(c.train_loss[:-1], h.losses)
    assert c.train_loss[-1] == h.final_loss and c.test_loss[-1] == h.final_test_loss
    assert c.train_accuracy[-1] == h.final_accuracy and c.test_accuracy[-1] == h.final_test_accuracy
    assert c.grad_norms["W2"][-1] == pytest.approx(np.linalg.norm(h.snapshots[-1].grads["W2"]))
    diverged = curves(train_config(CONFIGS["regression diverges"]).history)
    assert np.isnan(diverged.train_loss[-1]) and np.isfinite(diverged.train_loss[:-1]).all()
    assert diverged.train_accuracy is None


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


def test_network_gradients_keep_every_layers_delta():
    net = bp.init_network((2, 4, 3, 2), hidden="tanh", output="softmax", seed=1)
    X = np.random.default_rng(0).standard_normal((6, 2))
    labels = np.array([0, 1, 1, 0, 1, 0])
    g = bp.network_gradients(net, X, labels, "ce", l2=0.01)
    loss, dWs, dbs = bp.network_loss_and_grads(net, X, labels, "ce", l2=0.01)
    assert g.loss == loss
    for a, b in zip(g.dWs, dWs, strict=True):
        np.testing.assert_array_equal(a, b)
    cache = bp.network_forward(net, X)
    assert [d.shape for d in g.deltas] == [(6, 4), (6, 3), (6, 2)]
    np.testing.assert_allclose(g.deltas[-1], (cache.output - np.eye(2)[labels]) / 6, rtol=1e-12)
    # dW_l = A_{l-1}ᵀ·δ_l (+ λW_l): the deltas are the ones the weight gradients were made from
    np.testing.assert_allclose(g.dWs[1], cache.As[0].T @ g.deltas[1] + 0.01 * net.Ws[1], rtol=1e-12)
    assert g.norms == pytest.approx([np.linalg.norm(dW) for dW in dWs])


def test_layer_signal_measures_spread_forward_and_error_backward():
    net = bp.init_network((2, 8, 8, 1), hidden="sigmoid", output="sigmoid", seed=0, scale=0.1)
    X = np.random.default_rng(1).standard_normal((40, 2))
    y = (X[:, :1] > 0).astype(float)
    s = bp.layer_signal(net, X, y, "bce")
    A = bp.network_forward(net, X).As
    assert s.spread == pytest.approx([a.std(axis=0).max() for a in A])
    g = bp.network_gradients(net, X, y, "bce")
    assert s.delta_norms == pytest.approx([np.linalg.norm(d) for d in g.deltas])
    assert s.delta_norms[0] < 1e-2 * s.delta_norms[-1], "small sigmoid weights: the error shrinks on the way back"


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
