"""Training: XOR is learned, runs are reproducible, and the history means what it says."""
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


def test_assignment_example_trains_towards_its_target():
    run = train_config(bp.TrainConfig(dataset="assignment", hidden_sizes=(2,), hidden="sigmoid",
                                      output="sigmoid", loss="mse", lr=2.0, epochs=300))
    h = run.history
    assert h.losses[-1] < 0.2 * h.losses[0]
    assert run.test is None and run.data.n_samples == 1
    np.testing.assert_array_equal(run.initial.Ws[0], bp.assignment.W1)
    np.testing.assert_array_equal(run.initial.bs[0], bp.assignment.b1)
    np.testing.assert_array_equal(run.initial.Ws[1], bp.assignment.W2)


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
