"""Presenter mode's controls, the same on every page: Previous, "Step k of n", Next (which on the last step goes on to
the next page of the lecture), the projector's text size and theme, and Exit; the place kept in the session and in
the address (present=1&step=k), so that a reload or a shared link opens where the instructor was.

A page shows its slides one at a time: a problem page's worked steps (dashboard.solution.present), a demo page's
demos (``deck``). Each slide has a key that survives reruns and a change of example (a step that now comes in
fewer parts keeps its place), and the step number the address and the label give.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from dashboard import nav, presenting, projector, state
from dashboard.nav import Page


@dataclass(frozen=True)
class Slide:
    """One screen of presenter mode: ``step`` (1-based) of the page's steps, part ``part`` of ``parts``."""

    key: str
    step: int
    title: str
    part: int = 1
    parts: int = 1


def _position_key(page_id: str) -> str:
    return f"step_{page_id}"


def position(page_id: str, slides: Sequence[Slide]) -> int:
    """The index of the slide to show: the one a link asked for (once), else the one shown last (by its key: a
    step that now has fewer parts lands on its nearest part), else the same place in the list."""
    keys = [s.key for s in slides]
    count = len(slides)
    wanted = state.wanted_step(page_id)
    if wanted is not None:
        step, part = wanted
        steps = max(s.step for s in slides)
        if step > steps:
            st.toast(f"The link asks for step {step}, but this page has {steps}: showing the last.",
                     icon=":material/link_off:")
        step = min(step, steps)
        same = [i for i, s in enumerate(slides) if s.step == step]
        index = same[min(part, len(same)) - 1]
        go(page_id, slides, index)
        return index
    index, key = st.session_state.get(_position_key(page_id), (0, keys[0]))[:2]
    if key in keys:
        return keys.index(key)
    step_key, _, part = str(key).rpartition(":") if ":" in str(key) else (str(key), "", "0")
    same = [n for n, k in enumerate(keys) if k.rpartition(":")[0] == step_key]
    if same:
        return same[min(int(part) if part.isdigit() else 0, len(same) - 1)]
    return min(max(int(index), 0), count - 1)


def go(page_id: str, slides: Sequence[Slide], index: int) -> None:
    """Show slide ``index`` (clamped) next."""
    index = min(max(index, 0), len(slides) - 1)
    st.session_state[_position_key(page_id)] = (index, slides[index].key)


def label(slide: Slide, steps: int) -> str:
    """"Step k of n", and "· part p of q" for a step shown in parts."""
    return f"Step {slide.step} of {steps}" + (f" · part {slide.part} of {slide.parts}" if slide.parts > 1 else "")


def _next_page_label(page_id: str) -> str:
    """The lecture's next page, as short as the button needs: "Problem 3", "Training lab"."""
    text = next(lbl for path, lbl, *_ in nav.PAGES if path == nav.page_path(page_id))
    return text.split(" · ")[0]


def bar(page: Page, slides: Sequence[Slide], index: int, *, move: Callable[[int], None] | None = None,
        held: bool = False, options: Callable[[], None] | None = None,
        then: tuple[str, Callable[[], None]] | None = None) -> None:
    """The presenter's controls above a slide, its heading, and its place noted in the session and the address.

    ``move(delta)`` is what Previous and Next do (by default: go to the slide before or after); ``held``: Next has
    something to show on this slide first (a result the class is guessing), so it is not the last click;
    ``options`` draws more of the presenter's settings beside the text size and theme (the problem pages' *Let the
    class guess*); ``then``: (label, action) of Next on the last slide, instead of going on to the lecture's next
    page (/practice: a new problem)."""
    projector.fit_to_projector(page.text_size, page.theme)
    slide = slides[index]
    steps = max(s.step for s in slides)
    state.presenting_at(page.page_id, slide.step, slide.part)
    if move is None:
        def move(delta: int) -> None:
            go(page.page_id, slides, index + delta)
    last = index == len(slides) - 1 and not held
    following = presenting.next_in_lecture(page.page_id) if last and then is None else None
    with st.container(key="presenter-bar"):
        left, middle, right, display, leave = st.columns([1.25, 3.4, 1.75, 1.15, 0.95], vertical_alignment="center")
        left.button("Previous", icon=":material/arrow_back:", on_click=move, args=(-1,), disabled=index == 0,
                    key=projector.PREVIOUS_KEY, width="stretch", help="Keys: PageUp or ←")
        middle.progress((index + 1) / len(slides), text=label(slide, steps))
        if last and then is not None:
            right.button(then[0], icon=":material/arrow_forward:", on_click=_then, args=(page.page_id, then[1]),
                         key=projector.ONWARD_KEY, width="stretch", type="primary",
                         help="The last step (keys: PageDown, → or Space)")
        elif following is None:
            right.button("Next", icon=":material/arrow_forward:", on_click=move, args=(1,), disabled=last,
                         key=projector.NEXT_KEY, width="stretch", type="primary",
                         help="Keys: PageDown (a clicker's forward button), → or Space")
        elif right.button(f"Next: {_next_page_label(following)}", icon=":material/arrow_forward:",
                          key=projector.ONWARD_KEY, width="stretch", type="primary",
                          help="The last step: on to the next page of the lecture, at its first step (keys: PageDown, "
                               "→ or Space)"):
            _open_next(page, following)
        with display.popover("Display", icon=":material/format_size:", width="stretch",
                             help="Text size and theme for the projector"):
            if options is not None:
                options()
            state.persistent(st.segmented_control, "Text size", state.TEXT_SIZE, options=list(presenting.TEXT_SIZES),
                             format_func=lambda s: f"{s} %", required=True)
            state.persistent(st.radio, "Theme", state.THEME, options=list(presenting.THEMES),
                             format_func=presenting.THEMES.get,
                             help="Dark for a bright room's washed-out projector, high contrast for the back rows; "
                                  "the heatmaps keep their blue-white-red scale in each.")
        leave.button("Exit", icon=":material/close:", key="presenter_exit", width="stretch",
                     help="Leave presenter mode", on_click=lambda: st.session_state.update({state.PRESENTER: False}))
    st.header(slide.title, anchor=False)
    projector.clicker_keys()


def _then(page_id: str, action: Callable[[], None]) -> None:
    """The last step's Next, when a page gives its own: its action, then presenting from the first step again."""
    action()
    st.session_state.pop(_position_key(page_id), None)


def _open_next(page: Page, following: str) -> None:
    """Go on to the lecture's next page, presenting from its first step."""
    st.session_state.pop(_position_key(following), None)
    st.switch_page(nav.page_path(following),
                   query_params=presenting.params_from_place(True, 1, size=page.text_size, theme=page.theme))


def deck(page: Page, titles: Sequence[str]) -> int:
    """A demo page's slides, one per demo (``titles``): the bar and heading; returns the index of the one to draw."""
    slides = [Slide(f"demo{i}:0", i + 1, title) for i, title in enumerate(titles)]
    index = position(page.page_id, slides)
    bar(page, slides, index)
    return index


def demos(page: Page, titles: Sequence[str]) -> Callable[[int], bool]:
    """Which of a demo page's demos to draw (by index): every one, or in presenter mode only the slide's (the bar
    and its heading drawn first)."""
    if not page.presenter:
        return lambda i: True
    index = deck(page, titles)
    return lambda i: i == index


def note(text: str) -> None:
    """A slide's one-line remark, set large (a plain sentence built by the app, never user text)."""
    with st.container(key="presenter-note"):
        st.markdown(text)
