"""Entering numbers: matrix editors for the shared example, its size and reset, and the answer checker.

Pages call these and ``backprop``; nothing here computes a gradient.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

from backprop.assignment import MAX_DIM, Solution
from backprop.mistakes import TOLERANCE_TEXT, check_answer, expected_and_candidates
from dashboard import figures, state
from dashboard.marking import mark
from dashboard.tables import from_frame, to_frame


def reset_button() -> None:
    st.button("Reset to the assignment's numbers", icon=":material/restart_alt:", on_click=state.reset,
              help="Every matrix back to Assignment 5's values (on every page).")


SIZE_HELP = {
    "N": "samples: rows of X, δ2, A1 and δ1. With more than one, each gradient becomes a sum over samples.",
    "D": "inputs per sample: columns of X, rows of W1",
    "H": "hidden units: columns of W1 and rows of W2",
    "C": "outputs: columns of W2 and δ2",
}


def _resize(dim: str) -> None:
    state.resize(dim, st.session_state[f"_size_{dim}"])


def size_controls(dims: Sequence[str] = ("N", "D", "H", "C")) -> None:
    """Number inputs that grow or shrink the shared example (1 to MAX_DIM each)."""
    current = state.current_inputs().dims
    cols = st.columns(len(dims))
    for col, dim in zip(cols, dims, strict=True):
        key = f"_size_{dim}"
        st.session_state[key] = current[dim]
        col.number_input(dim, min_value=1, max_value=MAX_DIM, step=1, key=key, on_change=_resize, args=(dim,),
                         help=SIZE_HELP[dim])


def editor_key(name: str) -> str:
    return f"editor_{name}_{st.session_state[state.GENERATION]}"


def matrix_editor(name: str, value: np.ndarray, *, symbol: str, row_name: str, col_name: str,
                  caption: str = "") -> np.ndarray | None:
    """An editable matrix; returns the entered matrix, or None (with an error per bad cell).

    The editor starts from ``value``; what the user types stays in the editor until it is fixed or
    reset, even while it is invalid.
    """
    key = editor_key(name)
    st.session_state[state.EDITOR_KEYS][name] = key
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


def answer_checker(quantity: str, sol: Solution, *, symbol: str, row_name: str, col_name: str,
                   reveal: bool) -> None:
    """An empty matrix for the student's own ``quantity``; once filled in, each cell is marked, the
    difference drawn and the likely misconception named. ``reveal``: show the difference's numbers."""
    expected = expected_and_candidates(quantity, sol)[0]
    store = f"answer_{quantity}"
    saved = st.session_state.get(store)
    start = saved if saved is not None and saved.shape == expected.shape else np.full(expected.shape, np.nan)
    key = f"answer_editor_{quantity}_{st.session_state[state.GENERATION]}"
    st.session_state[state.EDITOR_KEYS][f"answer_{quantity}"] = key
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
    marking = mark(result)
    if marking.verdict == "right":
        st.success(marking.summary, icon=":material/check_circle:")
    else:
        st.error(marking.summary, icon=":material/cancel:")
    fig = figures.matrix_heatmap(result.difference, title=f"Your {symbol} − the correct one", row_name=row_name,
                                 col_name=col_name, symbol="difference", cell_text=None if reveal else marking.cells)
    st.plotly_chart(fig, key=f"answer_heat_{quantity}", config={"displayModeBar": False}, width="stretch")
    for label, hint in marking.hints:
        st.warning(f"**Looks like: {label}.** {hint}", icon=":material/lightbulb:")
    if marking.unexplained:
        st.info("None of the usual mistakes gives exactly this answer: recompute the marked cells one product "
                "at a time (the cell picker above shows each sum once the solution is revealed).",
                icon=":material/search:")
