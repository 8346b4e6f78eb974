"""Overview: the network of Assignment 5, the notation, and a map of the problems."""
import pandas as pd
import streamlit as st

from backprop.assignment import MODES, solve
from dashboard import display, nav, state
from dashboard.diagram import network_dot

page = nav.page_setup("overview", "Overview")
st.title("Backpropagation from scratch")
nav.show_url_warnings(page)
st.markdown(
    "A 2-layer network, worked by hand. Every number on these pages is computed by `backprop`, a "
    "small numpy package written for this assignment: edit a matrix on any problem and every step, "
    "table and picture follows."
)

sol = solve(page.inputs, page.mode, page.loss)
dims = page.inputs.dims
st.subheader("The network")
st.graphviz_chart(network_dot(sol, reveal=not page.hide_solutions), width="stretch", height=520)
if page.hide_solutions:
    st.caption("Solutions are hidden (see the sidebar): the graph shows only what the problems give — the "
               "inputs x, the weights w and the error δ2 at each output. Work out z, a and the gradients ∂L/∂w.")
else:
    st.caption(
        f"Nodes: sample 1's inputs x, hidden pre-activations z and activations a, and the error δ2 at each "
        f"output. Edges: the weight w and its gradient ∂ = ∂L/∂w (blue negative, red positive, thicker = "
        f"larger). Numbers: {MODES[page.mode].lower()} — switch in the sidebar."
    )
left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader("Notation")
    st.dataframe(
        pd.DataFrame(
            [
                ("N", "samples in a batch", dims["N"]),
                ("D", "inputs per sample", dims["D"]),
                ("H", "hidden units", dims["H"]),
                ("C", "outputs", dims["C"]),
            ],
            columns=["letter", "meaning", "in the example"],
        ),
        hide_index=True,
        width="stretch",
    )
with right:
    st.subheader("The whole assignment in four lines")
    st.markdown(
        "Rows are samples, as in the assignment: X is N × D, W1 is D × H, b1 has H entries, "
        "W2 is H × C, and Z1, A1, δ1 are N × H, δ2 is N × C."
    )
    display.latex(r"Z_1 = X W_1 + b_1, \qquad A_1 = \sigma(Z_1)")
    display.latex(r"\frac{\partial L}{\partial W_2} = A_1^T \delta_2")
    display.latex(r"\delta_1 = (\delta_2 W_2^T) \ast \sigma'(Z_1), \qquad "
                  r"\frac{\partial L}{\partial W_1} = X^T \delta_1")

st.subheader("The problems")
problems = [
    ("why-backprop", "Why practitioners still derive gradients by hand, with three live demonstrations."),
    ("forward-pass", "Z1 = X·W1 + b1 and A1 = σ(Z1), every product written out."),
    ("output-gradient", "Where δ2 comes from, ∂L/∂W2 = A1ᵀ·δ2 (why the transpose) and ∂L/∂b2 = Σₙ δ2."),
    ("hidden-gradient", "δ1 = (δ2·W2ᵀ) ∗ σ′(Z1), ∂L/∂W1 = Xᵀ·δ1 and ∂L/∂b1 = Σₙ δ1."),
    ("weight-update", "W ← W − η·∂L/∂W for every parameter, and the loss before and after the step."),
    ("training", "Repeat the backward pass: watch a network learn, and make its gradients vanish or explode."),
    ("gradient-check", "Compare backprop with numerical gradients, and plant a bug to see the check catch it."),
]
cols = st.columns(3)
for index, (page_id, blurb) in enumerate(problems):
    path, label, icon, _ = next(p for p in nav.PAGES if p[0] == nav.page_path(page_id))
    with cols[index % 3].container(border=True):
        st.page_link(path, label=label, icon=icon)
        st.caption(blurb)

st.subheader("Three ways to use it")
c1, c2, c3 = st.columns(3)
c1.markdown("**Studying alone.** Turn on *Hide solutions until I ask*, work a problem on paper, type your "
            "answer under *Check my answer*, and read what the check says about any mistake.")
c2.markdown("**Teaching.** Turn on *Presenter mode*: one step per click, large math, the cells being computed "
            "outlined in the heatmap. Prepare an example and share its link.")
c3.markdown("**Exploring.** Grow the problem (more samples, wider layers), switch between the assignment's "
            "numbers and the consistent ones, and train the network on the Training page.")
state.sync_url()
