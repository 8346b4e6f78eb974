"""Showing a problem's solution: its header, results, worked steps, the presenter's one-step-at-a-time
view, and hiding it all until the student asks.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st

from backprop.assignment import Comparison
from dashboard import latex as latex_builders
from dashboard import state
from dashboard.display import heatmap, latex, show_result
from dashboard.latex import Step
from dashboard.nav import Page, show_url_warnings


@dataclass(frozen=True)
class Shown:
    """A matrix the page computes and how to draw it.

    ``picker``: the key of the cell picker a click opens; ``result``: shown among the page's results
    (otherwise only in presenter mode, for the step that computes it).
    """

    M: np.ndarray
    title: str
    row_name: str
    col_name: str
    symbol: str
    picker: str | None = None
    result: bool = True


def problem_header(page: Page, title: str, intro: str, formula: str) -> None:
    """A problem page's title, any warnings about its link, the problem in words and its formula.

    Presenter mode leaves the words out, so that the step being explained starts higher on the screen.
    """
    st.title(title)
    show_url_warnings(page)
    if not page.presenter:
        st.markdown(intro)
    latex(formula, size=r"\Large" if page.presenter else r"\large")


def show_steps(steps: Sequence[Step]) -> None:
    """The whole worked solution, step after step."""
    for i, step in enumerate(steps, start=1):
        st.markdown(f"**Step {i} · {step.title}**")
        for eq in step.equations:
            latex(eq)
        if step.note:
            st.caption(step.note)


def compare(comparison: Comparison, *, symbol: str) -> None:
    """Both modes' values of one quantity and their difference, side by side where they fit."""
    for line in latex_builders.comparison(comparison.assignment, comparison.consistent, comparison.difference):
        latex(line)
    st.caption(f"{symbol}: the difference is the assignment's value minus the value every step propagates.")


def results(shown: dict[str, Shown], *, stale: bool) -> None:
    """The page's result matrices, each as a heatmap and a table; ``stale``: an input is being fixed."""
    results_shown = {name: item for name, item in shown.items() if item.result}
    st.subheader("Results" if len(results_shown) > 1 else "Result")
    if stale:
        st.warning("Some cells need fixing (see the messages beside them): the results show the last valid "
                   "inputs.", icon=":material/history:")
    for name, item in results_shown.items():
        show_result(item.M, title=item.title, row_name=item.row_name, col_name=item.col_name, symbol=item.symbol,
                    key=f"heat_{name}", picker=item.picker)


def section(page: Page, column, shown: dict[str, Shown], steps: Sequence[Step], *, stale: bool,
            note: str = "", summary: Callable[[], None] | None = None) -> bool:
    """The solution part of a problem page.

    Presenter mode: the stepper alone (returns False: nothing more to draw). Otherwise the results in
    ``column`` (unless solutions are hidden), ``summary()`` drawn above them and ``note`` beneath them,
    and the worked solution below; returns whether the solution is shown, so the page can add its entry
    formulas and comparisons.
    """
    if page.presenter:
        present(page, steps, shown)
        return False
    with column:
        show = visible(page)
        if show:
            if summary is not None:
                summary()
            results(shown, stale=stale)
            if note:
                st.caption(note)
    if show:
        st.header("Worked solution")
        show_steps(steps)
    return show


def presenter(steps: Sequence[Step], page_id: str) -> Step:
    """One step at a time, with Previous / Next; returns the step shown.

    The position is kept by the step's key, so it survives reruns and a mode switch that adds or
    removes a step elsewhere; a key that has gone falls back to the same position in the list.
    """
    key_name = f"step_{page_id}"
    keys = [step.key for step in steps]
    count = len(steps)
    index, key = st.session_state.get(key_name, (0, keys[0]))
    index = keys.index(key) if key in keys else min(max(int(index), 0), count - 1)

    def move(delta: int) -> None:
        new = min(max(index + delta, 0), count - 1)
        st.session_state[key_name] = (new, keys[new])

    step = steps[index]
    left, middle, right, leave = st.columns([1.2, 4, 1.2, 1.2])
    left.button("Previous", icon=":material/arrow_back:", on_click=move, args=(-1,), disabled=index == 0,
                key=f"{key_name}_prev", width="stretch")
    middle.progress((index + 1) / count, text=f"Step {index + 1} of {count} · {step.title}")
    right.button("Next", icon=":material/arrow_forward:", on_click=move, args=(1,), disabled=index == count - 1,
                 key=f"{key_name}_next", width="stretch", type="primary")
    leave.button("Exit", icon=":material/close:", key=f"{key_name}_exit", width="stretch",
                 help="Leave presenter mode", on_click=lambda: st.session_state.update({state.PRESENTER: False}))
    st.subheader(step.title)
    for eq in step.equations:
        for part in eq.split(latex_builders.SEP):  # larger math: one matrix per line
            latex(part, size=r"\Large")
    if step.note:
        st.markdown(f"#### {step.note}")
    return step


def present(page: Page, steps: Sequence[Step], shown: dict[str, Shown]) -> None:
    """Presenter mode: one step at a time, and the matrix that step computes with its cells outlined."""
    step = presenter(steps, page.page_id)
    if step.focus is None or step.focus[0] not in shown:
        return
    name, cells = step.focus
    item = shown[name]
    heatmap(item.M, title=item.title, row_name=item.row_name, col_name=item.col_name, symbol=item.symbol,
            key=f"present_{name}", highlight=cells)


def visible(page: Page) -> bool:
    """With "Hide solutions" on, the results and worked solution wait for a click; returns whether to show them."""
    if not page.hide_solutions or page.presenter:
        return True
    key = f"revealed_{page.page_id}"
    if st.session_state.get(key):
        st.button("Hide the solution again", icon=":material/visibility_off:", key=f"{key}_hide",
                  on_click=lambda: st.session_state.update({key: False}))
        return True
    st.info("The solution is hidden: work the problem, check your answer below, then reveal it.",
            icon=":material/visibility_off:")
    st.button("Reveal the solution", icon=":material/visibility:", key=f"{key}_show", type="primary",
              on_click=lambda: st.session_state.update({key: True}))
    return False
