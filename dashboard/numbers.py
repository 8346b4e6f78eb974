"""How numbers are written on screen: the same rounding in tables, heatmap cells and LaTeX."""
from __future__ import annotations

import math

import numpy as np

SIG_DIGITS = 4


def short(x: float, digits: int = SIG_DIGITS) -> str:
    """``x`` with at most ``digits`` significant digits and no trailing zeros: 0.285, -0.27, 1.6, 0.832.

    Very small or large magnitudes use scientific notation (1.2e-06); −0 prints as 0.
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def tex(x: float, digits: int = SIG_DIGITS) -> str:
    """``short(x)`` as LaTeX: 1.2e-06 becomes 1.2 \\times 10^{-6}."""
    text = short(x, digits)
    if text == "nan":
        return r"\text{NaN}"
    if text in ("∞", "−∞"):
        return (r"-" if text.startswith("−") else "") + r"\infty"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text


def tex_factor(x: float, digits: int = SIG_DIGITS) -> str:
    """A number as it appears inside a product: negatives in parentheses, as in 0.9 × (−0.3)."""
    text = tex(x, digits)
    return f"({text})" if text.startswith("-") else text


def row(values) -> str:
    """A short vector in prose: (0.9, 0.95)."""
    return "(" + ", ".join(short(v) for v in np.asarray(values, dtype=float).reshape(-1)) + ")"
