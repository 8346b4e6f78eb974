"""Overview: the network of Assignment 5, the notation, and a map of the problems."""
import pandas as pd
import streamlit as st

from backprop.assignment import MODES, gradient_step, solve
from dashboard import display, nav, state, walkthrough

page = nav.page_setup("overview", "Overview")
st.title("Backpropagation from scratch")
nav.show_url_warnings(page)
if page.presenter:  # the walk one step at a time on a projector, and nothing else of the page
    sol = solve(page.inputs, page.mode, page.loss)
    walkthrough.present(page, sol, gradient_step(sol, page.lr), reveal=not page.hide_solutions)
    state.sync_url()
    st.stop()
st.markdown(
    "A 2-layer network, worked by hand. Every number on these pages is computed by `backprop`, a "
    "small numpy package written for this assignment: edit a matrix on any problem and every step, "
    "table and picture follows."
)

sol = solve(page.inputs, page.mode, page.loss)
dims = page.inputs.dims
st.header("The network, one training step at a time")
st.markdown("Step through it: forward from the inputs to the loss, backward from the loss to every gradient, "
            "then one step of gradient descent. Each step lights the nodes and edges it computes and writes "
            "its formula with the numbers; click an edge to see its gradient's chain rule.")
walkthrough.walkthrough(sol, gradient_step(sol, page.lr), reveal=not page.hide_solutions, key="overview_net")
if page.hide_solutions:
    st.caption("Solutions are hidden (see the sidebar): the graph shows only what the problems give — the "
               "inputs x, the weights w, the targets y and, as in the assignment, the error δ2. Work out the rest.")
else:
    st.caption(
        f"Nodes show sample 1's values; edges are coloured by the sign of the weight or gradient they carry (blue "
        f"negative, red positive, thicker = larger); the +1 nodes' edges are the biases. Numbers: "
        f"{MODES[page.mode].lower()} — switch in the sidebar."
    )
left, right = st.columns([2, 3], gap="large")
with left:
    st.header("Notation")
    st.table(
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
    )
with right:
    st.header("The whole assignment, and the step after it")
    st.markdown(
        "Rows are samples, as in the assignment: X is N × D, W1 is D × H, b1 has H entries, "
        "W2 is H × C, b2 has C entries, and Z1, A1, δ1 are N × H, Z2, A2, δ2 and the targets y are N × C."
    )
    for parts in (
        (r"Z_1 = X W_1 + b_1", r"A_1 = \sigma(Z_1)"),
        (r"Z_2 = A_1 W_2 + b_2", r"A_2 = \sigma(Z_2)"),
        (r"\delta_2 = \frac{\partial L}{\partial A_2} \ast \sigma'(Z_2)",),
        (r"\frac{\partial L}{\partial W_2} = A_1^T \delta_2", r"\frac{\partial L}{\partial b_2} = \sum_n \delta_2"),
        (r"\delta_1 = (\delta_2 W_2^T) \ast \sigma'(Z_1)",),
        (r"\frac{\partial L}{\partial W_1} = X^T \delta_1", r"\frac{\partial L}{\partial b_1} = \sum_n \delta_1"),
        (r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}",
         r"b \leftarrow b - \eta\,\frac{\partial L}{\partial b}"),
    ):
        display.latex(r", \qquad ".join(parts))

st.header("The problems")
problems = [
    ("why-backprop", "Why practitioners still derive gradients by hand, with three live demonstrations."),
    ("forward-pass", "Z1 = X·W1 + b1 and A1 = σ(Z1), every product written out."),
    ("output-gradient", "Where δ2 comes from, ∂L/∂W2 = A1ᵀ·δ2 (why the transpose) and ∂L/∂b2 = Σₙ δ2."),
    ("hidden-gradient", "δ1 = (δ2·W2ᵀ) ∗ σ′(Z1), ∂L/∂W1 = Xᵀ·δ1 and ∂L/∂b1 = Σₙ δ1."),
    ("weight-update", "W ← W − η·∂L/∂W for every parameter, and the loss before and after the step."),
    ("practice", "Fresh problems of the assignment's kind from a seed, marked with hints; quiz sheets for a class."),
    ("training", "Repeat the backward pass: watch a network learn, and make its gradients vanish or explode."),
    ("gradient-check", "Compare backprop with numerical gradients, and plant a bug to see the check catch it."),
]
for start in range(0, len(problems), 3):  # a row of columns at a time: on a phone they stack in reading order
    for col, (page_id, blurb) in zip(st.columns(3), problems[start:start + 3], strict=False):
        path, label, icon, _ = next(p for p in nav.PAGES if p[0] == nav.page_path(page_id))
        with col.container(border=True):
            st.page_link(path, label=label, icon=icon)
            st.caption(blurb)

st.header("Four ways to use it")
ways = (
    ("**Studying alone.** Turn on *Hide solutions until I ask*, work a problem on paper, type your answer under "
     "*Check my answer*, and read what the check says about any mistake."),
    ("**Teaching.** Turn on *Presenter mode*: one step per click, large math, the cells being computed outlined in "
     "the heatmap. Prepare an example and share its link."),
    ("**Practising.** *Practice problems* draws a fresh problem of the assignment's kind from a seed, marks each "
     "answer and names the mistake behind a wrong one."),
    ("**Exploring and exporting.** Grow the problem (more samples, wider layers), switch between the assignment's "
     "numbers and the consistent ones, train a network in the *Training lab*, and download any page's numbers."),
)
for start in range(0, len(ways), 2):  # two to a row: on a phone they stack in reading order
    for col, text in zip(st.columns(2), ways[start:start + 2], strict=True):
        col.markdown(text)
state.sync_url()
