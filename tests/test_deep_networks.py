"""Networks of any depth: gradients against centred differences, softmax classification, the update
rules, resuming a run, and the data sets they train on."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop as bp

HEADS = [("sigmoid", "bce"), ("sigmoid", "mse"), ("identity", "mse"), ("softmax", "ce")]


def targets_for(loss: str, N: int, C: int, rng) -> np.ndarray:
    if loss == "ce":
        return rng.integers(0, C, size=N)
    if loss == "bce":
        return rng.integers(0, 2, size=(N, C)).astype(float)
    return rng.normal(size=(N, C))


def richardson_gradients(net: bp.Network, loss_of, h: float = 1e-4) -> dict[str, np.ndarray]:
    """∂L/∂θ for every parameter by centred differences at h and 2h combined as (4·g_h − g_2h)/3 (Richardson),
    whose truncation error is O(h⁴) instead of O(h²): an independent reference accurate to about 1e-11 times
    the loss, where plain centred differences at h = 1e-5 are off by 1e-9 on a curvy deep network."""
    arrays = [np.array(a) for _, a in net.parameters()]
    out = {}
    for i, (name, _) in enumerate(net.parameters()):
        def f(trial, i=i):
            return loss_of(net.with_parameters([trial if j == i else a for j, a in enumerate(arrays)]))

        out[name] = (4 * bp.numerical_gradient(f, arrays[i], h) - bp.numerical_gradient(f, arrays[i], 2 * h)) / 3
    return out


def agree(analytic: dict, numerical: dict, scale: float) -> bool:
    """Relative error below 1e-7 wherever the reference can resolve it (entries above 1e-3 times the loss),
    and an absolute difference below 1e-10 times the loss on smaller entries."""
    for name, a in analytic.items():
        n = numerical[name]
        big = np.abs(a) + np.abs(n) > 1e-3 * scale
        if bp.rel_error(a[big], n[big]) >= 1e-7 or np.abs(a[~big] - n[~big]).max(initial=0.0) >= 1e-10 * scale:
            return False
    return True


def grads_by_name(dWs, dbs) -> dict[str, np.ndarray]:
    return {f"{kind}{l}": g for l, (dW, db) in enumerate(zip(dWs, dbs, strict=True), start=1)
            for kind, g in (("W", dW), ("b", db))}


@pytest.mark.parametrize("hidden", sorted(bp.ACTIVATIONS))
@pytest.mark.parametrize("output, loss", HEADS)
@settings(max_examples=15, deadline=None)
@given(depth=st.integers(1, 4), width=st.integers(1, 4), N=st.integers(1, 4), D=st.integers(1, 3),
       C=st.integers(1, 3), l2=st.sampled_from([0.0, 0.3]), seed=st.integers(0, 2**31 - 1))
def test_network_gradients_agree_with_numerical_ones(hidden, output, loss, depth, width, N, D, C, l2, seed):
    if loss == "ce":
        C = max(C, 2)
    rng = np.random.default_rng(seed)
    net = bp.init_network((D, *[width] * depth, C), hidden=hidden, output=output, seed=seed, scale=0.9)
    net = net.with_parameters([a + (0.3 * rng.normal(size=a.shape) if name.startswith("b") else 0.0)
                               for name, a in net.parameters()])
    X, y = rng.normal(size=(N, D)), targets_for(loss, N, C, rng)
    if not bp.get_activation(hidden).smooth:  # differences straddling relu's kink measure no derivative
        assume(all(np.abs(Z).min() > 1e-3 for Z in bp.network_forward(net, X).Zs[:-1]))
    value, dWs, dbs = bp.network_loss_and_grads(net, X, y, loss, l2=l2)
    analytic = grads_by_name(dWs, dbs)
    numerical = richardson_gradients(net, lambda trial: bp.network_loss_and_grads(trial, X, y, loss, l2=l2)[0])
    assert agree(analytic, numerical, max(1.0, value)), {
        name: bp.rel_error(analytic[name], numerical[name]) for name in analytic}
    check = bp.gradient_check(net, X, y, loss=loss, l2=l2)  # the package's own check computes the same gradients
    for name, g in analytic.items():
        np.testing.assert_array_equal(check.analytic[name], g)


def test_the_check_fails_on_a_wrong_deep_gradient():
    """The comparison above is only trusted because it rejects gradients with one layer's rule broken."""
    rng = np.random.default_rng(0)
    net = bp.init_network((3, 4, 4, 4, 2), hidden="tanh", output="softmax", seed=1)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    numerical = richardson_gradients(net, lambda trial: bp.network_loss_and_grads(trial, X, y, "ce")[0])
    assert agree(bp.gradient_check(net, X, y, loss="ce").analytic, numerical, 1.0)
    for bug in bp.BUGS:
        assert not agree(bp.gradient_check(net, X, y, loss="ce", bug=bug).analytic, numerical, 1.0), bug


def test_l2_adds_half_lambda_times_squared_weights_and_lambda_w_to_the_gradient():
    rng = np.random.default_rng(3)
    net = bp.init_network((2, 3, 1), hidden="tanh", output="identity", seed=2)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    plain, dWs, dbs = bp.network_loss_and_grads(net, X, y, "mse")
    reg, dWs2, dbs2 = bp.network_loss_and_grads(net, X, y, "mse", l2=0.5)
    assert reg == pytest.approx(plain + 0.25 * sum((W**2).sum() for W in net.Ws))
    for dW, dW2, W in zip(dWs, dWs2, net.Ws, strict=True):
        np.testing.assert_allclose(dW2, dW + 0.5 * W)
    for db, db2 in zip(dbs, dbs2, strict=True):
        np.testing.assert_array_equal(db, db2)  # biases are not penalised


def test_a_depth_two_network_is_the_assignments_mlp():
    params = bp.init_params(3, 4, 2, seed=5)
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    loss, g = bp.backward(params, bp.forward(params, X, "tanh"), y, "mse", "tanh")
    value, dWs, dbs = bp.network_loss_and_grads(params.network("tanh", "sigmoid"), X, y, "mse")
    assert value == loss
    for a, b in zip((g.dW1, g.dW2, g.db1, g.db2), (*dWs, *dbs), strict=True):
        np.testing.assert_array_equal(a, b)


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


# --- the update rules -------------------------------------------------------------------------------


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


# --- data ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(bp.datasets.MULTICLASS))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_multiclass_sets_have_balanced_integer_labels(name, k):
    data = bp.make_dataset(name, 100, 0.1, seed=0, n_classes=k)
    assert data.labels.dtype.kind == "i" and set(data.labels) == set(range(k))
    assert np.bincount(data.labels).max() - np.bincount(data.labels).min() <= 1
    assert data.n_classes == k
    assert data.y.shape == ((100, 1) if k == 2 else (100, k))


def test_the_regression_surface_has_real_targets():
    data = bp.make_dataset("surface", 50, 0.0, seed=0)
    assert data.labels is None and data.y.shape == (50, 1)
    np.testing.assert_allclose(data.y[:, 0], np.sin(np.pi * data.X[:, 0]) * np.cos(np.pi * data.X[:, 1] / 2))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bp.make_dataset("blobs", 100, n_classes=6), "n_classes must be from 2 to 5"),
        (lambda: bp.make_dataset("xor", 100, n_classes=3), "n_classes must be 2"),
        (lambda: bp.make_dataset("spirals", 8, n_classes=5), "at least 10"),
        (lambda: bp.make_dataset("xor", 10).split(0.95), "test_ratio must be at most 0.9"),
        (lambda: bp.init_network((2,)), "sizes needs at least an input and an output"),
        (lambda: bp.init_network((2, 0, 1)), r"sizes\[1\] must be positive"),
        (lambda: bp.Network((np.ones((2, 3)),), (np.zeros(2),)), "b1 has 2 entries"),
        (lambda: bp.Network((np.ones((2, 3)), np.ones((4, 1))), (np.zeros(3), np.zeros(1))),
         r"W2 has shape \(4, 1\) but W1 has 3 columns"),
        (lambda: bp.Network((np.ones((2, 3)),), (np.zeros(3),), output="softplus"), "unknown output activation"),
        (lambda: bp.train(bp.init_network((2, 3, 1)), np.ones((2, 2)), np.ones((2, 1)), lr=0.1, epochs=1,
                          hidden="tanh"), "disagrees with the Network's own hidden activation"),
        (lambda: bp.train(bp.init_network((2, 3, 1)), np.ones((2, 2)), np.ones((2, 1)), lr=0.1, epochs=1,
                          optimizer="rmsprop"), "unknown optimizer 'rmsprop'"),
        (lambda: bp.train(bp.init_network((2, 3, 1)), np.ones((2, 2)), np.ones((2, 1)), lr=0.1, epochs=1,
                          X_test=np.ones((1, 2))), "X_test and y_test go together"),
        (lambda: bp.network_loss_and_grads(bp.init_network((2, 3, 1)), np.ones((2, 2)), np.ones((2, 1)),
                                           l2=-1.0), "l2 must be at least 0"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
