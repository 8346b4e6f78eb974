"""The one parser every typed number goes through: matrix and answer grids, pasted matrices and links.

The rule: the value used is the value typed, or the entry is refused with a reason. Accepted: plain
decimals (``0.5``, ``.5``, ``5.``), a leading ``+`` or ``-`` or the Unicode minus sign ``−`` (U+2212,
what copying from a PDF or this app's own math gives), scientific notation (``1e-3``, ``2.5E+2``) and
spaces around it. Refused, with a reason that says what to do: decimal commas (``0,5``), text, empty
cells, ``nan``/``inf``, values that overflow a 64-bit float (``1e309``) and values beyond the app's
limit of ±MAX_ENTRY. Pure functions: no streamlit here.
"""
from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass

import numpy as np

from backprop.assignment import MAX_ENTRY

MINUS_SIGNS = "\u2212\u2012\u2013\ufe63\uff0d"  # minus, figure dash, en dash, small and full-width hyphen-minus
_NUMBER = re.compile(r"[+-]?(?:(?P<int>\d+)(?:\.(?P<frac>\d*))?|\.(?P<only_frac>\d+))(?:[eE](?P<exp>[+-]?\d+))?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")
#: How much of a refused entry a message repeats.
SHOWN_CHARS = 24


class EntryError(ValueError):
    """A typed entry that cannot be used; ``reason`` says why, without repeating the entry."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Entry:
    """A parsed entry: the value used, and how many significant digits were typed (for rounding hints)."""

    value: float
    digits: int


def _normalise(text: str) -> str:
    """Spaces (including no-break and thin spaces) removed at both ends; Unicode minus signs made ASCII."""
    text = text.strip().strip("\u00a0\u2009\u202f")
    for sign in MINUS_SIGNS:
        text = text.replace(sign, "-")
    return text


def significant_digits(text: str) -> int:
    """How many significant digits a plain or scientific number was typed with: -0.290 → 3, 2 → 1, 1.6e-3 → 2.

    Leading zeros do not count; trailing zeros do (a typed 100 counts as 3: the typist's intent is unknown).
    """
    match = _NUMBER.fullmatch(_normalise(text))
    if match is None:
        raise EntryError("is not a number")
    digits = (match["int"] or "") + (match["frac"] or "") + (match["only_frac"] or "")
    stripped = digits.lstrip("0")
    return max(len(stripped), 1)


def parse_number(typed, *, limit: float = MAX_ENTRY) -> Entry:
    """The number ``typed`` stands for, exactly; raises EntryError with the reason it cannot be used.

    ``typed`` is the text of a cell (a number that arrives already parsed, as from a test, is read as
    its shortest representation).
    """
    if typed is None or (isinstance(typed, float) and math.isnan(typed)):
        raise EntryError("is empty: type a number")
    if isinstance(typed, bool):
        raise EntryError("is not a number")
    if isinstance(typed, numbers.Real):
        typed = repr(float(typed))
        if typed in ("inf", "-inf"):
            raise EntryError("is too large for a 64-bit float")
    if not isinstance(typed, str):
        raise EntryError("is not a number")
    text = _normalise(typed)
    if not text:
        raise EntryError("is empty: type a number")
    if _DECIMAL_COMMA.fullmatch(text):
        raise EntryError("uses a decimal comma: write the decimals after a point, as in 0.5")
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise EntryError("is not a number: type a finite decimal number")
    if _NUMBER.fullmatch(text) is None:
        raise EntryError("is not a number: use digits, a point for decimals, and e for powers of ten (1e-3)")
    value = float(text)
    if not math.isfinite(value):
        raise EntryError("is too large for a 64-bit float")
    if abs(value) > limit:
        raise EntryError(f"is beyond ±{limit:,.0f}, this app's limit for an entry")
    return Entry(value + 0.0, significant_digits(text))


def shown(typed) -> str:
    """A refused entry as a message repeats it: quoted, at most SHOWN_CHARS characters, on one line."""
    text = typed if isinstance(typed, str) else repr(typed)
    text = " ".join(text.split()) or text
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS - 1] + "…"
    return f"“{text}”"


def canonical(value: float) -> str:
    """The shortest text that parses back to exactly ``value``: 2.0 → '2', 0.1 → '0.1', 1e-05 → '1e-05'."""
    text = repr(float(value) + 0.0)
    return text[:-2] if text.endswith(".0") else text


def parse_grid(name: str, cells, row_labels, col_labels, *, limit: float = MAX_ENTRY
               ) -> tuple[np.ndarray | None, np.ndarray, list[str]]:
    """Every cell of a typed grid through parse_number.

    - cells: rows of typed entries (text, or numbers); row_labels / col_labels: what rows and columns index
    Returns (matrix or None if any cell is refused, digits typed per cell (0 where refused), one message per
    refused cell, naming the matrix, the row and column, what was typed and why).
    """
    cells = [list(row) for row in cells]
    values = np.zeros((len(cells), len(cells[0]) if cells else 0))
    digits = np.zeros(values.shape, dtype=int)
    problems = []
    for r, row in enumerate(cells):
        for c, typed in enumerate(row):
            try:
                entry = parse_number(typed, limit=limit)
            except EntryError as exc:
                where = f"{name}, row {r + 1} ({row_labels[r]}), column {c + 1} ({col_labels[c]})"
                empty = exc.reason.startswith("is empty")
                problems.append(f"{where} {exc.reason}." if empty else f"{where}: {shown(typed)} {exc.reason}.")
                continue
            values[r, c], digits[r, c] = entry.value, entry.digits
    return (None if problems else values), digits, problems


def is_blank(typed) -> bool:
    """An untouched answer cell: nothing typed (None, NaN or only spaces)."""
    return typed is None or (isinstance(typed, float) and math.isnan(typed)) or (
        isinstance(typed, str) and not _normalise(typed))


def parse_pasted(text: str, *, limit: float = MAX_ENTRY) -> np.ndarray:
    """A whole matrix pasted as text: rows split by ';' or new lines, entries by commas or spaces; numpy's
    printed form ([[0.1 0.2]\n [0.3 0.4]]) and Python lists work too. Raises EntryError naming the first
    entry that cannot be used, or rows of unequal length. A comma between two digits with no space ("0,5") is
    refused as the grid refuses it: it may be a decimal comma, so the reader says which they meant (inside
    brackets, as in a Python list, commas separate entries)."""
    if "[" not in text:
        for token in re.split(r"[\s;]+", text):
            if _DECIMAL_COMMA.fullmatch(_normalise(token)):
                raise EntryError(f"{shown(token)} could be a decimal comma: write {token.replace(',', '.')} for one "
                                 f"number, or separate entries with a space ({token.replace(',', ' ')})")
    body = re.sub(r"^\s*(?:np\.|numpy\.)?array\((.*?)(?:,\s*dtype=\w+)?\)\s*$", r"\1", text, flags=re.S)
    body = re.sub(r"\]\s*,?\s*\[", ";", body).replace("[", "").replace("]", "")
    rows = [row for row in re.split(r"[;\n]", body) if row.strip(" ,\t")]
    if not rows:
        raise EntryError("is empty: paste rows of numbers")
    matrix = []
    for r, row in enumerate(rows, start=1):
        values = []
        for c, typed in enumerate((e for e in re.split(r"[,\s]+", row.strip(" ,\t")) if e), start=1):
            try:
                values.append(parse_number(typed, limit=limit).value)
            except EntryError as exc:
                raise EntryError(f"row {r}, entry {c}: {shown(typed)} {exc.reason}") from None
        matrix.append(values)
    lengths = sorted({len(row) for row in matrix})
    if len(lengths) > 1:
        raise EntryError(f"has rows of different lengths ({', '.join(map(str, lengths))} entries)")
    return np.array(matrix, dtype=np.float64)
