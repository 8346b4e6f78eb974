"""Entering numbers: matrix editors for the shared example, its size and reset, and the answer checker.

Pages call these and ``backprop``; nothing here computes a gradient.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from backprop.assignment import MAX_DIM, Solution, Update
from backprop.mistakes import Diagnosis, check_answer, expected
from backprop.tolerance import RULE_TEXT
from dashboard import figures, state
from dashboard.marking import mark
from dashboard.parsing import EntryError, canonical, parse_number, parse_pasted, shown
from dashboard.tables import read_frame, to_text_frame


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
    """Choices that grow or shrink the shared example (1 to MAX_DIM each; chosen, not typed, so no typing can
    become another size)."""
    current = state.current_inputs().dims
    cols = st.columns(len(dims))
    for col, dim in zip(cols, dims, strict=True):
        key = f"_size_{dim}"
        st.session_state[key] = current[dim]
        col.selectbox(dim, range(1, MAX_DIM + 1), key=key, on_change=_resize, args=(dim,), help=SIZE_HELP[dim])


_SIZE_NAMES = {"N": "samples", "D": "inputs", "H": "hidden units", "C": "outputs"}


def inputs_column(dims: Sequence[str] = ("N", "D", "H", "C")):
    """A problem page's two columns, (left, right). The left one starts with its heading, Reset and the sizes
    ``dims`` (before the editors the page adds, so that the keyboard reaches them in a few Tab stops)."""
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.header("Inputs")
        reset_button()
        names = [_SIZE_NAMES[dim] for dim in dims]
        more = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        with st.expander(f"Grow the problem: more {more}"):
            size_controls(dims)
    return left, right


_PASTED = "_pasted_editors"  # name → how many pastes replaced that editor's matrix


def editor_key(name: str) -> str:
    """The editor's widget key: a new generation (Reset, a new size, a link) restarts every editor; a paste
    restarts only its own, so that what was typed in the others stays."""
    pasted = st.session_state.get(_PASTED, {}).get(name, 0)
    return f"editor_{name}_{st.session_state[state.GENERATION]}" + (f"_p{pasted}" if pasted else "")


def _base(key: str, value: np.ndarray, row_name: str, col_name: str) -> pd.DataFrame:
    """The text an editor starts from, made once per editor key and passed unchanged on every rerun.

    Edits are kept relative to the data an editor was given: had the data been rebuilt from the edited
    example on each rerun, an edit back to the starting value would be ignored (the cell snapped back).
    """
    bases = st.session_state.setdefault(_BASES, {})
    if key not in bases:
        for old in [k for k in bases if k.rsplit("_", 1)[0] == key.rsplit("_", 1)[0]]:
            del bases[old]  # the same editor in an earlier generation
        bases[key] = to_text_frame(value, row_name, col_name)
    return bases[key]


_BASES = "_editor_bases"


def _text_columns(frame: pd.DataFrame) -> dict:
    # Text, not number, columns: the browser's number cells drop characters they do not expect (1e-3 became
    # −13), so the app receives exactly what was typed and dashboard.parsing reads it or says why not.
    return {c: st.column_config.TextColumn(c, width=max(80, 9 * len(c) + 30)) for c in frame.columns}


def _grid_alt(what: str, frame: pd.DataFrame, row_name: str, col_name: str) -> str:
    """What a grid holds, for screen readers: 'X: 1 × 2 numbers, a row per sample, a column per input'."""
    return (f"{what}: {frame.shape[0]} × {frame.shape[1]} numbers, a row per {row_name}, a column per {col_name}; "
            "edit a cell to change it")


def read_as(name: str, typed: pd.DataFrame, values: np.ndarray) -> str | None:
    """"Read as …" when some cell's text is not already the number's own shortest form (1e-3, −0.5, +2, " 3 "),
    so that the student sees the value the app uses; None when every cell reads as typed."""
    cells = typed.to_numpy(dtype=object)
    if all(isinstance(t, str) and t == canonical(v) for t, v in zip(cells.ravel(), values.ravel(), strict=True)):
        return None
    rows = "; ".join(", ".join(canonical(v) for v in row) for row in np.atleast_2d(values))
    return f"{name} is read as ({rows})."


def _apply_paste(name: str, field: str, key: str) -> None:
    try:
        st.session_state[state.INPUTS] = state.current_inputs().with_values(**{field: st.session_state[key]})
    except ValueError as exc:  # the example changed since the preview (another size, a link)
        st.error(str(exc), icon=":material/error:")
        return
    pasted = st.session_state.setdefault(_PASTED, {})
    pasted[name] = pasted.get(name, 0) + 1


def paste_box(name: str, field: str, shape: tuple[int, ...]) -> None:
    """A popover where a whole matrix can be pasted (0.1 0.2; 0.3 0.4, or numpy's printed form), shown as read
    and applied with a click."""
    rows, cols = (1, shape[0]) if len(shape) == 1 else shape
    with st.popover(f"Paste {name}", icon=":material/content_paste:"):
        text = st.text_area(f"{name} as text ({rows} × {cols})", key=f"paste_{name}",
                            placeholder="0.1 0.2; 0.3 0.4", help="Rows split by ';' or new lines, entries by "
                            "spaces (or a comma and a space); numpy's printed arrays and Python lists work too. "
                            "A comma between two digits, as in 0,5, is refused: it might be a decimal comma.")
        if not text.strip():
            return
        try:
            matrix = parse_pasted(text)
        except EntryError as exc:
            st.error(f"The pasted {name} {exc.reason}.", icon=":material/error:")
            return
        if matrix.shape != (rows, cols):
            st.error(f"{name} is {rows} × {cols} here, the pasted matrix {matrix.shape[0]} × {matrix.shape[1]}: "
                     "change the sizes first (Grow the problem).", icon=":material/error:")
            return
        try:  # the example's own rules too (a target y in [0, 1]), before the button is offered
            state.current_inputs().with_values(**{field: matrix.reshape(shape)})
        except ValueError as exc:
            st.error(f"The pasted {name} cannot be used: {exc}", icon=":material/error:")
            return
        st.markdown(f"Read as {name} = (" + "; ".join(", ".join(canonical(v) for v in row) for row in matrix) + ")")
        st.session_state[f"paste_{name}_matrix"] = matrix.reshape(shape)
        st.button(f"Use this {name}", key=f"paste_{name}_apply", type="primary", on_click=_apply_paste,
                  args=(name, field, f"paste_{name}_matrix"))


def matrix_editor(name: str, value: np.ndarray, *, symbol: str, row_name: str, col_name: str,
                  caption: str = "", field: str | None = None) -> np.ndarray | None:
    """An editable matrix; returns the entered matrix, or None (with an error per refused cell).

    The editor starts from ``value``; what the user types stays in the editor until it is fixed or
    reset, even while it is refused. Every cell goes through dashboard.parsing: the value used is the
    value typed, or the cell is refused with a message naming it, what was typed and why. ``field``: the
    example's field the editor edits (for pasting a whole matrix; default ``name``).
    """
    key = editor_key(name)
    st.session_state[state.EDITOR_KEYS][name] = key
    shape_text = " × ".join(str(s) for s in np.atleast_2d(value).shape)
    st.markdown(f"**{symbol}** · {shape_text}" + (f" · {caption}" if caption else ""))
    base = _base(key, value, row_name, col_name)
    edited = st.data_editor(base, key=key, num_rows="fixed", width="content", column_config=_text_columns(base),
                            alt=_grid_alt(symbol, base, row_name, col_name))
    typed = read_frame(name, edited)
    for text in typed.problems:
        st.error(text, icon=":material/error:")
    if typed.values is not None:
        note = read_as(name, edited, typed.values)
        if note:
            st.caption(note)
    paste_box(name, field or name, np.shape(value))
    return typed.values


def answer_checker(quantity: str, sol: Solution | Update, *, symbol: str, row_name: str, col_name: str,
                   reveal: bool, hint_link: Callable[[str], None] | None = None) -> None:
    """An empty matrix for the student's own ``quantity`` of a problem page (see answer_grid)."""
    answer_grid(quantity, symbol, expected(quantity, sol).shape, row_name, col_name, reveal=reveal,
                check=lambda values, digits: check_answer(quantity, sol, values, digits=digits),
                quantity=quantity, hint_link=hint_link)


def answer_grid(name: str, symbol: str, shape: tuple[int, int], row_name: str, col_name: str, *,
                check: Callable[[np.ndarray, np.ndarray], Diagnosis], reveal: bool,
                unexplained_hint: str = "the cell picker above shows each sum once the solution is revealed",
                quantity: str = "", hint_link: Callable[[str], None] | None = None) -> Diagnosis | None:
    """An empty grid for the student's own ``symbol``; once every cell holds a number, each cell is marked,
    the difference drawn and the likely misconception named.

    - name: identifies the grid (its editor key is answer_editor_<name>_<generation>)
    - check(values, digits typed per cell) → the Diagnosis; reveal: the solution is shown, so the marks may
      give the differences' numbers
    - quantity: what is answered (backprop.mistakes' name); hint_link(step key): draws, under a named mistake's
      hint, the way to the worked step it concerns
    Returns the Diagnosis once the grid is complete, else None.
    """
    typed = typed_grid(name, symbol, shape, row_name, col_name)
    if typed is None:
        return None
    result = check(typed.values, typed.digits)
    show_marking(name, symbol, result, row_name, col_name, reveal=reveal, quantity=quantity, hint_link=hint_link,
                 unexplained_hint=unexplained_hint)
    return result


def typed_grid(name: str, symbol: str, shape: tuple[int, int], row_name: str, col_name: str, *,
               caption: bool = True):
    """An empty grid for the student's own ``symbol``, read through the app's one parser; returns what was typed
    (tables.Typed) once every cell holds a number, else None (refused cells are named beneath the grid)."""
    key = f"answer_editor_{name}_{st.session_state[state.GENERATION]}"
    st.session_state[state.EDITOR_KEYS][f"answer_{name}"] = key
    if caption:
        st.caption(f"Your {symbol} ({shape[0]} × {shape[1]}). The marking rule, for every cell of every answer: "
                   f"{RULE_TEXT}.")
    base = _base(key, np.full(shape, np.nan), row_name, col_name)
    edited = st.data_editor(base, key=key, num_rows="fixed", width="content", column_config=_text_columns(base),
                            placeholder="type a number", alt=_grid_alt(f"your {symbol}", base, row_name, col_name))
    typed = read_frame(symbol, edited)
    if typed.blank.all():
        st.caption("Type your numbers into the empty cells.")
        return None
    refused = [p for p, blank in zip(typed.problems, _problem_blanks(typed), strict=True) if not blank]
    for text in refused:
        st.error(text, icon=":material/error:")
    if typed.blank.any():
        st.caption(f"{int(typed.blank.sum())} cell(s) still empty: fill every cell to check your answer.")
    return None if typed.values is None else typed


def show_marking(name: str, symbol: str, result: Diagnosis, row_name: str, col_name: str, *, reveal: bool,
                 quantity: str = "", hint_link: Callable[[str], None] | None = None,
                 unexplained_hint: str = "the worked solution writes out each sum") -> None:
    """What a marked answer says: the banner, each cell's mark over the difference heatmap, and the hints."""
    marking = mark(result, reveal, quantity)
    if marking.verdict == "right":
        st.success(marking.summary, icon=":material/check_circle:")
    else:
        st.error(marking.summary, icon=":material/cancel:")
    fig = figures.matrix_heatmap(result.difference, title=f"Your {symbol} − the correct one", row_name=row_name,
                                 col_name=col_name, symbol="difference", cell_text=marking.cells)
    st.plotly_chart(fig, key=f"answer_heat_{name}", config={"displayModeBar": False}, width="stretch")
    for label, hint, step in marking.hints:
        st.warning(f"**Looks like: {label}.** {hint}", icon=":material/lightbulb:")
        if step and hint_link is not None:
            hint_link(step)
    if marking.unexplained:
        st.info(f"None of the usual mistakes gives exactly this answer: recompute the marked cells one product "
                f"at a time ({unexplained_hint}).", icon=":material/search:")


def _problem_blanks(typed) -> list[bool]:
    """For each of typed.problems (in cell order), whether its cell is blank rather than refused."""
    refused_cells = [(r, c) for r in range(typed.blank.shape[0]) for c in range(typed.blank.shape[1])
                     if typed.digits[r, c] == 0]
    return [bool(typed.blank[cell]) for cell in refused_cells]


# --- single numbers: typed as text and read by the one parser --------------------------------------


def read_number(label: str, typed: str, *, minimum: float, maximum: float, integer: bool = False) -> float:
    """The number ``typed`` into the field ``label``, through dashboard.parsing; ValueError with a message that
    names the field, what was typed and why (decimal comma, text, out of range, not whole)."""
    try:  # the field's own range is checked below, with its own words
        value = parse_number(typed, limit=math.inf).value
    except EntryError as exc:
        reason = exc.reason
        if integer and "decimal comma" in reason:
            reason = "is not a whole number: type digits only, without a comma"
        raise ValueError(f"{label}: {shown(typed)} {reason}." if str(typed).strip()
                         else f"{label} {reason}.") from None
    if integer and value != int(value):
        raise ValueError(f"{label}: {shown(typed)} is not a whole number.")
    if not minimum <= value <= maximum:
        raise ValueError(f"{label}: {shown(typed)} is outside {canonical(minimum)} … {canonical(maximum)}.")
    return int(value) if integer else value


def _take_number(label: str, key: str, minimum: float, maximum: float, integer: bool,
                 then: Callable[[float], None] | None) -> None:
    """on_change of a number field: a number the parser accepts is in use before the page runs again."""
    ss = st.session_state
    with contextlib.suppress(ValueError):  # a refused text: the field shows why when it is drawn
        ss[key] = ss[f"_text_value_{key}"] = read_number(label, ss[f"_text_{key}"], minimum=minimum,
                                                         maximum=maximum, integer=integer)
        if then is not None:
            then(ss[key])


def number_field(label: str, key: str, *, minimum: float, maximum: float, integer: bool = False,
                 default: float | None = None, help: str | None = None, container=None,
                 then: Callable[[float], None] | None = None):
    """A single number the reader types: the value used is the value typed, or the field says why not.

    Browsers' number inputs quietly turn some typing into another number (0,3 became 3), so the text goes
    through dashboard.parsing like every grid cell. The value lives in st.session_state[key] (so a link or a
    preset can set it, and it outlives a page change) and is taken when the text changes, before the page
    runs again; while the text is refused, an error names the field, what was typed and why, and the last
    valid value stays in use. ``then(value)`` is called with each new value taken. Returns the value in use.
    """
    ss = st.session_state
    if default is not None:
        ss.setdefault(key, default)
    text_key, seen_key = f"_text_{key}", f"_text_value_{key}"
    if ss.get(seen_key) != ss[key] or text_key not in ss:  # set from elsewhere (a link, a preset): show it
        ss[text_key] = canonical(ss[key])
        ss[seen_key] = ss[key]
    where = container or st
    typed = where.text_input(label, key=text_key, help=help, on_change=_take_number,
                             args=(label, key, minimum, maximum, integer, then))
    try:
        read_number(label, typed, minimum=minimum, maximum=maximum, integer=integer)
    except ValueError as exc:
        where.error(f"{exc} Still using {canonical(ss[key])}.", icon=":material/error:")
    return ss[key]
