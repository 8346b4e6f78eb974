"""Sentences a page says about its numbers, built from those numbers so that each is true of them.

Pure functions (no streamlit): a test can hand them any numbers and check what they claim.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dashboard.numbers import SIG_DIGITS, short


def distinct(a: float, b: float) -> tuple[str, str]:
    """``a`` and ``b`` written with as few significant digits as tell them apart (at least SIG_DIGITS)."""
    for digits in range(SIG_DIGITS, 16):
        left, right = short(a, digits), short(b, digits)
        if left != right:
            return left, right
    return short(a), short(b)


def loss_change(before: float, after: float) -> str:
    """'The loss fell from 0.2998 to 0.251 (by 16.3%).', 'rose …' or 'did not change …'."""
    if not (np.isfinite(before) and np.isfinite(after)):
        return f"The loss went from {short(before)} to {short(after)}: the step left the numbers a computer can hold."
    if after == before:
        return f"The loss did not change: it is {short(before)} before and after the step."
    old, new = distinct(before, after)
    verb = "fell" if after < before else "rose"
    share = f" (by {_percent(abs(after - before) / abs(before))})" if before != 0 else ""
    return f"The loss {verb} from {old} to {new}{share}."


def _percent(share: float) -> str:
    """A relative change as a percentage that is never 0.0% for a change that is not zero."""
    pct = 100 * share
    if pct >= 0.1:
        return f"{pct:.1f}%"
    return f"{short(pct, 2)}%" if pct >= 0.001 else "less than 0.001%"


def descent_summary(losses: Sequence[float], first_step: int = 1) -> str:
    """What a run of gradient descent did, from the loss after each of its steps.

    - losses: the loss before the run's first step, then after each step
    - first_step: the number of the run's first step (a run that continues an earlier step starts at 2)
    """
    losses = np.asarray(losses, dtype=np.float64)
    steps = len(losses) - 1
    if steps < 1:
        return "No steps were taken."
    last = first_step + steps - 1
    since = f" after step {first_step - 1}" if first_step > 1 else " before step 1"  # what losses[0] is
    changes = np.diff(losses)
    rose = [first_step + i for i, d in enumerate(changes) if d > 0]
    end = f"After step {last} the loss is {short(losses[-1])}"
    if not rose and (changes < 0).all():
        first, final = distinct(losses[0], losses[-1])
        return f"After step {last} the loss is {final}: it fell at every step, from {first}{since}."
    if not rose:
        return f"{end}: it never rose, and at some steps it did not change."
    listed = ", ".join(str(s) for s in rose[:5]) + (" …" if len(rose) > 5 else "")
    return (f"{end}, from {short(losses[0])}{since}; it rose at step{'s' if len(rose) > 1 else ''} {listed}: "
            "η is too large for this example.")


def modes_sentence(differences: Sequence[np.ndarray], differ: str, given: str) -> str:
    """``differ`` (a sentence that says the two modes' numbers differ) when any of ``differences`` (assignment −
    consistent) is not zero; otherwise a sentence saying that here they agree. ``given``: the one matrix the
    assignment gives that the differences start from ("A1", "δ2" or "δ1")."""
    if any(np.any(np.asarray(d) != 0) for d in differences):
        return differ
    return (f"With these numbers the assignment's given {given} is exactly what backprop computes from the "
            "inputs, so the two modes agree: every difference below is 0.")


def gradient_check_caption(n_checked: int, n_training: int, hidden: str) -> str:
    """What the training lab's gradient check compared: on how many of the run's training samples, and the relu
    caveat only when the run uses relu."""
    samples = (f"all {n_training} training samples" if n_checked == n_training and n_training > 1 else
               "its one training sample" if n_training == 1 else f"its first {n_checked} training samples")
    text = ("Analytic gradients from the backward pass against centred differences of the loss, for the starting "
            f"weights of this run, on {samples}.")
    if hidden == "relu":
        text += " relu has a kink at 0, where errors up to about 1e-4 are expected."
    return text


def undrawn_norms_caption(norms: Sequence[float], epoch: int) -> str:
    """Why a layer's gradient norm has no dot on the log-scale chart at ``epoch``: it is exactly 0 (saturated units or
    dead relus can do that), or it is not finite (the run has diverged). Empty when every norm is drawn."""
    values = np.asarray(norms, dtype=float)
    names = [f"‖∂L/∂W{l}‖" for l in range(1, len(values) + 1)]
    zero = [name for name, v in zip(names, values, strict=True) if v == 0]
    infinite = [name for name, v in zip(names, values, strict=True) if not np.isfinite(v)]
    parts = []
    if zero:
        parts.append(f"{', '.join(zero)} {'is' if len(zero) == 1 else 'are'} exactly 0 at epoch {epoch}, which a log "
                     "scale cannot show (marked 0 on the chart).")
    if infinite:
        parts.append(f"{', '.join(infinite)} {'is' if len(infinite) == 1 else 'are'} not finite at epoch {epoch}: "
                     "the network has diverged.")
    return " ".join(parts)
