"""Check a student's answer to Problems 2–5 and name the likely misconception.

Each common mistake is recomputed from the same inputs, through the same layer functions as the right
answer with the one slip put in; if the student's matrix matches one of
those wrong results (and not the right one), that mistake is the diagnosis. A mistake is only
offered where it yields a matrix of the right shape that differs from the correct answer.

Shapes as in the package: X (N, D), W1 (D, H), b1 (H,), Z1 and A1 and δ1 (N, H), W2 (H, C), δ2 (N, C).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop import tolerance
from backprop._checks import as_matrix
from backprop.activations import get_activation
from backprop.assignment import Solution, Update, solve
from backprop.layers import ActivationCache, LinearCache, activation_backward, activation_forward, linear_backward
from backprop.network import hidden_layer_gradient, linear, output_layer_gradient
from backprop.optim import sgd
from backprop.tolerance import SIG_FIGS, round_significant


@dataclass(frozen=True)
class Mistake:
    """A misconception: a short name and a one-sentence hint that points at it without the answer."""

    label: str
    hint: str


MISTAKES: dict[str, Mistake] = {
    "z1_transposed": Mistake(
        "W1 multiplied the wrong way round",
        "Check the order of the product: with rows as samples, Z1 = X·W1, so row n of X meets column j of W1.",
    ),
    "z1_missing_bias": Mistake("bias left out", "Z1 = X·W1 + b1: after the product, add b1 to every row."),
    "z1_bias_subtracted": Mistake("bias subtracted", "Look at the sign of the bias: it is added, Z1 = X·W1 + b1."),
    "z1_elementwise": Mistake(
        "entry-wise product instead of a matrix product",
        "Z1[n, j] is a sum over every input i of X[n, i]·W1[i, j], not a single product of matching entries.",
    ),
    "z1_sigmoid_applied": Mistake(
        "sigmoid already applied",
        "That is A1 = σ(Z1): Z1 is the pre-activation, the value before the sigmoid.",
    ),
    "dW2_transposed": Mistake(
        "δ2ᵀ·A1 instead of A1ᵀ·δ2",
        "The gradient must have W2's shape, H × C: rows for hidden units, columns for outputs.",
    ),
    "dW2_other_A1": Mistake(
        "the other A1",
        "Check which A1 this mode uses: the one the assignment assumes, or σ(Z1) from the forward pass.",
    ),
    "dW2_other_mode": Mistake(
        "the other mode's ∂L/∂W2",
        "Check which A1 and δ2 this mode uses: the assignment's assumed A1 and given δ2, or σ(Z1) and the δ2 "
        "derived from the target y.",
    ),
    "dW2_X_instead_of_A1": Mistake(
        "X instead of A1",
        "The weights W2 act on the hidden activations, so their gradient is built from A1, not from the inputs X.",
    ),
    "delta1_W2_not_transposed": Mistake(
        "δ2·W2 instead of δ2·W2ᵀ",
        "W2 maps hidden units to outputs; to carry the error back from outputs to hidden units use its transpose.",
    ),
    "delta1_no_sigma_prime": Mistake(
        "σ′(Z1) left out",
        "After δ2·W2ᵀ, scale each entry by the sigmoid's slope σ′(Z1), entry by entry.",
    ),
    "delta1_sigma_prime_at_A1": Mistake(
        "σ′ taken at A1 instead of Z1",
        "σ′ is evaluated at the pre-activation: σ′(Z1) = σ(Z1)(1 − σ(Z1)), not σ(A1)(1 − σ(A1)).",
    ),
    "delta1_sigma_prime_is_A1": Mistake(
        "σ′ written as A1",
        "The sigmoid's derivative is σ(z)(1 − σ(z)) = A1(1 − A1), not A1 itself.",
    ),
    "delta1_assumed_A1": Mistake(
        "σ′ from the assumed A1",
        "That follows the assignment's rounded A1; backprop's exact δ1 takes σ′ at the real Z1: σ(Z1)(1 − σ(Z1)).",
    ),
    "delta1_copied_given": Mistake(
        "the δ1 the assignment gives",
        "That is the simplified δ1 the assignment supplies; here compute it from δ2, W2ᵀ and σ′(Z1).",
    ),
    "delta1_elementwise_W2": Mistake(
        "entry-wise product with W2",
        "δ2·W2ᵀ is a matrix product: hidden unit j collects δ2[n, k]·W2[j, k] summed over every output k.",
    ),
    "dW1_transposed": Mistake(
        "δ1ᵀ·X instead of Xᵀ·δ1",
        "The gradient must have W1's shape, D × H: rows for inputs, columns for hidden units.",
    ),
    "dW1_delta2_instead_of_delta1": Mistake(
        "δ2 instead of δ1",
        "W1 is in the first layer, so its gradient uses the first layer's error δ1, not the output error δ2.",
    ),
    "dW1_other_delta1": Mistake(
        "the other δ1",
        "Check which δ1 this mode uses: the one the assignment gives, or the one propagated from δ2.",
    ),
    "a1_sigmoid_of_XW1": Mistake(
        "σ of X·W1, without the bias", "A1 = σ(Z1) with Z1 = X·W1 + b1: add the bias before the sigmoid."),
    "a1_sign_in_exponent": Mistake(
        "e^(+z) instead of e^(−z)",
        "σ(z) = 1 / (1 + e^(−z)): the exponent has a minus sign, so a large z gives σ near 1."),
    "a1_exp_only": Mistake("stopped at e^(−z)", "e^(−Z1) is a step on the way: σ(z) = 1 / (1 + e^(−z))."),
    "a1_is_z1": Mistake("the sigmoid left out", "That is Z1 itself: apply σ to each entry, A1 = σ(Z1)."),
    "db_first_sample": Mistake(
        "the first sample only",
        "∂L/∂b collects the error of every sample: add up the rows of δ, one per sample."),
    "delta2_no_sigma_prime": Mistake(
        "σ′(Z2) left out",
        "With a sigmoid output, δ2 = ∂L/∂Z2 = ∂L/∂A2 ∗ σ′(Z2): multiply (A2 − y)/N by A2(1 − A2), entry by entry."),
    "delta2_not_averaged": Mistake(
        "1/N left out",
        "The loss is a mean over the N samples, so ∂L/∂A2 = (A2 − y)/N: divide by the number of samples."),
    "a1_assumed": Mistake(
        "the A1 the assignment assumes",
        "That is the rounder A1 the assignment supplies for later problems; here compute σ(Z1) itself."),
    "sign": Mistake("sign error", "Every entry has the right size but the wrong sign: re-check the signs."),
    "averaged_again": Mistake(
        "divided by N",
        "δ2 = ∂L/∂Z2 already carries the mean's 1/N, so the gradient is the plain sum over samples.",
    ),
    "update_added": Mistake(
        "gradient added",
        "Gradient descent moves against the gradient: W − η·∂L/∂W, so a positive gradient makes the weight smaller.",
    ),
    "update_no_lr": Mistake(
        "η left out",
        "The step is the learning rate times the gradient: multiply ∂L/∂W by η before subtracting it.",
    ),
    "update_only_step": Mistake(
        "the step without W",
        "The new weight is the old weight minus the step, W − η·∂L/∂W, not the step −η·∂L/∂W alone.",
    ),
    "update_transposed": Mistake(
        "gradient transposed",
        "∂L/∂W has W's shape: entry (i, j) of the gradient moves entry (i, j) of W.",
    ),
    "update_not_applied": Mistake(
        "the weights were not updated",
        "That is the parameter before the step: subtract η times its gradient, θ − η·∂L/∂θ.",
    ),
    "loss_before_step": Mistake(
        "the loss before the step",
        "That is the loss you started from: run the forward pass again with the updated parameters, then the loss.",
    ),
    "update_other_gradient": Mistake(
        "the other mode's gradient",
        "Check which gradients this mode uses: the assignment's (from its given A1, δ2 and δ1) or those "
        "propagated from the target y.",
    ),
}

QUANTITIES = ("Z1", "A1", "delta2", "dW2", "db2", "delta1", "dW1", "db1")
#: Problem 5's answers, checked against an assignment.Update: every parameter after one step, and the loss after it.
UPDATE_QUANTITIES = ("W1_new", "b1_new", "W2_new", "b2_new", "loss_after")


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """How an answer compares with the correct matrix.

    - expected: the correct matrix; answer: the student's
    - right: bool per cell, right under the one marking rule (backprop.tolerance.RULE_TEXT)
    - difference: answer − expected, 0 where the cell is right (a right cell has no difference to show,
      however the last bits of floating point fall)
    - mistakes: the keys of MISTAKES whose result the answer matches (empty if it is right or unexplained)
    - rounded: bool per wrong cell that is the right value rounded to the significant digits typed there
    - digits_needed: the significant digits that every rounded cell needs to be right (0 if none is rounded)
    - digits_typed: the fewest significant digits typed in a rounded cell (0 if none is rounded)
    """

    expected: np.ndarray
    answer: np.ndarray
    right: np.ndarray
    difference: np.ndarray
    mistakes: tuple[str, ...]
    rounded: np.ndarray | None = None
    digits_needed: int = 0
    digits_typed: int = 0

    @property
    def all_right(self) -> bool:
        return bool(self.right.all())


def digits_needed(expected: float) -> int:
    """The fewest significant figures whose rounding of ``expected`` is right under the rule (at most SIG_FIGS):
    0.18 needs 2, −0.285 needs 3."""
    for digits in range(1, SIG_FIGS):
        if all(tolerance.right(np.array(r), np.array(expected)) for r in round_significant(expected, digits)):
            return digits
    return SIG_FIGS


def _matches(answer: np.ndarray, wrong: np.ndarray, digits: np.ndarray | None) -> bool:
    """Whether ``answer`` is the mistake's result ``wrong``: right for it under the rule in every cell, or, where the
    student typed fewer figures, that result rounded to the figures typed."""
    for index in np.ndindex(answer.shape):
        if tolerance.right(answer[index], wrong[index]):
            continue
        if digits is None or digits[index] <= 0 or answer[index] not in round_significant(wrong[index],
                                                                                          int(digits[index])):
            return False
    return True


def diagnose(answer, expected: np.ndarray, candidates: dict[str, np.ndarray], digits=None) -> Diagnosis:
    """Mark ``answer`` cell by cell against ``expected`` with the one rule (backprop.tolerance), and compare it with
    each mistake's result in ``candidates``.

    digits: the significant digits the student typed in each cell (same shape), if known. A wrong cell that equals
    the right value rounded to that many digits is diagnosed as rounding, unless a named mistake explains the
    answer; a mistake's result rounded to the digits typed still names that mistake.
    """
    expected = np.asarray(expected, dtype=np.float64)
    answer = as_matrix("answer", answer)
    if answer.shape != expected.shape:
        raise ValueError(f"answer has shape {answer.shape} but the correct matrix has shape {expected.shape}")
    right = tolerance.right(answer, expected)
    matches: tuple[str, ...] = ()
    rounded = np.zeros(expected.shape, dtype=bool)
    needed = typed = 0
    if not right.all():
        digits = None if digits is None else np.broadcast_to(np.asarray(digits), expected.shape)
        matches = tuple(key for key, wrong in candidates.items() if _matches(answer, wrong, digits))
        if digits is not None and not matches:
            for index in zip(*np.nonzero(~right), strict=True):
                if digits[index] > 0 and answer[index] in round_significant(expected[index], int(digits[index])):
                    rounded[index] = True
                    needed = max(needed, digits_needed(float(expected[index])))
                    typed = int(digits[index]) if not typed else min(typed, int(digits[index]))
    difference = np.where(right, 0.0, answer - expected)
    return Diagnosis(expected, answer, right, difference, matches, rounded, needed, typed)


def _keep(expected: np.ndarray, candidates: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Only mistakes that give a matrix of the right shape that is not (within tolerance) the right one."""
    return {k: v for k, v in candidates.items() if v.shape == expected.shape and not tolerance.right(v, expected).all()}


def z1_candidates(X, W1, b1) -> dict[str, np.ndarray]:
    """Wrong Z1s: (N, H) each."""
    X, W1 = as_matrix("X", X), as_matrix("W1", W1)
    b1 = np.asarray(b1, dtype=np.float64).reshape(-1)
    Z1 = linear(X, W1, b1)
    XW = linear(X, W1, np.zeros_like(b1))
    out = {"z1_missing_bias": XW, "z1_bias_subtracted": XW - b1, "z1_sigmoid_applied": _sigmoid(Z1)[0],
           "sign": -Z1}
    if W1.shape[0] == W1.shape[1]:
        out["z1_transposed"] = linear(X, W1.T, b1)
        out["z1_elementwise"] = X * np.diag(W1) + b1
    return _keep(Z1, out)


def _sigmoid(Z: np.ndarray, A: np.ndarray | None = None) -> tuple[np.ndarray, ActivationCache]:
    """σ(Z) and its cache; with ``A`` given, a cache that claims A = σ(Z) (how a mistake takes σ′ from the wrong A)."""
    if A is None:
        return activation_forward(Z, "sigmoid")
    return A, ActivationCache(get_activation("sigmoid"), Z, A)


def a1_candidates(Z1, XW1, *, A1_given=None) -> dict[str, np.ndarray]:
    """Wrong A1s: (N, H) each, against A1 = σ(Z1)."""
    Z1, XW1 = as_matrix("Z1", Z1), as_matrix("XW1", XW1)
    right = _sigmoid(Z1)[0]
    with np.errstate(over="ignore"):
        out = {"a1_sigmoid_of_XW1": _sigmoid(XW1)[0], "a1_sign_in_exponent": _sigmoid(-Z1)[0],
               "a1_exp_only": np.exp(-Z1), "a1_is_z1": Z1}
    if A1_given is not None and as_matrix("A1_given", A1_given).shape == Z1.shape:
        out["a1_assumed"] = as_matrix("A1_given", A1_given)
    return _keep(right, out)


def dW2_candidates(A1, delta2, *, other_A1=None, other_dW2=None, X=None) -> dict[str, np.ndarray]:
    """Wrong ∂L/∂W2s: (H, C) each. ``other_A1`` is the A1 of the other mode; ``other_dW2`` the other mode's
    whole gradient (its A1 and its δ2), kept when it differs from the one with only A1 swapped."""
    A1, delta2 = as_matrix("A1", A1), as_matrix("delta2", delta2)
    right = output_layer_gradient(A1, delta2)
    out = {"sign": -right, "averaged_again": right / A1.shape[0], "dW2_transposed": right.T}
    if other_A1 is not None:
        out["dW2_other_A1"] = output_layer_gradient(as_matrix("other_A1", other_A1), delta2)
    if other_dW2 is not None:
        other_dW2 = as_matrix("other_dW2", other_dW2)
        if "dW2_other_A1" not in out or not tolerance.right(other_dW2, out["dW2_other_A1"]).all():
            out["dW2_other_mode"] = other_dW2
    if X is not None and as_matrix("X", X).shape[0] == delta2.shape[0]:
        out["dW2_X_instead_of_A1"] = output_layer_gradient(X, delta2)
    return _keep(right, out)


def delta1_candidates(delta2, W2, Z1, *, A1_given=None, delta1_given=None) -> dict[str, np.ndarray]:
    """Wrong δ1s: (N, H) each, all against δ1 = (δ2·W2ᵀ) ∗ σ′(Z1)."""
    delta2, W2, Z1 = as_matrix("delta2", delta2), as_matrix("W2", W2), as_matrix("Z1", Z1)
    back = linear_backward(delta2, LinearCache(None, W2))[0]  # δ2·W2ᵀ, the error arriving at A1
    A1, cache = _sigmoid(Z1)
    right = activation_backward(back, cache)
    out = {"delta1_no_sigma_prime": back,
           "delta1_sigma_prime_at_A1": activation_backward(back, _sigmoid(A1)[1]),
           "delta1_sigma_prime_is_A1": back * A1, "sign": -right}
    if W2.shape[0] == W2.shape[1]:
        out["delta1_W2_not_transposed"] = activation_backward(linear_backward(delta2, LinearCache(None, W2.T))[0],
                                                              cache)
        out["delta1_elementwise_W2"] = activation_backward(delta2 * np.diag(W2), cache)
    if A1_given is not None:
        given = as_matrix("A1_given", A1_given)
        if given.shape == Z1.shape:
            out["delta1_assumed_A1"] = activation_backward(back, _sigmoid(Z1, given)[1])
    if delta1_given is not None:
        out["delta1_copied_given"] = as_matrix("delta1_given", delta1_given)
    return _keep(right, out)


def dW1_candidates(X, delta1, *, delta2=None, other_delta1=None) -> dict[str, np.ndarray]:
    """Wrong ∂L/∂W1s: (D, H) each. ``other_delta1`` is the δ1 of the other mode."""
    X, delta1 = as_matrix("X", X), as_matrix("delta1", delta1)
    right = hidden_layer_gradient(X, delta1)
    out = {"sign": -right, "averaged_again": right / X.shape[0], "dW1_transposed": right.T}
    if delta2 is not None:
        out["dW1_delta2_instead_of_delta1"] = hidden_layer_gradient(X, as_matrix("delta2", delta2))
    if other_delta1 is not None:
        out["dW1_other_delta1"] = hidden_layer_gradient(X, as_matrix("other_delta1", other_delta1))
    return _keep(right, out)


def bias_candidates(delta) -> dict[str, np.ndarray]:
    """Wrong ∂L/∂b for the layer whose error is ``delta`` (N, H): (H,) each."""
    delta = as_matrix("delta", delta)
    right = linear_backward(delta, LinearCache(None, None))[2]
    out = {"sign": -right, "averaged_again": right / delta.shape[0], "db_first_sample": delta[0]}
    return _keep(right, out)


def delta2_candidates(delta2, dA2) -> dict[str, np.ndarray]:
    """Wrong δ2 = ∂L/∂Z2 for a sigmoid output and the mean squared error: (N, C) each.

    - delta2: the right δ2; dA2: ∂L/∂A2 = (A2 − y)/N, as the same output layer gave it (network.output_delta)
    """
    delta2, dA2 = as_matrix("delta2", delta2), as_matrix("dA2", dA2)
    out = {"delta2_no_sigma_prime": dA2, "delta2_not_averaged": delta2 * delta2.shape[0], "sign": -delta2}
    return _keep(delta2, out)


def update_candidates(quantity: str, update: Update) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """A parameter after ``update``'s step ("W1_new", "b1_new", "W2_new", "b2_new", as a 2-D array: a bias is one
    row) and the wrong steps, each through optim.sgd with its slip put in; or the loss after the step
    ("loss_after", 1 × 1) and the wrong losses: the loss before the step, and the loss an assumed A1 gives."""
    row = np.atleast_2d
    if quantity == "loss_after":
        expected = row(update.loss_after)
        wrong = {"loss_before_step": row(update.loss_before)}
        return expected, _keep(expected, wrong)
    name = quantity.removesuffix("_new")
    other_mode = "consistent" if update.mode == "assignment" else "assignment"
    other = solve(update.inputs, other_mode, update.sol.loss).grads[name]
    expected = row(getattr(update.after, name))
    return expected, {k: row(v) for k, v in step_candidates(
        getattr(update.before, name), update.grads[name], update.lr, getattr(update.after, name),
        other_gradient=other).items()}


def step_candidates(W, g, lr: float, expected, *, other_gradient=None) -> dict[str, np.ndarray]:
    """Wrong results of one step W − η·g, each through optim.sgd with its slip put in; shaped like W.

    expected: the right result (to keep only mistakes that differ from it); other_gradient: a gradient the
    student might have taken instead (the other mode's).
    """
    W, g = np.asarray(W, dtype=np.float64), np.asarray(g, dtype=np.float64)
    out = {"update_added": sgd(W, g, {"lr": -lr})[0], "update_no_lr": sgd(W, g, {"lr": 1.0})[0],
           "update_only_step": sgd(np.zeros_like(W), g, {"lr": lr})[0], "update_not_applied": W}
    if other_gradient is not None:
        out["update_other_gradient"] = sgd(W, np.asarray(other_gradient, dtype=np.float64), {"lr": lr})[0]
    if g.ndim == 2 and g.shape[0] == g.shape[1]:
        out["update_transposed"] = sgd(W, g.T, {"lr": lr})[0]
    return _keep(np.asarray(expected, dtype=np.float64), out)


def expected(quantity: str, sol: Solution | Update) -> np.ndarray:
    """The correct matrix for ``quantity`` in ``sol``'s mode, as a 2-D array (what a grid for it holds), without the
    mistakes it is compared with: δ1 is the propagated one and δ2 the one derived from y (as in
    expected_and_candidates)."""
    if quantity == "loss_after":
        return np.atleast_2d(sol.loss_after)
    if quantity in UPDATE_QUANTITIES:
        return np.atleast_2d(getattr(sol.after, quantity.removesuffix("_new")))
    values = {"Z1": sol.Z1, "A1": sol.A1_computed, "delta2": sol.delta2_computed, "dW2": sol.dW2, "db2": sol.db2,
              "db1": sol.db1, "delta1": sol.delta1_computed, "dW1": sol.dW1} if quantity in QUANTITIES else None
    if values is None:
        raise ValueError(f"unknown quantity {quantity!r}; choose one of: {', '.join(QUANTITIES + UPDATE_QUANTITIES)}")
    return np.atleast_2d(values[quantity])


def expected_and_candidates(quantity: str, sol: Solution | Update) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The correct matrix for ``quantity`` in ``sol``'s mode, and the mistakes to compare with.

    δ1 is always the propagated one, (δ2·W2ᵀ) ∗ σ′(Z1): the exercise is to compute it, even in the
    mode where the assignment then gives a simpler one. δ2 is the mode's: given, or derived from y; as an
    answer ("delta2"), it is the one derived from y (the exercise of working it out).
    """
    if quantity in UPDATE_QUANTITIES:
        return update_candidates(quantity, sol)
    inp = sol.inputs
    if quantity == "Z1":
        return sol.Z1, z1_candidates(inp.X, inp.W1, inp.b1)
    if quantity == "A1":
        return sol.A1_computed, a1_candidates(sol.Z1, sol.XW1, A1_given=inp.A1_given)
    if quantity == "delta2":
        return sol.delta2_computed, delta2_candidates(sol.delta2_computed, sol.dA2)
    if quantity == "dW2":
        other = sol.A1_computed if sol.mode == "assignment" else inp.A1_given
        other_mode = solve(inp, "consistent" if sol.mode == "assignment" else "assignment", sol.loss)
        return sol.dW2, dW2_candidates(sol.A1, sol.delta2, other_A1=other, other_dW2=other_mode.dW2, X=inp.X)
    if quantity == "db2":
        return np.atleast_2d(sol.db2), {k: np.atleast_2d(v) for k, v in bias_candidates(sol.delta2).items()}
    if quantity == "db1":
        return np.atleast_2d(sol.db1), {k: np.atleast_2d(v) for k, v in bias_candidates(sol.delta1).items()}
    if quantity == "delta1":
        return sol.delta1_computed, delta1_candidates(sol.delta2, inp.W2, sol.Z1, A1_given=inp.A1_given,
                                                        delta1_given=inp.delta1_given)
    if quantity == "dW1":
        other = sol.delta1_computed if sol.mode == "assignment" else inp.delta1_given
        return sol.dW1, dW1_candidates(inp.X, sol.delta1, delta2=sol.delta2, other_delta1=other)
    raise ValueError(f"unknown quantity {quantity!r}; choose one of: {', '.join(QUANTITIES + UPDATE_QUANTITIES)}")


def check_answer(quantity: str, sol: Solution | Update, answer, digits=None) -> Diagnosis:
    """Diagnose a student's ``answer`` for one of QUANTITIES against the worked solution ``sol``, or for
    W1_new or W2_new against the step ``sol`` (an assignment.Update); ``digits``: significant digits typed
    per cell (see diagnose)."""
    expected, candidates = expected_and_candidates(quantity, sol)
    return diagnose(answer, expected, candidates, digits)
