"""AppTest tests of the /hidden-gradient page (Problem 4, pages/4_hidden-gradient.py).

The solution report's ∂L/∂W1, the bias gradient of the δ1 it uses, the cell pickers, presenter mode, the downloads."""
import csv
import io
import json
import re

import numpy as np
import pytest

from backprop import assignment as a
from dashboard.numbers import tex, tex_factor
from dashboard.urlstate import params_from_inputs
from tests.apptest import heatmaps, no_exception, open_page
from tests.pages._helpers import answer, by_hand, latex_text, text_of


def test_hidden_gradient_shows_the_solution_reports_dW1():
    at = open_page("hidden-gradient")
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W1 = Xᵀ·δ1"], [[-0.02, -0.04], [-0.03, -0.06]], atol=1e-12)


def test_cell_picker_writes_the_scalar_chain_rule():
    at = open_page("hidden-gradient")
    at.selectbox(key="dw1_cell_row").set_value(1).run()
    at.selectbox(key="dw1_cell_col").set_value(1).run()
    assert r"\frac{\partial L}{\partial W_1[2,2]}" in latex_text(at)
    assert r"3 \times (-0.02)" in latex_text(at)


@pytest.mark.parametrize("mode", ["assignment", "consistent"])
def test_problem_4_shows_the_bias_gradient_of_the_delta1_it_uses(mode):
    at = open_page("hidden-gradient", {"mode": mode})
    no_exception(at)
    maps = heatmaps(at)
    expected = a.DELTA1_GIVEN if mode == "assignment" else by_hand()[2]
    np.testing.assert_allclose(maps["∂L/∂b1 = Σₙ δ1"], expected, rtol=1e-12)
    np.testing.assert_allclose(maps["∂L/∂W1 = Xᵀ·δ1"], a.X.T @ expected, rtol=1e-12)
    said = text_of(at)
    if mode == "assignment":
        assert "δ2 and δ1 here are the ones the assignment gives" in said
    else:
        assert "δ2 here is derived from the target y" in said
    latex = "\n".join(el.value for el in at.latex)
    assert r"\frac{\partial L}{\partial b_1} = \sum_n \delta_1[n,:]" in latex


def test_clicking_a_bias_cell_writes_out_its_sum():
    two_samples = a.DEFAULT_INPUTS.resized(N=2, D=2, H=2, C=2).with_values(X=[[1.0, 2.0], [3.0, 4.0]])
    at = open_page("hidden-gradient", params_from_inputs(two_samples, "consistent"))  # a link gives every matrix
    at.selectbox(key="db1_cell_col").set_value(1).run()
    no_exception(at)
    latex = "\n".join(el.value for el in at.latex)
    sol = a.solve(at.session_state["inputs"], "consistent")
    assert r"\frac{\partial L}{\partial b_1[2]}" in latex and r"\sum_n \delta_1[n,2] \cdot 1" in latex
    d = sol.delta1[:, 1]
    assert f"{tex(d[0])} + {tex_factor(d[1])} \\\\ &= {tex(d[0] + d[1])}" in latex


def test_presenter_position_survives_a_mode_switch_that_removes_a_step():
    at = open_page("hidden-gradient")
    at.sidebar.toggle[0].set_value(True).run()
    while at.header[0].value != "Why X is transposed":
        next(b for b in at.button if b.label == "Next").click().run()
    at.sidebar.radio[0].set_value("consistent").run()  # the "given δ1" step before it disappears
    assert at.header[0].value == "Why X is transposed"
    next(b for b in at.button if b.label == "Exit").click().run()
    assert len(at.data_editor) > 0 and not any(b.label == "Next" for b in at.button), "Exit leaves presenter mode"


def test_downloads_exist_and_parse_back_to_the_page_numbers(monkeypatch):
    from streamlit.delta_generator import DeltaGenerator

    offered = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data, *args, **kwargs):
        offered[label] = data
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    at = open_page("hidden-gradient", {"X": "1,2", "mode": "consistent"})
    no_exception(at)
    assert {d.label for d in at.get("download_button")} == set(offered) == {
        "Numbers (CSV)", "Numbers (JSON)", "Worked solution (Markdown)", "Notebook (Jupyter)"}
    shown = heatmaps(at)
    data = json.loads(offered["Numbers (JSON)"])
    assert data["meta"]["mode"] == "consistent" and data["meta"]["N"] == 1
    np.testing.assert_array_equal(data["matrices"]["X"], [[1.0, 2.0]])
    np.testing.assert_array_equal(data["matrices"]["dW1"], shown["∂L/∂W1 = Xᵀ·δ1"])
    np.testing.assert_array_equal(data["matrices"]["delta1"], shown["δ1 = (δ2·W2ᵀ) ∗ σ′(Z1)"])
    rows = list(csv.DictReader(io.StringIO(offered["Numbers (CSV)"])))
    dW1 = {(int(r["row"]), int(r["column"])): float(r["value"]) for r in rows if r["matrix"] == "dW1"}
    assert dW1[(2, 1)] == shown["∂L/∂W1 = Xᵀ·δ1"][1, 0]
    markdown = offered["Worked solution (Markdown)"]
    assert markdown.startswith("# Problem 4") and r"(\delta_2 W_2^T) \ast \sigma'(Z_1)" in markdown
    # the notebook offered is the one tests/dashboard/codeout/test_notebooks.py runs: this page's example and mode
    from backprop.assignment import solve
    from dashboard.codeout.notebooks import page_notebook

    notebook = offered["Notebook (Jupyter)"]
    assert notebook == page_notebook("hidden-gradient", solve(at.session_state["inputs"], "consistent"))
    assert "X = np.array([[1, 2]])" in notebook and "dW1 = X.T @ delta1" in notebook


def test_presenter_position_survives_a_step_that_now_has_fewer_parts():
    # the position is kept as "step key:part"; a part that no longer exists (a smaller example, another loss)
    # lands on the same step's nearest part, not on whatever step now has that page number
    at = open_page("hidden-gradient")
    at.sidebar.toggle[0].set_value(True).run()
    while at.header[0].value != "Why X is transposed":
        next(b for b in at.button if b.label == "Next").click().run()
    index, key = at.session_state["step_hidden-gradient"][:2]
    assert key.endswith(":0")
    at.session_state["step_hidden-gradient"] = (0, key.replace(":0", ":3"))
    at.run()
    assert at.header[0].value == "Why X is transposed"


def worked_headings(at) -> list[str]:
    return [m.value for m in at.markdown if re.match(r"\*\*Step \d+ · ", m.value)]


def test_a_stuck_student_reveals_one_step_at_a_time_and_a_hint_leads_to_its_step():
    at = open_page("hidden-gradient")
    at.sidebar.toggle[1].set_value(True).run()  # "Hide solutions until I ask"
    assert worked_headings(at) == [], "nothing of the solution yet"
    next(b for b in at.button if b.label.startswith("Show the next step (Step 1")).click().run()
    assert worked_headings(at) == ["**Step 1 · The inputs**"]
    # δ2·W2 instead of δ2·W2ᵀ: the hint names the mistake and offers the step that carries δ2 back through W2ᵀ
    s = 1 / (1 + np.exp(-a.Z1))
    answer(at, "delta1", (a.DELTA2 @ a.W2) * s * (1 - s))
    assert any("Looks like: δ2·W2 instead of δ2·W2ᵀ." in w.value for w in at.warning)
    next(b for b in at.button if b.label.startswith("Show me Step 2")).click().run()
    assert worked_headings(at) == ["**Step 1 · The inputs**", "**Step 2 · Send the error back through W2**"]
    assert "Results" not in [h.value for h in at.header], "the results stay hidden: only steps were asked for"
