"""Problem 5 · One gradient-descent step: W ← W − η·∂L/∂W and b ← b − η·∂L/∂b, and the loss before and after."""
import pandas as pd
import streamlit as st

from backprop.assignment import MODES, OUTPUT_LOSSES, gradient_step, more_steps, solve
from backprop.update import MAX_LR
from dashboard import claims, display, editors, nav, sharing, solution, state, steps, walkthrough
from dashboard.numbers import short

page = nav.page_setup("weight-update", "Problem 5 · One gradient-descent step")
solution.problem_header(
    page,
    "Problem 5 · One gradient-descent step",
    "The assignment ends with the gradients, noting that they could now update W1 and W2 by gradient descent. "
    "Here is that step for every parameter: each moves against its gradient, scaled by the learning rate η, and a "
    "second forward pass measures the loss again.",
    r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}, \qquad "
    r"b \leftarrow b - \eta\,\frac{\partial L}{\partial b}",
)
network = walkthrough.page_container(page)

inputs = page.inputs
right, stale = None, False  # the editors column and its state: not drawn in presenter mode
if not page.presenter:
    left, right = editors.inputs_column()
    with left:
        editors.number_field("Learning rate η", state.LR, minimum=1e-6, maximum=MAX_LR,
                             help="How far each step goes along the negative gradient (above 0, at most "
                                  f"{MAX_LR:g}). Too large and the loss can rise.")
        state.persistent(st.radio, "Loss", state.LOSS, options=list(OUTPUT_LOSSES), format_func=OUTPUT_LOSSES.get,
                         horizontal=True)
        st.caption(f"Gradients: {MODES[page.mode].lower()}. Switch under Numbers in the sidebar.")
        entered = {
            "W1": editors.matrix_editor("W1", inputs.W1, symbol="W1", row_name="input", col_name="hidden unit"),
            "b1": editors.matrix_editor("b1", inputs.b1, symbol="b1", row_name="row", col_name="hidden unit"),
            "W2": editors.matrix_editor("W2", inputs.W2, symbol="W2", row_name="hidden unit", col_name="output"),
            "b2": editors.matrix_editor("b2", inputs.b2, symbol="b2", row_name="row", col_name="output"),
            "X": editors.matrix_editor("X", inputs.X, symbol="X", row_name="sample", col_name="input"),
            "y": editors.matrix_editor("y", inputs.y, symbol="y", row_name="sample", col_name="output",
                                       caption="the targets, between 0 and 1"),
        }
        for bias in ("b1", "b2"):
            entered[bias] = None if entered[bias] is None else entered[bias].reshape(-1)
        inputs, stale = state.commit(entered)

lr = page.lr
sol = solve(inputs, page.mode, page.loss)
step = gradient_step(sol, lr)
#: each parameter with what its rows and columns index
PARAMETERS = (("W1", "input", "hidden unit"), ("b1", "row", "hidden unit"), ("W2", "hidden unit", "output"),
              ("b2", "row", "output"))
shown = {f"{name}_new": solution.Shown(getattr(step.after, name), f"{name} after the step", rows, cols, f"{name} new")
         for name, rows, cols in PARAMETERS}
worked = solution.worked_steps(page, steps.update_steps, step)
if network is not None:
    walkthrough.page_part(page.page_id, network, sol, step, reveal=solution.revealed(page))



def loss_before_and_after() -> None:
    """The loss before and after the step, as two numbers that differ on screen, and what happened to it."""
    before, after = claims.distinct(step.loss_before, step.loss_after)
    c1, c2 = st.columns(2)
    c1.metric("Loss before the step", before)
    c2.metric("Loss after the step", after, delta=short(step.change), delta_color="inverse")
    st.markdown(claims.loss_change(step.loss_before, step.loss_after))


if right is not None:
    right.info(steps.update_gradients_note(step), icon=":material/info:")
    # The step's own givens: with solutions hidden they are nowhere else on this page.
    with right.expander("The gradients this step uses (the answers to Problems 3 and 4)"):
        for name, rows, cols in PARAMETERS:
            st.markdown(f"**∂L/∂{name}**")
            display.show_table(step.grads[name], row_name=rows, col_name=cols)
show = solution.section(page, right, shown, worked, stale=stale, summary=loss_before_and_after,
                        note=f"Each new matrix is the old one minus η = {short(lr)} times its gradient; the loss is "
                        f"measured by a full forward pass against y with the {OUTPUT_LOSSES[page.loss]}.")
if not page.presenter:
    if show:
        st.header("Take more steps")
        k = editors.number_field("More steps", "update_more_steps", default=10, minimum=1, maximum=200, integer=True,
                                 help="1 to 200. Each further step uses the gradients backpropagation gives at the "
                                      "new parameters.")
        run = more_steps(step, int(k))
        st.caption("Each further step uses the gradients backpropagation gives at the current parameters (from y "
                   "and the loss), whatever the mode: the assignment's given δ2 and δ1 describe its starting point.")
        st.markdown(claims.descent_summary(run.losses, first_step=2))
        table = pd.DataFrame({"step": range(len(run.losses) + 1), "loss": [step.loss_before, *run.losses]})
        st.dataframe(table, hide_index=True, width="content", height=min(400, 36 + 35 * len(table)),
                     column_config={"step": st.column_config.NumberColumn("after step", help="0: before any step"),
                                    "loss": st.column_config.NumberColumn("loss L", format="%.6g")})

    st.header("Check my answer")
    st.markdown("Every parameter after the step, with this mode's gradients and η, and the loss the next forward "
                "pass gives:")
    for name, rows, cols in PARAMETERS:
        st.markdown(f"**{name} after the step**")
        editors.answer_checker(f"{name}_new", step, symbol=f"{name} after the step", row_name=rows, col_name=cols,
                               reveal=show, hint_link=solution.hint_links(page, worked, show))
    st.markdown("**The loss after the step**, from a forward pass with the new parameters:")
    editors.answer_checker("loss_after", step, symbol="loss after the step", row_name="row", col_name="loss",
                           reveal=show, hint_link=solution.hint_links(page, worked, show))

    st.header("Share and export")
    numbers = {"X": inputs.X, "y": inputs.y, **step.before.as_dict(),
               **{f"d{name}": g for name, g in step.grads.items()},
               **{f"{name}_new": value for name, value in step.after.as_dict().items()},
               "loss_before": step.loss_before, "loss_after": step.loss_after}
    sharing.share_and_export(page, "Problem 5 · One gradient-descent step", numbers, worked, reveal=show, sol=sol,
                             update=step)

state.sync_url()
