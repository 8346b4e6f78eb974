"""Tests of backprop.training: XOR is learned, runs are reproducible and resumable, the history means what it says."""
import numpy as np
import pytest

import backprop as bp
from backprop.deep import read_norms
from backprop.runs import train_config
from backprop.training import evenly_spaced_epochs


def test_xor_with_default_settings_is_learned():
    run = train_config(bp.TrainConfig())
    assert run.config.dataset == "xor"
    h = run.history
    assert h.diverged_at is None and h.epochs_run == run.config.epochs
    assert h.losses[-1] <= 0.05 * h.losses[0], (h.losses[0], h.losses[-1])
    predictions = bp.predict(h.params, run.data.X, run.config.hidden, run.config.output)
    assert bp.accuracy(predictions, run.data.y) == 1.0
    assert h.accuracies[-1] == 1.0


def test_the_same_settings_give_the_same_run():
    a = train_config(bp.TrainConfig(epochs=50)).history
    b = train_config(bp.TrainConfig(epochs=50)).history
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.params.Ws[0], b.params.Ws[0])
    c = train_config(bp.TrainConfig(epochs=50, seed=1)).history
    assert not np.array_equal(a.losses, c.losses)


def test_losses_are_before_each_update_and_updates_are_plain_gradient_descent():
    data = bp.make_dataset("moons", 40, 0.1, seed=0)
    p0 = bp.init_params(2, 3, 1, seed=0)
    h = bp.train(p0, data.X, data.y, lr=0.3, epochs=3, snapshot_epochs=[0, 1, 2])
    loss0, g0 = bp.backward(p0, bp.forward(p0, data.X), data.y)
    assert h.losses[0] == pytest.approx(loss0, rel=1e-14)
    p1 = bp.Params(p0.W1 - 0.3 * g0.dW1, p0.b1 - 0.3 * g0.db1, p0.W2 - 0.3 * g0.dW2, p0.b2 - 0.3 * g0.db2)
    loss1, g1 = bp.backward(p1, bp.forward(p1, data.X), data.y)
    assert h.losses[1] == pytest.approx(loss1, rel=1e-14)
    np.testing.assert_allclose(h.snapshots[1].params.W1, p1.W1, rtol=1e-14)
    np.testing.assert_allclose(h.snapshots[1].grads["W2"], g1.dW2, rtol=1e-12)
    assert h.grad_norms["W1"][0] == pytest.approx(np.linalg.norm(g0.dW1))
    assert h.grad_norms["W2"][1] == pytest.approx(np.linalg.norm(g1.dW2))
    assert len(h.losses) == len(h.grad_norms["W1"]) == len(h.grad_norms["W2"]) == 3


def test_snapshots_end_with_the_trained_network():
    h = train_config(bp.TrainConfig(epochs=100, snapshots=11)).history
    assert [s.epoch for s in h.snapshots] == evenly_spaced_epochs(100, 11) == list(range(0, 101, 10))
    assert h.snapshots[-1].params is h.params
    assert h.snapshots[-1].loss == h.final_loss
    assert h.snapshot_at(57).epoch == 50


def test_extras_do_not_change_the_default():
    data = bp.make_dataset("xor", 32, 0.1, seed=0)
    p0 = bp.init_params(2, 4, 1, seed=0)
    plain = bp.train(p0, data.X, data.y, lr=0.5, epochs=20)
    explicit = bp.train(p0, data.X, data.y, lr=0.5, epochs=20, momentum=0.0, batch_size=None)
    full_batch = bp.train(p0, data.X, data.y, lr=0.5, epochs=20, batch_size=32)
    np.testing.assert_array_equal(plain.losses, explicit.losses)
    np.testing.assert_array_equal(plain.losses, full_batch.losses)
    with_momentum = bp.train(p0, data.X, data.y, lr=0.5, epochs=20, momentum=0.9)
    minibatch = bp.train(p0, data.X, data.y, lr=0.5, epochs=20, batch_size=8, seed=3)
    assert not np.array_equal(plain.losses, with_momentum.losses)
    assert not np.array_equal(plain.losses, minibatch.losses)
    again = bp.train(p0, data.X, data.y, lr=0.5, epochs=20, batch_size=8, seed=3)
    np.testing.assert_array_equal(minibatch.losses, again.losses)


def test_divergence_stops_the_run_and_keeps_finite_params():
    data = bp.make_dataset("xor", 64, 0.2, seed=0)
    p0 = bp.init_params(2, 8, 1, seed=0, scale=3.0)
    h = bp.train(p0, data.X, data.y * 10, lr=50.0, epochs=500, hidden="relu", output="identity")
    assert h.diverged_at is not None and h.diverged_at < 500
    assert h.epochs_run == h.diverged_at
    assert np.isfinite(h.losses).all()
    assert all(np.isfinite(a).all() for a in h.params.as_dict().values())


def test_accuracy_is_counted_as_train_counts_it():
    # A sigmoid output of the assignment's kind: y = (0, 1), outputs (0.4, 0.7): both on their target's side.
    assert bp.accuracy([[0.4, 0.7]], [[0.0, 1.0]]) == 1.0
    assert bp.accuracy([[0.6, 0.7]], [[0.0, 1.0]]) == 0.5
    # softmax: the largest output against the class, as labels or as one-hot rows (N == C must not confuse it).
    A = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.3, 0.5]])
    assert bp.accuracy(A, [0, 1, 2], softmax=True) == 1.0
    assert bp.accuracy(A, np.eye(3), softmax=True) == 1.0
    assert bp.accuracy(A, [0, 1, 1], softmax=True) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"y has shape \(2,\)"):
        bp.accuracy(A, [0, 1], softmax=True)
    with pytest.raises(ValueError, match=r"y has shape \(1, 3\), A2 \(1, 2\)"):
        bp.accuracy([[0.1, 0.2]], [[0, 1, 0]])


@pytest.mark.parametrize("call, message", [
    (lambda net, X, y: bp.train(net, X, y, lr=0.1, epochs=2, X_test=X[:2], y_test=np.zeros((1, 2))),
     r"y_test has shape \(1, 2\) but the network's output has shape \(2, 1\)"),
    (lambda net, X, y: bp.train(net, X, y, lr=0.1, epochs=2, snapshot_epochs=["a"]),
     "snapshot_epochs must be whole epoch numbers"),
    (lambda net, X, y: bp.gradient_check({"W1": 1}, X, y), "params must be Params or a Network; got dict"),
    (lambda net, X, y: read_norms([]), "norms must be a 1-D array of at least two"),
])
def test_bad_arguments_are_named(call, message):
    net = bp.init_network((2, 3, 1), seed=0)
    with pytest.raises(ValueError, match=message):
        call(net, np.ones((4, 2)), np.zeros((4, 1)))


def test_labels_and_one_hot_train_the_same_network():
    data = bp.make_dataset("blobs", 60, 0.3, seed=1, n_classes=3)
    net = bp.init_network((2, 5, 3), hidden="tanh", output="softmax", seed=0)
    by_label = bp.train(net, data.X, data.labels, lr=0.5, epochs=30, loss="ce")
    by_one_hot = bp.train(net, data.X, data.y, lr=0.5, epochs=30, loss="ce")
    np.testing.assert_array_equal(by_label.losses, by_one_hot.losses)
    np.testing.assert_array_equal(by_label.accuracies, by_one_hot.accuracies)


def test_three_spirals_are_learned_by_a_deep_softmax_network():
    data = bp.make_dataset("spirals", 300, noise=0.05, seed=0, n_classes=3)
    net = bp.init_network((2, 16, 16, 16, 3), hidden="tanh", output="softmax", seed=0)
    h = bp.train(net, data.X, data.labels, lr=0.01, epochs=1500, loss="ce", optimizer="adam")
    assert h.diverged_at is None
    assert h.final_accuracy >= 0.95, h.final_accuracy
    assert h.accuracies[0] < 0.5  # it starts near chance (1/3)
    assert set(h.grad_norms) == {"W1", "W2", "W3", "W4"}


@pytest.mark.parametrize("optimizer, batch_size", [("sgd", None), ("momentum", 16), ("adam", 10)])
def test_a_resumed_run_is_the_same_run(optimizer, batch_size):
    data = bp.make_dataset("circles", 64, 0.1, seed=2)
    net = bp.init_network((2, 6, 6, 1), hidden="relu", output="sigmoid", seed=3)
    kw = dict(lr=0.05, loss="bce", optimizer=optimizer, batch_size=batch_size, seed=7)
    whole = bp.train(net, data.X, data.y, epochs=40, **kw)
    first = bp.train(net, data.X, data.y, epochs=15, **kw)
    rest = bp.train(net, data.X, data.y, epochs=25, resume=first.state, **kw)
    np.testing.assert_array_equal(np.concatenate([first.losses, rest.losses]), whole.losses)
    assert rest.start_epoch == 15 and rest.snapshots[-1].epoch == 40
    for (_, a), (_, b) in zip(rest.params.parameters(), whole.params.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_run_cannot_resume_on_another_network():
    data = bp.make_dataset("circles", 32, 0.1, seed=2)
    net = bp.init_network((2, 3, 1), hidden="tanh", output="sigmoid", seed=3)
    first = bp.train(net, data.X, data.y, lr=0.1, epochs=5, loss="bce")
    wider = bp.init_network((2, 5, 1), hidden="tanh", output="sigmoid", seed=3)
    with pytest.raises(ValueError, match=r"resume was made with a network of sizes \(2, 3, 1\)"):
        bp.train(wider, data.X, data.y, lr=0.1, epochs=5, loss="bce", resume=first.state)
    relu = bp.init_network((2, 3, 1), hidden="relu", output="sigmoid", seed=3)
    with pytest.raises(ValueError, match="hidden 'tanh'"):
        bp.train(relu, data.X, data.y, lr=0.1, epochs=5, loss="bce", resume=first.state)


def test_held_out_data_is_scored_but_never_trained_on():
    data = bp.make_dataset("xor", 100, 0.3, seed=0)
    train, test = data.split(0.3, seed=1)
    assert train.n_samples == 70 and test.n_samples == 30
    assert not set(map(tuple, train.X)) & set(map(tuple, test.X))
    net = bp.init_network((2, 8, 1), hidden="tanh", output="sigmoid", seed=0)
    with_test = bp.train(net, train.X, train.y, lr=0.5, epochs=50, loss="bce", X_test=test.X, y_test=test.y)
    without = bp.train(net, train.X, train.y, lr=0.5, epochs=50, loss="bce")
    np.testing.assert_array_equal(with_test.losses, without.losses)
    assert with_test.test_losses.shape == (50,) and with_test.test_accuracies.shape == (50,)
    at_start = bp.network_loss_and_grads(net, test.X, test.y, "bce")[0]
    assert with_test.test_losses[0] == pytest.approx(at_start, rel=1e-12)
    assert with_test.final_test_loss == pytest.approx(
        bp.network_loss_and_grads(with_test.params, test.X, test.y, "bce")[0], rel=1e-12)
