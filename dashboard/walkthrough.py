"""The network walk-through on a page: a step selector, the graph with that step lit, its formula, and the
scalar chain rule of the edge clicked or chosen. A fragment: moving through the steps reruns only it."""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st

from backprop.assignment import Solution, Update
from dashboard import diagram, figures, presenter, projector
from dashboard.display import latex
from dashboard.nav import Page
from dashboard.presenting import Projector

PHASE_WORDS = {"forward": "forward pass", "backward": "backward pass", "update": "update"}


def _pick_clicked_edge(chart_key: str, picker_key: str) -> None:
    """A click on an edge sets the edge selector to it."""
    edge = diagram.edge_from_selection(st.session_state.get(chart_key))
    if edge is not None:
        st.session_state[picker_key] = edge.key


def _move(slider_key: str, keys: list[str], delta: int) -> None:
    index = keys.index(st.session_state[slider_key]) + delta
    st.session_state[slider_key] = keys[min(max(index, 0), len(keys) - 1)]


@st.fragment
def walkthrough(sol: Solution, update: Update | None, *, reveal: bool, key: str, compact: bool = False,
                only: Sequence[str] | None = None) -> None:
    """The network stepping through forward, backward (and, with ``update``, the update), one group of
    nodes and edges at a time; ``only``: the keys of the steps to offer (a problem page's own part)."""
    steps = diagram.graph_steps(sol, update, reveal=reveal)
    numbered = {step.key: i for i, step in enumerate(steps, start=1)}
    total = len(steps)
    if only is not None:
        steps = [step for step in steps if step.key in only]
    keys = [step.key for step in steps]
    by_key = {step.key: step for step in steps}
    slider_key = f"{key}_step"
    if st.session_state.get(slider_key) not in keys:
        st.session_state[slider_key] = keys[0]
    if len(steps) > 1:
        back, middle, forward = st.columns([1.3, 5.4, 1.3], vertical_alignment="bottom")
        back.button("Step back", icon=":material/arrow_back:", key=f"{key}_back", on_click=_move,
                    args=(slider_key, keys, -1), help="The previous step", width="stretch")
        middle.select_slider("Step through the network", options=keys, key=slider_key,
                             format_func=lambda k: f"{numbered[k]} · {by_key[k].short}")
        forward.button("Next step", icon=":material/arrow_forward:", key=f"{key}_forward", on_click=_move,
                       args=(slider_key, keys, 1), help="The next step", width="stretch")
    step = by_key[st.session_state[slider_key]]
    st.markdown(f"**Step {numbered[step.key]} of {total} · {step.title}** ({PHASE_WORDS[step.phase]})")
    latex(step.formula, size=r"\normalsize" if compact else r"\large")
    if step.note:
        st.caption(step.note)
    chart_key, picker_key = f"{key}_chart", f"{key}_edge"
    st.plotly_chart(diagram.network_figure(sol, step, compact=compact), key=chart_key,
                    config={"displayModeBar": False}, width="stretch", selection_mode="points",
                    on_select=partial(_pick_clicked_edge, chart_key, picker_key))
    edges = {edge.key: edge for edge in diagram.parameter_edges(sol)}
    if st.session_state.get(picker_key) not in edges:  # start on a gradient these steps compute
        gradients = [s for s in steps if s.key in ("dW2", "dW1")] or [s for s in steps if s.edges]
        lit = gradients[0].edges if gradients else frozenset()
        st.session_state[picker_key] = next((k for k, e in edges.items() if e in lit), next(iter(edges)))
    chosen = st.selectbox("Open an edge's gradient (or click the edge)", list(edges), key=picker_key,
                          format_func=lambda k: diagram.edge_label(edges[k]))
    if reveal:
        latex(diagram.edge_chain_rule(sol, edges[chosen]), size=r"\normalsize" if compact else r"\large")
    else:
        st.caption("The chain rule with its numbers appears once the solution is revealed.")


#: The walk-through's steps each problem page shows beside its inputs.
PAGE_STEPS = {
    "forward-pass": ("inputs", "z1", "a1"),
    "output-gradient": ("z2", "loss", "delta2", "dW2"),
    "hidden-gradient": ("delta1", "dW1"),
    "weight-update": ("update",),
}


def page_part(page_id: str, container, sol: Solution, update: Update | None = None, *, reveal: bool) -> None:
    """A compact copy of the walk-through on a problem page, in ``container`` (an expander the page opened
    under its header, filled once the page has read its inputs), limited to the steps that page works."""
    with container:
        walkthrough(sol, update, reveal=reveal, key=f"{page_id}_net", compact=True, only=PAGE_STEPS[page_id])


def page_container(page) -> object | None:
    """Where a problem page's copy of the walk-through goes: a collapsed expander under the header (None in
    presenter mode)."""
    if page.presenter:
        return None
    return st.expander("Where this sits in the network: step through it", icon=":material/hub:")


def present(page: Page, sol: Solution, update: Update | None, *, reveal: bool) -> None:
    """The walk on a projector (presenter mode on the overview): one step per slide, its formula in large math, the
    note, and the network with that step lit, as tall as the screen leaves room for."""
    walk = diagram.graph_steps(sol, update, reveal=reveal)
    index = presenter.deck(page, [f"{step.title} ({PHASE_WORDS[step.phase]})" for step in walk])
    step = walk[index]
    screen = Projector(page.text_size)
    room = screen.room(step.note)
    level = screen.level([step.formula], room // 3)
    with st.container(key=f"{projector.MATH_KEYS[level]}walk"):
        latex(step.formula, size="")
    if step.note:
        presenter.note(step.note)
    figure = figures.for_projector(diagram.network_figure(sol, step, height=max(260, room - 10 - screen.lines_height(
        [step.formula], level))), screen.scale, page.theme)
    st.plotly_chart(figure, key="present_net", config={"displayModeBar": False, "staticPlot": True}, width="stretch")
