"""Tests of dashboard.lab.data: a learner's CSV read into the lab's table, or refused with the row and column named;
the table through a share link."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.datasets import MAX_CLASSES
from dashboard.lab import data
from dashboard.parsing import canonical

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw):
    """(csv text, X, last column, kind, header): a valid file of 4 to 40 rows."""
    n = draw(st.integers(data.MIN_ROWS, 40))
    X = np.array(draw(st.lists(st.tuples(finite, finite), min_size=n, max_size=n)), dtype=float)
    kind = draw(st.sampled_from(["classes", "regression"]))
    if kind == "classes":
        k = draw(st.integers(2, min(MAX_CLASSES, n)))
        values = draw(st.lists(st.sampled_from(range(-2, 8)), min_size=k, max_size=k, unique=True))
        labels = values + draw(st.lists(st.sampled_from(values), min_size=n - k, max_size=n - k))
        last = [str(v) for v in labels]
        column = np.array(labels, dtype=float)
    else:
        column = np.array(draw(st.lists(finite, min_size=n, max_size=n)), dtype=float)
        last = [data.target_text(v) for v in column]
    header = draw(st.booleans())
    sep = draw(st.sampled_from([",", ";", "\t"]))
    lines = ([sep.join(["a", "b", "target"])] if header else []) + [
        sep.join([canonical(a), canonical(b), t]) for (a, b), t in zip(X, last, strict=True)]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"])), X, column, kind, header


@settings(max_examples=60, deadline=None)
@given(tables())
def test_valid_files_round_trip(case):
    text, X, column, kind, header = case
    table = data.parse_csv(text, "t.csv")
    assert table.kind == kind
    np.testing.assert_array_equal(table.X, X)
    if kind == "classes":
        np.testing.assert_array_equal(np.array(table.label_values)[table.values], column)
    else:
        np.testing.assert_array_equal(table.values[:, 0], column)
    assert table.columns == (("a", "b", "target") if header else ("x1", "x2", "label"))
    again = data.parse_csv(data.to_csv(table), "t.csv")
    assert again == table, "the CSV the lab writes reads back to the same table"
    param = data.table_param(table)
    if param is not None:
        assert data.table_from_param(param, "t.csv") == table


BAD_CELLS = {"": "is empty", "abc": "text in a number column", "nan": "not a number", "1e309": "too large",
             "2e7": "beyond", "1..2": "text in a number column"}


@settings(max_examples=60, deadline=None)
@given(tables(), st.data())
def test_every_refusal_names_its_row_and_column(case, draw):
    text, X, column, kind, header = case
    lines = text.rstrip("\n").split("\n")
    sep = ";" if ";" in lines[-1] else "\t" if "\t" in lines[-1] else ","
    r = draw.draw(st.integers(1 if header else 0, len(lines) - 1), label="line index")
    c = draw.draw(st.integers(0, 2), label="column")
    bad = draw.draw(st.sampled_from(sorted(BAD_CELLS)), label="cell")
    cells = lines[r].split(sep)
    cells[c] = bad
    lines[r] = sep.join(cells)
    with pytest.raises(data.DataError) as caught:
        data.parse_csv("\n".join(lines), "t.csv")
    refusal = next(f for f in caught.value.refusals if f.row == r + 1)
    assert refusal.column == c + 1, refusal
    assert f"Row {r + 1:,}, column {c + 1}" in refusal.message and BAD_CELLS[bad] in refusal.message, refusal.message
    if bad:
        assert f"“{bad}”" in refusal.message, "what was there is quoted"


def refusal(text) -> data.Refusal:
    with pytest.raises(data.DataError) as caught:
        data.parse_csv(text)
    return caught.value.refusals[0]


def rows(n: int, labels=lambda i: i % 2) -> str:
    return "x,y,class\n" + "\n".join(f"{i * 0.1:g},{i % 7},{labels(i)}" for i in range(n))


def test_refusals_of_whole_files_name_where_and_why():
    one = refusal(rows(10, lambda i: 1))
    assert (one.row, one.column) == (11, 3) and "one class only" in one.message and "“1”" in one.message
    six = refusal(rows(20, lambda i: i % 6))
    assert (six.row, six.column) == (7, 3) and "6th class" in six.message and "at most 5 classes" in six.message
    many = refusal(rows(data.MAX_ROWS + 5))
    assert many.row == data.MAX_ROWS + 2 and "at most 2,000 rows" in many.message
    few = refusal(rows(3))
    assert few.row == 4 and "at least 4" in few.message
    wide = refusal("a,b,c,d\n1,2,3,4\n")
    assert wide.row == 1 and "has 4 columns" in wide.message
    extra = refusal(rows(6) + "\n1,2,0,9\n")
    assert (extra.row, extra.column) == (8, 4) and "one field too many" in extra.message
    xlsx = refusal(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\xa5\x88")
    assert xlsx.row == 1 and "not text" in xlsx.message and "CSV" in xlsx.message
    binary = refusal(b"x,y,c\n1,2,\x00\n")
    assert (binary.row, binary.column) == (2, 3) and "NUL" in binary.message
    big = refusal(b"1,2,0\n" * 60_000)
    assert big.row == data.MAX_BYTES // 6 + 1 and "256 kB" in big.message and "0.4 MB" in big.message
    comma = refusal("x;y;c\n0,5;1;0\n1;2;1\n3;4;0\n5;6;1\n")
    assert (comma.row, comma.column) == (2, 1) and "decimal comma" in comma.message
    assert refusal("").row == 1


def test_labels_and_targets_are_told_apart_by_how_they_are_written():
    classes = data.parse_csv("x,y,c\n0,0,3\n1,0,5\n0,1,3\n1,1,5\n")
    assert classes.kind == "classes" and classes.label_values == (3.0, 5.0)
    np.testing.assert_array_equal(classes.values, [0, 1, 0, 1])
    assert "2 classes" in data.found_sentence(classes) and "trained as classes 0 to 1" in data.found_sentence(classes)
    target = data.parse_csv("x,y,t\n0,0,3.0\n1,0,5\n0,1,3\n1,1,5\n")
    assert target.kind == "regression" and "regression" in data.found_sentence(target)


def test_a_link_that_is_not_a_table_is_refused_by_name():
    for text in ("not base64!", "AAAA", "x" * (data.MAX_LINK_CHARS + 1)):
        with pytest.raises(data.DataError, match="not a table this lab wrote"):
            data.table_from_param(text)
    big = data.parse_csv(rows(1500))
    assert data.table_param(big) is None, "too large for a link"


def test_a_learners_names_are_shown_literally():
    table = data.parse_csv("**a**,[b](x),c_d\n0,0,0\n1,0,1\n0,1,0\n1,1,1\n", "my_*file*.csv")
    said = data.found_sentence(table)
    assert r"my\_\*file\*.csv" in said and r"“\*\*a\*\*”" in said and r"“\[b\](x)”" in said and r"c\_d" in said
    assert "**2 classes**" in said, "the sentence's own emphasis stays"
