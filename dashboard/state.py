"""Session state: the shared Problems 2–4 example, the switches, widgets that outlive a page, and the URL.

Streamlit forgets a widget's value on pages that do not draw it, so values that must survive a page
change live under keys of our own (``persistent``). The shared example is an ``Inputs`` under
``INPUTS``; its URL form is ``dashboard.urlstate``'s.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from backprop.assignment import DEFAULT_INPUTS, DEFAULT_LR, Inputs
from dashboard import presenting
from dashboard.urlstate import (
    DEFAULT_LOSS,
    FIELDS,
    SETTINGS,
    inputs_from_params,
    params_from_inputs,
    params_from_settings,
    settings_from_params,
)

# Session-state keys.
INPUTS = "inputs"
MODE = "mode"
PRESENTER = "presenter"
HIDE = "hide_solutions"
GENERATION = "editor_generation"
PAGE = "current_page"
EDITOR_KEYS = "editor_keys"
LR = "lr"
LOSS = "loss"
TEXT_SIZE = "projector_text_size"
THEME = "projector_theme"
DEFAULTS = {MODE: "assignment", PRESENTER: False, HIDE: False, LR: DEFAULT_LR, LOSS: DEFAULT_LOSS,
            TEXT_SIZE: presenting.DEFAULT_SIZE, THEME: presenting.DEFAULT_THEME}


def init_session() -> None:
    ss = st.session_state
    ss.setdefault(INPUTS, DEFAULT_INPUTS)
    ss.setdefault(GENERATION, 0)
    ss.setdefault(EDITOR_KEYS, {})
    for key, value in DEFAULTS.items():
        ss.setdefault(key, value)


def _apply_url() -> tuple[str, ...]:
    """On arriving at a page, take the example from its URL, if the URL describes one."""
    params = st.query_params.to_dict()
    if not any(name in params for name in (*FIELDS, *SETTINGS, "mode")):
        return ()
    parsed = inputs_from_params(params)
    settings = settings_from_params(params)
    st.session_state[INPUTS] = parsed.inputs
    st.session_state[MODE] = parsed.mode or DEFAULTS[MODE]
    st.session_state[LR] = settings.lr or DEFAULTS[LR]
    st.session_state[LOSS] = settings.loss or DEFAULTS[LOSS]
    return parsed.warnings + settings.warnings


def _apply_presenter_url(page_id: str) -> tuple[str, ...]:
    """On arriving at a page, take presenter mode, its step, text size and theme from the URL, where it gives them
    (the step is taken up by the page's presenter, which knows its steps: see wanted_step)."""
    place = presenting.place_from_params(st.query_params.to_dict())
    ss = st.session_state
    if place.present is not None:
        ss[PRESENTER] = place.present
    if place.size is not None:
        ss[TEXT_SIZE] = place.size
    if place.theme is not None:
        ss[THEME] = place.theme
    ss.pop(_wanted_key(page_id), None)
    if place.step is not None:
        ss[_wanted_key(page_id)] = (place.step, place.part or 1)
    return place.warnings


def arrive(page_id: str, example_page: bool) -> tuple[str, ...]:
    """Note which page runs; on arriving at a new one, rebuild its editors and read its URL.

    Returns the warnings about the URL's parameters (kept for the page's reruns).
    """
    ss = st.session_state
    warnings_key = f"url_warnings_{page_id}"
    if ss.get(PAGE) != page_id:
        ss[PAGE] = page_id
        ss[GENERATION] += 1  # editors are rebuilt from the shared example on arrival
        ss[warnings_key] = _apply_presenter_url(page_id) + (_apply_url() if example_page else ())
    return tuple(ss.get(warnings_key, ()))


# --- presenter mode's place -------------------------------------------------------------------------------------


def _wanted_key(page_id: str) -> str:
    return f"presenter_wanted_{page_id}"


def _at_key(page_id: str) -> str:
    return f"presenter_at_{page_id}"


def wanted_step(page_id: str) -> tuple[int, int] | None:
    """The (step, part) a link asked ``page_id``'s presenter to open at, once (None: none, or already taken)."""
    return st.session_state.pop(_wanted_key(page_id), None)


def presenting_at(page_id: str, step: int, part: int = 1) -> None:
    """Note the step (and part) the presenter shows on ``page_id``, and put it in the address."""
    st.session_state[_at_key(page_id)] = (int(step), int(part))
    keep_presenter_in_url()


def presenter_params() -> dict[str, str]:
    """The query parameters of presenter mode on the current page (none when not presenting)."""
    ss = st.session_state
    page_id = ss.get(PAGE)
    if page_id not in presenting.LECTURE:
        return {}
    step, part = ss.get(_at_key(page_id), (None, None))
    return presenting.params_from_place(bool(ss.get(PRESENTER)), step, part, size=ss.get(TEXT_SIZE, 100),
                                        theme=ss.get(THEME, "light"))


def keep_presenter_in_url() -> None:
    """Bring presenter mode's parameters in the address bar up to date, leaving every other parameter as it is."""
    wanted = presenter_params()
    for name in presenting.PARAMS:
        if name in wanted:
            if st.query_params.get(name) != wanted[name]:
                st.query_params[name] = wanted[name]
        elif name in st.query_params:
            del st.query_params[name]


def set_url(params: dict[str, str]) -> None:
    """Make the address bar ``params`` and presenter mode's place (a page that keeps its own state in the URL)."""
    wanted = params | presenter_params()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


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


# --- the shared example ------------------------------------------------------------------------


def current_inputs() -> Inputs:
    return st.session_state[INPUTS]


def commit(entered: dict[str, np.ndarray | None]) -> tuple[Inputs, bool]:
    """Store the valid matrices among ``entered`` (an editor gives None while a cell is bad) in the
    shared example; returns the updated example and whether any matrix was left at its last valid value.

    A matrix whose cells are all numbers can still be refused by the example (a target y outside [0, 1]):
    its message is shown, the example keeps that matrix's last valid value, and the editor keeps what was
    typed."""
    valid = {name: value for name, value in entered.items() if value is not None}
    try:
        updated = current_inputs().with_values(**valid)
    except ValueError:
        updated = current_inputs()
        for name, value in list(valid.items()):
            try:
                updated = updated.with_values(**{name: value})
            except ValueError as exc:
                st.error(str(exc), icon=":material/error:")
                del valid[name]
    st.session_state[INPUTS] = updated
    return updated, len(valid) < len(entered)


def rebuild_editors() -> None:
    """Editors are keyed by a generation number: a new one makes them start again from the example."""
    st.session_state[GENERATION] += 1


def reset() -> None:
    st.session_state[INPUTS] = DEFAULT_INPUTS
    st.session_state[LR] = DEFAULTS[LR]
    st.session_state[LOSS] = DEFAULTS[LOSS]
    rebuild_editors()


def resize(dim: str, size: int) -> None:
    dims = current_inputs().dims | {dim: int(size)}
    st.session_state[INPUTS] = current_inputs().resized(**dims)
    rebuild_editors()


def url_params() -> dict[str, str]:
    """The query parameters that reproduce the current example: its matrices, lr, loss and mode."""
    ss = st.session_state
    matrices = params_from_inputs(current_inputs(), ss[MODE])
    mode = {"mode": matrices.pop("mode")} if "mode" in matrices else {}
    return matrices | params_from_settings(ss[LR], ss[LOSS]) | mode


def sync_url() -> None:
    """Keep the address bar describing the current example (and presenter mode's place), so that a copied URL
    reproduces it."""
    set_url(url_params())
