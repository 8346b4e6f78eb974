"""AppTest tests of the /forward-pass page (Problem 2, app page pages/2_forward-pass.py).

The solution report's Z1, edits and bad entries, the value typed is the value used, pasted matrices, links with query
parameters, checking A1, and presenter mode."""
import numpy as np
import pytest

import backprop as bp
from backprop import assignment as a
from dashboard.parsing import canonical
from tests.apptest import edit_cell, heatmaps, no_exception, open_page
from tests.pages._helpers import answer, latex_text


def test_forward_pass_shows_the_solution_reports_z1():
    at = open_page("forward-pass")
    no_exception(at)
    maps = heatmaps(at)
    np.testing.assert_allclose(maps["Z1 = X·W1 + b1"], [[1.6, 2.2]], atol=1e-12)
    np.testing.assert_allclose(maps["A1 = σ(Z1)"], bp.sigmoid([[1.6, 2.2]]), atol=1e-12)
    text = latex_text(at)
    for term in (r"2 \times 0.1 + 3 \times 0.3", r"2 \times 0.2 + 3 \times 0.4", "0.2 + 0.9", "0.4 + 1.2",
                 r"\begin{pmatrix} 1.6 & 2.2 \end{pmatrix}"):
        assert term in text, term


@pytest.mark.parametrize("bad", [None, "abc", float("nan"), float("inf"), 1e308 * 10, 5e6])
def test_a_bad_entry_names_the_cell_and_keeps_the_last_valid_result(bad):
    at = open_page("forward-pass")
    edit_cell(at, "W1", 1, "hidden unit 2", bad)
    no_exception(at)
    messages = [e.value for e in at.error]
    assert any(m.startswith("W1, row 2 (input 2), column 2 (hidden unit 2)") for m in messages), messages
    assert any("last valid" in w.value for w in at.warning)
    np.testing.assert_allclose(heatmaps(at)["Z1 = X·W1 + b1"], [[1.6, 2.2]], atol=1e-12)


def test_reset_restores_the_assignment():
    at = open_page("forward-pass")
    edit_cell(at, "b1", 0, "hidden unit 1", 10.0)
    assert heatmaps(at)["Z1 = X·W1 + b1"][0, 0] == pytest.approx(11.1)
    next(b for b in at.button if "Reset" in b.label).click().run()
    np.testing.assert_allclose(heatmaps(at)["Z1 = X·W1 + b1"], [[1.6, 2.2]], atol=1e-12)


def test_a_link_with_query_parameters_opens_on_its_example():
    at = open_page("forward-pass", {"X": "1,1", "mode": "consistent"})
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)["Z1 = X·W1 + b1"], [[0.9, 1.2]], atol=1e-12)
    assert at.sidebar.radio[0].value == "consistent"
    assert dict(at.query_params) == {"X": "1,1", "mode": "consistent"}  # the address bar keeps describing it
    edit_cell(at, "b1", 0, "hidden unit 2", 0.0)
    assert dict(at.query_params) == {"X": "1,1", "b1": "0.5,0", "mode": "consistent"}


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "nan,1", "1e999,2", "1,2,3;4", ",".join(["1"] * 5000)])
def test_a_hostile_query_parameter_is_ignored_with_a_warning(value):
    at = open_page("forward-pass", {"W1": value})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("W1" in w and "keeps its default" in w for w in warnings), warnings
    assert all("<script>" not in w for w in warnings)
    np.testing.assert_allclose(heatmaps(at)["Z1 = X·W1 + b1"], [[1.6, 2.2]], atol=1e-12)


def test_presenter_mode_steps_forward_and_back_and_survives_reruns():
    at = open_page("forward-pass")
    at.sidebar.toggle[0].set_value(True).run()
    no_exception(at)
    assert len(at.data_editor) == 0, "presenter mode hides the editors"
    first = at.header[0].value
    next(b for b in at.button if b.label == "Next").click().run()
    second = at.header[0].value
    assert second != first
    at.run()  # an unrelated rerun keeps the position
    assert at.header[0].value == second
    next(b for b in at.button if b.label == "Previous").click().run()
    assert at.header[0].value == first


# --- presenter mode: let the class guess first --------------------------------------------------------


def test_presenter_can_hold_back_each_result_until_the_next_click():
    from tests.apptest import figures

    at = open_page("forward-pass")
    at.sidebar.toggle[0].set_value(True).run()
    at.toggle(key="presenter_guess").set_value(True).run()
    no_exception(at)

    def next_click():
        next(b for b in at.button if b.label == "Next").click().run()

    while at.header[0].value != "Multiply X by W1: row times column":
        next_click()
    latex = "\n".join(el.value for el in at.latex)
    assert r"2 \times 0.1 + 3 \times 0.3" in latex and r"\begin{pmatrix} 1.1 & 1.6 \end{pmatrix}" not in latex
    assert not figures(at), "the heatmap of the result waits too"
    assert any(b.label == "Reveal the result" for b in at.button)
    assert "Step 3 of 6" in at.get("progress")[0].proto.text
    next_click()  # a clicker's next reveals the result first …
    assert at.header[0].value == "Multiply X by W1: row times column"
    assert r"\begin{pmatrix} 1.1 & 1.6 \end{pmatrix}" in "\n".join(el.value for el in at.latex)
    np.testing.assert_allclose(heatmaps(at)["X·W1"], [[1.1, 1.6]])
    next_click()  # … and then moves on, the next result hidden again
    assert at.header[0].value == "Add the bias" and not figures(at)
    next(b for b in at.button if b.label == "Previous").click().run()  # going back shows a step whole
    assert at.header[0].value == "Multiply X by W1: row times column" and figures(at)


# --- values typed, pasted and linked ------------------------------------------------------------------

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


def test_problem_2_checks_a1_too():
    at = open_page("forward-pass")
    answer(at, "A1", "hidden unit", [["0.9", "0.95"]])
    no_exception(at)
    assert any("Looks like: the A1 the assignment assumes." in w.value for w in at.warning)
    answer(at, "A1", "hidden unit", [[canonical(v) for v in a.A1_SIGMOID[0]]])
    assert any(s.value == "All 2 cells are right." for s in at.success)


def test_share_link_reproduces_the_example():
    at = open_page("forward-pass", {"X": "1,1", "mode": "consistent"})
    link = at.code[0].value
    assert link.endswith("?X=1,1&mode=consistent")
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    again = open_page("forward-pass", query)
    np.testing.assert_allclose(heatmaps(again)["Z1 = X·W1 + b1"], heatmaps(at)["Z1 = X·W1 + b1"])
