"""Tests of backprop.mistakes ("check my answer"): every listed mistake is recognised as itself, right answers right."""
import re

import numpy as np
import pytest

from backprop import assignment as a
from backprop.mistakes import MISTAKES, QUANTITIES, UPDATE_QUANTITIES, check_answer, diagnose, expected_and_candidates

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
        step = a.gradient_step(sol)  # Problem 5: the weights after one step
        for quantity in UPDATE_QUANTITIES:
            seen |= set(expected_and_candidates(quantity, step)[1])
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
    assert check_answer("delta1", sol, significant(sol.delta1_computed, 3)).all_right  # the rule: 3 figures
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


# --- each mistake written out by hand, independently of the module's own candidates ----------------


def significant(M, figures: int) -> np.ndarray:
    """Every entry of M rounded to ``figures`` significant figures, as a student types it."""
    return np.vectorize(lambda v: float(f"{v:.{figures}g}"))(np.asarray(M, dtype=float))

def _sig(z):
    return 1 / (1 + np.exp(-z))


def _hand_made_wrong_answers(sol):
    """(quantity, mistake key, the student's wrong matrix), each from the inputs with plain numpy."""
    i = sol.inputs
    X, W1, b1, W2, d2 = i.X, i.W1, i.b1, i.W2, sol.delta2  # δ2 as this mode has it: given, or from y
    Z1 = X @ W1 + b1
    s = _sig(Z1)
    back = d2 @ W2.T
    A1 = sol.A1  # the A1 this mode uses
    other_A1 = s if sol.mode == "assignment" else i.A1_given
    delta1 = i.delta1_given if sol.mode == "assignment" else back * s * (1 - s)
    other_delta1 = back * s * (1 - s) if sol.mode == "assignment" else i.delta1_given
    n = X.shape[0]
    a2 = _sig(s @ W2 + i.b2)  # the real output layer, from σ(Z1), for δ2 from the targets y
    # the other mode's whole ∂L/∂W2: σ(Z1) with δ2 from y (mse), or the assumed A1 with the given δ2
    other_mode_dW2 = s.T @ ((a2 - i.y) / n * a2 * (1 - a2)) if sol.mode == "assignment" else i.A1_given.T @ i.delta2
    return [
        ("Z1", "z1_missing_bias", X @ W1),
        ("Z1", "z1_bias_subtracted", X @ W1 - b1),
        ("Z1", "z1_sigmoid_applied", s),
        ("Z1", "sign", -Z1),
        ("Z1", "z1_transposed", X @ W1.T + b1),
        ("Z1", "z1_elementwise", np.array([[X[r, j] * W1[j, j] + b1[j] for j in range(W1.shape[1])]
                                           for r in range(n)])),
        ("A1", "a1_sigmoid_of_XW1", _sig(X @ W1)),
        ("A1", "a1_sign_in_exponent", 1 / (1 + np.exp(Z1))),
        ("A1", "a1_exp_only", np.exp(-Z1)),
        ("A1", "a1_is_z1", Z1),
        ("A1", "a1_assumed", i.A1_given),
        ("delta2", "delta2_no_sigma_prime", (a2 - i.y) / n),
        ("delta2", "delta2_not_averaged", (a2 - i.y) * a2 * (1 - a2)),
        ("delta2", "sign", -(a2 - i.y) / n * a2 * (1 - a2)),
        ("db2", "db_first_sample", d2[:1]),
        ("db2", "sign", -d2.sum(axis=0, keepdims=True)),
        ("db1", "averaged_again", delta1.sum(axis=0, keepdims=True) / n),
        ("dW2", "sign", -(A1.T @ d2)),
        ("dW2", "averaged_again", A1.T @ d2 / n),
        ("dW2", "dW2_transposed", d2.T @ A1),
        ("dW2", "dW2_other_A1", other_A1.T @ d2),
        ("dW2", "dW2_other_mode", other_mode_dW2),
        ("dW2", "dW2_X_instead_of_A1", X.T @ d2),
        ("delta1", "delta1_no_sigma_prime", back),
        ("delta1", "delta1_sigma_prime_at_A1", back * _sig(s) * (1 - _sig(s))),
        ("delta1", "delta1_sigma_prime_is_A1", back * s),
        ("delta1", "sign", -back * s * (1 - s)),
        ("delta1", "delta1_W2_not_transposed", (d2 @ W2) * s * (1 - s)),
        ("delta1", "delta1_elementwise_W2", d2 * np.diag(W2) * s * (1 - s)),
        ("delta1", "delta1_assumed_A1", back * i.A1_given * (1 - i.A1_given)),
        ("delta1", "delta1_copied_given", i.delta1_given),
        ("dW1", "sign", -(X.T @ delta1)),
        ("dW1", "averaged_again", X.T @ delta1 / n),
        ("dW1", "dW1_transposed", delta1.T @ X),
        ("dW1", "dW1_delta2_instead_of_delta1", X.T @ d2),
        ("dW1", "dW1_other_delta1", X.T @ other_delta1),
    ]


@pytest.mark.parametrize("sol", [s for s in RANDOM if s.inputs.dims["N"] == 3], ids=lambda s: s.mode)
def test_hand_made_mistakes_are_diagnosed(sol):
    made = _hand_made_wrong_answers(sol)
    assert {key for _, key, _ in made} == {key for key in MISTAKES if not key.startswith(("update_", "loss_"))}
    for quantity, key, wrong in made:
        result = check_answer(quantity, sol, significant(wrong, 4), digits=4)  # as a student would type it
        assert not result.all_right, (quantity, key)
        assert key in result.mistakes, (quantity, key, result.mistakes)


@pytest.mark.parametrize("mode", ["assignment", "consistent"])
def test_expected_alone_is_what_the_diagnosis_compares_with(mode):
    """editors.answer_checker asks only for the correct matrix (its shape); check_answer then diagnoses once."""
    from backprop.assignment import DEFAULT_INPUTS, gradient_step, solve
    from backprop.mistakes import QUANTITIES, UPDATE_QUANTITIES, expected, expected_and_candidates

    sol = solve(DEFAULT_INPUTS, mode)
    step = gradient_step(sol, lr=0.5)
    for quantity in QUANTITIES + UPDATE_QUANTITIES:
        source = step if quantity in UPDATE_QUANTITIES else sol
        np.testing.assert_array_equal(expected(quantity, source),
                                      np.atleast_2d(expected_and_candidates(quantity, source)[0]))
    with pytest.raises(ValueError, match="unknown quantity 'W3'"):
        expected("W3", sol)


# --- the mistakes of an update, each recognised as itself ---------------------------------------------


@pytest.mark.parametrize("mode", list(a.MODES))
@pytest.mark.parametrize("quantity", [q for q in UPDATE_QUANTITIES if q != "loss_after"])
def test_each_update_mistake_is_diagnosed_as_itself(mode, quantity):
    step = a.gradient_step(a.solve(a.DEFAULT_INPUTS, mode), 0.5)
    expected, candidates = expected_and_candidates(quantity, step)
    assert check_answer(quantity, step, expected).all_right
    name = quantity.removesuffix("_new")
    W, g = getattr(a.DEFAULT_INPUTS, name), step.grads[name]
    other = a.solve(a.DEFAULT_INPUTS, "consistent" if mode == "assignment" else "assignment").grads[name]
    by_hand = {"update_added": W + 0.5 * g, "update_no_lr": W - g, "update_only_step": -0.5 * g,
               "update_other_gradient": W - 0.5 * other, "update_not_applied": W}
    if g.ndim == 2:
        by_hand["update_transposed"] = W - 0.5 * g.T
    # a slip that gives the right answer here is no mistake to name (b2 = 0: "the step without W" is right)
    by_hand = {key: wrong for key, wrong in by_hand.items() if not np.allclose(np.atleast_2d(wrong), expected)}
    assert set(candidates) == set(by_hand) and all(key in MISTAKES for key in by_hand)
    for key, wrong in by_hand.items():
        result = check_answer(quantity, step, np.atleast_2d(wrong))  # as the package computes it
        assert not result.all_right and key in result.mistakes, (key, result.mistakes)


@pytest.mark.parametrize("mode", list(a.MODES))
def test_the_loss_after_the_step_is_checked_and_the_loss_before_it_named(mode):
    step = a.gradient_step(a.solve(a.DEFAULT_INPUTS, mode), 0.5)
    assert check_answer("loss_after", step, [[step.loss_after]]).all_right
    typed = float(f"{step.loss_after:.3g}")  # three significant figures, as a student types it
    assert check_answer("loss_after", step, [[typed]], digits=[[3]]).all_right
    before = check_answer("loss_after", step, [[step.loss_before]])
    assert not before.all_right and before.mistakes == ("loss_before_step",)


def test_unchanged_weights_are_named_not_updated_not_a_rounding_slip():
    """Typing W1 as it was before the step (0.1, 0.2; 0.3, 0.4, one figure each) is "not updated": the rounding
    hint ("give more figures") would send the student the wrong way."""
    step = a.gradient_step(a.solve(a.DEFAULT_INPUTS, "assignment"), 0.5)
    result = check_answer("W1_new", step, a.W1, digits=np.ones((2, 2), dtype=int))
    assert result.mistakes[0] == "update_not_applied"
    assert not result.rounded.any() and result.digits_needed == 0
    result = check_answer("b2_new", step, [a.DEFAULT_INPUTS.b2])
    assert result.mistakes == ("update_not_applied",)
