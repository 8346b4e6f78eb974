"""Tests of backprop.layers: each layer pair's backward checked against numerical gradients of its forward.

As cs231n's eval_numerical_gradient_array does it: a random upstream gradient dOut, and the numerical gradient of
Σ out·dOut."""
import re
from pathlib import Path

import numpy as np
import pytest

import backprop as bp
from backprop import layers
from backprop.layers import LinearCache

rng = np.random.default_rng(42)


def numerical_gradient_array(f, x, d_out, h=1e-5):
    """∂(Σ f(x)·d_out)/∂x by centred differences, entry by entry (cs231n's eval_numerical_gradient_array)."""
    return bp.numerical_gradient(lambda v: float(np.sum(f(v) * d_out)), x, h)


def agree(analytic, numerical) -> bool:
    """Relative error below 1e-7 on every entry centred differences can resolve (above 1e-4: the sums they
    difference are of order one, so their absolute accuracy is about 1e-11), and within 1e-9 elsewhere."""
    big = np.abs(analytic) + np.abs(numerical) > 1e-4
    return bool(bp.rel_error(analytic[big], numerical[big]) < 1e-7
                and np.abs(analytic[~big] - numerical[~big]).max(initial=0.0) < 1e-9)


def test_linear_pair_matches_numerical_gradients():
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    Z, cache = bp.linear_forward(X, W, b)
    np.testing.assert_allclose(Z, X @ W + b, rtol=1e-14)
    dZ = rng.normal(size=Z.shape)
    dX, dW, db = bp.linear_backward(dZ, cache)
    assert dX.shape == X.shape and dW.shape == W.shape and db.shape == b.shape
    assert agree(dX, numerical_gradient_array(lambda v: bp.linear_forward(v, W, b)[0], X, dZ))
    assert agree(dW, numerical_gradient_array(lambda v: bp.linear_forward(X, v, b)[0], W, dZ))
    assert agree(db, numerical_gradient_array(lambda v: bp.linear_forward(X, W, v)[0], b, dZ))
    assert not agree(dW * 1.001, numerical_gradient_array(
        lambda v: bp.linear_forward(X, v, b)[0], W, dZ))  # and the check rejects a gradient 0.1% off


def test_a_cache_without_weights_or_inputs_skips_those_gradients():
    dZ = rng.normal(size=(2, 3))
    dX, dW, db = bp.linear_backward(dZ, LinearCache(None, rng.normal(size=(4, 3))))
    assert dW is None and dX.shape == (2, 4)
    dX, dW, db = bp.linear_backward(dZ, LinearCache(rng.normal(size=(2, 4)), None))
    assert dX is None and dW.shape == (4, 3)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity", "softmax"])
def test_activation_pair_matches_numerical_gradients(name):
    Z = rng.normal(size=(6, 4)) * 2
    Z[np.abs(Z) < 0.05] += 0.3  # keep relu away from its kink, where centred differences straddle it
    A, cache = bp.activation_forward(Z, name)
    dA = rng.normal(size=A.shape)
    dZ = bp.activation_backward(dA, cache)
    numeric = numerical_gradient_array(lambda v: bp.activation_forward(v, name)[0], Z, dA)
    assert agree(dZ, numeric), name
    assert not agree(dZ * 1.001, numeric), name


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_the_in_place_forward_gives_the_textbook_numbers(name):
    Z = rng.normal(size=(5, 3))
    A, cache = bp.activation_forward(Z.copy(), name)
    work = Z.copy()
    A2, cache2 = layers.activation_forward_inplace(work, bp.get_activation(name))
    if name != "identity":
        assert A2 is work and cache2.Z is None, "written over Z, which the cache no longer holds"
    np.testing.assert_allclose(A2, A, rtol=1e-14)
    dA = rng.normal(size=A.shape)
    # the in-place sigmoid is 1/(1 + e^(−z)), the other the stable form: equal to the last bit or two
    np.testing.assert_allclose(bp.activation_backward(dA, cache2), bp.activation_backward(dA, cache), rtol=1e-14)


@pytest.mark.parametrize("N, D, H", [(1, 2, 2), (5, 3, 4), (64, 2, 1), (7, 1, 3)])
def test_the_fast_linear_pair_gives_the_textbook_numbers(N, D, H):
    X, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H)
    Z, cache = bp.linear_forward(X, W, b)
    Z_fast, cache_fast = layers.linear_forward_fast(X, W, b)
    np.testing.assert_allclose(Z_fast, Z, rtol=1e-13, atol=1e-15)
    dZ = rng.normal(size=Z.shape)
    dW_out, db_out = np.empty_like(W), np.empty_like(b)
    dX, dW, db = bp.linear_backward(dZ, cache)
    dX_fast, dW_fast, db_fast = layers.linear_backward_into(dZ, cache_fast, dW_out, db_out)
    assert dW_fast is dW_out and db_fast is db_out, "written into the arrays given"
    for fast, textbook in ((dX_fast, dX), (dW_fast, dW), (db_fast, db)):
        np.testing.assert_allclose(fast, textbook, rtol=1e-13, atol=1e-15)
    with pytest.raises(AssertionError):  # and the comparison notices a gradient one part in 10⁶ off
        np.testing.assert_allclose(dW_fast * (1 + 1e-6), dW, rtol=1e-13, atol=1e-15)


PAIRS = [("sigmoid", "bce"), ("sigmoid", "mse"), ("identity", "mse"), ("softmax", "ce")]


@pytest.mark.parametrize("output, loss", PAIRS)
def test_output_loss_matches_numerical_gradient(output, loss):
    Z = rng.normal(size=(7, 3))
    if loss == "ce":
        y = rng.integers(0, 3, size=7)
    elif loss == "bce":
        y = rng.integers(0, 2, size=(7, 3)).astype(float)
    else:
        y = rng.normal(size=(7, 3))
    _, dZ = bp.output_loss(Z, y, output, loss)
    numeric = bp.numerical_gradient(lambda v: bp.output_loss(v, y, output, loss)[0], Z)
    assert agree(dZ, numeric)
    assert not agree(dZ * 1.001, numeric)


def test_output_losses_have_their_textbook_values():
    Z = rng.normal(size=(4, 3))
    y = rng.uniform(size=(4, 3))
    A = bp.sigmoid(Z)
    assert bp.output_loss(Z, y, "sigmoid", "mse")[0] == pytest.approx(((A - y) ** 2).sum() / 8)
    assert bp.output_loss(Z, y, "identity", "mse")[0] == pytest.approx(((Z - y) ** 2).sum() / 8)
    assert bp.output_loss(Z, y, "sigmoid", "bce")[0] == pytest.approx(
        -(y * np.log(A) + (1 - y) * np.log(1 - A)).sum() / 4)
    labels = np.array([0, 2, 1, 2])
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert bp.output_loss(Z, labels, "softmax", "ce")[0] == pytest.approx(-np.log(P[np.arange(4), labels]).mean())


def test_softmax_and_cross_entropy_are_stable_for_huge_logits():
    Z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    np.testing.assert_allclose(bp.softmax(Z).sum(axis=1), 1.0)
    labels = np.array([0, 2])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is the right answer
        value, dZ = bp.output_loss(Z, labels, "softmax", "ce")
    assert np.isfinite(value) and np.isfinite(dZ).all()
    # −log p of each row's label: 0 for the first row, 1000 − log(e^1000 + e^999) for the second
    assert value == pytest.approx((0.0 + (1000.0 - 999.0 + np.log1p(np.exp(-1.0)))) / 2)
    one_hot = np.eye(3)[labels]
    value2, dZ2 = bp.output_loss(Z, one_hot, "softmax", "ce")
    assert value2 == value
    np.testing.assert_array_equal(dZ2, dZ)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bp.linear_forward(np.ones((2, 3)), np.ones((2, 4)), np.zeros(4)),
         r"X has shape \(2, 3\) but W has shape \(2, 4\)"),
        (lambda: bp.linear_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(3)), r"b has shape \(3,\)"),
        (lambda: bp.linear_backward(np.ones((2, 4)), LinearCache(np.ones((3, 3)), None)),
         "both need one row per sample"),
        (lambda: bp.activation_backward(np.ones((2, 2)), bp.activation_forward(np.ones((2, 3)), "tanh")[1]),
         r"dA has shape \(2, 2\) but A has shape \(2, 3\)"),
        (lambda: bp.activation_forward(np.ones((2, 3)), "softplus"), "unknown activation 'softplus'"),
        (lambda: bp.output_loss(np.ones((2, 3)), [0, 3], "softmax", "ce"), "whole numbers from 0 to 2"),
        (lambda: bp.output_loss(np.ones((2, 3)), [[1, 1, 0], [0, 0, 1]], "softmax", "ce"), "one-hot"),
        (lambda: bp.output_loss(np.ones((2, 3)), np.zeros((2, 3)), "identity", "ce"),
         "loss 'ce' needs a softmax output"),
        (lambda: bp.output_loss(np.ones((2, 3)), np.zeros((2, 3)), "softmax", "mse"), "goes with loss='ce'"),
        (lambda: bp.output_loss(np.ones((2, 3)), np.zeros((2, 3)), "relu", "mse"), "unknown output activation"),
    ],
)
def test_bad_input_names_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_chain_rule_of_a_layer_is_written_only_in_layers():
    """No module but layers.py multiplies by a transposed matrix or by an activation's derivative: every
    backward step goes through linear_backward and activation_backward."""
    products = re.compile(r"\.T\s*@|@\s*[\w.\[\]]+\.T\b|np\.dot\([^)]*\.T|\.grad_at\(|\*\s*\w+\.grad\(")
    offenders = {}
    for path in sorted((Path(bp.__file__).parent).glob("*.py")):
        if path.name in ("layers.py", "activations.py"):
            continue
        hits = [line.strip() for line in path.read_text().splitlines() if products.search(line)]
        if hits:
            offenders[path.name] = hits
    assert not offenders, offenders


@pytest.mark.parametrize("call, message", [
    (lambda: bp.linear_forward([[1.0, 2.0]], np.ones((2, 3)), np.zeros(3)), "X must be a 2-D float .* a list"),
    (lambda: bp.linear_forward(np.ones(2), np.ones((2, 3)), np.zeros(3)), r"X .* got a 1-D float64 array"),
    (lambda: bp.linear_forward(np.ones((1, 2), dtype=int), np.ones((2, 3), dtype=int), np.zeros(3)), "X .* int64"),
    (lambda: bp.linear_forward(np.ones((1, 2)), np.ones((2, 3)), [0.0, 0.0, 0.0]), "b must be a 1-D float"),
    (lambda: bp.linear_backward([[1.0]], LinearCache(np.ones((1, 1)), np.ones((1, 1)))), "dZ must be a 2-D"),
    (lambda: bp.activation_backward([[1.0]], bp.activation_forward(np.ones((1, 1)), "tanh")[1]), "dA must be"),
])
def test_the_layer_functions_say_what_they_take(call, message):
    with pytest.raises(ValueError, match=message):
        call()
