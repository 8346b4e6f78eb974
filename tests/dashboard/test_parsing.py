"""Tests of dashboard.parsing, the one parser of typed numbers: every way of writing a float, and every refusal.

Numbers you can trust: every typed value is used exactly as typed, or refused with a reason that names it. The pages
are tested through AppTest with the text a student types (tests/pages/), and the browser tests type the same into the
real grid (tests/e2e/)."""
import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from backprop.assignment import MAX_ENTRY
from dashboard.parsing import EntryError, canonical, parse_grid, parse_number, parse_pasted, significant_digits

finite = st.floats(min_value=-MAX_ENTRY, max_value=MAX_ENTRY, allow_nan=False, allow_infinity=False)


@given(x=finite)
@example(x=-0.285)
@example(x=1e-300)
def test_every_way_of_writing_a_float_parses_to_that_float(x):
    written = [repr(x), f"{x:.17g}", f"{x:.17e}", f"{x:.17E}", f"  {x!r}\t", f"{x:+.17g}"]
    if x < 0:
        written += ["\u2212" + repr(-x), "\u2212" + f"{-x:.17e}"]  # the Unicode minus of PDFs and LaTeX
    if math.copysign(1.0, x) > 0:
        written.append("+" + repr(x))
    for text in written:
        assert parse_number(text).value == x, text
    assert parse_number(canonical(x)).value == x


@given(x=finite, digits=st.integers(1, 15))
def test_rounded_decimals_parse_to_the_decimal_typed(x, digits):
    text = f"{x:.{digits}g}"
    assert parse_number(text).value == float(text)


@given(text=st.text(max_size=30))
def test_anything_else_is_refused_with_a_message_naming_the_entry(text):
    try:
        entry = parse_number(text)
    except EntryError as exc:
        values, _, problems = parse_grid("X", [[text]], ["sample 1"], ["input 1"])
        assert values is None and len(problems) == 1
        assert problems[0].startswith("X, row 1 (sample 1), column 1 (input 1)")
        assert exc.reason in problems[0]
        if text.strip():
            assert "“" in problems[0]  # what was typed is repeated (shortened if long)
        return
    # accepted: it is a number written in an accepted notation, and the value is exactly what it says
    assert math.isfinite(entry.value) and abs(entry.value) <= MAX_ENTRY
    cleaned = text.strip().strip("\u00a0\u2009\u202f")
    for sign in "\u2212\u2012\u2013\ufe63\uff0d":
        cleaned = cleaned.replace(sign, "-")
    assert entry.value == float(cleaned)


@pytest.mark.parametrize("text, reason", [
    ("0,5", "uses a decimal comma: write the decimals after a point"),
    ("1,5e3", "uses a decimal comma"),
    ("abc", "is not a number"),
    ("", "is empty"),
    ("   ", "is empty"),
    (None, "is empty"),
    ("nan", "is not a number: type a finite decimal number"),
    ("-inf", "is not a number"),
    ("1e309", "is too large for a 64-bit float"),
    ("-1e400", "is too large for a 64-bit float"),
    ("2e6", "is beyond ±1,000,000"),
    ("0x10", "is not a number"),
    ("1/2", "is not a number"),
    ("--1", "is not a number"),
    ("1e", "is not a number"),
    (True, "is not a number"),
])
def test_refusals_say_why(text, reason):
    with pytest.raises(EntryError, match=reason):
        parse_number(text)


@pytest.mark.parametrize("text, value, digits", [
    ("1e-3", 0.001, 1), ("\u22120.5", -0.5, 1), ("+2", 2.0, 1), (" 3 ", 3.0, 1), ("2.5E+2", 250.0, 2),
    ("-0.290", -0.29, 3), ("0.0285", 0.0285, 3), (".5", 0.5, 1), ("5.", 5.0, 1), ("100", 100.0, 3),
])
def test_accepted_notations_and_the_digits_they_carry(text, value, digits):
    entry = parse_number(text)
    assert entry.value == value and entry.digits == digits == significant_digits(text)


def test_a_long_refused_entry_is_shortened_in_its_message():
    _, _, problems = parse_grid("W1", [["x" * 200]], ["input 1"], ["hidden unit 1"])
    assert "“" + "x" * 23 + "…”" in problems[0] and "x" * 30 not in problems[0]


@pytest.mark.parametrize("text, expected", [
    ("0.1 0.2; 0.3 0.4", [[0.1, 0.2], [0.3, 0.4]]),
    ("[[0.1 0.2]\n [0.3 0.4]]", [[0.1, 0.2], [0.3, 0.4]]),
    ("[[0.1, 0.2], [0.3, 0.4]]", [[0.1, 0.2], [0.3, 0.4]]),
    ("array([[1, 2],\n       [3, 4]])", [[1, 2], [3, 4]]),
    ("2 3", [[2, 3]]),
    ("\u22120.01, \u22120.02", [[-0.01, -0.02]]),
    ("0, 5", [[0, 5]]),  # a comma and a space separate entries
    ("0.1,0.2;0.3,0.4", [[0.1, 0.2], [0.3, 0.4]]),  # a point already makes the comma a separator
    ("[[0,5],[1,2]]", [[0, 5], [1, 2]]),  # as in a Python list
])
def test_pasted_matrices(text, expected):
    np.testing.assert_array_equal(parse_pasted(text), expected)


@pytest.mark.parametrize("text, reason", [("1 2; 3", "rows of different lengths"), ("1 x", "row 1, entry 2"),
                                          ("", "is empty"), ("0,5", "“0,5” could be a decimal comma: write 0.5"),
                                          ("0.1 0,5; 1 2", "or separate entries with a space"),
                                          ("\u22122,5", "could be a decimal comma: write \u22122.5")])
def test_pasted_matrices_that_cannot_be_used(text, reason):
    with pytest.raises(EntryError, match=reason):
        parse_pasted(text)
