"""The one marking rule: a typed value is right when it agrees with the exact value to SIG_FIGS significant figures.

Every checker marks every cell with ``right`` (the problem pages' *Check my answer*, /practice and the class
sessions): the same standard at every magnitude, as PrairieLearn's significant-figure grading has it. A value
x ≠ 0 allows ``MARGIN`` units in its SIG_FIGS-th significant figure,

    |answer − x| ≤ MARGIN · 10^(floor(log10 |x|) − SIG_FIGS + 1),

that is between 0.051 % and 0.51 % of |x| for 3 figures: x rounded to 3 significant figures, half up or half to
even, is right (it is at most 0.5 units away), and an answer 2 % off is wrong whatever the size of x. An exact 0
has no significant figures; it allows ZERO_FLOOR, so that a typed 0 (or 1e-12) is right and 0.001 is not.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import numpy as np

#: Significant figures a cell must match: the answer keys print 3.
SIG_FIGS = 3
#: Units of the last required figure allowed: half a unit for rounding, and a hair more (0.51, PrairieLearn's) so
#: that a correctly rounded answer stays right however the float of the exact value falls.
MARGIN = 0.51
#: What an exact 0 allows (and nothing else): 0 has no significant figures to match.
ZERO_FLOOR = 1e-8

RULE_TEXT = (f"right to {SIG_FIGS} significant figures: within ±{MARGIN:g} in the exact value's "
             f"{['first', 'second', 'third', 'fourth', 'fifth'][SIG_FIGS - 1]} significant figure "
             f"(0.05–0.5 % of it, at any size); an exact 0 within {ZERO_FLOOR:g}")
RULE_SHORT = f"right to {SIG_FIGS} significant figures"


def allowed(expected, sig_figs: int = SIG_FIGS) -> np.ndarray:
    """How far an answer may be from each entry of ``expected`` (any shape) and still be right."""
    x = np.abs(np.asarray(expected, dtype=np.float64))
    with np.errstate(divide="ignore"):
        exponent = np.floor(np.log10(np.where(x > 0, x, 1.0)))
    return np.where(x > 0, MARGIN * 10.0 ** (exponent - sig_figs + 1), ZERO_FLOOR)


def right(answer, expected, sig_figs: int = SIG_FIGS) -> np.ndarray:
    """Cell by cell: is ``answer`` right for ``expected`` (same shape) under the rule? Not-finite answers never are."""
    answer, expected = np.asarray(answer, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        return np.abs(answer - expected) <= allowed(expected, sig_figs)


def round_significant(x: float, digits: int) -> tuple[float, ...]:
    """``x`` rounded to ``digits`` significant figures, as people round: half away from zero on the decimal
    value (−0.285 → −0.29, although the float −0.285 lies just below it) and, since some round halves to
    even, that way too. Returns the distinct results."""
    if x == 0 or not math.isfinite(x):
        return (float(x),)
    d = Decimal(repr(float(x)))
    quantum = Decimal(1).scaleb(d.adjusted() - digits + 1)
    return tuple(sorted({float(d.quantize(quantum, rounding=mode)) for mode in (ROUND_HALF_UP, ROUND_HALF_EVEN)}))


def key_value(x: float) -> float:
    """``x`` as an answer key prints it: rounded to SIG_FIGS significant figures (half away from zero), a float
    with no noise (0.1 + 0.2 → 0.3), right under the rule."""
    return round_significant(float(x), SIG_FIGS)[-1 if x > 0 else 0] if x != 0 else 0.0
