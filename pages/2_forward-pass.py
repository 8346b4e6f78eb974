"""Problem 2 · The forward pass: Z1 = X·W1 + b1 and A1 = σ(Z1)."""
import streamlit as st

from backprop.assignment import solve
from dashboard import display, editors, nav, sharing, solution, state, steps, walkthrough

page = nav.page_setup("forward-pass", "Problem 2 · Forward pass")
solution.problem_header(
    page,
    "Problem 2 · The forward pass",
    "Before we can backpropagate we must run the network forward. For one layer of a 2-layer MLP, compute "
    "the pre-activation and the activation:",
    r"Z_1 = X \cdot W_1 + b_1, \qquad A_1 = \sigma(Z_1) = \frac{1}{1 + e^{-Z_1}}",
)
network = walkthrough.page_container(page)

inputs = page.inputs
right, stale = None, False  # the editors column and its state: not drawn in presenter mode
if not page.presenter:
    left, right = editors.inputs_column(("N", "D", "H"))
    with left:
        st.caption("Edit any cell: every step below follows.")
        X = editors.matrix_editor("X", inputs.X, symbol="X", row_name="sample", col_name="input",
                                  caption="one row per sample")
        W1 = editors.matrix_editor("W1", inputs.W1, symbol="W1", row_name="input", col_name="hidden unit",
                                   caption="one column per hidden unit")
        b1 = editors.matrix_editor("b1", inputs.b1, symbol="b1", row_name="row", col_name="hidden unit",
                                   caption="added to every sample")
        inputs, stale = state.commit({"X": X, "W1": W1, "b1": None if b1 is None else b1.reshape(-1)})

sol = solve(inputs, page.mode)
shown = {
    "XW1": solution.Shown(sol.XW1, "X·W1", "sample", "hidden unit", "X·W1", result=False),
    "Z1": solution.Shown(sol.Z1, "Z1 = X·W1 + b1", "sample", "hidden unit", "Z1", picker="z1_cell"),
    "A1": solution.Shown(sol.A1_computed, "A1 = σ(Z1)", "sample", "hidden unit", "A1"),
}
worked = solution.worked_steps(page, steps.forward_steps, sol)
if network is not None:
    walkthrough.page_part(page.page_id, network, sol, None, reveal=solution.revealed(page))

show = solution.section(page, right, shown, worked, stale=stale)
if not page.presenter:
    if show:
        st.subheader("Open one entry of Z1")
        st.caption("Click a cell of the Z1 heatmap, or choose it here.")
        n, j = display.cell_picker("Entry", sol.Z1.shape, "sample", "hidden unit", key="z1_cell")
        display.latex_screens(*steps.for_screen_sizes(steps.z1_cell, sol, n, j), key="z1_cell")

        solution.mode_comparison(
            page.page_id, sol, heading="The assignment's simplification", given="A1",
            differ="The assignment asks you to compute Z1, then *assumes* a rounder A1 for Problems 3 and 4. "
            "Here are the two side by side; the **Numbers** switch in the sidebar chooses which one the "
            "later pages use.")

    st.header("Check my answer")
    st.markdown("**Z1 = X·W1 + b1**:")
    editors.answer_checker("Z1", sol, symbol="Z1", row_name="sample", col_name="hidden unit", reveal=show,
                           hint_link=solution.hint_links(page, worked, show))
    st.markdown("**A1 = σ(Z1)**, the sigmoid of your Z1's entries (the real σ(Z1), not the A1 the assignment "
                "assumes later):")
    editors.answer_checker("A1", sol, symbol="A1", row_name="sample", col_name="hidden unit", reveal=show,
                           hint_link=solution.hint_links(page, worked, show))

    st.header("Share and export")
    sharing.share_and_export(page, "Problem 2 · The forward pass", {
        "X": inputs.X, "W1": inputs.W1, "b1": inputs.b1, "XW1": sol.XW1, "Z1": sol.Z1, "A1": sol.A1_computed,
        "A1_assumed": inputs.A1_given}, worked, reveal=show, sol=sol)

state.sync_url()
