"""Tests of dashboard.steps: the worked solutions in LaTeX, every product and sum written out, within the page width."""
import numpy as np
import pytest

from backprop import assignment as a
from dashboard import steps
from dashboard.numbers import short
from tests._examples import SOL


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
    product = next(s for s in worked if s.key == "dW2_product")
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


def test_an_aligned_block_splits_between_its_own_rows_only():
    block = steps.aligned("A", r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "B", "C")
    rows = steps.aligned_rows(block)
    assert rows == [r"A &= \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "&= B", "&= C"]
    assert steps.join_rows(rows) == block and steps.aligned_rows("x = 1") is None
    assert steps.height_px(block) > steps.height_px(steps.join_rows(rows[1:])) > steps.height_px("x = 1") - 1
