"""Tests of backprop.tolerance: one marking rule, right to 3 significant figures at every magnitude, used by every
checker."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop import assignment as a
from backprop import mistakes, practice, tolerance

magnitudes = st.integers(-6, 3)
mantissas = st.floats(1.0, 9.999, allow_nan=False)
signs = st.sampled_from([-1.0, 1.0])


def value(mantissa: float, exponent: int, sign: float) -> float:
    return sign * mantissa * 10.0**exponent


@given(mantissas, magnitudes, signs)
def test_an_answer_right_to_three_significant_figures_is_right_at_every_magnitude(m, e, sign):
    x = value(m, e, sign)
    for typed in tolerance.round_significant(x, 3):  # half up and half to even, as people round
        assert tolerance.right(typed, x), (typed, x)
    assert tolerance.right(float(f"{x:.3g}"), x)  # and as Python's format rounds the float
    assert tolerance.right(x, x)


@given(mantissas, magnitudes, signs, st.floats(0.02, 10.0), st.sampled_from([-1.0, 1.0]))
def test_an_answer_two_percent_or_more_off_is_wrong_whatever_its_size(m, e, sign, off, direction):
    x = value(m, e, sign)
    assert not tolerance.right(x * (1 + direction * off), x), (x, off)


@given(mantissas, magnitudes, signs)
def test_an_answer_with_a_wrong_third_figure_is_wrong(m, e, sign):
    x = value(m, e, sign)
    unit = 10.0 ** (math.floor(math.log10(abs(x))) - 2)  # one unit in the third significant figure
    assert not tolerance.right(x + 0.6 * unit, x) and not tolerance.right(x - 0.6 * unit, x)
    assert tolerance.right(x + 0.5 * unit, x) and tolerance.right(x - 0.5 * unit, x)


def test_exact_zeros_allow_only_a_tiny_floor():
    assert tolerance.right(0.0, 0.0) and tolerance.right(1e-12, 0.0) and tolerance.right(-1e-9, 0.0)
    assert not tolerance.right(1e-3, 0.0) and not tolerance.right(1e-7, 0.0)
    assert not tolerance.right(0.0, 1e-6), "a small value is not zero: it has figures to match"


def test_not_finite_answers_are_never_right():
    assert not tolerance.right(np.nan, 1.0) and not tolerance.right(np.inf, 1.0)


def test_the_cases_the_old_rule_got_wrong():
    """The issue's examples: 12 % off near 0.005 passed the old "1 %, or ±0.0005 near zero" rule; now wrong.
    −0.29 for −0.285 (two figures typed) is wrong, with the rounding hint naming 2 figures typed and 3 needed."""
    np.testing.assert_array_equal(tolerance.right([-0.0031, 0.0066], [-0.00355, 0.00614]), [False, False])
    np.testing.assert_array_equal(tolerance.right([-0.0107, -0.0094], [-0.01118, -0.00898]), [False, False])
    sol = a.solve(a.DEFAULT_INPUTS, "assignment")
    result = mistakes.check_answer("dW2", sol, [[0.18, -0.27], [0.19, -0.29]], digits=[[2, 2], [2, 2]])
    assert result.right.tolist() == [[True, True], [True, False]]
    assert result.rounded[1, 1] and result.digits_typed == 2 and result.digits_needed == 3


def test_a_wrong_rule_fails_these_tests():
    """The tests above are seen to fail on a looser rule: the old one passed 12 % off near 0.005."""
    def old(answer, expected):
        return np.abs(np.asarray(answer) - expected) <= np.maximum(0.01 * np.abs(expected), 5e-4)

    assert old(-0.0031, -0.00355) and not tolerance.right(-0.0031, -0.00355)


def test_the_rule_is_stated_in_words_with_its_numbers():
    assert "3 significant figures" in tolerance.RULE_TEXT and "0.51" in tolerance.RULE_TEXT
    assert "1e-08" in tolerance.RULE_TEXT


# --- every checker marks with the one rule --------------------------------------------------------------


def problem_page_checks(answer):
    sol = a.solve(a.DEFAULT_INPUTS, "assignment")
    return mistakes.check_answer("dW2", sol, answer)


def update_checks(answer):
    step = a.gradient_step(a.solve(a.DEFAULT_INPUTS, "assignment"), 0.5)
    return mistakes.check_answer("W2_new", step, answer)


def practice_checks(answer):
    problem = practice.make_problem("output", practice.ASSIGNMENT_SIZE, 3)
    return practice.check(problem, "dW2", answer)


CHECKERS = {"problem pages": problem_page_checks, "Problem 5": update_checks, "practice": practice_checks}


@pytest.mark.parametrize("checker", list(CHECKERS))
def test_every_checker_marks_every_cell_with_the_one_rule(checker, monkeypatch):
    """Each checker's cells are exactly what tolerance.right says: with the rule replaced by one that calls every
    cell right, a nonsense answer is right; with the real rule it is wrong."""
    nonsense = [[123.0, 456.0], [789.0, 1011.0]]
    assert not CHECKERS[checker](nonsense).all_right
    calls = []
    monkeypatch.setattr(tolerance, "right", lambda answer, expected, *rest: calls.append(1) or
                        np.ones(np.shape(expected), dtype=bool))
    assert CHECKERS[checker](nonsense).all_right and calls
