"""Marking a student's answer: what each cell says and what to tell the student, from a Diagnosis.

Pure functions (no streamlit): the answer checker on the pages draws what these return.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.mistakes import MISTAKES, TOLERANCE_TEXT, Diagnosis, round_significant
from dashboard.numbers import short


@dataclass(frozen=True)
class Marking:
    """What to show for a checked answer.

    - verdict: "right" or "wrong"; summary: one sentence for the banner
    - cells: a word per cell, shaped like the answer: "✓" for a right cell; for a wrong one "too high" or
      "too low" (solutions hidden), or its difference from the right value (solutions revealed)
    - hints: (label, hint) of each misconception the answer matches; or, when none does, the rounding hint
    - unexplained: wrong, and neither rounding nor a common mistake gives this answer
    """

    verdict: str
    summary: str
    cells: list[list[str]]
    hints: tuple[tuple[str, str], ...]
    unexplained: bool


def cell_word(right: bool, difference: float, reveal: bool = False) -> str:
    if right:
        return "✓"
    if reveal:
        return short(difference)
    return "too high" if difference > 0 else "too low"


def rounding_hint(diagnosis: Diagnosis, reveal: bool) -> tuple[str, str] | None:
    """The hint for wrong cells that are the right values rounded too coarsely, or None if there are none."""
    rounded = diagnosis.rounded
    if rounded is None or not rounded.any():
        return None
    count = int(rounded.sum())
    cells = "one cell is" if count == 1 else f"{count} cells are"
    text = (f"{cells[0].upper()}{cells[1:]} the right value rounded to the digits you typed, and that rounding is "
            f"coarser than the check allows ({TOLERANCE_TEXT}). Give {diagnosis.digits_needed} significant figures")
    if reveal:
        first = tuple(np.argwhere(rounded)[0])
        example = round_significant(float(diagnosis.expected[first]), diagnosis.digits_needed)[0]
        text += f", as in {short(example, diagnosis.digits_needed)}"
    return "rounding", text + "."


def mark(diagnosis: Diagnosis, reveal: bool = False) -> Marking:
    """The marks, banner and hints for a diagnosed answer; ``reveal``: the solution may be shown."""
    right = np.asarray(diagnosis.right)
    cells = [[cell_word(r, d, reveal) for r, d in zip(rr, dd, strict=True)]
             for rr, dd in zip(right, diagnosis.difference, strict=True)]
    hints = tuple((MISTAKES[m].label, MISTAKES[m].hint) for m in diagnosis.mistakes)
    rounding = rounding_hint(diagnosis, reveal)
    if rounding is not None and not diagnosis.mistakes:  # a mistake that explains the answer explains its digits too
        hints = (rounding, *hints)
    if diagnosis.all_right:
        return Marking("right", f"All {right.size} cells are right.", cells, hints, False)
    wrong = int((~right).sum())
    unexplained = not diagnosis.mistakes and (diagnosis.rounded is None or
                                              not (diagnosis.rounded | right).all())
    return Marking("wrong", f"{wrong} of {right.size} cells are off.", cells, hints, unexplained)
