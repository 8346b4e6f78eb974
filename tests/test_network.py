"""The network's building blocks, forward/backward against hand-written formulas, and bad input."""
import math

import numpy as np
import pytest

import backprop as bp

rng = np.random.default_rng(0)


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
