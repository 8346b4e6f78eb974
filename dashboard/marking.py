"""Marking a student's answer: what each cell says and what to tell the student, from a Diagnosis.

Pure functions (no streamlit): the answer checker on the pages draws what these return.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.mistakes import MISTAKES, Diagnosis
from backprop.tolerance import RULE_SHORT, round_significant
from dashboard.numbers import short

#: The worked step each quantity is computed in (dashboard.steps keys): where a hint about it points.
STEP_OF_QUANTITY = {
    "Z1": "z1_bias", "A1": "a1_sigmoid", "delta2": "delta2", "dW2": "dW2_product", "db2": "db2_sum",
    "delta1": "delta1_hadamard", "dW1": "dW1_product", "db1": "db1_sum", "W1_new": "update_W1",
    "b1_new": "update_b1", "W2_new": "update_W2", "b2_new": "update_b2", "loss_after": "loss_after",
}
#: The worked step a misconception concerns, where that is not the step that computes the quantity.
STEP_OF_MISTAKE = {
    "z1_transposed": "z1_shapes", "z1_elementwise": "z1_product", "z1_sigmoid_applied": "z1_bias",
    "a1_assumed": "a1_assumed", "delta2_not_averaged": "dA2", "dW2_transposed": "dW2_transpose",
    "dW2_other_A1": "dW2_given", "dW2_other_mode": "dW2_given", "delta1_W2_not_transposed": "delta1_back",
    "delta1_elementwise_W2": "delta1_back", "delta1_sigma_prime_at_A1": "delta1_sigma_prime",
    "delta1_sigma_prime_is_A1": "delta1_sigma_prime", "delta1_assumed_A1": "delta1_sigma_prime",
    "dW1_transposed": "dW1_shapes", "dW1_other_delta1": "dW1_given_delta1",
}


def hint_step(mistake: str, quantity: str) -> str:
    """The key of the worked step a hint about ``mistake`` in ``quantity`` points to ("" when there is none)."""
    return STEP_OF_MISTAKE.get(mistake) or STEP_OF_QUANTITY.get(quantity, "")


@dataclass(frozen=True)
class Marking:
    """What to show for a checked answer.

    - verdict: "right" or "wrong"; summary: one sentence for the banner
    - cells: a word per cell, shaped like the answer: "✓" for a right cell; for a wrong one "too high" or
      "too low" (solutions hidden), or its difference from the right value (solutions revealed)
    - hints: (label, hint, step) of each misconception the answer matches, ``step`` the key of the worked step it
      concerns ("" for none); or, when none does, the rounding hint
    - unexplained: wrong, and neither rounding nor a common mistake gives this answer
    """

    verdict: str
    summary: str
    cells: list[list[str]]
    hints: tuple[tuple[str, str, str], ...]
    unexplained: bool


def cell_word(right: bool, difference: float, reveal: bool = False) -> str:
    if right:
        return "✓"
    if reveal:
        return short(difference)
    return "too high" if difference > 0 else "too low"


def rounding_hint(diagnosis: Diagnosis, reveal: bool) -> tuple[str, str, str] | None:
    """The hint for wrong cells that are the right values rounded too coarsely, or None if there are none."""
    rounded = diagnosis.rounded
    if rounded is None or not rounded.any():
        return None
    count = int(rounded.sum())
    cells = "one cell is" if count == 1 else f"{count} cells are"
    typed, needed = diagnosis.digits_typed, diagnosis.digits_needed
    figures = f"{typed} significant figure{'s' if typed != 1 else ''}" if typed else "fewer figures"
    text = (f"{cells[0].upper()}{cells[1:]} the right value rounded to {figures}, as you typed it; a cell is "
            f"{RULE_SHORT}, so give {needed} significant figures (and keep more in the steps before)")
    if reveal:
        first = tuple(np.argwhere(rounded)[0])
        example = round_significant(float(diagnosis.expected[first]), diagnosis.digits_needed)[0]
        text += f", as in {short(example, needed)}"
    return "rounding", text + ".", ""


def mark(diagnosis: Diagnosis, reveal: bool = False, quantity: str = "") -> Marking:
    """The marks, banner and hints for a diagnosed answer; ``reveal``: the solution may be shown; ``quantity``: what
    was answered (as in backprop.mistakes), for the worked step each hint points to."""
    right = np.asarray(diagnosis.right)
    cells = [[cell_word(r, d, reveal) for r, d in zip(rr, dd, strict=True)]
             for rr, dd in zip(right, diagnosis.difference, strict=True)]
    hints = tuple((MISTAKES[m].label, MISTAKES[m].hint, hint_step(m, quantity)) for m in diagnosis.mistakes)
    rounding = rounding_hint(diagnosis, reveal)
    if rounding is not None and not diagnosis.mistakes:  # a mistake that explains the answer explains its digits too
        hints = (rounding, *hints)
    if diagnosis.all_right:
        return Marking("right", "It is right." if right.size == 1 else f"All {right.size} cells are right.", cells,
                       hints, False)
    wrong = int((~right).sum())
    unexplained = not diagnosis.mistakes and (diagnosis.rounded is None or
                                              not (diagnosis.rounded | right).all())
    summary = "It is off." if right.size == 1 else f"{wrong} of {right.size} cells {'is' if wrong == 1 else 'are'} off."
    return Marking("wrong", summary, cells, hints, unexplained)
