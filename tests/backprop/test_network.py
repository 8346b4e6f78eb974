"""Tests of backprop.network: the 2-layer MLP's building blocks and networks of any depth.

Forward and backward against hand-written formulas and centred differences (with L2, on softmax classification), where
δ2 comes from (output_delta), the bias gradients, every layer's deltas and signal, and bad input."""
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop as bp
from backprop import update
from tests.backprop._helpers import random_problem


def small_problem(N=3, D=2, H=4, C=2, seed=0):
    params = bp.init_params(D, H, C, seed=seed)
    g = np.random.default_rng(seed + 100)
    return params, g.normal(size=(N, D)), g.uniform(size=(N, C))


def test_params_are_frozen_float64_copies():
    W1 = np.array([[1, 2], [3, 4]])  # integers in, float64 out
    p = bp.Params(W1, [[0, 0]], np.ones((2, 1)), [0.0])
    assert p.W1.dtype == np.float64 and p.b1.shape == (2,) and p.dims == (2, 2, 1)
    W1[0, 0] = 99
    assert p.W1[0, 0] == 1.0
    with pytest.raises(ValueError):
        p.W1[0, 0] = 5.0
    with pytest.raises(AttributeError):
        p.W1 = np.zeros((2, 2))


def test_row_bias_is_accepted():
    Z_flat = bp.linear([[1.0, 2.0]], np.eye(2), [0.5, -0.5])
    Z_row = bp.linear([[1.0, 2.0]], np.eye(2), [[0.5, -0.5]])
    np.testing.assert_array_equal(Z_flat, Z_row)


def test_forward_matches_formulas():
    params, X, _ = small_problem()
    cache = bp.forward(params, X, hidden="tanh", output="identity")
    Z1 = X @ params.W1 + params.b1
    np.testing.assert_allclose(cache.Z1, Z1)
    np.testing.assert_allclose(cache.A1, np.tanh(Z1))
    np.testing.assert_allclose(cache.Z2, np.tanh(Z1) @ params.W2 + params.b2)
    np.testing.assert_allclose(cache.A2, cache.Z2)


def test_backward_matches_hand_derivation_for_mse_sigmoid():
    params, X, y = small_problem(N=5)
    cache = bp.forward(params, X)
    loss, g = bp.backward(params, cache, y)
    N = X.shape[0]
    assert loss == pytest.approx(((cache.A2 - y) ** 2).sum() / (2 * N))
    delta2 = (cache.A2 - y) / N * cache.A2 * (1 - cache.A2)
    np.testing.assert_allclose(g.delta2, delta2)
    np.testing.assert_allclose(g.dW2, cache.A1.T @ delta2)
    np.testing.assert_allclose(g.db2, delta2.sum(axis=0))
    delta1 = (delta2 @ params.W2.T) * cache.A1 * (1 - cache.A1)
    np.testing.assert_allclose(g.delta1, delta1)
    np.testing.assert_allclose(g.dW1, X.T @ delta1)
    np.testing.assert_allclose(g.db1, delta1.sum(axis=0))
    # the named steps are the same computation
    np.testing.assert_allclose(bp.output_layer_gradient(cache.A1, g.delta2), g.dW2)
    np.testing.assert_allclose(bp.hidden_delta(g.delta2, params.W2, cache.Z1, "sigmoid"), g.delta1)
    np.testing.assert_allclose(bp.hidden_layer_gradient(X, g.delta1), g.dW1)


def test_bce_is_stable_and_its_delta_is_a2_minus_y():
    params = bp.Params(np.full((1, 1), 1000.0), [0.0], np.full((1, 1), 1.0), [0.0])
    X = [[1.0], [-1.0]]
    cache = bp.forward(params, X, hidden="identity")
    loss, g = bp.backward(params, cache, [[0.0], [1.0]], loss="bce", hidden="identity")
    assert math.isfinite(loss) and loss == pytest.approx(1000.0)  # −log σ(−1000) = 1000, twice, / 2
    np.testing.assert_allclose(g.delta2, (cache.A2 - [[0.0], [1.0]]) / 2)


def test_mean_loss_means_gradients_do_not_grow_with_duplicated_data():
    params, X, y = small_problem(N=4)
    _, g1 = bp.backward(params, bp.forward(params, X), y)
    X2, y2 = np.vstack([X, X]), np.vstack([y, y])
    _, g2 = bp.backward(params, bp.forward(params, X2), y2)
    np.testing.assert_allclose(g1.dW1, g2.dW1)
    np.testing.assert_allclose(g1.dW2, g2.dW2)


def test_one_dimensional_inputs_are_single_samples_and_targets_columns():
    params = bp.init_params(2, 3, 1, seed=0)
    cache = bp.forward(params, [2.0, 3.0])
    assert cache.X.shape == (1, 2)
    X = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]])
    loss_col, _ = bp.backward(params, bp.forward(params, X), [[1.0], [0.0], [1.0]])
    loss_flat, _ = bp.backward(params, bp.forward(params, X), [1.0, 0.0, 1.0])
    assert loss_col == loss_flat


def test_init_params_is_seeded_and_scaled():
    a = bp.init_params(3, 5, 2, seed=7, scale=0.1)
    b = bp.init_params(3, 5, 2, seed=7, scale=0.1)
    c = bp.init_params(3, 5, 2, seed=8, scale=0.1)
    np.testing.assert_array_equal(a.W1, b.W1)
    assert not np.array_equal(a.W1, c.W1)
    assert a.W1.shape == (3, 5) and a.W2.shape == (5, 2) and not a.b1.any() and not a.b2.any()
    big = bp.init_params(50, 50, 50, seed=0, scale=2.0)
    assert big.W1.std() == pytest.approx(2.0, rel=0.05)


def test_grads_norms_are_keyed_like_params():
    params, X, y = small_problem()
    _, g = bp.backward(params, bp.forward(params, X), y)
    assert set(g.norms()) == set(params.as_dict()) == {"W1", "b1", "W2", "b2"}
    assert g.norms()["W1"] == pytest.approx(np.linalg.norm(g.dW1))


# --- bad input: each gets a ValueError that names what is wrong ---------------------------------

P = bp.init_params(2, 2, 2, seed=0)
GOOD_X = np.array([[2.0, 3.0]])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bp.linear(GOOD_X, np.ones((3, 2)), np.zeros(2), names=("X", "W1", "b1")),
         r"W1 has shape \(3, 2\) but X has 2 columns \(shape \(1, 2\)\): W1 needs 2 rows"),
        (lambda: bp.linear(GOOD_X, np.ones((2, 2)), np.zeros(3), names=("X", "W1", "b1")),
         r"b1 has 3 entries \(shape \(3,\)\) but W1 has 2 columns"),
        (lambda: bp.linear([[1.0, float("nan")]], np.ones((2, 2)), np.zeros(2)),
         r"X has a non-finite value \(nan\) at X\[0, 1\]"),
        (lambda: bp.linear([[1.0, 2.0]], [[1.0, float("inf")], [0, 0]], np.zeros(2)),
         r"W has a non-finite value \(inf\) at W\[0, 1\]"),
        (lambda: bp.linear([["a", 2.0]], np.ones((2, 2)), np.zeros(2)), "X must contain only numbers"),
        (lambda: bp.linear(np.ones((2, 2, 2)), np.ones((2, 2)), np.zeros(2)), r"X must be a 2-D array.*\(2, 2, 2\)"),
        (lambda: bp.output_layer_gradient([[0.9, 0.95]], [[0.2], [0.3]]),
         r"A1 has 1 rows \(shape \(1, 2\)\) but delta2 has 2"),
        (lambda: bp.hidden_layer_gradient([[2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]), r"X has 1 rows .* but delta1 has 2"),
        (lambda: bp.hidden_delta([[0.2, -0.3]], np.ones((2, 3)), [[1.6, 2.2]]),
         r"W2 has shape \(2, 3\) but delta2 has 2 columns"),
        (lambda: bp.hidden_delta([[0.2, -0.3]], np.ones((3, 2)), [[1.6, 2.2]]),
         r"Z1 has shape \(1, 2\) but W2 has 3 rows"),
        (lambda: bp.hidden_delta([[0.2, -0.3]], np.ones((2, 2)), [[1.6, 2.2]], "swish"), "unknown activation 'swish'"),
        (lambda: bp.Params(np.ones((2, 3)), np.zeros(3), np.ones((2, 1)), np.zeros(1)),
         r"W2 has shape \(2, 1\) but W1 has 3 columns"),
        (lambda: bp.forward(P, [[1.0, 2.0, 3.0]]), r"W1 has shape \(2, 2\) but X has 3 columns"),
        (lambda: bp.forward(P, GOOD_X, hidden="sigmoidd"), "unknown activation 'sigmoidd'"),
        (lambda: bp.backward(P, bp.forward(P, GOOD_X), [[1.0, 0.0]], loss="hinge"), "unknown loss 'hinge'"),
        (lambda: bp.backward(P, bp.forward(P, GOOD_X, output="identity"), [[1.0, 0.0]], loss="bce", output="identity"),
         "loss 'bce' needs a sigmoid output, but output is 'identity'"),
        (lambda: bp.backward(P, bp.forward(P, GOOD_X), [[1.0, 0.0, 1.0]]), r"y has shape \(1, 3\) but .* \(1, 2\)"),
        (lambda: bp.backward(P, bp.forward(P, GOOD_X), [[2.0, 0.0]], loss="bce"), "needs targets y between 0 and 1"),
        (lambda: bp.backward(P, bp.forward(P, GOOD_X), [[float("nan"), 0.0]]), "y has a non-finite value"),
        (lambda: bp.backward(P, bp.forward(bp.init_params(3, 2, 2), [[1.0, 2.0, 3.0]]), [[1.0, 0.0]]),
         "cache does not match params"),
        (lambda: bp.train(P, GOOD_X, [[1.0, 0.0]], lr=0.1, epochs=0), "epochs must be positive; got 0"),
        (lambda: bp.train(P, GOOD_X, [[1.0, 0.0]], lr=0.1, epochs=-5), "epochs must be positive; got -5"),
        (lambda: bp.train(P, GOOD_X, [[1.0, 0.0]], lr=0.1, epochs=2.5), "epochs must be a whole number"),
        (lambda: bp.train(P, GOOD_X, [[1.0, 0.0]], lr=float("nan"), epochs=5), "lr must be a finite number; got nan"),
        (lambda: bp.train(P, GOOD_X, [[1.0, 0.0]], lr=float("inf"), epochs=5), "lr must be a finite number; got inf"),
        (lambda: bp.train(P, GOOD_X, [[1.0, 0.0]], lr=0.0, epochs=5), "lr must be greater than 0"),
        (lambda: bp.train(P, GOOD_X, [[1.0, 0.0]], lr=0.1, epochs=5, momentum=1.0), "momentum must be below 1"),
        (lambda: bp.init_params(2, 0, 1), "n_hidden must be positive"),
        (lambda: bp.init_params(2, 2, 1, scale=float("inf")), "scale must be a finite number"),
    ],
)
def test_bad_input_raises_a_readable_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- networks of any depth ----------------------------------------------------------------------------

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


# --- the output layer, from the targets ---------------------------------------------------------------

rng = np.random.default_rng(7)


def close(analytic, numerical, tol=1e-7) -> bool:
    return bp.rel_error(analytic, numerical) < tol


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_delta2_from_targets_is_the_numerical_gradient_of_the_loss(loss):
    A1, W2, b2 = rng.uniform(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    y = rng.uniform(size=(4, 2))
    out = bp.output_delta(A1, W2, b2, y, loss)
    assert out.loss == loss and out.Z2.shape == out.A2.shape == out.delta2.shape == (4, 2)
    numeric = bp.numerical_gradient(lambda Z: bp.output_loss(Z, y, "sigmoid", loss)[0], out.Z2)
    assert close(out.delta2, numeric)
    assert not close(out.delta2 * 1.001, numeric)
    # ∂L/∂A2 is the gradient of the loss written as a function of A2, and δ2 = ∂L/∂A2 ∗ σ′(Z2)
    def L_of_A(A):
        if loss == "mse":
            return ((A - y) ** 2).sum() / (2 * len(A))
        return -(y * np.log(A) + (1 - y) * np.log(1 - A)).sum() / len(A)
    assert close(out.dA2, bp.numerical_gradient(L_of_A, out.A2, h=1e-7), tol=1e-6)
    np.testing.assert_allclose(out.dA2 * out.sigma_prime, out.delta2, rtol=1e-10)
    assert out.value == pytest.approx(L_of_A(out.A2))
    np.testing.assert_allclose(out.error, out.A2 - y, rtol=1e-15)
    assert out.terms.sum() / out.divisor == pytest.approx(out.value, rel=1e-12)


def test_delta2_of_the_assignments_network_by_hand():
    """A1 = σ(1.6, 2.2), W2 as given, b2 = 0, y = (0, 1), mse: worked on paper to four digits."""
    A1 = 1 / (1 + np.exp(-np.array([[1.6, 2.2]])))  # (0.8320, 0.9002)
    out = bp.output_delta(A1, [[0.5, 0.6], [0.7, 0.8]], [0.0, 0.0], [[0.0, 1.0]])
    # Z2 = (0.832·0.5 + 0.9002·0.7, 0.832·0.6 + 0.9002·0.8) = (1.0462, 1.2194)
    np.testing.assert_allclose(out.Z2, [[1.0462, 1.2194]], atol=1e-4)
    np.testing.assert_allclose(out.A2, [[0.7400, 0.7720]], atol=1e-4)
    # L = ½·(0.74² + 0.228²) = 0.2998; ∂L/∂A2 = A2 − y; σ′ = A2(1 − A2) = (0.1924, 0.1760)
    assert out.value == pytest.approx(0.2998, abs=1e-4)
    np.testing.assert_allclose(out.dA2, [[0.7400, -0.2280]], atol=1e-4)
    np.testing.assert_allclose(out.delta2, [[0.1424, -0.0401]], atol=1e-4)
    # the signs agree with the assignment's given δ2 = (0.2, −0.3): output 1 too high, output 2 too low
    assert np.array_equal(np.sign(out.delta2), np.sign([[0.2, -0.3]]))
    bce = bp.output_delta(A1, [[0.5, 0.6], [0.7, 0.8]], [0.0, 0.0], [[0.0, 1.0]], "bce")
    np.testing.assert_allclose(bce.delta2, bce.A2 - [[0.0, 1.0]], rtol=1e-12)  # σ′ cancels: δ2 = (A2 − y)/N


@pytest.mark.parametrize("call, message", [
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((3, 2)), [0, 0], [[0, 1]]), r"W2 has shape \(3, 2\)"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0, 0], [[0, 1]]), r"b2 has 3 entries"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0], [[0, 1, 1]]), r"y has shape \(1, 3\)"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0], [[0, 2]], "bce"), "between 0 and 1"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0], [[0, 1]], "ce"), "needs a softmax"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, np.nan], [[0, 1]]), "b2 has a non-finite"),
])
def test_output_delta_names_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the bias gradients -----------------------------------------------------------------------------


def test_bias_gradients_are_column_sums_and_the_numerical_gradient():
    params, X, y = random_problem(N=4)
    _, g = update.gradients(params, X, y)
    np.testing.assert_allclose(bp.bias_gradient(g.delta2), g.delta2.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(bp.bias_gradient(g.delta1), g.delta1.sum(axis=0), rtol=1e-14)
    for name, delta in (("b1", g.delta1), ("b2", g.delta2)):
        def L(b, name=name):
            changed = bp.Params(**(params.as_dict() | {name: b}))
            return update.loss_value(changed, X, y)[0]
        numeric = bp.numerical_gradient(L, getattr(params, name))
        assert close(bp.bias_gradient(delta), numeric), name
        assert not close(delta.mean(axis=0), numeric), name  # a mean instead of the sum is caught


def test_bias_gradient_of_one_sample_is_that_samples_delta():
    np.testing.assert_array_equal(bp.bias_gradient([[0.2, -0.3]]), [0.2, -0.3])
    with pytest.raises(ValueError, match="delta2 has a non-finite"):
        bp.bias_gradient([[np.inf, 1.0]], name="delta2")


# --- every layer's delta and signal -------------------------------------------------------------------


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
