"""Tests of backprop.activations: values, stability and derivatives checked against centred differences."""
import warnings

import numpy as np
import pytest

import backprop as bp


def test_sigmoid_is_stable_at_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is the answer
            assert bp.sigmoid(-1000.0) == 0.0
            assert bp.sigmoid(1000.0) == 1.0
            out = bp.sigmoid(np.array([-1e308, -745.0, -40.0, 0.0, 40.0, 1e308]))
    assert out[0] == 0.0 and out[-1] == 1.0 and out[3] == 0.5
    # far in the left tail sigmoid keeps its relative precision instead of rounding to 0
    assert out[2] == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)), rel=1e-12)


def test_sigmoid_matches_the_textbook_formula():
    z = np.linspace(-20, 20, 401)
    np.testing.assert_allclose(bp.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)


def test_scalar_in_scalar_out():
    for name, act in bp.ACTIVATIONS.items():
        assert np.ndim(act.fn(0.3)) == 0, name
        assert np.ndim(act.grad(0.3)) == 0, name


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
def test_derivative_matches_centred_differences(name):
    act = bp.get_activation(name)
    z = np.linspace(-4.1, 4.3, 57)  # avoids relu's kink at 0
    numeric = (act.fn(z + 1e-6) - act.fn(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(act.grad(z), numeric, atol=1e-8)


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
def test_derivative_from_output_equals_derivative_at_z(name):
    act = bp.get_activation(name)
    z = np.linspace(-6.05, 5.95, 25)
    np.testing.assert_allclose(act.grad_at(z, act.fn(z)), act.grad(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(bp.ACTIVATIONS))
def test_in_place_forms_match_the_functions(name):
    act = bp.get_activation(name)
    z = np.concatenate([np.linspace(-50, 50, 101), [-1000.0, 1000.0]])
    work = z.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = act.fn_inplace(work)
    np.testing.assert_allclose(out, act.fn(z), rtol=1e-14, atol=1e-300)
    assert out is work  # written over its input: no temporary array


def test_unknown_activation_is_named():
    with pytest.raises(ValueError, match="unknown activation 'softmax'; choose one of: sigmoid, tanh, relu, identity"):
        bp.get_activation("softmax")


def test_a_custom_activation_can_be_passed_by_object():
    softplus = bp.Activation("softplus", lambda z: np.log1p(np.exp(z)), bp.sigmoid, "", "")
    params = bp.init_params(2, 3, 1, seed=1)
    cache = bp.forward(params, [[0.5, -1.0]], hidden=softplus)
    np.testing.assert_allclose(cache.A1, np.log1p(np.exp(cache.Z1)))
