"""Problem 3 · The output layer's gradient: where δ2 comes from, ∂L/∂W2 = A1ᵀ·δ2 and ∂L/∂b2 = Σₙ δ2."""
import streamlit as st

from backprop.assignment import OUTPUT_LOSSES, solve
from dashboard import display, editors, nav, sharing, solution, state, steps, walkthrough
from dashboard.numbers import short

page = nav.page_setup("output-gradient", "Problem 3 · Output-layer gradient")
consistent = page.mode == "consistent"
solution.problem_header(
    page,
    "Problem 3 · The output layer's gradient",
    "The forward pass through the second layer is done. The error signal at the output, δ2 = ∂L/∂Z2, flows "
    "back; the gradients for the second layer's weights and bias are"
    + (" as below, and δ2 itself comes from the target y through the loss:" if consistent else ""),
    r"\frac{\partial L}{\partial W_2} = A_1^T \cdot \delta_2, \qquad \frac{\partial L}{\partial b_2} = \sum_n \delta_2"
    + (r", \qquad \delta_2 = \frac{\partial L}{\partial A_2} \ast \sigma'(Z_2)" if consistent else ""),
)
network = walkthrough.page_container(page)

inputs = page.inputs
right, stale = None, False  # the editors column and its state: not drawn in presenter mode
if not page.presenter:
    left, right = editors.inputs_column(("N", "H", "C"))
    with left:
        entered = {}
        if consistent:
            st.markdown("**A1** = σ(Z1), computed from X, W1 and b1")
            display.show_table(solve(inputs, page.mode, page.loss).A1, row_name="sample", col_name="hidden unit")
            st.page_link(nav.page_path("forward-pass"), label="Change X, W1 or b1 on Problem 2",
                         icon=":material/arrow_forward:")
            entered["W2"] = editors.matrix_editor("W2", inputs.W2, symbol="W2", row_name="hidden unit",
                                                  col_name="output", caption="the output layer's weights")
            b2 = editors.matrix_editor("b2", inputs.b2, symbol="b2", row_name="row", col_name="output",
                                       caption="added to every sample")
            entered["b2"] = None if b2 is None else b2.reshape(-1)
            entered["y"] = editors.matrix_editor("y", inputs.y, symbol="y", row_name="sample", col_name="output",
                                                 caption="the target of each output, between 0 and 1")
            state.persistent(st.radio, "Loss", state.LOSS, options=list(OUTPUT_LOSSES), format_func=OUTPUT_LOSSES.get,
                             horizontal=True, help="Both compare the sigmoid output A2 with y; their slopes differ.")
        else:
            entered["A1_given"] = editors.matrix_editor(
                "A1", inputs.A1_given, symbol="A1", row_name="sample", col_name="hidden unit",
                caption="as the assignment assumes it", field="A1_given")
            entered["delta2"] = editors.matrix_editor("delta2", inputs.delta2, symbol="δ2 = ∂L/∂Z2",
                                                      row_name="sample", col_name="output",
                                                      caption="the error at each output, as the assignment gives it")
        inputs, stale = state.commit(entered)

loss = page.loss
sol = solve(inputs, page.mode, loss)
derived = "δ2 = ∂L/∂A2 ∗ σ′(Z2), from y"
shown = {
    "A1W2": solution.Shown(sol.A1W2, "A1·W2", "sample", "output", "A1·W2", result=False),
    "Z2": solution.Shown(sol.Z2, "Z2 = A1·W2 + b2", "sample", "output", "Z2", result=False),
    "A2": solution.Shown(sol.A2, "A2 = σ(Z2)", "sample", "output", "A2", result=False),
    "dA2": solution.Shown(sol.dA2, "∂L/∂A2", "sample", "output", "∂L/∂A2", result=False),
    "sigma_prime2": solution.Shown(sol.sigma_prime2, "σ′(Z2)", "sample", "output", "σ′(Z2)", result=False),
    "delta2": solution.Shown(sol.delta2_computed, derived, "sample", "output", "δ2", result=consistent),
    "dW2": solution.Shown(sol.dW2, "∂L/∂W2 = A1ᵀ·δ2", "hidden unit", "output", "∂L/∂W2", picker="dw2_cell"),
    "db2": solution.Shown(sol.db2, "∂L/∂b2 = Σₙ δ2", "row", "output", "∂L/∂b2", picker="db2_cell"),
}
worked = solution.worked_steps(page, steps.output_gradient_steps, sol)
if network is not None:
    walkthrough.page_part(page.page_id, network, sol, None, reveal=solution.revealed(page))
source = (f"δ2 here is derived from the target y with the {OUTPUT_LOSSES[loss]}; the loss is L = {short(sol.L)}."
          if consistent else "δ2 here is the one the assignment gives; consistent mode derives it from a target y.")
show = solution.section(page, right, shown, worked, stale=stale,
                        note="Row j, column k of ∂L/∂W2 is the gradient for the weight from hidden unit j to output "
                        "k: it has the shape of W2, as ∂L/∂b2 has the shape of b2. " + source)
if not page.presenter:
    if show:
        st.subheader("Open one entry: the chain rule for a single weight")
        st.caption("Click a cell of the ∂L/∂W2 or ∂L/∂b2 heatmap, or choose it here.")
        j, k = display.cell_picker("Weight", sol.dW2.shape, "hidden unit", "output", key="dw2_cell")
        display.latex_screens(*steps.for_screen_sizes(steps.dW2_cell, sol, j, k), key="dW2_cell")
        st.caption("The scalar chain rule: ∂L/∂W2[j,k] = Σₙ ∂L/∂Z2[n,k] · ∂Z2[n,k]/∂W2[j,k], and "
                   "∂Z2[n,k]/∂W2[j,k] = A1[n,j]. The matrix formula does this for every j and k at once.")
        b = display.entry_picker("Bias: output", sol.db2.shape[0], "output", key="db2_cell")
        display.latex_screens(*steps.for_screen_sizes(steps.db_cell, sol, 2, b), key="db_cell")

        solution.mode_comparison(
            page.page_id, sol, heading="As in the assignment vs. consistent", given="δ2",
            differ="The assignment gives δ2 and computes the gradient from its assumed A1; with A1 = σ(Z1) and the "
            "δ2 the target y gives, the numbers change like this:")

    st.header("Check my answer")
    editors.answer_checker("dW2", sol, symbol="∂L/∂W2", row_name="hidden unit", col_name="output", reveal=show,
                           hint_link=solution.hint_links(page, worked, show))

    st.header("Share and export")
    numbers = {"A1": sol.A1, "delta2": sol.delta2, "dW2": sol.dW2, "db2": sol.db2}
    if consistent:
        numbers |= {"W2": inputs.W2, "b2": inputs.b2, "y": inputs.y, "Z2": sol.Z2, "A2": sol.A2, "L": sol.L}
    sharing.share_and_export(page, "Problem 3 · The output layer's gradient", numbers, worked, reveal=show, sol=sol)

state.sync_url()
