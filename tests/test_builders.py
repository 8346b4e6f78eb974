"""The dashboard's plain builders — number formatting, LaTeX steps, figures, tables — tested without a
browser (the network walk-through: tests/test_walkthrough.py)."""
import numpy as np
import pandas as pd
import pytest

from backprop import assignment as a
from dashboard import claims, figures, steps
from dashboard.numbers import short, tex
from dashboard.tables import from_frame, to_frame

SOL = a.solve(a.DEFAULT_INPUTS, "assignment")


@pytest.mark.parametrize("value, text", [(0.285, "0.285"), (-0.27, "-0.27"), (1.6000000000000003, "1.6"),
                                         (0.8320183851, "0.832"), (2.0, "2"), (-0.0, "0"), (1.2e-6, "1.2e-6"),
                                         (123456.0, "1.235e5"), (float("nan"), "nan")])
def test_short_numbers(value, text):
    assert short(value) == text


def test_tex_numbers():
    assert tex(1.2e-6) == r"1.2 \times 10^{-6}"
    assert tex(float("-inf")) == r"-\infty"


def test_forward_steps_write_out_every_product_and_sum():
    text = "\n".join(eq for step in steps.forward_steps(SOL) for eq in step.equations)
    for piece in (r"2 \times 0.1 + 3 \times 0.3", r"2 \times 0.2 + 3 \times 0.4", "0.2 + 0.9", "0.4 + 1.2",
                  r"\begin{pmatrix} 1.1 & 1.6 \end{pmatrix}", r"\begin{pmatrix} 1.6 & 2.2 \end{pmatrix}",
                  r"\sigma(1.6)", r"\begin{pmatrix} 0.832 & 0.9002 \end{pmatrix}", r"1 \times 2"):
        assert piece in text, piece


def test_forward_steps_follow_the_numbers():
    inputs = a.DEFAULT_INPUTS.with_values(X=[[1.0, -2.0]])
    text = "\n".join(eq for step in steps.forward_steps(a.solve(inputs)) for eq in step.equations)
    assert r"1 \times 0.1 + (-2) \times 0.3" in text
    assert r"2 \times 0.1" not in text


def test_output_gradient_steps_show_shapes_and_products():
    worked = steps.output_gradient_steps(SOL)
    text = "\n".join(eq for step in worked for eq in step.equations)
    assert r"\underbrace{A_1^T}_{2 \times 1}" in text and r"_{2 \times 2}" in text
    for piece in (r"0.9 \times 0.2", r"0.9 \times (-0.3)", r"0.95 \times (-0.3)",
                  r"\begin{pmatrix} 0.18 & -0.27 \\ 0.19 & -0.285 \end{pmatrix}"):
        assert piece in text, piece
    assert any("transpos" in s.note.lower() for s in worked)
    product = next(s for s in worked if s.key == "product")
    assert product.focus == ("dW2", ((0, 0), (0, 1), (1, 0), (1, 1)))
    assert worked[-1].focus == ("db2", ((0, 0), (0, 1)))


def test_with_several_samples_the_gradient_entries_are_sums():
    inputs = a.DEFAULT_INPUTS.resized(N=2, D=2, H=2, C=2)
    sol = a.solve(inputs)
    text = "\n".join(eq for step in steps.output_gradient_steps(sol) for eq in step.equations)
    A1, d2 = inputs.A1_given, inputs.delta2
    assert f"{short(A1[0, 0])} \\times {short(d2[0, 0])} + {short(A1[1, 0])} \\times" in text


def test_hidden_gradient_steps_in_both_modes():
    given = "\n".join(eq for s in steps.hidden_gradient_steps(SOL) for eq in s.equations)
    assert r"\delta_1^{\text{given}}" in given and r"2 \times (-0.01)" in given
    sol_c = a.solve(a.DEFAULT_INPUTS, "consistent")
    consistent = "\n".join(eq for s in steps.hidden_gradient_steps(sol_c) for eq in s.equations)
    assert r"\delta_1^{\text{given}}" not in consistent
    # consistent δ1 comes from the δ2 the target y = (0, 1) gives: (0.006583, 0.006065)
    assert r"2 \times 0.006583" in consistent


def test_cell_formulas_are_the_scalar_chain_rule():
    assert steps.dW2_cell(SOL, 1, 1).endswith(r"&= 0.95 \times (-0.3) \\ &= -0.285 \end{aligned}")
    assert r"3 \times (-0.02)" in steps.dW1_cell(SOL, 1, 1)
    assert r"(0.2 \times 0.5 + (-0.3) \times 0.6) \times 0.1398" in steps.delta1_cell(SOL, 0, 0)
    assert r"2 \times 0.2 + 3 \times 0.4 + 0.6 \\ &= 2.2" in steps.z1_cell(SOL, 0, 1)


def test_heatmap_shows_the_matrix_on_a_zero_centred_diverging_scale():
    fig = figures.matrix_heatmap(SOL.dW2, title="dW2", row_name="hidden unit", col_name="output",
                                 symbol="∂L/∂W2", highlight=[(1, 0)])
    trace = fig.data[0]
    np.testing.assert_array_equal(trace.z, SOL.dW2)
    assert trace.zmid == 0 and trace.zmin == -trace.zmax == pytest.approx(-0.285)
    assert [list(r) for r in trace.text] == [["0.18", "-0.27"], ["0.19", "-0.285"]]
    assert trace.texttemplate == "%{text}"
    assert list(trace.y) == ["hidden unit 1", "hidden unit 2"] and list(trace.x) == ["output 1", "output 2"]
    assert fig.layout.xaxis.title.text == "output" and fig.layout.yaxis.title.text == "hidden unit"
    colours = [c for _, c in trace.colorscale]
    assert colours[5] == "rgb(247,247,247)"  # white at zero
    assert colours[0] == "rgb(5,48,97)" and colours[-1] == "rgb(103,0,31)"  # blue negative, red positive
    assert len(fig.layout.shapes) == 1
    shape = fig.layout.shapes[0]
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (-0.5, 0.5, 0.5, 1.5)


def test_heatmap_of_zeros_and_of_nan_does_not_break():
    fig = figures.matrix_heatmap(np.zeros((2, 2)), title="z", row_name="r", col_name="c")
    assert fig.data[0].zmax == 1.0
    fig = figures.matrix_heatmap(np.array([[np.nan, 1.0]]), title="z", row_name="r", col_name="c")
    assert fig.data[0].text[0][0] == "nan"


def test_frames_round_trip_and_bad_cells_are_named():
    frame = to_frame(a.W1, "input", "hidden unit")
    assert list(frame.index) == ["input 1", "input 2"] and list(frame.columns) == ["hidden unit 1", "hidden unit 2"]
    values, problems = from_frame("W1", frame)
    np.testing.assert_array_equal(values, a.W1)
    assert problems == []
    bad = frame.astype(object)
    bad.iat[0, 1] = None
    bad.iat[1, 0] = "x"
    values, problems = from_frame("W1", bad)
    assert values is None
    assert problems == ["W1, row 1 (input 1), column 2 (hidden unit 2) is empty: type a number.",
                        "W1, row 2 (input 2), column 1 (hidden unit 1): “x” is not a number: use digits, a point "
                        "for decimals, and e for powers of ten (1e-3)."]
    _, problems = from_frame("X", pd.DataFrame([[np.inf, 2e6]]))
    assert "too large for a 64-bit float" in problems[0] and "beyond ±1,000,000" in problems[1]


def test_clickable_heatmap_carries_each_cells_position():
    fig = figures.matrix_heatmap(SOL.dW2, title="dW2", row_name="hidden unit", col_name="output", clickable=True)
    markers = fig.data[1]
    assert markers.type == "scatter" and markers.marker.opacity < 0.05
    assert [list(c) for c in markers.customdata] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert list(markers.x) == ["output 1", "output 2", "output 1", "output 2"]
    assert len(figures.matrix_heatmap(SOL.dW2, title="t", row_name="r", col_name="c").data) == 1


@pytest.mark.parametrize("event, cell", [
    ({"selection": {"points": [{"curve_number": 1, "customdata": [1, 0]}]}}, (1, 0)),
    ({"selection": {"points": []}}, None),
    ({"selection": {"points": [{"curve_number": 0, "z": 0.2}]}}, None),
    (None, None),
])
def test_cell_from_selection(event, cell):
    assert figures.cell_from_selection(event) == cell


def test_width_estimate_and_line_breaking():
    assert steps.visible_width(r"2 \times 0.1") == 5
    assert steps.visible_width(steps.matrix([[1, 2], [3, 4]])) == steps.visible_width(steps.matrix([[1, 2]]))
    short_parts = steps.side_by_side("a = 1", "b = 2")
    assert short_parts == (r"a = 1,\qquad b = 2",)
    wide = steps.matrix(-(np.arange(16.0).reshape(4, 4) + 1) / 7000)  # 4 × 4 of -0.0001429 …
    assert len(steps.side_by_side(f"A = {wide}", f"B = {wide}", f"C = {wide}")) == 3
    assert "aligned" not in steps.chain("y", "x + 1", "3")
    assert steps.chain("y", wide, wide, wide).count("&=") == 3
    split = steps.operation("C", None, wide, r"\ast", wide, wide)
    assert r"&\qquad \ast" in split  # the operand that does not fit goes on a line of its own


@pytest.mark.parametrize("dims", [(1, 2, 2, 2), (2, 3, 3, 2), (3, 4, 2, 3), (4, 4, 4, 4)])
def test_no_line_of_a_worked_solution_runs_off_the_page(dims):
    """Every typeset line (a row of an aligned block counts as a line) stays within the width estimate,
    with a margin for the widest matrices, so that nothing needs a horizontal scroll at the usual widths."""
    import re

    for mode in ("assignment", "consistent"):
        sol = a.solve(a.DEFAULT_INPUTS.resized(*dims), mode)
        for build in (steps.forward_steps, steps.output_gradient_steps, steps.hidden_gradient_steps):
            for step in build(sol):
                for eq in step.equations:
                    body = re.sub(r"\\(begin|end)\{aligned\}", "", eq)
                    rows = re.split(r"\\\\(?![^{]*pmatrix)", body) if "aligned" in eq else [eq]
                    for row in rows:
                        assert steps.visible_width(row) <= 1.25 * steps.FITS, (dims, mode, step.key, row[:80])


def test_the_training_curves_table_holds_the_plotted_numbers():
    from backprop.reading import curves
    from backprop.runs import train_config
    from dashboard.lab import controls
    from dashboard.tables import curves_frame

    run = train_config(controls.preset_config(controls.DEFAULT_PRESET))
    c = curves(run.history)
    frame = curves_frame(c, rows=11)
    assert frame["epoch"].iloc[0] == 0 and frame["epoch"].iloc[-1] == c.epochs[-1] and len(frame) == 11
    for _, row in frame.iterrows():
        i = int(row["epoch"]) - int(c.epochs[0])
        assert row["training loss"] == c.train_loss[i] and row["‖∂L/∂W1‖"] == c.grad_norms["W1"][i]


def test_layer_norms_are_dots_with_their_values_and_zero_or_infinite_ones_are_written_not_drawn():
    fig = figures.layer_norms_figure([9.6e-7, 3e-7, 0.0, float("inf"), 7.2e-7], title="norms")
    (dots,) = fig.data
    assert dots.type == "scatter" and "markers" in dots.mode  # no bars: a bar's length on a log axis misleads
    assert list(dots.x) == [0, 1, 4] and list(dots.y) == [9.6e-7, 3e-7, 7.2e-7]
    assert list(dots.text) == ["9.6e-7", "3e-7", "7.2e-7"] and list(dots.customdata) == ["layer 1", "layer 2", "output"]
    assert list(fig.layout.xaxis.ticktext) == ["layer 1", "layer 2", "layer 3", "layer 4", "output"]
    assert [(a.x, a.text) for a in fig.layout.annotations] == [(2, "0"), (3, "not finite")]
    low, high = fig.layout.yaxis.range  # two decades at least: 3e-7 and 9.6e-7 must not look far apart
    assert high - low >= 2 and low < np.log10(3e-7) and high > np.log10(9.6e-7)
    wide = figures.layer_norms_figure([1e-6, 1.0], title="norms").layout.yaxis.range
    assert wide[0] < -6 and wide[1] > 0
    linear = figures.layer_norms_figure([0.0, 2.0], title="norms", log_y=False)
    assert list(linear.data[0].y) == [0.0, 2.0] and not linear.layout.annotations  # 0 has a place on a linear axis


def test_the_norms_caption_says_which_norms_have_no_dot_and_why():
    assert claims.undrawn_norms_caption([1e-3, 2e-3], 40) == ""
    text = claims.undrawn_norms_caption([0.0, float("inf")], 141)
    assert text == ("‖∂L/∂W1‖ is exactly 0 at epoch 141, which a log scale cannot show (marked 0 on the chart). "
                    "‖∂L/∂W2‖ is not finite at epoch 141: the network has diverged.")
    assert claims.undrawn_norms_caption([0.0, 0.0, 1.0], 3).startswith("‖∂L/∂W1‖, ‖∂L/∂W2‖ are exactly 0 at epoch 3")


def test_two_word_column_ticks_break_onto_two_lines_so_they_do_not_run_together_on_a_phone():
    fig = figures.matrix_heatmap(np.eye(2), title="Z1", row_name="sample", col_name="hidden unit")
    assert list(fig.layout.xaxis.ticktext) == ["hidden<br>unit 1", "hidden<br>unit 2"]
    assert list(fig.layout.xaxis.tickvals) == list(fig.data[0].x) == ["hidden unit 1", "hidden unit 2"]
    short_names = figures.matrix_heatmap(np.eye(2), title="W2", row_name="hidden unit", col_name="output")
    assert list(short_names.layout.xaxis.ticktext) == ["output 1", "output 2"]


def test_an_aligned_block_splits_between_its_own_rows_only():
    block = steps.aligned("A", r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "B", "C")
    rows = steps.aligned_rows(block)
    assert rows == [r"A &= \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "&= B", "&= C"]
    assert steps.join_rows(rows) == block and steps.aligned_rows("x = 1") is None
    assert steps.height_px(block) > steps.height_px(steps.join_rows(rows[1:])) > steps.height_px("x = 1") - 1


def test_presenter_parts_fit_their_budgets_and_keep_every_row_in_order():
    from dashboard.solution import _parts
    tall = steps.aligned("S", *[f"{i}" for i in range(18)])
    lines = ["a = 1", tall, r"b = \begin{pmatrix} 1 \\ 2 \\ 3 \end{pmatrix}"]
    parts = _parts(lines, budget=450, last_budget=250)
    assert len(parts) > 1
    assert all(sum(map(steps.height_px, p)) <= 450 for p in parts[:-1])
    assert sum(map(steps.height_px, parts[-1])) <= 250 and parts[-1][-1] == lines[-1]
    rows = [r for p in parts for line in p for r in (steps.aligned_rows(line) or [line])]
    expected = ["a = 1", *steps.aligned_rows(tall), lines[-1]]
    assert [r.removeprefix("S ") for r in rows] == [r.removeprefix("S ") for r in expected]
    # a part never starts with a bare "= …": the block's left-hand side is written again
    starts = [(steps.aligned_rows(p[0]) or [p[0]])[0] for p in parts]
    assert not any(row.startswith("&") for row in starts)
    assert _parts(["a = 1"], budget=450, last_budget=250) == [["a = 1"]]


def test_presenter_parts_keep_an_operand_with_its_row():
    from dashboard.solution import _parts
    m = r"\begin{pmatrix} 1 \\ 2 \\ 3 \end{pmatrix}"
    block = steps.join_rows([f"D &= {m}", rf"&\qquad \ast {m}", f"&= {m}", rf"&\qquad + {m}", f"&= {m}"])
    for parts in (_parts([block], budget=150, last_budget=150), _parts([block], budget=250, last_budget=250)):
        rows = [r for p in parts for line in p for r in steps.aligned_rows(line)]
        assert not any(r.startswith(r"&\qquad") for r in (steps.aligned_rows(p[0])[0] for p in parts))
        assert len(rows) == 5 and len(parts) > 1
