"""Tests of backprop.gradcheck: gradient checks of backward against centred differences, over random shapes and seeds.

Also: the pieces of the check (numerical_gradient, rel_error, the interpretation bands), the planted bugs it must catch,
and a network with a buggy custom activation."""
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop as bp
from backprop import custom

HEADS = [("sigmoid", "mse"), ("sigmoid", "bce"), ("identity", "mse"), ("tanh", "mse")]


def random_problem(N, D, H, C, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    params = bp.Params(rng.normal(size=(D, H)) * scale, rng.normal(size=H) * 0.5 * scale,
                       rng.normal(size=(H, C)) * scale, rng.normal(size=C) * 0.5 * scale)
    return params, rng.normal(size=(N, D)), rng.uniform(size=(N, C))


@pytest.mark.parametrize("hidden", sorted(bp.ACTIVATIONS))
@pytest.mark.parametrize("output, loss", HEADS)
@settings(max_examples=15, deadline=None)
@given(N=st.integers(1, 5), D=st.integers(1, 4), H=st.integers(1, 5), C=st.integers(1, 3),
       seed=st.integers(0, 2**31 - 1))
def test_backward_agrees_with_numerical_gradients(hidden, output, loss, N, D, H, C, seed):
    params, X, y = random_problem(N, D, H, C, seed, scale=0.7)
    if not bp.get_activation(hidden).smooth:
        # centred differences straddling relu's kink measure its average slope, not a derivative
        assume(np.abs(bp.forward(params, X, hidden, output).Z1).min() > 1e-3)
    check = bp.gradient_check(params, X, y, loss=loss, hidden=hidden, output=output)
    # Rounding limits centred differences to an absolute accuracy of about 1e-11 times the loss, so
    # a relative error below 1e-7 is only measurable for entries above ~1e-4 times the loss (cs231n:
    # "stick around the active range of floating point"). Entries that are exactly zero (a dead relu)
    # are compared too: both sides must be zero there.
    value = bp.backward(params, bp.forward(params, X, hidden, output), y, loss, hidden, output)[0]
    nonzero = [g[g != 0] for g in check.analytic.values()]
    assume(all(np.abs(g).min() > 1e-4 * max(1.0, value) for g in nonzero if g.size))
    # Centred differences also carry a truncation error of h²·f‴/6, which on a curvy example (tanh after
    # relu, seen: a W2 entry of 0.004 off by 4e-10) exceeds 1e-7 of the entry: their own accuracy is
    # estimated from the difference between steps h and 2h (the error scales as h², so that difference is
    # three times it), and examples they cannot resolve to 1e-7 are left out.
    coarse = bp.gradient_check(params, X, y, loss=loss, hidden=hidden, output=output, h=2e-5).numerical
    assume(all(bp.rel_error(check.numerical[name], coarse[name]) < 3e-8 for name in coarse))
    assert check.worst < 1e-7, check.rel_errors


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = bp.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # x itself is left alone


def test_rel_error_floor_and_shapes():
    assert bp.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert bp.rel_error([1.0], [1.0 + 1e-9]) == pytest.approx(5e-10, rel=1e-3)
    with pytest.raises(ValueError, match="equal shapes"):
        bp.rel_error(np.zeros(2), np.zeros(3))


def test_a_deliberately_wrong_gradient_is_rejected():
    # A check is only trusted once it has been seen to fail: σ′ = 1 instead of σ(1 − σ).
    params, X, y = random_problem(4, 3, 5, 2, seed=1)
    cache = bp.forward(params, X)
    _, good = bp.backward(params, cache, y)
    wrong_delta1 = good.delta2 @ params.W2.T
    wrong_dW1 = X.T @ wrong_delta1

    def loss_of_W1(W1):
        return bp.backward(bp.Params(W1, params.b1, params.W2, params.b2),
                           bp.forward(bp.Params(W1, params.b1, params.W2, params.b2), X), y)[0]

    numeric = bp.numerical_gradient(loss_of_W1, params.W1)
    assert bp.rel_error(good.dW1, numeric) < 1e-7
    assert bp.rel_error(wrong_dW1, numeric) > 1e-2


@pytest.mark.parametrize("bug", sorted(bp.BUGS))
def test_every_planted_bug_is_caught(bug):
    params, X, y = random_problem(4, 3, 5, 2, seed=2)
    clean = bp.gradient_check(params, X, y)
    broken = bp.gradient_check(params, X, y, bug=bug)
    assert clean.passed()
    assert broken.worst > 1e-2, broken.rel_errors
    assert bp.interpret_rel_error(broken.worst).level == "bad"


def test_interpretation_bands():
    assert [bp.interpret_rel_error(e).level for e in (1e-9, 1e-5, 1e-3, 0.5, float("nan"))] == \
        ["ok", "kink", "warn", "bad", "bad"]


def test_unknown_bug_is_named():
    params, X, y = random_problem(2, 2, 2, 1, seed=0)
    with pytest.raises(ValueError, match="unknown bug 'typo'"):
        bp.gradient_check(params, X, y, bug="typo")


def test_the_buggy_custom_derivative_is_caught_and_so_is_the_network_using_it():
    buggy = custom.CUSTOM_ACTIVATIONS["swish_buggy"]
    assert custom.check_derivative(buggy).rel_error > 1e-2
    params, X, y = random_problem(4, 2, 3, 1, seed=5)
    assert bp.gradient_check(params, X, y, hidden=buggy).worst > 1e-2
    assert bp.gradient_check(params, X, y, hidden=custom.CUSTOM_ACTIVATIONS["swish"]).worst < 1e-6


def test_a_smooth_networks_small_relative_errors_are_read_without_kinks():
    """tanh has no kinks: a relative error of 1e-7 … 1e-4 on entries near 0, whose differences are the centred
    differences' own error, is read as agreement; the same error with a real difference is suspicious, never
    "fine at kinks"."""
    rng = np.random.default_rng(3)
    net = bp.init_network((2, 16, 16, 1), hidden="tanh", seed=0)
    X, y = rng.standard_normal((20, 2)), (rng.random((20, 1)) > 0.5).astype(float)
    check = bp.gradient_check(net, X, y, loss="bce")
    small = {name: err for name, err in check.rel_errors.items() if 1e-7 < err <= 1e-4}
    bands = check.bands(kinks=False)
    assert all("kink" not in band.text and band.level in ("ok", "rounding") for band in bands.values()), bands
    assert small, "the example must have an entry near 0 to be read"
    assert {bands[name].level for name in small} == {"rounding"}
    assert check.bands(kinks=True)[next(iter(small))].level == "kink"
    # the same relative error from a gradient 1e-6 off on a large entry is not rounding
    name = next(iter(small))
    analytic = dict(check.analytic)
    analytic[name] = analytic[name] + 1e-6 * np.abs(analytic[name]).max() * (np.arange(analytic[name].size) == 0
                                                                              ).reshape(analytic[name].shape)
    off = replace(check, analytic=analytic, rel_errors={**check.rel_errors, name: bp.rel_error(
        analytic[name], check.numerical[name])})
    assert off.bands(kinks=False)[name].level == "warn"
    assert "kink" not in off.bands(kinks=False)[name].text
