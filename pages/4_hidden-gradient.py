"""Problem 4 · The hidden layer's gradient: δ1 = (δ2·W2ᵀ) ∗ σ′(Z1), ∂L/∂W1 = Xᵀ·δ1 and ∂L/∂b1 = Σₙ δ1."""
import streamlit as st

from backprop.assignment import solve
from dashboard import display, editors, nav, sharing, solution, state, steps, walkthrough

page = nav.page_setup("hidden-gradient", "Problem 4 · Hidden-layer gradient")
solution.problem_header(
    page,
    "Problem 4 · The hidden layer's gradient",
    "The last step of backpropagation: carry the error back through W2 to the hidden layer, scale it by the "
    "sigmoid's slope, and form the gradients for the first layer's weights and bias.",
    r"\delta_1 = (\delta_2 \cdot W_2^T) \ast \sigma'(Z_1), \qquad "
    r"\frac{\partial L}{\partial W_1} = X^T \cdot \delta_1, \qquad \frac{\partial L}{\partial b_1} = \sum_n \delta_1",
)
network = walkthrough.page_container(page)

inputs = page.inputs
right, stale = None, False  # the editors column and its state: not drawn in presenter mode
assignment_mode = page.mode == "assignment"
if not page.presenter:
    left, right = editors.inputs_column()
    with left:
        entered = {}
        if assignment_mode:
            entered["delta2"] = editors.matrix_editor("delta2", inputs.delta2, symbol="δ2 = ∂L/∂Z2",
                                                      row_name="sample", col_name="output",
                                                      caption="as the assignment gives it")
        entered["W2"] = editors.matrix_editor("W2", inputs.W2, symbol="W2", row_name="hidden unit", col_name="output")
        entered["X"] = editors.matrix_editor("X", inputs.X, symbol="X", row_name="sample", col_name="input")
        if assignment_mode:
            entered["delta1_given"] = editors.matrix_editor(
                "delta1", inputs.delta1_given, symbol="δ1", row_name="sample", col_name="hidden unit",
                caption="as the assignment gives it", field="delta1_given")
        inputs, stale = state.commit(entered)

sol = solve(inputs, page.mode, page.loss)
if not page.presenter:
    with left:  # what the editors' numbers lead to, under them
        if not assignment_mode:
            st.markdown("**δ2** = ∂L/∂Z2, derived from the target y on Problem 3")
            display.show_table(sol.delta2, row_name="sample", col_name="output")
        st.markdown("**Z1** = X·W1 + b1, from the forward pass")
        display.show_table(sol.Z1, row_name="sample", col_name="hidden unit")
        st.page_link(nav.page_path("forward-pass"), label="Change W1 or b1 on Problem 2",
                     icon=":material/arrow_forward:")
shown = {
    "dA1": solution.Shown(sol.dA1, "δ2·W2ᵀ", "sample", "hidden unit", "δ2·W2ᵀ", result=False),
    "sigma_prime": solution.Shown(sol.sigma_prime, "σ′(Z1)", "sample", "hidden unit", "σ′(Z1)", result=False),
    "delta1_computed": solution.Shown(sol.delta1_computed, "δ1 = (δ2·W2ᵀ) ∗ σ′(Z1)", "sample", "hidden unit", "δ1",
                                        picker="delta1_cell"),
    "delta1": solution.Shown(sol.delta1, "δ1 as the assignment gives it (used below)", "sample", "hidden unit",
                             "δ1 given", result=assignment_mode),
    "dW1": solution.Shown(sol.dW1, "∂L/∂W1 = Xᵀ·δ1", "input", "hidden unit", "∂L/∂W1", picker="dw1_cell"),
    "db1": solution.Shown(sol.db1, "∂L/∂b1 = Σₙ δ1", "row", "hidden unit", "∂L/∂b1", picker="db1_cell"),
}
worked = solution.worked_steps(page, steps.hidden_gradient_steps, sol)
if network is not None:
    walkthrough.page_part(page.page_id, network, sol, None, reveal=solution.revealed(page))

uses = ("δ2 and δ1 here are the ones the assignment gives (∂L/∂W1 and ∂L/∂b1 use the given δ1)." if assignment_mode
        else "δ2 here is derived from the target y on Problem 3, and δ1 is propagated from it.")
show = solution.section(page, right, shown, worked, stale=stale,
                        note="∂L/∂W1 has the shape of W1 and ∂L/∂b1 the shape of b1. " + uses)
if not page.presenter:
    if show:
        st.subheader("Open one entry: the chain rule for a single weight")
        st.caption("Click a cell of the ∂L/∂W1, ∂L/∂b1 or propagated δ1 heatmap, or choose it here.")
        i, j = display.cell_picker("Weight", sol.dW1.shape, "input", "hidden unit", key="dw1_cell")
        display.latex_screens(*steps.for_screen_sizes(steps.dW1_cell, sol, i, j), key="dW1_cell")
        b = display.entry_picker("Bias: hidden unit", sol.db1.shape[0], "hidden unit", key="db1_cell")
        display.latex_screens(*steps.for_screen_sizes(steps.db_cell, sol, 1, b), key="db_cell")
        n, h = display.cell_picker("Hidden error", sol.delta1.shape, "sample", "hidden unit", key="delta1_cell")
        display.latex_screens(*steps.for_screen_sizes(steps.delta1_cell, sol, n, h), key="delta1_cell")
        st.caption("δ1[n,j] sums what hidden unit j contributed to every output k, weighted by W2[j,k], then "
                   "scales by how steep the sigmoid was at Z1[n,j].")

        solution.mode_comparison(
            page.page_id, sol, heading="As in the assignment vs. consistent", given="δ1",
            differ="The assignment *gives* δ1; backpropagating δ2 through W2 and σ′(Z1) yields a different one "
            "(in consistent mode from the δ2 the target y gives), and so different gradients:")

    st.header("Check my answer")
    st.markdown("**δ1 = (δ2·W2ᵀ) ∗ σ′(Z1)**, computed from δ2, W2 and Z1 (even in the mode where the "
                "assignment then gives a simpler δ1):")
    editors.answer_checker("delta1", sol, symbol="δ1", row_name="sample", col_name="hidden unit", reveal=show,
                           hint_link=solution.hint_links(page, worked, show))
    st.markdown("**∂L/∂W1 = Xᵀ·δ1**, with the δ1 this mode uses:")
    editors.answer_checker("dW1", sol, symbol="∂L/∂W1", row_name="input", col_name="hidden unit", reveal=show,
                           hint_link=solution.hint_links(page, worked, show))

    st.header("Share and export")
    sharing.share_and_export(page, "Problem 4 · The hidden layer's gradient", {
        "X": inputs.X, "W2": inputs.W2, "delta2": inputs.delta2, "Z1": sol.Z1, "dA1": sol.dA1,
        "sigma_prime": sol.sigma_prime, "delta1_computed": sol.delta1_computed, "delta1": sol.delta1,
        "dW1": sol.dW1, "db1": sol.db1}, worked, reveal=show, sol=sol)

state.sync_url()
