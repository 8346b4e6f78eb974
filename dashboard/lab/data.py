"""A learner's own data for the lab: a CSV of two input columns and a label or target column, read into a
backprop.given.GivenData, or refused with a message per problem that names the row, the column, what was there and
why; and the table in a share link. Pure functions (pandas reads the file; every cell goes through the app's one
parser, dashboard.parsing).

What the last column is: whole numbers (``0``, ``1``, ``2``, written without a point) are class labels, 2 to
MAX_CLASSES of them; any number written with a point or a power of ten (``0.5``, ``3.0``, ``1e3``) makes the column
a regression target. Rows are numbered as in the file (a header is row 1); blank lines are skipped.
"""
from __future__ import annotations

import base64
import csv
import io
import re
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from backprop.datasets import MAX_CLASSES
from backprop.given import GivenData
from dashboard.parsing import EntryError, canonical, parse_number, shown
from dashboard.urlstate import parse_matrix

MAX_ROWS = 2_000
MIN_ROWS = 4
#: The largest file read: 2,000 rows of three numbers written to full precision fit in half of it.
MAX_BYTES = 256_000
COLUMNS = 3
#: A table goes into a share link itself while its compressed form is at most this long (about 200 rows of
#: three short numbers); a larger one is named by its digest, and a visitor of the link uploads it.
MAX_LINK_CHARS = 4_000
_WHOLE = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Refusal:
    """One reason a file cannot be used: where (row as in the file, column 1-based with its name), what was there
    (None when nothing to quote) and why."""

    row: int | None
    column: int | None
    column_name: str | None
    found: str | None
    why: str

    @property
    def message(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row:,}")
        if self.column is not None:
            where.append(f"column {self.column}" + (f" ({self.column_name})" if self.column_name else ""))
        place = ", ".join(where).capitalize() or "The file"
        found = "" if self.found is None else f" {shown(self.found)}"
        return f"{place}:{found} {self.why}."


class DataError(ValueError):
    """A file the lab cannot train on: ``refusals`` lists why (the first few problems, each placed)."""

    def __init__(self, refusals: list[Refusal]):
        super().__init__("; ".join(r.message for r in refusals))
        self.refusals = refusals


def _place_of(text: str, offset: int, sep: str) -> tuple[int, int]:
    """(row, column) of character ``offset`` of ``text``, 1-based."""
    before = text[:offset]
    line = before.count("\n") + 1
    return line, before[before.rfind("\n") + 1:].count(sep) + 1


def _decode(raw: bytes | str) -> str:
    """The file as text, or a DataError: too large, or not text (a spreadsheet saved as .xlsx, an image)."""
    if isinstance(raw, str):
        text = raw
        size = len(text.encode("utf-8"))
    else:
        size = len(raw)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            good = raw[:exc.start].decode("utf-8", errors="replace")
            row, col = _place_of(good, len(good), ",")
            raise DataError([Refusal(row, col, None, None, "holds bytes that are not text (UTF-8): a CSV is plain "
                                                           "text — save a spreadsheet with “Save as… CSV”")]) from None
    if "\x00" in text:
        row, col = _place_of(text, text.index("\x00"), ",")
        raise DataError([Refusal(row, col, None, None, "holds a NUL byte, which plain text never has: this is not "
                                                       "a CSV file (save a spreadsheet with “Save as… CSV”)")])
    if size > MAX_BYTES:
        cut = text.encode("utf-8")[:MAX_BYTES].decode("utf-8", errors="ignore")
        row, col = _place_of(cut, len(cut), ",")
        raise DataError([Refusal(row, col, None, None, f"is where the file passes {MAX_BYTES // 1000:,} kB, the "
                                                       f"most the lab reads (the file is {size / 1e6:.1f} MB; the lab "
                                                       f"trains on at most {MAX_ROWS:,} rows)")])
    return text


def _separator(text: str) -> str:
    """',' unless the first line has none and has semicolons or tabs (a spreadsheet's other CSVs)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," in first:
        return ","
    return next((sep for sep in (";", "\t") if sep in first), ",")


def _cells(text: str, sep: str) -> list[list[str]]:
    """Every line's cells as text (pandas, all as strings), row i of the list being line i + 1 of the file."""
    if not text.strip():
        raise DataError([Refusal(1, None, None, None, "is empty: a CSV needs a row per sample, each with two "
                                                      "inputs and a label or target")])
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, saw = (int(g) for g in match.groups())
            raise DataError([Refusal(line, saw, None, None, f"is one field too many: this row has {saw} fields, the "
                                                            f"rows above {expected} (the lab needs {COLUMNS}: two "
                                                            "inputs, then a label or target)")]) from None
        raise DataError([Refusal(None, None, None, None, f"cannot be read as CSV ({str(exc)[:120]})")]) from None
    return [[c.strip() for c in row] for row in frame.to_numpy(dtype=object).tolist()]


def _number(text: str) -> float | None:
    try:
        return parse_number(text).value
    except EntryError:
        return None


def parse_csv(raw: bytes | str, name: str = "your data") -> GivenData:
    """The CSV ``raw`` (bytes of a file, or pasted text) as a GivenData of kind "classes" or "regression", ready for
    the lab (standardised there); a DataError listing the first problems, each with its row and column, otherwise.

    Three columns: two inputs, then a label or target; an optional header row (a first row without numbers) names
    them. Limits: MIN_ROWS to MAX_ROWS rows, at most MAX_BYTES, 2 to MAX_CLASSES classes; every cell a number the
    app's parser accepts (no missing values, no text, no decimal commas).
    """
    text = _decode(raw)
    sep = _separator(text)
    rows = _cells(text, sep)
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(r)]  # (row in the file, cells); blank lines skipped
    first_line, first = numbered[0]
    if len(first) != COLUMNS:
        raise DataError([Refusal(first_line, None, None, sep.join(first), f"has {len(first)} column"
                                 f"{'s' if len(first) != 1 else ''}; the lab needs {COLUMNS}: two inputs, then a "
                                 "label (whole numbers) or a target (numbers with a point)"
                                 + ("" if sep != "," or len(first) != 1 else " — separated by commas"))])
    header = all(_number(c) is None for c in first)
    names = [c or f"column {j + 1}" for j, c in enumerate(first)] if header else ["x1", "x2", "label"]
    data = numbered[1:] if header else numbered
    if len(data) > MAX_ROWS:
        row = data[MAX_ROWS][0]
        raise DataError([Refusal(row, None, None, None, f"is data row {MAX_ROWS + 1:,} of {len(data):,}: the lab "
                                                        f"trains on at most {MAX_ROWS:,} rows (keep a sample of "
                                                        "them)")])
    if len(data) < MIN_ROWS:
        last = data[-1][0] if data else first_line
        raise DataError([Refusal(last, None, None, None, f"is the last of {len(data)} data row"
                                                         f"{'s' if len(data) != 1 else ''}; the lab needs at least "
                                                         f"{MIN_ROWS}")])
    refusals: list[Refusal] = []
    values = np.zeros((len(data), COLUMNS))
    for i, (line, cells) in enumerate(data):
        for j, typed in enumerate(cells):
            try:
                values[i, j] = parse_number(typed).value
            except EntryError as exc:
                empty = exc.reason.startswith("is empty")
                why = ("is empty: a missing value cannot be trained on — fill it in or delete the row" if empty else
                       f"{exc.reason} (text in a number column)" if "is not a number" in exc.reason else exc.reason)
                refusals.append(Refusal(line, j + 1, names[j], None if empty else typed, why))
    if refusals:
        raise DataError(refusals[:5] + ([Refusal(None, None, None, None, f"and {len(refusals) - 5:,} more cells "
                                                                       "like these")] if len(refusals) > 5 else []))
    X, last = values[:, :2], values[:, 2]
    labels_written = all(_WHOLE.fullmatch(cells[2].replace("\u2212", "-")) for _, cells in data)
    if not labels_written:
        return GivenData(name, "regression", X, last.reshape(-1, 1), tuple(names))
    distinct: list[float] = []
    for (line, cells), v in zip(data, last, strict=True):
        if v not in distinct:
            distinct.append(v)
            if len(distinct) > MAX_CLASSES:
                raise DataError([Refusal(line, 3, names[2], cells[2], f"is a {len(distinct)}th class: the lab's "
                                         f"outputs take at most {MAX_CLASSES} classes (to fit the column as a number "
                                         "instead, write its values with a point, as in 6.0)")])
    if len(distinct) < 2:
        raise DataError([Refusal(data[-1][0], 3, names[2], data[0][1][2], f"is the label of every row, from row "
                                 f"{data[0][0]} to this one: one class only, and a classifier needs at least two")])
    order = sorted(distinct)
    labels = np.searchsorted(np.array(order), last).astype(np.intp)
    return GivenData(name, "classes", X, labels, tuple(names), label_values=tuple(order))


def to_csv(table: GivenData) -> str:
    """The table as the CSV parse_csv reads back to the same numbers: its header, then each row (labels as the
    whole numbers they were, targets with a point)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for x, v in zip(np.asarray(table.X), np.asarray(table.values), strict=True):
        if table.kind == "classes":
            last = [str(int(table.label_values[int(v)]))]
        else:
            last = [target_text(t) for t in np.atleast_1d(v)]
        writer.writerow([canonical(a) for a in x] + last)
    return out.getvalue()


def target_text(value: float) -> str:
    """A target's text that reads back as a target, not a label: 3 → '3.0'."""
    text = canonical(value)
    return text if any(ch in text for ch in ".e") else text + ".0"


# --- what the lab says about it ------------------------------------------------------------------------


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#~|$])")


def markdown_safe(text: str) -> str:
    """A learner's text (a file or column name, a refused cell) as Markdown shows it literally: the characters that
    would format it (emphasis, links, code, math) escaped with a backslash."""
    return _MARKDOWN.sub(r"\\\1", text)



def found_sentence(table: GivenData) -> str:
    """What the lab found in the table, as Markdown (the learner's names shown literally): how many rows, which
    columns, classes (with their sizes) or a target."""
    x1, x2, last = (markdown_safe(name) for name in (table.columns[0], table.columns[1], table.columns[-1]))
    head = f"{table.n_samples:,} rows of {markdown_safe(table.name)}: inputs “{x1}” and “{x2}”, and "
    if table.kind == "regression":
        return head + (f"a target “{last}” written with decimals, so a **regression**: one output, identity + mse. "
                       "Inputs and target are standardised with the training rows' means and standard deviations.")
    sizes = np.bincount(np.asarray(table.values), minlength=table.n_classes)
    classes = ", ".join(f"{int(v)} ({n:,} rows)" for v, n in zip(table.label_values, sizes, strict=True))
    relabelled = [int(v) for v in table.label_values] != list(range(table.n_classes))
    return head + (f"a label “{last}” of whole numbers, so **{table.n_classes} classes**: {classes}"
                   + (f", trained as classes 0 to {table.n_classes - 1} in that order" if relabelled else "")
                   + ". The inputs are standardised with the training rows' means and standard deviations.")


# --- in a link -----------------------------------------------------------------------------------------


def table_param(table: GivenData) -> str | None:
    """The table as one link parameter (its CSV, deflated, base64url), or None when that is longer than
    MAX_LINK_CHARS."""
    packed = base64.urlsafe_b64encode(zlib.compress(to_csv(table).encode("utf-8"), 9)).decode("ascii").rstrip("=")
    return packed if len(packed) <= MAX_LINK_CHARS else None


def table_from_param(text: str, name: str = "the link's data") -> GivenData:
    """The inverse of table_param, read by parse_csv (so a link's table meets every rule a file does); DataError
    when it is not a table."""
    if not isinstance(text, str) or len(text) > MAX_LINK_CHARS or not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise DataError([Refusal(None, None, None, None, "is not a table this lab wrote into a link")])
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), bufsize=MAX_BYTES)
    except (ValueError, zlib.error):
        raise DataError([Refusal(None, None, None, None, "is not a table this lab wrote into a link")]) from None
    return parse_csv(raw[:MAX_BYTES + 1], name)


#: Starting weights go into a link entry by entry while they have at most this many numbers (a 2-16-16-1 network
#: has 305); larger ones are named by their digest.
MAX_LINK_WEIGHTS = 600


def matrix_param(M) -> str:
    """A matrix as a link writes it: entries by ',', rows by ';', each the shortest text that reads back exactly."""
    return ";".join(",".join(canonical(v) for v in row) for row in np.atleast_2d(np.asarray(M, dtype=np.float64)))


def matrix_from_param(name: str, text: str, max_entries: int = MAX_LINK_WEIGHTS) -> np.ndarray:
    """The inverse of matrix_param: urlstate.parse_matrix, every entry through the one parser; ValueError naming
    ``name``, the row and the entry and why (never the text)."""
    return parse_matrix(name, text, max_entries=max_entries, max_chars=30 * max_entries)


def split_rows(table: GivenData, test_ratio: float, seed: int, which: str) -> GivenData:
    """The table's own rows (raw, as in the file) that a run with ``test_ratio`` and data seed ``seed`` trains on
    (``which`` "training") or holds out ("test"): the split backprop.runs.start_run makes."""
    whole = table.dataset()
    train, test = whole.split(test_ratio, seed=seed) if test_ratio and whole.n_samples > 1 else (whole, None)
    part = train if which == "training" else test
    if part is None or part.n_samples == 0:
        raise ValueError(f"which: this run holds out no {which} rows")
    values = part.labels if table.kind == "classes" else part.y
    return GivenData(f"{table.name} ({which} rows)", table.kind, part.X, values, table.columns, table.label_values,
                     table.standardise)


def rows_csv(run, which: str) -> str:
    """The raw rows a lab run on a table trains on or holds out, as a CSV (to_csv)."""
    c = run.config
    return to_csv(split_rows(c.table, c.test_ratio, c.data_seed, which))
