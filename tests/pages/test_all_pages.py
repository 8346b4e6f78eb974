"""AppTest tests that walk several pages: every page runs, and what the pages share and do alike.

The example and the mode carried from page to page, the mode comparison, one solve per rerun, checking answers,
presenter mode's outlines, the walk-through, hidden solutions on the overview, and controls remembered across pages."""
import numpy as np
import pytest

import backprop as bp
from backprop import assignment as a
from dashboard import steps
from dashboard.numbers import short
from tests._examples import STEP
from tests.apptest import edit_cell, figures, heatmaps, no_exception, open_page
from tests.pages._helpers import annotations, answer, latex_text

PAGE_IDS = ["overview", "why-backprop", "forward-pass", "output-gradient", "hidden-gradient", "weight-update",
            "training", "gradient-check"]


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_every_page_runs_without_exception(page_id):
    at = open_page(None if page_id == "overview" else page_id)
    no_exception(at)
    assert at.title, "every page has a title"


def test_consistent_mode_uses_sigmoid_of_z1_downstream():
    at = open_page("output-gradient")
    at.sidebar.radio[0].set_value("consistent").run()
    no_exception(at)
    A1 = bp.sigmoid(a.Z1)
    A2 = bp.sigmoid(A1 @ a.W2)
    delta2 = (A2 - a.TRAIN_TARGET) * A2 * (1 - A2)  # δ2 from the target and the mse loss, not the given one
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W2 = A1ᵀ·δ2"], A1.T @ delta2, rtol=1e-12)
    # the mode is shared: the next page opens in it too
    at.switch_page("pages/4_hidden-gradient.py").run()
    assert at.sidebar.radio[0].value == "consistent"
    delta1 = (delta2 @ a.W2.T) * A1 * (1 - A1)
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W1 = Xᵀ·δ1"], a.X.T @ delta1, rtol=1e-12)


def test_editing_a_cell_updates_every_result():
    at = open_page("forward-pass")
    edit_cell(at, "X", 0, "input 1", 1.0)
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)["Z1 = X·W1 + b1"], [[1.0 * 0.1 + 3 * 0.3 + 0.5, 0.2 + 1.2 + 0.6]])
    assert r"1 \times 0.1 + 3 \times 0.3" in latex_text(at)
    # the edit is part of the shared example: Problem 4 sees the new X
    at.switch_page("pages/4_hidden-gradient.py").run()
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W1 = Xᵀ·δ1"], [[-0.01, -0.02], [-0.03, -0.06]], atol=1e-12)


@pytest.mark.parametrize("page_id, name, differ", [
    ("forward-pass", "A1", "assumes* a rounder A1"),
    ("output-gradient", "delta2", "the numbers change like this"),
    ("hidden-gradient", "delta1", "yields a different one"),
])
def test_the_modes_comparison_says_they_differ_only_when_they_do(page_id, name, differ):
    at = open_page(page_id)
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert differ in text and "the two modes agree" not in text
    assert np.any(a.compare_modes(at.session_state["inputs"])[name].difference != 0)
    # A link with another size and without the assignment's givens: they are computed, so nothing differs.
    at = open_page(page_id, {"X": "1,2,3", "W1": "1,2;3,4;5,6"})
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert differ not in text and "so the two modes agree: every difference below is 0" in text
    for comparison in a.compare_modes(at.session_state["inputs"]).values():
        assert not np.any(comparison.difference != 0)


@pytest.mark.parametrize("page_id, mode, most", [
    ("forward-pass", "assignment", 2), ("output-gradient", "assignment", 2), ("hidden-gradient", "assignment", 2),
    ("hidden-gradient", "consistent", 2), ("weight-update", "assignment", 2),
])
def test_a_rerun_solves_the_example_once_and_the_other_mode_at_most_once(monkeypatch, page_id, mode, most):
    """A problem page solves its example once per rerun; only the mode comparison (and Problem 5's, which needs the
    other mode's gradients to name a mistake) solves the other mode, once."""
    calls = []
    original = a.solve
    monkeypatch.setattr(a, "solve", lambda inputs, m="assignment", *rest, **kw: calls.append(m) or
                        original(inputs, m, *rest, **kw))
    at = open_page(page_id, {"mode": mode} if mode == "consistent" else None)
    no_exception(at)
    calls.clear()
    at.run()
    assert calls.count(mode) == 1, calls
    assert len(calls) <= most, calls


PAGE = {"Z1": "forward-pass", "dW2": "output-gradient", "delta1": "hidden-gradient", "dW1": "hidden-gradient"}


@pytest.mark.parametrize("quantity, right", [("Z1", [[1.6, 2.2]]), ("dW2", [[0.18, -0.27], [0.19, -0.285]]),
                                             ("dW1", [[-0.02, -0.04], [-0.03, -0.06]])])
def test_a_right_answer_is_marked_right(quantity, right):
    at = open_page(PAGE[quantity])
    answer(at, quantity, right)
    no_exception(at)
    assert any("cells are right" in s.value for s in at.success)


@pytest.mark.parametrize("quantity, wrong, label", [
    ("Z1", [[1.1, 1.6]], "bias left out"),
    ("dW2", [[0.18, 0.19], [-0.27, -0.285]], "δ2ᵀ·A1 instead of A1ᵀ·δ2"),
    ("delta1", a.DELTA2 @ a.W2.T, "σ′(Z1) left out"),
    ("dW1", [[0.02, 0.04], [0.03, 0.06]], "sign error"),
])
def test_a_classic_mistake_is_named_with_a_hint(quantity, wrong, label):
    at = open_page(PAGE[quantity])
    answer(at, quantity, wrong)
    no_exception(at)
    assert any("cells are off" in e.value for e in at.error)
    hints = [w.value for w in at.warning]
    assert any(f"Looks like: {label}." in h for h in hints), hints
    diff = next(v for k, v in heatmaps(at).items() if k.startswith("Your"))
    np.testing.assert_allclose(diff, np.asarray(wrong) - np.asarray(
        {"Z1": a.Z1, "dW2": a.DW2, "delta1": a.DELTA1_PROPAGATED, "dW1": a.DW1}[quantity]), atol=1e-12)


def _step_through(at):
    """(step title, the heatmap shown with it or None) for every step of the page, in presenter mode."""
    seen = []
    while True:
        maps = [f for f in figures(at) if f["data"][0]["type"] == "heatmap"]
        seen.append((at.header[0].value, maps[0] if maps else None))
        nxt = next((b for b in at.button if b.key == "presenter_next"), None)
        if nxt is None:  # the last step: Next goes on to the lecture's next page instead
            assert [b.label for b in at.button if b.key == "presenter_onward"], "the last step offers the next page"
            return seen
        nxt.click().run()


@pytest.mark.parametrize("page_id, expected", [
    ("forward-pass", {"Multiply X by W1: row times column": a.X @ a.W1, "Add the bias": a.Z1,
                      "Apply the sigmoid, entry by entry": a.A1_SIGMOID}),
    ("output-gradient", {"Multiply: row of A1ᵀ times column of δ2": a.DW2,
                         "The bias gradient: sum δ2 over the samples": a.DELTA2}),
    ("hidden-gradient", {"Send the error back through W2": a.DELTA2 @ a.W2.T,
                         "The sigmoid's slope at Z1": a.A1_SIGMOID * (1 - a.A1_SIGMOID),
                         "Multiply element-wise": a.DELTA1_PROPAGATED,
                         "Multiply: row of Xᵀ times column of δ1": a.DW1,
                         "The bias gradient: sum δ1 over the samples": a.DELTA1_GIVEN}),
])
def test_presenter_mode_outlines_the_matrix_each_step_computes(page_id, expected):
    at = open_page(page_id)
    at.sidebar.toggle[0].set_value(True).run()
    no_exception(at)
    assert not at.markdown or all("Before we can" not in m.value for m in at.markdown)  # the words step aside
    seen = dict(_step_through(at))
    assert set(expected) <= set(seen)
    for title, fig in seen.items():
        if title in expected:
            assert fig is not None, title
            from tests.apptest import plotly_array

            np.testing.assert_allclose(plotly_array(fig["data"][0]["z"]), expected[title], rtol=1e-12, atol=1e-15)
            assert len(fig["layout"]["shapes"]) == np.size(expected[title]), title  # every cell outlined
        else:
            assert fig is None, f"{title} shows a heatmap it does not compute"
    if page_id == "output-gradient":  # the last step alone, at the projector's width (the problem's formula aside)
        from dashboard.presenting import Projector
        from dashboard.solution import _presenter_lines

        width = Projector().chars(0)
        last = steps.built_at(width, steps.output_gradient_steps, a.solve())[-1]
        assert [el.value.strip("$\n ") for el in at.latex] == _presenter_lines(last.equations, width)


def test_hidden_solutions_hide_the_downloads_and_the_overviews_answers():
    at = open_page("forward-pass")
    at.sidebar.toggle[1].set_value(True).run()
    assert not at.get("download_button"), "the files contain the answers"
    assert any("appear once the solution is revealed" in c.value for c in at.caption)
    assert at.code, "the share link stays available"
    next(b for b in at.button if b.label == "Reveal the solution").click().run()
    assert len(at.get("download_button")) == 4, "numbers (CSV, JSON), the worked solution and the notebook"
    at.switch_page("app.py").run()
    at.select_slider(key="overview_net_step").set_value("z1").run()  # the hidden layer's step of the graph
    graph = " ".join(a["text"] for a in figures(at)[0]["layout"]["annotations"])
    assert "z ?" in graph and "w 0.1" in graph and "z 1.6" not in graph
    at.sidebar.toggle[1].set_value(False).run()
    graph = " ".join(a["text"] for a in figures(at)[0]["layout"]["annotations"])
    assert "z 1.6" in graph
    at.select_slider(key="overview_net_step").set_value("dW1").run()
    assert "∂ -0.02" in " ".join(a["text"] for a in figures(at)[0]["layout"]["annotations"])


def test_page_controls_are_remembered_across_pages():
    at = open_page("gradient-check")
    at.slider(key="_widget_gc_N").set_value(2).run()
    at.toggle(key="_widget_gc_break").set_value(True).run()
    at.switch_page("pages/2_forward-pass.py").run()
    at.switch_page("pages/7_gradient-check.py").run()
    assert at.slider(key="_widget_gc_N").value == 2 and at.toggle(key="_widget_gc_break").value is True
    table = next(d for d in at.dataframe if "centred difference" in d.value.columns)
    check_rows = table.value
    assert (check_rows["backprop − centred difference"]
            == check_rows["backprop"] - check_rows["centred difference"]).all()


@pytest.mark.parametrize("page_id, first", [("forward-pass", "inputs"), ("output-gradient", "z2"),
                                            ("hidden-gradient", "delta1"), ("weight-update", "update")])
def test_each_problem_page_has_its_part_of_the_walk(page_id, first):
    at = open_page(page_id)
    no_exception(at)
    key = f"{page_id}_net"
    if page_id == "weight-update":  # one step: no selector
        assert not [s for s in at.select_slider if s.key == f"{key}_step"]
        assert f"w {short(STEP.after.W2[0, 0])}" in annotations(at)
    else:
        assert at.select_slider(key=f"{key}_step").value == first
    assert any(m.value.startswith("**Step ") for m in at.markdown)


# --- presenter mode in the address ---------------------------------------------------------------------------

from dashboard import presenting  # noqa: E402


def progress_label(at) -> str:
    return at.get("progress")[0].proto.text


@pytest.mark.parametrize("page_id", presenting.LECTURE)
def test_a_link_with_present_1_and_step_3_opens_every_page_presenting_at_step_3(page_id):
    at = open_page(None if page_id == "overview" else page_id, {"present": "1", "step": "3"})
    no_exception(at)
    assert progress_label(at).startswith("Step 3 of "), progress_label(at)
    assert at.query_params["present"] == "1" and at.query_params["step"] == "3"
    assert not at.data_editor, "presenter mode shows the step, not the editors"
    # Previous writes the new place into the address, so that a reload opens there
    next(b for b in at.button if b.key == "presenter_prev").click().run()
    assert progress_label(at).startswith("Step 2 of ") and at.query_params["step"] == "2"
    at.run()  # a rerun keeps it
    assert progress_label(at).startswith("Step 2 of ")
    # Exit leaves presenter mode, and the address with it
    next(b for b in at.button if b.key == "presenter_exit").click().run()
    no_exception(at)
    assert not at.get("progress") or not progress_label(at).startswith("Step ")
    assert "present" not in at.query_params and "step" not in at.query_params


def test_a_problem_pages_link_keeps_its_example_beside_the_presenters_place():
    at = open_page("hidden-gradient", {"X": "1,2", "mode": "consistent", "present": "1", "step": "2",
                                       "textsize": "125", "theme": "dark"})
    no_exception(at)
    assert progress_label(at).startswith("Step 2 of ")
    params = dict(at.query_params)
    assert params["X"] == "1,2" and params["mode"] == "consistent"
    assert (params["present"], params["step"], params["textsize"], params["theme"]) == ("1", "2", "125", "dark")


def test_a_link_past_the_last_step_opens_the_last_and_a_bad_one_is_named():
    at = open_page("forward-pass", {"present": "1", "step": "99"})
    no_exception(at)
    assert progress_label(at) == "Step 6 of 6"
    at = open_page("forward-pass", {"present": "1", "step": "three"})
    assert progress_label(at).startswith("Step 1 of ")
    assert any("link's step" in w.value for w in at.warning)


def test_the_last_step_goes_on_to_the_next_page_at_its_first_step():
    at = open_page("forward-pass", {"present": "1", "step": "6"})
    onward = next(b for b in at.button if b.key == "presenter_onward")
    assert onward.label == "Next: Problem 3" and not any(b.key == "presenter_next" for b in at.button)
    onward.click().run()
    no_exception(at)
    assert progress_label(at).startswith("Step 1 of ") and at.query_params["step"] == "1"
    assert at.header[0].value == steps.output_gradient_steps(a.solve())[0].title


def test_the_last_step_of_a_practice_problem_offers_a_new_problem():
    at = open_page("practice", {"present": "1", "step": "9", "kind": "forward", "seed": "5"})
    onward = next(b for b in at.button if b.key == "presenter_onward")
    assert onward.label == "Next: a new problem"
    onward.click().run()
    no_exception(at)
    assert at.query_params["seed"] != "5" and progress_label(at).startswith("Step 1 of ")
