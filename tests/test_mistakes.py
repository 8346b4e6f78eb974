"""Check my answer: every listed mistake is recognised as itself, right answers as right."""
import re

import numpy as np
import pytest

from backprop import assignment as a
from backprop.mistakes import MISTAKES, QUANTITIES, check_answer, diagnose, expected_and_candidates

ASSIGNMENT = [a.solve(a.DEFAULT_INPUTS, mode) for mode in ("assignment", "consistent")]


def random_solutions():
    out = []
    for seed in range(6):
        rng = np.random.default_rng(seed)
        n = 3 if seed % 2 else 2  # square shapes let every mistake apply; N > 1 lets "divided by N" show
        inputs = a.Inputs(
            X=rng.integers(-3, 4, (n, n)).astype(float) + rng.choice([0.0, 0.5], (n, n)),
            W1=np.round(rng.uniform(-1, 1, (n, n)), 2), b1=np.round(rng.uniform(-1, 1, n), 2),
            W2=np.round(rng.uniform(-1, 1, (n, n)), 2), delta2=np.round(rng.uniform(-0.5, 0.5, (n, n)), 2),
            A1_given=np.round(rng.uniform(0.1, 0.9, (n, n)), 2),
            delta1_given=np.round(rng.uniform(-0.05, 0.05, (n, n)), 3),
        )
        out += [a.solve(inputs, "assignment"), a.solve(inputs, "consistent")]
    return out


RANDOM = random_solutions()


@pytest.mark.parametrize("quantity", QUANTITIES)
@pytest.mark.parametrize("sol", ASSIGNMENT + RANDOM, ids=lambda s: f"{s.mode}-{s.inputs.dims['N']}")
def test_each_mistake_is_diagnosed_as_itself(quantity, sol):
    expected, candidates = expected_and_candidates(quantity, sol)
    right = check_answer(quantity, sol, expected)
    assert right.all_right and right.mistakes == ()
    for key, wrong in candidates.items():
        result = check_answer(quantity, sol, wrong)
        assert not result.all_right, key
        assert key in result.mistakes, (key, result.mistakes)


def test_every_listed_mistake_is_reachable_on_the_assignments_numbers_or_random_ones():
    seen = set()
    for sol in ASSIGNMENT + RANDOM:
        for quantity in QUANTITIES:
            seen |= set(expected_and_candidates(quantity, sol)[1])
    assert seen == set(MISTAKES)


@pytest.mark.parametrize("quantity, wrong, key", [
    ("Z1", [[1.1, 1.6]], "z1_missing_bias"),                                   # X·W1 without b1
    ("Z1", [[2 * 0.1 + 3 * 0.2 + 0.5, 2 * 0.3 + 3 * 0.4 + 0.6]], "z1_transposed"),  # X·W1ᵀ + b1
    ("dW2", [[0.18, 0.19], [-0.27, -0.285]], "dW2_transposed"),
    ("dW2", [[-0.18, 0.27], [-0.19, 0.285]], "sign"),
    ("dW1", [[-0.02, -0.03], [-0.04, -0.06]], "dW1_transposed"),
])
def test_the_report_numbers_with_a_classic_slip(quantity, wrong, key):
    result = check_answer(quantity, ASSIGNMENT[0], wrong)
    assert key in result.mistakes


def test_sigma_prime_mistakes_on_the_assignment():
    sol = ASSIGNMENT[0]
    back = a.DELTA2 @ a.W2.T
    A1 = 1 / (1 + np.exp(-a.Z1))
    assert check_answer("delta1", sol, back).mistakes == ("delta1_no_sigma_prime",)
    assert "delta1_sigma_prime_is_A1" in check_answer("delta1", sol, back * A1).mistakes
    assert "delta1_assumed_A1" in check_answer("delta1", sol, back * a.A1_GIVEN * (1 - a.A1_GIVEN)).mistakes
    assert "delta1_W2_not_transposed" in check_answer("delta1", sol, (a.DELTA2 @ a.W2) * A1 * (1 - A1)).mistakes


def test_rounded_answers_count_as_right_and_the_cells_are_marked():
    sol = ASSIGNMENT[0]
    assert check_answer("Z1", sol, [[1.6, 2.2]]).all_right
    assert check_answer("delta1", sol, np.round(sol.delta1_propagated, 4)).all_right
    partly = check_answer("dW2", sol, [[0.18, -0.27], [0.19, 0.3]])
    np.testing.assert_array_equal(partly.right, [[True, True], [True, False]])
    np.testing.assert_allclose(partly.difference, [[0, 0], [0, 0.585]], atol=1e-12)
    assert partly.mistakes == ()  # no single misconception explains one wrong cell


def test_unexplained_answers_get_no_diagnosis():
    result = check_answer("dW1", ASSIGNMENT[0], [[1.0, 2.0], [3.0, 4.0]])
    assert not result.all_right and result.mistakes == ()


def test_hints_point_without_giving_numbers():
    for key, mistake in MISTAKES.items():
        assert mistake.hint.endswith(".") and len(mistake.hint) < 140, key
        assert not re.search(r"\d\.\d", mistake.hint), key


def test_wrong_shape_and_unknown_quantity():
    with pytest.raises(ValueError, match=r"answer has shape \(1, 3\) but the correct matrix has shape \(1, 2\)"):
        diagnose([[1.0, 2.0, 3.0]], np.zeros((1, 2)), {})
    with pytest.raises(ValueError, match="unknown quantity 'A2'"):
        check_answer("A2", ASSIGNMENT[0], [[0.0]])
