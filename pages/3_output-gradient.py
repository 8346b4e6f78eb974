"""Problem 3 · The output layer's gradient: ∂L/∂W2 = A1ᵀ·δ2."""
import streamlit as st

from backprop.assignment import compare_modes, solve
from dashboard import display, editors, nav, sharing, solution, state
from dashboard import latex as tex

page = nav.page_setup("output-gradient", "Problem 3 · Output-layer gradient")
solution.problem_header(
    page,
    "Problem 3 · The output layer's gradient",
    "The forward pass through the second layer is done. The error signal at the output, δ2 = ∂L/∂Z2, flows "
    "back; the gradient for the second layer's weights is",
    r"\frac{\partial L}{\partial W_2} = A_1^T \cdot \delta_2",
)

inputs = page.inputs
right, stale = None, False  # the editors column and its state: not drawn in presenter mode
consistent = page.mode == "consistent"
if not page.presenter:
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.subheader("Inputs")
        entered = {}
        if consistent:
            st.markdown("**A1** = σ(Z1), computed from X, W1 and b1")
            display.show_table(solve(inputs, page.mode).A1, row_name="sample", col_name="hidden unit")
            st.page_link(nav.page_path("forward-pass"), label="Change X, W1 or b1 on Problem 2",
                         icon=":material/arrow_forward:")
        else:
            entered["A1_given"] = editors.matrix_editor(
                "A1", inputs.A1_given, symbol="A1", row_name="sample", col_name="hidden unit",
                caption="as the assignment assumes it", field="A1_given")
        if consistent:
            st.markdown("**δ2** = ∂L/∂Z2, derived from the target y (below on this page)")
            display.show_table(solve(inputs, page.mode).delta2, row_name="sample", col_name="output")
        else:
            entered["delta2"] = editors.matrix_editor("delta2", inputs.delta2, symbol="δ2 = ∂L/∂Z2",
                                                      row_name="sample", col_name="output",
                                                      caption="the error at each output, as the assignment gives it")
        inputs, stale = state.commit(entered)
        editors.reset_button()
        with st.expander("Grow the problem: more samples, hidden units or outputs"):
            editors.size_controls(("N", "H", "C"))

sol = solve(inputs, page.mode)
shown = {"dW2": solution.Shown(sol.dW2, "∂L/∂W2 = A1ᵀ·δ2", "hidden unit", "output", "∂L/∂W2", picker="dw2_cell")}
steps = tex.output_gradient_steps(sol)

show = solution.section(page, right, shown, steps, stale=stale,
                        note="Row j, column k is the gradient for the weight from hidden unit j to output k: "
                        "it has the shape of W2.")
if not page.presenter:
    if show:
        st.subheader("Open one entry: the chain rule for a single weight")
        st.caption("Click a cell of the ∂L/∂W2 heatmap, or choose it here.")
        j, k = display.cell_picker("Weight", sol.dW2.shape, "hidden unit", "output", key="dw2_cell")
        display.latex(tex.dW2_cell(sol, j, k))
        st.caption("The scalar chain rule: ∂L/∂W2[j,k] = Σₙ ∂L/∂Z2[n,k] · ∂Z2[n,k]/∂W2[j,k], and "
                   "∂Z2[n,k]/∂W2[j,k] = A1[n,j]. The matrix formula does this for every j and k at once.")

        st.subheader("As in the assignment vs. consistent")
        st.markdown("The assignment computes this gradient from its assumed A1; with A1 = σ(Z1) the gradient "
                    "changes like this:")
        solution.compare(compare_modes(inputs)["dW2"], symbol="∂L/∂W2")

    st.header("Check my answer")
    editors.answer_checker("dW2", sol, symbol="∂L/∂W2", row_name="hidden unit", col_name="output", reveal=show)

    st.header("Share and export")
    sharing.share_and_export(page, "Problem 3 · The output layer's gradient", {
        "A1": sol.A1, "delta2": inputs.delta2, "dW2": sol.dW2}, steps, reveal=show)

state.sync_url()
