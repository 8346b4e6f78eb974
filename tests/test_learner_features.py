"""Self-study and classroom features: check my answer, hidden solutions, presenter highlights,
shareable links, exports and the gradient-check page."""
import csv
import io
import json

import numpy as np
import pytest

from backprop import assignment as a
from dashboard import exports, steps
from dashboard.lab.controls import HEAD_LABELS
from dashboard.urlstate import (
    MAX_ENTRIES,
    ParamError,
    format_matrix,
    inputs_from_params,
    params_from_inputs,
    parse_matrix,
)
from tests.conftest import figures, heatmaps, no_exception, open_page

COLUMN = {"Z1": "hidden unit", "dW2": "output", "delta1": "hidden unit", "dW1": "hidden unit"}
PAGE = {"Z1": "forward-pass", "dW2": "output-gradient", "delta1": "hidden-gradient", "dW1": "hidden-gradient"}


def answer(at, quantity, M):
    key = at.session_state["editor_keys"][f"answer_{quantity}"]
    M = np.atleast_2d(M)
    rows = {r: {f"{COLUMN[quantity]} {c + 1}": float(M[r, c]) for c in range(M.shape[1])} for r in range(M.shape[0])}
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


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


def test_hidden_solutions_wait_for_reveal_and_the_check_does_not_give_numbers_away():
    at = open_page("output-gradient")
    at.sidebar.toggle[1].set_value(True).run()  # "Hide solutions until I ask"
    no_exception(at)
    assert "∂L/∂W2 = A1ᵀ·δ2" not in heatmaps(at)
    assert not at.latex or all("0.18" not in el.value for el in at.latex)
    answer(at, "dW2", [[0.18, -0.27], [0.19, 0.3]])
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Your"))
    cells = [t for row in fig["data"][0]["text"] for t in row]
    assert cells == ["✓", "✓", "✓", "too high"]
    next(b for b in at.button if b.label == "Reveal the solution").click().run()
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W2 = A1ᵀ·δ2"], a.DW2, atol=1e-12)
    assert any("0.18" in el.value for el in at.latex)


def _step_through(at):
    """(step title, the heatmap shown with it or None) for every step of the page, in presenter mode."""
    seen = []
    while True:
        maps = [f for f in figures(at) if f["data"][0]["type"] == "heatmap"]
        seen.append((at.header[0].value, maps[0] if maps else None))
        nxt = next(b for b in at.button if b.label == "Next")
        if nxt.disabled:
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
            from tests.conftest import plotly_array

            np.testing.assert_allclose(plotly_array(fig["data"][0]["z"]), expected[title], rtol=1e-12, atol=1e-15)
            assert len(fig["layout"]["shapes"]) == np.size(expected[title]), title  # every cell outlined
        else:
            assert fig is None, f"{title} shows a heatmap it does not compute"
    last = steps.output_gradient_steps(a.solve())[-1]
    if page_id == "output-gradient":  # the last step alone, in larger math (the problem's formula steps aside)
        from dashboard.solution import _presenter_lines

        assert len(at.latex) == len(_presenter_lines(last.equations))
        assert all(el.value.startswith("$$\n\\Large ") for el in at.latex)


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
        "Numbers (CSV)", "Numbers (JSON)", "Worked solution (Markdown)"}
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


def test_share_link_reproduces_the_example():
    at = open_page("forward-pass", {"X": "1,1", "mode": "consistent"})
    link = at.code[0].value
    assert link.endswith("?X=1,1&mode=consistent")
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    again = open_page("forward-pass", query)
    np.testing.assert_allclose(heatmaps(again)["Z1 = X·W1 + b1"], heatmaps(at)["Z1 = X·W1 + b1"])


# --- exports -------------------------------------------------------------------------------------


def test_numbers_round_trip_through_csv_and_json():
    numbers = {"X": a.X, "b1": a.b1, "dW2": a.DW2, "tiny": np.array([[1e-17, -3.3333333333333335]])}
    data = json.loads(exports.numbers_json(numbers, page="p", mode="assignment"))
    assert data["meta"] == {"page": "p", "mode": "assignment"}
    for name, M in numbers.items():
        np.testing.assert_array_equal(np.array(data["matrices"][name]), np.atleast_2d(M))
    rows = list(csv.DictReader(io.StringIO(exports.numbers_csv(numbers))))
    assert len(rows) == sum(np.size(M) for M in numbers.values())
    back = {}
    for row in rows:
        back.setdefault(row["matrix"], {})[(int(row["row"]), int(row["column"]))] = float(row["value"])
    assert back["dW2"][(2, 2)] == a.DW2[1, 1]
    assert back["tiny"][(1, 2)] == -3.3333333333333335


def test_worked_solution_markdown_has_every_step_and_equation():
    worked = steps.forward_steps(a.solve())
    md = exports.steps_markdown("Problem 2", worked)
    assert md.startswith("# Problem 2")
    assert md.count("## Step") == len(worked)
    assert md.count("$$") == 2 * sum(len(s.equations) for s in worked)
    assert r"2 \times 0.1 + 3 \times 0.3" in md


# --- query parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["X", "W1", "b1", "W2", "delta2", "A1", "delta1"])
def test_every_matrix_round_trips_through_the_url(name):
    inputs = a.DEFAULT_INPUTS.resized(N=3, D=2, H=4, C=3)
    field = {"A1": "A1_given", "delta1": "delta1_given"}.get(name, name)
    value = getattr(inputs, field)
    np.testing.assert_array_equal(parse_matrix(name, format_matrix(value)), np.atleast_2d(value))
    parsed = inputs_from_params(params_from_inputs(inputs, "consistent"))
    assert parsed.warnings == () and parsed.mode == "consistent"
    np.testing.assert_array_equal(getattr(parsed.inputs, field), value)


def test_defaults_need_no_parameters():
    assert params_from_inputs(a.DEFAULT_INPUTS, "assignment") == {}
    assert params_from_inputs(a.DEFAULT_INPUTS.with_values(X=[[1.0, 1.0]]), "assignment") == {"X": "1,1"}


@pytest.mark.parametrize("text, reason", [
    ("abc", "not numbers"),
    ("<script>alert(1)</script>", "not numbers"),
    ("1,2;3", "rows have different lengths"),
    ("nan,1", "not numbers"),
    ("inf,1", "not numbers"),
    ("1e999,1", "too large for a float"),
    ("2e6,1", "beyond ±1,000,000"),
    (",".join(["1"] * (MAX_ENTRIES + 1)), f"more than {MAX_ENTRIES} entries"),
    ("1" * 500, "longer than 400 characters"),
    ("1,,2", "not numbers"),
    ("__import__('os').system('x')", "not numbers"),
    ("0x10", "not numbers"),
])
def test_hostile_or_malformed_values_are_rejected_with_a_reason(text, reason):
    with pytest.raises(ParamError, match=reason):
        parse_matrix("W1", text)
    parsed = inputs_from_params({"W1": text})
    assert len(parsed.warnings) == 1 and parsed.warnings[0].startswith("Ignored the link's W1:")
    assert text not in parsed.warnings[0] or text == "abc"
    np.testing.assert_array_equal(parsed.inputs.W1, a.W1)


def test_a_link_whose_matrices_disagree_in_size_applies_none_of_them():
    parsed = inputs_from_params({"X": "1,2,3", "W1": "1,2;3,4"})  # X says D = 3, W1 says D = 2
    assert parsed.inputs is a.DEFAULT_INPUTS
    assert len(parsed.warnings) == 1 and "none of them was applied" in parsed.warnings[0]
    assert "D = 3 in the link's X but 2 in the link's W1" in parsed.warnings[0]
    # a lone W1 of another shape would need X, b1 and W2 to change with it: nothing is invented for them
    lone = inputs_from_params({"W1": "1,2,3"})
    assert lone.inputs is a.DEFAULT_INPUTS
    assert "D = 2 in X (not in the link) but 1 in the link's W1" in lone.warnings[0]
    assert "H = 3 in the link's W1 but 2 in b1, W2 (not in the link)" in lone.warnings[0]
    # the same change with every partner given is applied as it stands
    whole = inputs_from_params({"X": "1,2,3", "W1": "1;2;3", "b1": "0.5", "W2": "0.5,0.6", "A1": "0.9",
                                "delta1": "-0.01"})
    assert whole.warnings == () and whole.inputs.dims == {"N": 1, "D": 3, "H": 1, "C": 2}
    np.testing.assert_array_equal(whole.inputs.W1, [[1.0], [2.0], [3.0]])
    np.testing.assert_array_equal(whole.inputs.A1_given, [[0.9]])
    # the values the assignment supplies, left out of a link that changes the sizes, are computed, not made up
    computed = inputs_from_params({"X": "1,2,3", "W1": "1;2;3", "b1": "0.5", "W2": "0.5,0.6"})
    assert computed.warnings == ()
    sol = a.solve(computed.inputs, "consistent")
    np.testing.assert_array_equal(computed.inputs.A1_given, sol.A1_computed)
    np.testing.assert_array_equal(computed.inputs.delta2, sol.delta2_computed)
    np.testing.assert_array_equal(computed.inputs.delta1_given, sol.delta1_computed)
    too_big = inputs_from_params({"X": "1,2,3,4,5"})
    assert "D = 5 is more than this page's limit of 4" in too_big.warnings[0]
    bad_mode = inputs_from_params({"mode": "<b>x</b>"})
    assert bad_mode.mode is None and "mode" in bad_mode.warnings[0]


def test_links_written_by_the_app_give_every_matrix_once_the_sizes_change():
    grown = a.DEFAULT_INPUTS.resized(N=2, D=2, H=3, C=2)
    params = params_from_inputs(grown, "assignment")
    assert set(params) == {"X", "W1", "b1", "W2", "delta2", "A1", "delta1", "b2", "y"}
    assert inputs_from_params(params).warnings == ()
    for name, value in inputs_from_params(params).inputs.as_dict().items():
        np.testing.assert_array_equal(value, getattr(grown, name))


# --- gradient check page -------------------------------------------------------------------------


def test_gradient_check_page_agrees_then_catches_a_planted_bug():
    at = open_page("gradient-check")
    no_exception(at)
    assert any("the gradients agree" in s.value for s in at.success)
    at.toggle(key="_widget_gc_break").set_value(True).run()
    at.selectbox(key="_widget_gc_bug").set_value("dW2_sign").run()
    no_exception(at)
    assert any("probably wrong" in e.value for e in at.error)
    analytic = next(v for k, v in heatmaps(at).items() if k.startswith("∂L/∂W2 by backprop"))
    numerical = next(v for k, v in heatmaps(at).items() if k.startswith("∂L/∂W2 by centred"))
    np.testing.assert_allclose(analytic, -numerical, rtol=1e-5)


@pytest.mark.parametrize("head", list(HEAD_LABELS))
def test_gradient_check_page_agrees_for_every_output_and_loss(head):
    """Each head the page offers gets targets its loss accepts (softmax + ce needs one-hot rows)."""
    at = open_page("gradient-check")
    at.selectbox(key="_widget_gc_head").set_value(head).run()
    no_exception(at)
    assert any("the gradients agree" in s.value for s in at.success), head


def test_hidden_solutions_hide_the_downloads_and_the_overviews_answers():
    at = open_page("forward-pass")
    at.sidebar.toggle[1].set_value(True).run()
    assert not at.get("download_button"), "the files contain the answers"
    assert any("appear once the solution is revealed" in c.value for c in at.caption)
    assert at.code, "the share link stays available"
    next(b for b in at.button if b.label == "Reveal the solution").click().run()
    assert len(at.get("download_button")) == 3
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
