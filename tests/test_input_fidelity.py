"""Numbers you can trust: every typed value is used exactly as typed, or refused with a reason that names it.

The one parser (dashboard.parsing) is tested over every way of writing a float; the pages are tested
through AppTest with the text a student types (the browser tests type the same into the real grid).
"""
import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from backprop import assignment as a
from backprop.assignment import MAX_ENTRY
from backprop.mistakes import check_answer
from dashboard.marking import mark
from dashboard.parsing import EntryError, canonical, parse_grid, parse_number, parse_pasted, significant_digits
from tests.conftest import edit_cell, figures, heatmaps, no_exception, open_page

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
])
def test_pasted_matrices(text, expected):
    np.testing.assert_array_equal(parse_pasted(text), expected)


@pytest.mark.parametrize("text, reason", [("1 2; 3", "rows of different lengths"), ("1 x", "row 1, entry 2"),
                                          ("", "is empty")])
def test_pasted_matrices_that_cannot_be_used(text, reason):
    with pytest.raises(EntryError, match=reason):
        parse_pasted(text)


# --- the pages ----------------------------------------------------------------------------------------

Z1 = "Z1 = X·W1 + b1"


def z1_for(X) -> np.ndarray:
    return np.asarray(X, dtype=float) @ a.W1 + a.b1


@pytest.mark.parametrize("typed, value", [("1e-3", 1e-3), ("\u22120.5", -0.5), ("+2", 2.0), (" 3 ", 3.0)])
def test_the_value_typed_is_the_value_used(typed, value):
    at = open_page("forward-pass")
    edit_cell(at, "X", 0, "input 2", typed)
    no_exception(at)
    assert not at.error
    np.testing.assert_allclose(heatmaps(at)[Z1], z1_for([[2.0, value]]), rtol=1e-15)
    np.testing.assert_array_equal(at.session_state["inputs"].X, [[2.0, value]])
    read_as = [c.value for c in at.caption if c.value.startswith("X is read as")]
    assert read_as == [f"X is read as (2, {canonical(value)})."]


@pytest.mark.parametrize("typed, reason", [("1,5", "uses a decimal comma"), ("abc", "is not a number"),
                                           ("", "is empty"), ("1e309", "too large for a 64-bit float")])
def test_a_refused_entry_names_itself_and_changes_nothing(typed, reason):
    at = open_page("forward-pass")
    edit_cell(at, "W1", 0, "hidden unit 1", "0.5")  # an earlier valid edit that must stay in force
    before = heatmaps(at)[Z1]
    edit_cell(at, "X", 0, "input 2", typed)
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("X, row 1 (sample 1), column 2 (input 2)") and reason in e for e in errors), errors
    if typed:
        assert any(f"“{typed}”" in e for e in errors)
    np.testing.assert_array_equal(heatmaps(at)[Z1], before)
    np.testing.assert_array_equal(at.session_state["inputs"].W1, [[0.5, 0.2], [0.3, 0.4]])  # nothing else lost


def test_a_pasted_matrix_replaces_only_its_own_editor():
    at = open_page("forward-pass")
    edit_cell(at, "b1", 0, "hidden unit 1", "0,7")  # refused, and must stay on screen after the paste
    at.text_area(key="paste_W1").input("0.5 0.6; 0.7 0.8").run()
    at.button(key="paste_W1_apply").click().run()
    no_exception(at)
    np.testing.assert_array_equal(at.session_state["inputs"].W1, [[0.5, 0.6], [0.7, 0.8]])
    np.testing.assert_allclose(heatmaps(at)[Z1], a.X @ [[0.5, 0.6], [0.7, 0.8]] + a.b1, rtol=1e-15)
    assert any(e.value.startswith("b1, row 1") and "decimal comma" in e.value for e in at.error), \
        "the refused b1 cell was lost with the paste"


def test_a_pasted_target_the_loss_cannot_take_is_refused_before_it_is_offered():
    at = open_page("output-gradient", {"mode": "consistent"})
    at.text_area(key="paste_y").input("2 3").run()
    no_exception(at)
    assert any("The pasted y cannot be used" in e.value and "between 0 and 1" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert not [b for b in at.button if b.key == "paste_y_apply"]
    np.testing.assert_array_equal(at.session_state["inputs"].y, [[0.0, 1.0]])


def test_an_edit_back_to_the_loaded_value_takes_effect():
    at = open_page("forward-pass", {"X": "5,3"})
    editor = at.session_state["editor_keys"]["X"]
    at.session_state[editor] = {"edited_rows": {0: {"input 1": "1"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    np.testing.assert_allclose(heatmaps(at)[Z1], z1_for([[1.0, 3.0]]))
    at.session_state[editor] = {"edited_rows": {0: {"input 1": "5"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    np.testing.assert_allclose(heatmaps(at)[Z1], z1_for([[5.0, 3.0]]))
    assert at.session_state["inputs"].X.tolist() == [[5.0, 3.0]]


def test_a_link_whose_shapes_conflict_changes_nothing_and_says_why():
    at = open_page("forward-pass", {"W1": "1,2,3", "b1": "0,0"})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("none of them was applied" in w and "the link's W1" in w for w in warnings), warnings
    np.testing.assert_allclose(heatmaps(at)[Z1], [[1.6, 2.2]])
    for name, value in at.session_state["inputs"].as_dict().items():
        np.testing.assert_array_equal(value, getattr(a.DEFAULT_INPUTS, name))


def answer(at, quantity, column, cells):
    key = at.session_state["editor_keys"][f"answer_{quantity}"]
    rows = {r: {f"{column} {c + 1}": text for c, text in enumerate(row)} for r, row in enumerate(cells)}
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_an_exact_answer_is_drawn_right_with_no_coloured_cell_and_no_noise():
    at = open_page("output-gradient")
    exact = [[canonical(v) for v in row] for row in a.DW2]  # 0.9 × −0.3 is −0.27000000000000002 in floats
    answer(at, "dW2", "output", exact)
    no_exception(at)
    assert any(s.value == "All 4 cells are right." for s in at.success)
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Your"))
    assert [t for row in fig["data"][0]["text"] for t in row] == ["✓"] * 4
    from tests.conftest import plotly_array
    assert not plotly_array(fig["data"][0]["z"]).any()  # every cell at the scale's white centre


def test_a_rounded_answer_gets_the_rounding_hint():
    at = open_page("output-gradient")
    answer(at, "dW2", "output", [["0.18", "-0.27"], ["0.19", "\u22120.29"]])
    no_exception(at)
    hints = [w.value for w in at.warning]
    assert any("Looks like: rounding." in h and "Give 3 significant figures, as in -0.285" in h for h in hints), hints
    assert not [i.value for i in at.info if "None of the usual mistakes" in i.value]


def test_the_rounding_diagnosis_needs_the_digits_typed():
    sol = a.solve()
    coarse = check_answer("dW2", sol, [[0.18, -0.27], [0.19, -0.29]], digits=[[2, 2], [2, 2]])
    assert coarse.rounded.tolist() == [[False, False], [False, True]] and coarse.digits_needed == 3
    assert mark(coarse).hints[0][0] == "rounding"
    typo = check_answer("dW2", sol, [[0.18, -0.27], [0.19, -0.29]], digits=[[2, 2], [2, 3]])  # typed -0.290
    assert not typo.rounded.any() and mark(typo).unexplained
    hidden = mark(coarse, reveal=False).hints[0][1]
    assert "-0.285" not in hidden  # with the solution hidden, the hint gives no number away


def test_problem_2_checks_a1_too():
    at = open_page("forward-pass")
    answer(at, "A1", "hidden unit", [["0.9", "0.95"]])
    no_exception(at)
    assert any("Looks like: the A1 the assignment assumes." in w.value for w in at.warning)
    answer(at, "A1", "hidden unit", [[canonical(v) for v in a.A1_SIGMOID[0]]])
    assert any(s.value == "All 2 cells are right." for s in at.success)


# --- single numbers typed into a field (the learning rate, seeds, step counts) ------------------------


@pytest.mark.parametrize("typed, used", [("1e-3", 1e-3), ("0.25", 0.25), (" 2.5E-1 ", 0.25), ("+1", 1.0)])
def test_a_typed_learning_rate_is_used_exactly(typed, used):
    at = open_page("weight-update")
    at.text_input(key="_text_lr").set_value(typed).run()
    no_exception(at)
    assert not at.error
    assert at.session_state["lr"] == used
    np.testing.assert_allclose(heatmaps(at)["W2 after the step"], a.W2 - used * a.DW2, rtol=1e-12)


@pytest.mark.parametrize("typed, reason", [("0,3", "uses a decimal comma"), ("abc", "is not a number"),
                                           ("\u22120.5", "is outside"), ("1e9", "is outside 1e-06 … 100"),
                                           ("", "is empty")])
def test_a_refused_learning_rate_names_itself_and_keeps_the_last_one(typed, reason):
    at = open_page("weight-update")
    at.text_input(key="_text_lr").set_value("0.1").run()
    at.text_input(key="_text_lr").set_value(typed).run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("Learning rate η") and reason in e and "Still using 0.1." in e for e in errors), errors
    np.testing.assert_allclose(heatmaps(at)["W2 after the step"], a.W2 - 0.1 * a.DW2, rtol=1e-12)


def test_a_whole_number_field_refuses_fractions():
    at = open_page("weight-update")
    at.text_input(key="_text_update_more_steps").set_value("2.5").run()
    assert any("More steps: “2.5” is not a whole number." in e.value for e in at.error)


def test_the_training_labs_seeds_are_typed_and_read_by_the_parser():
    at = open_page("training")
    at.text_input(key="_text_lab_w_seed").set_value("7").run()
    no_exception(at)
    assert at.session_state["lab_config"].seed == 7
    at.text_input(key="_text_lab_w_seed").set_value("0,3").run()
    assert any("Weight seed: “0,3” is not a whole number: type digits only, without a comma" in e.value
               and "Still using 7." in e.value for e in at.error), [e.value for e in at.error]
    at.text_input(key="_text_lab_w_seed").set_value("123456").run()
    assert any("Weight seed: “123456” is outside 0 …" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["lab_config"].seed == 7
