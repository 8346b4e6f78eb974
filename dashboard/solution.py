"""Showing a problem's solution: its header, results, worked steps, the presenter's one-step-at-a-time
view, and hiding it all until the student asks.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st

from backprop.assignment import Comparison, Solution, compare_modes
from dashboard import claims, figures, projector, steps
from dashboard import presenter as deck
from dashboard.display import heatmap, latex, latex_row, show_result
from dashboard.nav import Page, show_url_warnings
from dashboard.presenting import Projector
from dashboard.steps import Step


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

    Presenter mode leaves the words and the formula out (each step writes its own), so that the step being
    explained starts at the top of the screen.
    """
    st.title(title)
    show_url_warnings(page)
    if not page.presenter:
        st.markdown(intro)
        latex_row(formula.split(r", \qquad "))  # its formulas side by side, each whole, wrapping on a phone


def show_steps(worked: Sequence[Step], only: frozenset[str] | None = None) -> None:
    """The worked solution, step after step (numbered as in the whole solution); ``only``: the keys of the steps
    to draw (None: all). A step with a phone's layout (steps.for_screens) is drawn in both, and the screen's width
    picks one (dashboard.a11y's stylesheet)."""
    for i, step in enumerate(worked, start=1):
        if only is not None and step.key not in only:
            continue
        st.markdown(f"**Step {i} · {step.title}**")
        if step.narrow is None:
            for eq in step.equations:
                latex(eq)
        else:
            for form, equations in (("wide", step.equations), ("phone", step.narrow)):
                with st.container(key=f"{form}-form-{i}-{step.key}", gap="small"):
                    for eq in equations:
                        latex(eq)
        if step.note:
            st.caption(step.note)


# --- hints a step at a time ---------------------------------------------------------------------------------


def _shown_key(scope: str) -> str:
    return f"steps_shown_{scope}"


def steps_shown(scope: str) -> frozenset[str]:
    """The keys of the worked steps the student has asked to see in ``scope`` (a page, or a practice problem)."""
    return st.session_state.get(_shown_key(scope), frozenset())


def show_step(scope: str, key: str) -> None:
    """Show one more step of ``scope``'s worked solution (a button's callback)."""
    st.session_state[_shown_key(scope)] = steps_shown(scope) | {key}


def show_all_steps(scope: str, worked: Sequence[Step]) -> None:
    st.session_state[_shown_key(scope)] = frozenset(step.key for step in worked)


def stepwise(scope: str, worked: Sequence[Step], *, on_show: Callable[[int], None] | None = None,
             on_all: Callable[[], None] | None = None) -> bool:
    """A hidden worked solution revealed a step at a time: the steps asked for so far, then *Show the next step*
    and *Show the whole solution*. ``on_show(n)`` runs when n more steps are shown (the practice score counts them);
    ``on_all`` replaces showing every step (a problem page reveals its whole solution, results included).
    Returns whether every step is shown."""
    shown = steps_shown(scope)
    show_steps(worked, only=shown)
    hidden = [(i, step) for i, step in enumerate(worked, start=1) if step.key not in shown]
    if not hidden:
        return True
    i, following = hidden[0]
    st.caption(f"{len(shown)} of {len(worked)} steps shown." if shown else
               f"The worked solution has {len(worked)} steps: ask for one when you are stuck.")

    def next_step() -> None:
        show_step(scope, following.key)
        if on_show is not None:
            on_show(1)

    def everything() -> None:
        if on_all is not None:
            on_all()
            return
        show_all_steps(scope, worked)
        if on_show is not None:
            on_show(len(hidden))

    c1, c2 = st.columns(2)
    c1.button(f"Show the next step (Step {i} · {following.title})", icon=":material/skip_next:",
              key=f"{_shown_key(scope)}_next", on_click=next_step, width="stretch")
    c2.button("Show the whole solution", icon=":material/visibility:", key=f"{_shown_key(scope)}_all",
              on_click=everything, width="stretch")
    return False


def hint_links(page: Page, worked: Sequence[Step], shown: bool) -> Callable[[str], None]:
    """What a problem page's answer checker draws under a named mistake's hint (see step_link)."""
    return partial(step_link, page.page_id, worked, hidden=not shown)


def step_link(scope: str, worked: Sequence[Step], key: str, *, hidden: bool,
              on_show: Callable[[int], None] | None = None) -> None:
    """Under a misconception's hint: where the worked solution does the step it concerns, and, while the solution
    is hidden, a button that shows just that step."""
    numbered = [(i, step) for i, step in enumerate(worked, start=1) if step.key == key]
    if not numbered:
        return
    i, step = numbered[0]
    if not hidden or key in steps_shown(scope):
        st.caption(f"Step {i} of the worked solution, *{step.title}*, does this.")
        return

    def show() -> None:
        show_step(scope, key)
        if on_show is not None:
            on_show(1)

    st.button(f"Show me Step {i} · {step.title}", icon=":material/lightbulb:", key=f"hint_{scope}_{key}",
              on_click=show)


#: The quantities each problem page compares between the two modes: (name in compare_modes, symbol).
COMPARED = {
    "forward-pass": (("A1", "A1"),),
    "output-gradient": (("delta2", "δ2"), ("dW2", "∂L/∂W2"), ("db2", "∂L/∂b2")),
    "hidden-gradient": (("delta1", "δ1"), ("dW1", "∂L/∂W1"), ("db1", "∂L/∂b1")),
}


def mode_comparison(page_id: str, sol: Solution, *, heading: str, differ: str, given: str) -> None:
    """A problem page's "as in the assignment vs. consistent" block: a sentence true of the numbers (they differ,
    or here they agree) and each compared quantity in both modes with their difference. ``sol`` is the page's own
    solution, so only the other mode is solved."""
    st.subheader(heading)
    comparisons = compare_modes(sol)
    compared = COMPARED[page_id]
    st.markdown(claims.modes_sentence([comparisons[name].difference for name, _ in compared], differ, given=given))
    for name, symbol in compared:
        if len(compared) > 1:
            st.markdown(f"**{symbol}**")
        compare(comparisons[name], symbol=symbol)


def compare(comparison: Comparison, *, symbol: str) -> None:
    """Both modes' values of one quantity and their difference, side by side where they fit."""
    wide, phone = steps.for_screen_sizes(lambda: steps.comparison(comparison.assignment, comparison.consistent,
                                                                  comparison.difference))
    forms = (("wide", wide), ("phone", phone)) if wide != phone else (("both", wide),)
    for form, lines in forms:
        with st.container(key=f"{form}-form-compare-{comparison.name}"):
            for line in lines:
                latex(line)
    st.caption(f"{symbol}: the difference is the assignment's value minus the value every step propagates.")


def results(shown: dict[str, Shown], *, stale: bool) -> None:
    """The page's result matrices, each as a heatmap and a table; ``stale``: an input is being fixed."""
    results_shown = {name: item for name, item in shown.items() if item.result}
    st.header("Results" if len(results_shown) > 1 else "Result")
    if stale:
        st.warning("Some cells need fixing (see the messages beside them): the results show the last valid "
                   "inputs.", icon=":material/history:")
    for name, item in results_shown.items():
        show_result(item.M, title=item.title, row_name=item.row_name, col_name=item.col_name, symbol=item.symbol,
                    key=f"heat_{name}", picker=item.picker)


def section(page: Page, column, shown: dict[str, Shown], worked: Sequence[Step], *, stale: bool,
            note: str = "", summary: Callable[[], None] | None = None) -> bool:
    """The solution part of a problem page.

    Presenter mode: the stepper alone (returns False: nothing more to draw). Otherwise the results in
    ``column`` (unless solutions are hidden), ``summary()`` drawn above them and ``note`` beneath them,
    and the worked solution below; returns whether the solution is shown, so the page can add its entry
    formulas and comparisons.
    """
    if page.presenter:
        present(page, worked, shown)
        return False
    with column:
        show = visible(page)
        if show:
            if summary is not None:
                summary()
            results(shown, stale=stale)
            if note:
                st.caption(note)
    st.header("Worked solution")
    if show:
        show_steps(worked)
    else:
        stepwise(page.page_id, worked, on_all=lambda: st.session_state.update({f"revealed_{page.page_id}": True}))
    return show


def worked_steps(page: Page, build: Callable[..., list[Step]], *args) -> list[Step]:
    """A page's worked solution, ``build(*args)``: laid out for a wide screen and a phone, or in presenter mode for
    the projector's larger math (lines as wide as its text size allows)."""
    if page.presenter:
        return steps.built_at(Projector(page.text_size).chars(0), build, *args)
    return steps.for_screens(build, *args)


GUESS = "presenter_guess"
GAP = 16  # pixels between a step's math and its heatmap


def _presenter_lines(equations: Sequence[str], width: int | None = None) -> list[str]:
    """A step's equations for the projector's larger math: each side-by-side line split into its parts and
    joined again as far as they fit in ``width`` characters (by default the projector's at 100 %)."""
    width = Projector().chars(0) if width is None else width
    lines = []
    for eq in equations:
        lines += steps.side_by_side(*eq.split(steps.SEP), width=width)
    return lines


def _parts(lines: Sequence[str], budget: int, last_budget: int,
           height: Callable[[str], int] = steps.height_px) -> list[list[str]]:
    """A step's equations cut into parts of at most ``budget`` pixels of height (``height`` of each line), the last at
    most ``last_budget`` (it shares the screen with the step's result): whole lines while they fit, and an
    aligned block too tall for the last part split between its rows. One part for a step that fits."""
    def total(piece_list: Sequence[str]) -> int:
        return sum(map(height, piece_list))

    pieces: list[str] = []
    for line in lines:
        rows = steps.aligned_rows(line)
        if rows is None or len(rows) == 1 or height(line) <= last_budget:
            pieces.append(line)
            continue
        # A row that continues the one before (an operand "&\qquad ∗ B" or "&\qquad + …") stays with it; a
        # part that starts with "&= …" gets the block's left-hand side again.
        units: list[list[str]] = []
        for row in rows:
            if units and row.startswith(r"&\qquad"):
                units[-1].append(row)
            else:
                units.append([row])
        lhs = rows[0].split("&=")[0].strip() if "&=" in rows[0] and not rows[0].startswith("&") else ""
        chunk: list[str] = []
        for unit in units:
            if chunk and height(steps.join_rows([*chunk, *unit])) > last_budget:
                pieces.append(steps.join_rows(chunk))
                chunk = []
            if not chunk and lhs and unit[0].startswith("&="):
                unit = [f"{lhs} {unit[0]}", *unit[1:]]
            chunk += unit
        pieces.append(steps.join_rows(chunk))
    parts: list[list[str]] = [[]]
    for piece in pieces:
        if parts[-1] and total([*parts[-1], piece]) > budget:
            parts.append([])
        parts[-1].append(piece)
    if total(parts[-1]) > last_budget:  # the result needs room: end with as much as fits beside it
        head, tail = parts[-1], []
        while head and (not tail or total([head[-1], *tail]) <= last_budget):
            tail.insert(0, head.pop())
        parts[-1:] = [head, tail] if head else [tail]
    return parts


def slides(worked: Sequence[Step], screen: Projector | None = None,
           reserve: Callable[[Step], int] = lambda step: 0) -> list[tuple[int, int, int, list[str]]]:
    """Presenter mode's pages: (index of the step, index of the part, the step's number of parts, its equations
    on this page), each fitting a 1280 × 720 projector at its text size with the math at its smallest size (at least
    28 px), with ``reserve(step)`` pixels kept below the math of the step's last part for its result (its heatmap)."""
    screen = screen or Projector()
    out = []
    for i, step in enumerate(worked):
        room = screen.room(step.note)
        parts = _parts(_presenter_lines(step.equations, screen.chars(0)), room, max(120, room - reserve(step)),
                       lambda line: screen.height(steps.height_px(line)))
        out += [(i, p, len(parts), part) for p, part in enumerate(parts)]
    return out


def presenter(worked: Sequence[Step], page: Page, reserve: Callable[[Step], int] = lambda step: 0,
              then: tuple[str, Callable[[], None]] | None = None,
              ask: Callable[[Step], None] | None = None) -> tuple[Step, bool, int]:
    """One step at a time, with Previous / Next (PageUp / PageDown on a clicker); returns the step shown, whether
    its result is shown, and the pixels of height its math left for it. A step too tall for a projector is shown in
    parts ("part 1 of 2"), its result with the last (see slides); the math is set as large as the step allows.

    The position is kept by the step's key (and part), so it survives reruns and a mode switch that adds or
    removes a step elsewhere, and in the address (present=1&step=k). With "Let the class guess" on, a step that
    computes something first shows its question; Next (or "Reveal the result") shows the result, and the next
    Next moves on. Going back shows a step whole. ``then``: what Next does on the last step instead of going on to
    the lecture's next page (see presenter.bar). ``ask``: draws, under a step being guessed, the instructor's
    button that asks it of a class session (classroom.live.offer_step).
    """
    screen = Projector(page.text_size)
    key_name = f"step_{page.page_id}"
    pages = slides(worked, screen, reserve)
    shown = [deck.Slide(f"{worked[i].key}:{p}", i + 1, worked[i].title, p + 1, parts) for i, p, parts, _ in pages]
    index = deck.position(page.page_id, shown)
    step_index, part, parts, equations = pages[index]
    step = worked[step_index]
    last_part = part == parts - 1
    guessing = bool(st.session_state.get(GUESS, False))
    revealed = st.session_state.get(f"{key_name}_revealed", False)
    hidden = guessing and step.question is not None and not revealed and part == 0

    def move(delta: int) -> None:
        if delta > 0 and hidden:
            st.session_state[f"{key_name}_revealed"] = True
            return
        deck.go(page.page_id, shown, index + delta)
        st.session_state[f"{key_name}_revealed"] = delta < 0

    deck.bar(page, shown, index, move=move, held=hidden, then=then, options=lambda: st.toggle(
        "Let the class guess", key=GUESS,
        help="Show each step's question first; the next click (or PageDown) reveals the result."))
    lines = _presenter_lines(step.question, screen.chars(0)) if hidden else equations
    room = screen.room(step.note) - (reserve(step) if last_part and not hidden else 0)
    level = screen.level(lines, room)
    with st.container(key=f"{projector.MATH_KEYS[level]}math", gap="small"):
        for line in lines:
            latex(line, size="")
    left = screen.room(step.note) - screen.lines_height(lines, level)
    if hidden:
        st.button("Reveal the result", icon=":material/visibility:", on_click=move, args=(1,),
                  key="presenter_reveal", help="Or press Next, PageDown, → or Space")
        if ask is not None:
            ask(step)
    elif step.note and last_part:
        deck.note(step.note)
    return step, not hidden and last_part, left


def present(page: Page, worked: Sequence[Step], shown: dict[str, Shown],
            then: tuple[str, Callable[[], None]] | None = None) -> None:
    """Presenter mode: one step at a time, fitted to a projector, and the matrix that step computes with
    its cells outlined (once its result is shown), as tall as the step leaves room for; ``then``: see presenter."""
    # charts grow with the text only up to 120 %: their labels stay above 16 px, and at 150 % a step keeps its heatmap
    scale = min(Projector(page.text_size).scale, 1.2)

    def least(step: Step) -> int:
        """The least height of the step's heatmap, and the gap above it."""
        if step.focus is None or step.focus[0] not in shown:
            return 0
        item = shown[step.focus[0]]
        rows, cols = np.atleast_2d(item.M).shape
        return figures.heatmap_height(rows, item.col_name, cols, scale) + GAP

    def ask(step: Step) -> None:
        # imported here: the class session's database layer (SQLAlchemy) is needed only under a step being guessed,
        # not by every problem page's first import (about 0.18 s on a hosted demo's cold start)
        from dashboard.classroom import live

        if step.focus is not None and step.focus[0] in shown:
            live.offer_step(page.page_id, step, shown[step.focus[0]])

    step, result_shown, left = presenter(worked, page, reserve=least, then=then, ask=ask)
    if result_shown and step.focus is not None and step.focus[0] in shown:
        name, cells = step.focus
        item = shown[name]
        rows = np.atleast_2d(item.M).shape[0]
        # as tall as the math leaves room for, up to 60 px more per row: a larger heatmap reads from further away
        smallest = least(step) - GAP
        height = min(max(left - GAP, smallest), smallest + round(60 * rows * scale))
        heatmap(item.M, title=item.title, row_name=item.row_name, col_name=item.col_name, symbol=item.symbol,
                key=f"present_{name}", highlight=cells, height=int(height), scale=scale, theme=page.theme)


def revealed(page: Page) -> bool:
    """Whether the solution may be shown (hidden solutions off, or revealed on this page), without drawing
    the reveal button (``visible`` draws it)."""
    return not page.hide_solutions or page.presenter or bool(st.session_state.get(f"revealed_{page.page_id}"))


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
