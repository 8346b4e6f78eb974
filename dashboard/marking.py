"""Marking a student's answer: what each cell says and what to tell the student, from a Diagnosis.

Pure functions (no streamlit): the answer checker on the pages draws what these return.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.mistakes import MISTAKES, Diagnosis


@dataclass(frozen=True)
class Marking:
    """What to show for a checked answer.

    - verdict: "right" or "wrong"; summary: one sentence for the banner
    - cells: a word per cell ("✓", "too high", "too low"), shaped like the answer
    - hints: (label, hint) of each misconception the answer matches
    - unexplained: wrong, and no common mistake gives this answer
    """

    verdict: str
    summary: str
    cells: list[list[str]]
    hints: tuple[tuple[str, str], ...]
    unexplained: bool


def cell_word(right: bool, difference: float) -> str:
    return "✓" if right else ("too high" if difference > 0 else "too low")


def mark(diagnosis: Diagnosis) -> Marking:
    """The marks, banner and hints for a diagnosed answer."""
    right = np.asarray(diagnosis.right)
    cells = [[cell_word(r, d) for r, d in zip(rr, dd, strict=True)]
             for rr, dd in zip(right, diagnosis.difference, strict=True)]
    hints = tuple((MISTAKES[m].label, MISTAKES[m].hint) for m in diagnosis.mistakes)
    if diagnosis.all_right:
        return Marking("right", f"All {right.size} cells are right.", cells, hints, False)
    wrong = int((~right).sum())
    return Marking("wrong", f"{wrong} of {right.size} cells are off.", cells, hints, not hints)
