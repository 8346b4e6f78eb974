"""Every page runs in AppTest and shows numbers from the backprop package, including after edits,
mode switches, bad input and links with query parameters."""
import numpy as np
import pytest

import backprop as bp
from backprop import assignment as a
from tests.conftest import edit_cell, heatmaps, no_exception, open_page

PAGE_IDS = ["overview", "why-backprop", "forward-pass", "output-gradient", "hidden-gradient", "weight-update",
            "training", "gradient-check"]


def latex_text(at) -> str:
    return "\n".join(el.value for el in at.latex)


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_every_page_runs_without_exception(page_id):
    at = open_page(None if page_id == "overview" else page_id)
    no_exception(at)
    assert at.title, "every page has a title"


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


def test_output_gradient_shows_the_solution_reports_dW2():
    at = open_page("output-gradient")
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W2 = A1ᵀ·δ2"], [[0.18, -0.27], [0.19, -0.285]], atol=1e-12)
    assert r"0.95 \times (-0.3)" in latex_text(at)


def test_hidden_gradient_shows_the_solution_reports_dW1():
    at = open_page("hidden-gradient")
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W1 = Xᵀ·δ1"], [[-0.02, -0.04], [-0.03, -0.06]], atol=1e-12)


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


def test_growing_n_makes_the_gradient_a_sum_over_samples():
    at = open_page("output-gradient")
    at.selectbox(key="_size_N").set_value(2).run()
    no_exception(at)
    inputs = at.session_state["inputs"]
    assert inputs.dims["N"] == 2
    dW2 = heatmaps(at)["∂L/∂W2 = A1ᵀ·δ2"]
    np.testing.assert_allclose(dW2, inputs.A1_given.T @ inputs.delta2)
    assert "N = 2 samples" in " ".join(c.value for c in at.caption)


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


def test_cell_picker_writes_the_scalar_chain_rule():
    at = open_page("hidden-gradient")
    at.selectbox(key="dw1_cell_row").set_value(1).run()
    at.selectbox(key="dw1_cell_col").set_value(1).run()
    assert r"\frac{\partial L}{\partial W_1[2,2]}" in latex_text(at)
    assert r"3 \times (-0.02)" in latex_text(at)


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
