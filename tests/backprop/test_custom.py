"""Tests of backprop.custom: the custom activations of Problem 1's demos pass the derivative check.

The buggy one, caught by the check and by the gradient check of a network using it: tests/backprop/test_gradcheck.py."""
import pytest

from backprop import custom


@pytest.mark.parametrize("name", ["softplus", "swish", "leaky_relu"])
def test_custom_activation_derivatives_pass_the_check(name):
    result = custom.check_derivative(custom.CUSTOM_ACTIVATIONS[name])
    assert result.rel_error < 1e-7
