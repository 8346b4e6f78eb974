"""Tests of dashboard.numbers: numbers written short, and in LaTeX."""
import pytest

from dashboard.numbers import short, tex


@pytest.mark.parametrize("value, text", [(0.285, "0.285"), (-0.27, "-0.27"), (1.6000000000000003, "1.6"),
                                         (0.8320183851, "0.832"), (2.0, "2"), (-0.0, "0"), (1.2e-6, "1.2e-6"),
                                         (123456.0, "1.235e5"), (float("nan"), "nan")])
def test_short_numbers(value, text):
    assert short(value) == text


def test_tex_numbers():
    assert tex(1.2e-6) == r"1.2 \times 10^{-6}"
    assert tex(float("-inf")) == r"-\infty"
