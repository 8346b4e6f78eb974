"""The Streamlit widgets every page shares: page set-up and navigation, the shared example and its
URL, matrix editors, heatmaps, worked-solution steps and the cell picker.

Pages call these and `backprop`; nothing here computes a gradient.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from backprop.assignment import (
    DEFAULT_INPUTS,
    MAX_DIM,
    MODES,
    Comparison,
    Inputs,
    Solution,
)
from backprop.gradcheck import interpret_rel_error
from backprop.mistakes import MISTAKES, TOLERANCE_TEXT, check_answer, expected_and_candidates
from dashboard import exports, figures
from dashboard import latex as latex_builders
from dashboard.latex import Step
from dashboard.tables import from_frame, to_frame
from dashboard.urlstate import FIELDS, inputs_from_params, params_from_inputs

APP_TITLE = "Backprop from scratch"

# (script path, label, icon, section); the URL of a page is its file name without the number prefix.
PAGES = [
    ("app.py", "Overview", ":material/hub:", None),
    ("pages/1_why-backprop.py", "Problem 1 · Why backprop", ":material/lightbulb:", "Assignment 5"),
    ("pages/2_forward-pass.py", "Problem 2 · Forward pass", ":material/arrow_forward:", "Assignment 5"),
    ("pages/3_output-gradient.py", "Problem 3 · Output-layer gradient", ":material/undo:", "Assignment 5"),
    ("pages/4_hidden-gradient.py", "Problem 4 · Hidden-layer gradient", ":material/replay:", "Assignment 5"),
    ("pages/5_training.py", "Training loop", ":material/trending_down:", "Practice"),
    ("pages/6_gradient-check.py", "Gradient check", ":material/fact_check:", "Practice"),
]

# Session-state keys.
INPUTS = "inputs"
MODE = "mode"
PRESENTER = "presenter"
HIDE = "hide_solutions"
GENERATION = "editor_generation"
PAGE = "current_page"
EDITOR_KEYS = "editor_keys"
DEFAULTS = {MODE: "assignment", PRESENTER: False, HIDE: False}


@dataclass(frozen=True)
class Page:
    """What a page needs to know about the session when it starts."""

    page_id: str
    inputs: Inputs
    mode: str
    presenter: bool
    hide_solutions: bool
    url_warnings: tuple[str, ...]


def _favicon() -> Image.Image:
    """A 2×2 heatmap in the dashboard's colours, drawn here so that no icon is fetched from the web."""
    blue, red, pale_blue, pale_red = (33, 102, 172), (178, 24, 43), (146, 197, 222), (244, 165, 130)
    icon = np.full((32, 32, 3), 255, dtype=np.uint8)
    for (r, c), colour in zip(((0, 0), (0, 1), (1, 0), (1, 1)), (red, pale_blue, pale_red, blue), strict=True):
        icon[2 + 15 * r:15 + 15 * r, 2 + 15 * c:15 + 15 * c] = colour
    return Image.fromarray(icon)


FAVICON = _favicon()


def page_path(page_id: str) -> str:
    for path, *_ in PAGES:
        if path.endswith(f"_{page_id}.py") or (page_id == "overview" and path == "app.py"):
            return path
    raise KeyError(page_id)


def _init_session() -> None:
    ss = st.session_state
    ss.setdefault(INPUTS, DEFAULT_INPUTS)
    ss.setdefault(GENERATION, 0)
    ss.setdefault(EDITOR_KEYS, {})
    for key, value in DEFAULTS.items():
        ss.setdefault(key, value)


def _apply_url() -> tuple[str, ...]:
    """On arriving at a page, take the example from its URL, if the URL describes one."""
    params = st.query_params.to_dict()
    if not any(name in params for name in (*FIELDS, "mode")):
        return ()
    parsed = inputs_from_params(params)
    st.session_state[INPUTS] = parsed.inputs
    st.session_state[MODE] = parsed.mode or DEFAULTS[MODE]
    return parsed.warnings


def page_setup(page_id: str, title: str, *, example_page: bool = True) -> Page:
    """Configure the page, draw the sidebar, and on arrival read the example from the URL.

    ``example_page``: the page works on the shared Problems 2–4 example (the mode switch, presenter
    mode and the URL apply to it).
    """
    _init_session()
    ss = st.session_state
    presenting = bool(ss[PRESENTER] and example_page)
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if presenting else "auto")
    arrived = ss.get(PAGE) != page_id
    warnings_key = f"url_warnings_{page_id}"
    if arrived:
        ss[PAGE] = page_id
        ss[GENERATION] += 1  # editors are rebuilt from the shared example on arrival
        ss[warnings_key] = _apply_url() if example_page else ()
    sidebar(example_page)
    return Page(page_id, ss[INPUTS], ss[MODE], bool(ss[PRESENTER] and example_page), bool(ss[HIDE]),
                tuple(ss.get(warnings_key, ())))


def _sync(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]


def persistent(widget: Callable, label: str, key: str, **kwargs):
    """A widget whose value lives in st.session_state[key] and survives page changes.

    Streamlit forgets a widget's state on pages that do not draw it; the value is kept under a key of
    our own and copied into the widget before it is drawn.
    """
    widget_key = f"_widget_{key}"
    st.session_state[widget_key] = st.session_state[key]
    return widget(label, key=widget_key, on_change=_sync, args=(widget_key, key), **kwargs)


def remembered(widget: Callable, label: str, key: str, default, **kwargs):
    """A page's own control (a slider, a choice) that keeps its value when the reader visits another page
    and comes back: ``persistent`` with a default."""
    st.session_state.setdefault(key, default)
    return persistent(widget, label, key, **kwargs)


def rel_error_table(errors: dict[str, float]) -> None:
    """Relative error per parameter with cs231n's reading of it."""
    frame = pd.DataFrame([(name, err, interpret_rel_error(err).label, interpret_rel_error(err).text)
                          for name, err in errors.items()],
                         columns=["parameter", "relative error", "verdict", "reading (cs231n)"])
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"relative error": st.column_config.NumberColumn(format="%.2e")})


def sidebar(example_page: bool) -> None:
    with st.sidebar:
        st.markdown(f"### {APP_TITLE}")
        section = None
        for path, label, icon, group in PAGES:
            if group != section and group is not None:
                st.caption(group)
            section = group
            st.page_link(path, label=label, icon=icon)
        if example_page:
            st.divider()
            persistent(st.radio, "Numbers", MODE, options=list(MODES), format_func=MODES.get,
                       help="As in the assignment: the A1 the assignment assumes and the δ1 it gives are used, as "
                            "the solution report does. Consistent: A1 = σ(Z1) and δ1 = (δ2·W2ᵀ) ∗ σ′(Z1), so every "
                            "later number follows from the inputs. In both, δ2 is given: the assignment starts the "
                            "backward pass from the output layer's error.")
            persistent(st.toggle, "Presenter mode", PRESENTER,
                       help="One step at a time with large math, for projecting in class.")
            persistent(st.toggle, "Hide solutions until I ask", HIDE,
                       help="For self-study: try the problem first, check your answer, then reveal.")


def show_url_warnings(page: Page) -> None:
    for text in page.url_warnings:
        st.warning(text, icon=":material/link_off:")


# --- the shared example ------------------------------------------------------------------------


def current_inputs() -> Inputs:
    return st.session_state[INPUTS]


def commit(entered: dict[str, np.ndarray | None]) -> tuple[Inputs, bool]:
    """Store the valid matrices among ``entered`` (an editor gives None while a cell is bad) in the
    shared example; returns the updated example and whether any matrix was left at its last valid value."""
    valid = {name: value for name, value in entered.items() if value is not None}
    updated = current_inputs().with_values(**valid)
    st.session_state[INPUTS] = updated
    return updated, len(valid) < len(entered)


def _rebuild_editors() -> None:
    st.session_state[GENERATION] += 1


def _reset() -> None:
    st.session_state[INPUTS] = DEFAULT_INPUTS
    _rebuild_editors()


def _resize(dim: str) -> None:
    dims = current_inputs().dims | {dim: int(st.session_state[f"_size_{dim}"])}
    st.session_state[INPUTS] = current_inputs().resized(**dims)
    _rebuild_editors()


def reset_button() -> None:
    st.button("Reset to the assignment's numbers", icon=":material/restart_alt:", on_click=_reset,
              help="Every matrix back to Assignment 5's values (on every page).")


SIZE_HELP = {
    "N": "samples: rows of X, δ2, A1 and δ1. With more than one, each gradient becomes a sum over samples.",
    "D": "inputs per sample: columns of X, rows of W1",
    "H": "hidden units: columns of W1 and rows of W2",
    "C": "outputs: columns of W2 and δ2",
}


def size_controls(dims: Sequence[str] = ("N", "D", "H", "C")) -> None:
    """Number inputs that grow or shrink the shared example (1 to MAX_DIM each)."""
    current = current_inputs().dims
    cols = st.columns(len(dims))
    for col, dim in zip(cols, dims, strict=True):
        key = f"_size_{dim}"
        st.session_state[key] = current[dim]
        col.number_input(dim, min_value=1, max_value=MAX_DIM, step=1, key=key, on_change=_resize, args=(dim,),
                         help=SIZE_HELP[dim])


def editor_key(name: str) -> str:
    return f"editor_{name}_{st.session_state[GENERATION]}"


def matrix_editor(name: str, value: np.ndarray, *, symbol: str, row_name: str, col_name: str,
                  caption: str = "") -> np.ndarray | None:
    """An editable matrix; returns the entered matrix, or None (with an error per bad cell).

    The editor starts from ``value``; what the user types stays in the editor until it is fixed or
    reset, even while it is invalid.
    """
    key = editor_key(name)
    st.session_state[EDITOR_KEYS][name] = key
    frame = to_frame(value, row_name, col_name)
    shape_text = " × ".join(str(s) for s in np.atleast_2d(value).shape)
    st.markdown(f"**{symbol}** · {shape_text}" + (f" · {caption}" if caption else ""))
    edited = st.data_editor(
        frame, key=key, num_rows="fixed", width="content",
        column_config={c: st.column_config.NumberColumn(c) for c in frame.columns},
    )
    matrix, problems = from_frame(name, edited)
    for text in problems:
        st.error(text, icon=":material/error:")
    return matrix


def show_table(M, *, row_name: str, col_name: str) -> None:
    frame = to_frame(M, row_name, col_name)
    st.dataframe(frame, width="content",
                 column_config={c: st.column_config.NumberColumn(c, format="%.4g") for c in frame.columns})


def _pick_clicked_cell(chart_key: str, picker_key: str) -> None:
    """A click on a heatmap cell sets the cell picker below it to that cell."""
    cell = figures.cell_from_selection(st.session_state.get(chart_key))
    if cell is not None:
        st.session_state[f"{picker_key}_row"], st.session_state[f"{picker_key}_col"] = cell


def heatmap(M, *, title: str, row_name: str, col_name: str, symbol: str, key: str,
            highlight: Sequence[tuple[int, int]] = (), compact: bool = False, picker: str | None = None) -> None:
    """A matrix heatmap; with ``picker`` (a cell_picker's key), clicking a cell opens that entry."""
    fig = figures.matrix_heatmap(M, title=title, row_name=row_name, col_name=col_name, symbol=symbol,
                                 highlight=highlight, compact=compact, clickable=picker is not None)
    if picker is None:
        st.plotly_chart(fig, key=key, config={"displayModeBar": False}, width="stretch")
    else:
        st.plotly_chart(fig, key=key, config={"displayModeBar": False}, width="stretch",
                        on_select=partial(_pick_clicked_cell, key, picker), selection_mode="points")


def show_result(M, *, title: str, row_name: str, col_name: str, symbol: str, key: str,
                highlight: Sequence[tuple[int, int]] = (), picker: str | None = None) -> None:
    """A result matrix as a heatmap with the numbers in a table beneath it."""
    heatmap(M, title=title, row_name=row_name, col_name=col_name, symbol=symbol, key=key, highlight=highlight,
            picker=picker)
    show_table(M, row_name=row_name, col_name=col_name)


def cell_picker(label: str, shape: tuple[int, int], row_name: str, col_name: str, key: str) -> tuple[int, int]:
    """Two selectors for one entry (row, column); returns it 0-based."""
    c1, c2 = st.columns(2)
    r = c1.selectbox(f"{label}: {row_name}", range(shape[0]), format_func=lambda i: f"{row_name} {i + 1}",
                     key=f"{key}_row")
    c = c2.selectbox(f"{label}: {col_name}", range(shape[1]), format_func=lambda i: f"{col_name} {i + 1}",
                     key=f"{key}_col")
    return int(r), int(c)


def latex(equation: str, *, size: str = r"\large") -> None:
    st.latex(f"{size} {equation}")


def show_steps(steps: Sequence[Step]) -> None:
    """The whole worked solution, step after step."""
    for i, step in enumerate(steps, start=1):
        st.markdown(f"**Step {i} · {step.title}**")
        for eq in step.equations:
            latex(eq)
        if step.note:
            st.caption(step.note)


def presenter(steps: Sequence[Step], page_id: str) -> Step:
    """One step at a time, with Previous / Next; returns the step shown.

    The position is kept by the step's key, so it survives reruns and a mode switch that adds or
    removes a step elsewhere; a key that has gone falls back to the same position in the list.
    """
    state = f"step_{page_id}"
    keys = [step.key for step in steps]
    count = len(steps)
    index, key = st.session_state.get(state, (0, keys[0]))
    index = keys.index(key) if key in keys else min(max(int(index), 0), count - 1)

    def move(delta: int) -> None:
        new = min(max(index + delta, 0), count - 1)
        st.session_state[state] = (new, keys[new])

    step = steps[index]
    left, middle, right, leave = st.columns([1.2, 4, 1.2, 1.2])
    left.button("Previous", icon=":material/arrow_back:", on_click=move, args=(-1,), disabled=index == 0,
                key=f"{state}_prev", width="stretch")
    middle.progress((index + 1) / count, text=f"Step {index + 1} of {count} · {step.title}")
    right.button("Next", icon=":material/arrow_forward:", on_click=move, args=(1,), disabled=index == count - 1,
                 key=f"{state}_next", width="stretch", type="primary")
    leave.button("Exit", icon=":material/close:", key=f"{state}_exit", width="stretch",
                 help="Leave presenter mode", on_click=lambda: st.session_state.update({PRESENTER: False}))
    st.subheader(step.title)
    for eq in step.equations:
        for part in eq.split(latex_builders.SEP):  # larger math: one matrix per line
            latex(part, size=r"\Large")
    if step.note:
        st.markdown(f"#### {step.note}")
    return step


def problem_header(page: Page, title: str, intro: str, formula: str) -> None:
    """A problem page's title, any warnings about its link, the problem in words and its formula.

    Presenter mode leaves the words out, so that the step being explained starts higher on the screen.
    """
    st.title(title)
    show_url_warnings(page)
    if not page.presenter:
        st.markdown(intro)
    latex(formula, size=r"\Large" if page.presenter else r"\large")


def compare(comparison: Comparison, *, symbol: str) -> None:
    """Both modes' values of one quantity and their difference, side by side where they fit."""
    for line in latex_builders.comparison(comparison.assignment, comparison.consistent, comparison.difference):
        latex(line)
    st.caption(f"{symbol}: the difference is the assignment's value minus the value every step propagates.")


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


def solution(page: Page, column, shown: dict[str, Shown], steps: Sequence[Step], *, stale: bool,
             note: str = "") -> bool:
    """The solution part of a problem page.

    Presenter mode: the stepper alone (returns False: nothing more to draw). Otherwise the results in
    ``column`` (unless solutions are hidden), with ``note`` beneath them, and the worked solution below;
    returns whether the solution is shown, so the page can add its entry formulas and comparisons.
    """
    if page.presenter:
        present(page, steps, shown)
        return False
    with column:
        show = solutions_visible(page)
        if show:
            results(shown, stale=stale)
            if note:
                st.caption(note)
    if show:
        st.header("Worked solution")
        show_steps(steps)
    return show


def present(page: Page, steps: Sequence[Step], shown: dict[str, Shown]) -> None:
    """Presenter mode: one step at a time, and the matrix that step computes with its cells outlined."""
    step = presenter(steps, page.page_id)
    if step.focus is None or step.focus[0] not in shown:
        return
    name, cells = step.focus
    item = shown[name]
    heatmap(item.M, title=item.title, row_name=item.row_name, col_name=item.col_name, symbol=item.symbol,
            key=f"present_{name}", highlight=cells)


def sync_url() -> None:
    """Keep the address bar describing the current example, so that a copied URL reproduces it."""
    wanted = params_from_inputs(current_inputs(), st.session_state[MODE])
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# --- self-study: hidden solutions and checking an answer -------------------------------------------


def solutions_visible(page: Page) -> bool:
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


def _answer_mark(right: bool, diff: float) -> str:
    return "✓" if right else ("too high" if diff > 0 else "too low")


def answer_checker(quantity: str, sol: Solution, *, symbol: str, row_name: str, col_name: str,
                   reveal: bool) -> None:
    """An empty matrix for the student's own ``quantity``; once filled in, each cell is marked, the
    difference drawn and the likely misconception named. ``reveal``: show the difference's numbers."""
    expected = expected_and_candidates(quantity, sol)[0]
    store = f"answer_{quantity}"
    saved = st.session_state.get(store)
    start = saved if saved is not None and saved.shape == expected.shape else np.full(expected.shape, np.nan)
    key = f"answer_editor_{quantity}_{st.session_state[GENERATION]}"
    st.session_state[EDITOR_KEYS][f"answer_{quantity}"] = key
    frame = to_frame(start, row_name, col_name)
    st.caption(f"Your {symbol} ({expected.shape[0]} × {expected.shape[1]}). A cell counts as right when it is "
               f"{TOLERANCE_TEXT}.")
    edited = st.data_editor(frame, key=key, num_rows="fixed", width="content",
                            column_config={c: st.column_config.NumberColumn(c) for c in frame.columns})
    cells = edited.to_numpy(dtype=object)
    if all(v is None or (isinstance(v, float) and np.isnan(v)) for v in cells.ravel()):
        st.caption("Type your numbers into the empty cells to check them.")
        return
    answer, problems = from_frame(symbol, edited)
    if answer is None:
        empty = [p for p in problems if "is empty" in p]
        for text in problems:
            if text not in empty:
                st.error(text, icon=":material/error:")
        if empty:
            st.caption(f"{len(empty)} cell(s) still empty: fill every cell to check your answer.")
        return
    st.session_state[store] = answer
    result = check_answer(quantity, sol, answer)
    wrong = int((~result.right).sum())
    if result.all_right:
        st.success(f"All {result.right.size} cells are right.", icon=":material/check_circle:")
    else:
        st.error(f"{wrong} of {result.right.size} cells are off.", icon=":material/cancel:")
    marks = [[_answer_mark(r, d) for r, d in zip(rr, dd, strict=True)]
             for rr, dd in zip(result.right, result.difference, strict=True)]
    fig = figures.matrix_heatmap(result.difference, title=f"Your {symbol} − the correct one", row_name=row_name,
                                 col_name=col_name, symbol="difference", cell_text=None if reveal else marks)
    st.plotly_chart(fig, key=f"answer_heat_{quantity}", config={"displayModeBar": False}, width="stretch")
    for mistake in result.mistakes:
        m = MISTAKES[mistake]
        st.warning(f"**Looks like: {m.label}.** {m.hint}", icon=":material/lightbulb:")
    if not result.all_right and not result.mistakes:
        st.info("None of the usual mistakes gives exactly this answer: recompute the marked cells one product "
                "at a time (the cell picker above shows each sum once the solution is revealed).",
                icon=":material/search:")


# --- sharing and exporting ------------------------------------------------------------------------


def share_and_export(page: Page, title: str, numbers: dict[str, np.ndarray], steps: Sequence[Step],
                     reveal: bool = True) -> None:
    """A copyable link to this exact example, and the page's numbers and worked solution as files
    (only once the solution is revealed: the files contain the answers)."""
    params = params_from_inputs(current_inputs(), st.session_state[MODE])
    base = st.context.url or f"/{page.page_id}"
    link = base + ("?" + urlencode(params, safe=",;") if params else "")
    st.markdown("**Link to this example** (copy it with the button at the right of the box)")
    st.code(link, language=None, wrap_lines=True)
    if not reveal:
        st.caption("The downloads of this page's numbers and worked solution appear once the solution is "
                   "revealed: they contain the answers.")
        return
    stem = page.page_id.replace("-", "_")
    meta = {"page": page.page_id, "mode": st.session_state[MODE], **current_inputs().dims}
    c1, c2, c3 = st.columns(3)
    c1.download_button("Numbers (CSV)", exports.numbers_csv(numbers), file_name=f"{stem}.csv", mime="text/csv",
                       icon=":material/download:", key="export_csv", width="stretch")
    c2.download_button("Numbers (JSON)", exports.numbers_json(numbers, **meta), file_name=f"{stem}.json",
                       mime="application/json", icon=":material/download:", key="export_json", width="stretch")
    c3.download_button("Worked solution (Markdown)", exports.steps_markdown(title, steps), file_name=f"{stem}.md",
                       mime="text/markdown", icon=":material/download:", key="export_md", width="stretch")
