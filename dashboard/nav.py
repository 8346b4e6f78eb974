"""Page set-up and navigation: every page starts with ``page_setup``, which draws the sidebar.

The app keeps Streamlit's ``pages/`` folder (the URL of a page is its file name without the number
prefix) and draws its own navigation with ``st.page_link``, with Streamlit's own list turned off in
``.streamlit/config.toml``: with a ``pages/`` folder, a first request to a deep link on a freshly
started server otherwise shows file names or "Page not found".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st
from PIL import Image

from backprop.assignment import DEFAULT_LR, MODES, Inputs
from dashboard import a11y, presenting, state
from dashboard.classroom import access

APP_TITLE = "Backprop from scratch"

# (script path, label, icon, section); the URL of a page is its file name without the number prefix.
PAGES = [
    ("app.py", "Overview", ":material/hub:", None),
    ("pages/1_why-backprop.py", "Problem 1 · Why backprop", ":material/lightbulb:", "Assignment 5"),
    ("pages/2_forward-pass.py", "Problem 2 · Forward pass", ":material/arrow_forward:", "Assignment 5"),
    ("pages/3_output-gradient.py", "Problem 3 · Output-layer gradient", ":material/undo:", "Assignment 5"),
    ("pages/4_hidden-gradient.py", "Problem 4 · Hidden-layer gradient", ":material/replay:", "Assignment 5"),
    ("pages/5_weight-update.py", "Problem 5 · Gradient-descent step", ":material/update:", "Assignment 5"),
    ("pages/8_practice.py", "Practice problems", ":material/school:", "Practice"),
    ("pages/6_training.py", "Training lab", ":material/trending_down:", "Practice"),
    ("pages/7_gradient-check.py", "Gradient check", ":material/fact_check:", "Practice"),
    ("pages/10_class.py", "Class session", ":material/groups:", "Class"),
    ("pages/9_teach.py", "Teach (instructor key)", ":material/co_present:", "Class"),
]


@dataclass(frozen=True)
class Page:
    """What a page needs to know about the session when it starts."""

    page_id: str
    inputs: Inputs
    mode: str
    presenter: bool
    hide_solutions: bool
    url_warnings: tuple[str, ...]
    loss: str = "mse"
    lr: float = DEFAULT_LR
    text_size: int = presenting.DEFAULT_SIZE
    theme: str = presenting.DEFAULT_THEME


def _favicon() -> Image.Image:
    """A 2×2 heatmap in the dashboard's colours, drawn here so that no icon is fetched from the web."""
    blue, red, pale_blue, pale_red = (33, 102, 172), (178, 24, 43), (146, 197, 222), (244, 165, 130)
    icon = np.full((32, 32, 3), 255, dtype=np.uint8)
    for (r, c), colour in zip(((0, 0), (0, 1), (1, 0), (1, 1)), (red, pale_blue, pale_red, blue), strict=True):
        icon[2 + 15 * r:15 + 15 * r, 2 + 15 * c:15 + 15 * c] = colour
    return Image.fromarray(icon)


FAVICON = _favicon()


def page_path(page_id: str) -> str:
    """The script of the page whose URL is /page_id ("overview" for app.py)."""
    for path, *_ in PAGES:
        if path.endswith(f"_{page_id}.py") or (page_id == "overview" and path == "app.py"):
            return path
    raise KeyError(page_id)


def page_setup(page_id: str, title: str, *, example_page: bool = True) -> Page:
    """Configure the page, draw the sidebar, and on arrival read the example and presenter mode from the URL.

    ``example_page``: the page works on the shared Problems 2–4 example (the mode switch and the URL's matrices
    apply to it). Presenter mode applies to every page of the lecture (dashboard.presenting.LECTURE).
    """
    state.init_session()
    access.announce()  # a server with no configured instructor key makes one now, and logs it
    ss = st.session_state
    warnings = state.arrive(page_id, example_page)  # first: a link may switch presenter mode on
    presentable = page_id in presenting.LECTURE
    presenting_now = bool(ss[state.PRESENTER] and presentable)
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if presenting_now else "auto")
    a11y.apply()
    sidebar(example_page, presentable)
    state.keep_presenter_in_url()
    return Page(page_id, ss[state.INPUTS], ss[state.MODE], presenting_now, bool(ss[state.HIDE]), warnings,
                ss[state.LOSS], ss[state.LR], ss[state.TEXT_SIZE], ss[state.THEME])


def sidebar(example_page: bool, presentable: bool = True) -> None:
    with st.sidebar:
        st.markdown(f"### {APP_TITLE}")
        if presentable:  # first, so that it is on the first screen of a 720-pixel projector
            state.persistent(st.toggle, "Presenter mode", state.PRESENTER,
                             help="One step at a time with large math, for projecting in class; the address keeps "
                                  "the step, so a reload or a shared link opens there.")
        section = None
        for path, label, icon, group in PAGES:
            if group != section and group is not None:
                st.caption(group)
            section = group
            st.page_link(path, label=label, icon=icon)
        if example_page:
            st.divider()
            state.persistent(st.radio, "Numbers", state.MODE, options=list(MODES), format_func=MODES.get,
                             help="As in the assignment: the A1 the assignment assumes and the δ2 and δ1 it gives "
                                  "are used, as the solution report does. Consistent: A1 = σ(Z1), δ2 derived from the "
                                  "target y through the output layer and its loss, and δ1 = (δ2·W2ᵀ) ∗ σ′(Z1), so "
                                  "every later number follows from the inputs.")
            state.persistent(st.toggle, "Hide solutions until I ask", state.HIDE,
                             help="For self-study: try the problem first, check your answer, then reveal.")


def show_url_warnings(page: Page) -> None:
    for text in page.url_warnings:
        st.warning(text, icon=":material/link_off:")
