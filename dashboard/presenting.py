"""Presenter mode's plain rules: its place in an address, the lecture's order, and how much fits a projector.

- An address keeps where the presenter is: ``present=1&step=k`` (and ``part=p`` for a step shown in parts), with
  the projector's text size (``textsize=125``) and theme (``theme=dark``) when they are not the defaults, so that a
  reload or a prepared link opens where the instructor was. ``place_from_params`` reads them, never echoing a
  value it refuses; ``params_from_place`` writes them.
- LECTURE is the order the pages are given in; the last step of one offers the next.
- ``Projector`` says how large presenter mode sets its math at a text size and how much of it fits a 1280 × 720
  screen, in the units ``dashboard.steps`` measures equations in (characters across, pixels down).

Pure functions (no streamlit here).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dashboard import steps

#: The pages presenter mode can show, in the order a lecture takes them (/teach, the instructor's own page, is not
#: projected: it holds the answer keys).
LECTURE = ("overview", "why-backprop", "forward-pass", "output-gradient", "hidden-gradient", "weight-update",
           "practice", "training", "gradient-check")
#: The text sizes a projector offers, in per cent of the page's own.
TEXT_SIZES = (100, 125, 150)
#: The projector's themes: the page's own, light text on a dark ground, and black on white with nothing grey.
THEMES = {"light": "Light", "dark": "Dark", "contrast": "High contrast"}
DEFAULT_SIZE, DEFAULT_THEME = 100, "light"
#: The query parameters presenter mode owns.
PARAMS = ("present", "step", "part", "textsize", "theme")


@dataclass(frozen=True)
class Place:
    """What a link says about presenter mode: None where it says nothing (the session keeps its own)."""

    present: bool | None = None
    step: int | None = None
    part: int | None = None
    size: int | None = None
    theme: str | None = None
    warnings: tuple[str, ...] = ()


def _whole(text: str) -> int | None:
    text = str(text).strip()
    return int(text) if text.isdigit() and len(text) <= 4 and int(text) >= 1 else None


def place_from_params(params: Mapping[str, str]) -> Place:
    """Presenter mode's parameters of a link (``present``, ``step``, ``part``, ``textsize``, ``theme``), with a warning
    naming each one that cannot be used (its value is never quoted)."""
    warnings = []
    present = None
    if "present" in params:
        if str(params["present"]) in ("0", "1"):
            present = params["present"] == "1"
        else:
            warnings.append("Ignored the link's present: it must be 1 (presenter mode) or 0.")
    numbers = {}
    for name in ("step", "part"):
        if name in params:
            numbers[name] = _whole(params[name])
            if numbers[name] is None:
                warnings.append(f"Ignored the link's {name}: it must be a whole number from 1.")
    size = None
    if "textsize" in params:
        size = _whole(params["textsize"])
        if size not in TEXT_SIZES:
            size = None
            warnings.append(f"Ignored the link's textsize: it must be one of {', '.join(map(str, TEXT_SIZES))} "
                            "(per cent).")
    theme = None
    if "theme" in params:
        theme = str(params["theme"]) if params["theme"] in THEMES else None
        if theme is None:
            warnings.append(f"Ignored the link's theme: it must be one of {', '.join(THEMES)}.")
    return Place(present, numbers.get("step"), numbers.get("part"), size, theme, tuple(warnings))


def params_from_place(present: bool, step: int | None = None, part: int | None = None, *,
                      size: int = DEFAULT_SIZE, theme: str = DEFAULT_THEME) -> dict[str, str]:
    """The query parameters of a presenter's place: none when not presenting; ``part`` only beyond the first, the
    size and theme only when they are not the defaults."""
    if not present:
        return {}
    params = {"present": "1"}
    if step is not None:
        params["step"] = str(step)
        if part is not None and part > 1:
            params["part"] = str(part)
    if size != DEFAULT_SIZE:
        params["textsize"] = str(size)
    if theme != DEFAULT_THEME:
        params["theme"] = theme
    return params


def next_in_lecture(page_id: str) -> str | None:
    """The page a lecture takes after ``page_id`` (None after the last, or for a page not in it)."""
    if page_id not in LECTURE:
        return None
    i = LECTURE.index(page_id)
    return LECTURE[i + 1] if i + 1 < len(LECTURE) else None


# --- how much fits a projector -------------------------------------------------------------------------------------

#: The math sizes presenter mode sets, in em of the page's text (17 px at 100 %): 29 px, 35 px and 42 px at 100 %.
#: The smallest is at least 28 px, readable from the back of a lecture room; the larger ones are used when a step
#: leaves room for them.
MATH_EM = (1.7, 2.05, 2.45)
BASE_PX = 17.0
#: The main column's width at 1280 px with the sidebar collapsed (measured in Chromium: 1280 minus 2 × 5 rem).
SCREEN_WIDTH, SCREEN_HEIGHT, SIDE_PADDING_REM = 1280, 720, 5.0
#: The width of one visible character (steps.visible_width) in em of the math: 0.56 on average over the worked steps'
#: equations, at most 0.69 (measured in Chromium); lines are fitted to the wide end.
CHAR_EM = 0.68
#: steps.height_px measures equations at \large in the page (24.7 px math), with 18 px of the page's margins around
#: each; presenter mode sets its lines closer, about 6 px apart (measured in Chromium).
MEASURED_PX, MEASURED_MARGIN_PX, LINE_GAP_PX = 24.7, 18, 6
#: What presenter mode shows above a step's math at 100 % (the app's header, the page title, the step bar and the
#: step's heading) and the margin kept below the last line, in pixels (measured in Chromium: the math starts at 182).
ABOVE_PX, BELOW_PX = 184, 20
#: A slide's one-line remark (dashboard.presenter.note): 1.35 rem but at most 28 px (at 150 % a long remark would
#: crowd out the step's result), bold; about half an em per character.
NOTE_EM, NOTE_MAX_PX, NOTE_CHAR_EM, NOTE_LINE = 1.35, 28, 0.5, 1.3


@dataclass(frozen=True)
class Projector:
    """A 1280 × 720 screen with text at ``size`` per cent."""

    size: int = DEFAULT_SIZE

    @property
    def scale(self) -> float:
        return self.size / 100

    def math_px(self, level: int = 0) -> float:
        """The math's font size in pixels at ``level`` (0: the smallest, MATH_EM)."""
        return MATH_EM[level] * BASE_PX * self.scale

    @property
    def width_px(self) -> float:
        return SCREEN_WIDTH - 2 * SIDE_PADDING_REM * BASE_PX * self.scale

    def chars(self, level: int = 0) -> int:
        """How many characters (steps.visible_width) of math at ``level`` fit across the screen."""
        return math.floor(self.width_px / (CHAR_EM * self.math_px(level)))

    def height(self, measured_px: float, level: int = 0) -> int:
        """The height on this screen of an equation steps.height_px gives as ``measured_px``, with the gap after it."""
        return math.ceil((measured_px - MEASURED_MARGIN_PX) * self.math_px(level) / MEASURED_PX
                         + LINE_GAP_PX * self.scale)

    def note_px(self, text: str) -> int:
        """The height of a slide's remark ``text`` (none for an empty one), with the gap above it."""
        if not text:
            return 0
        font = min(NOTE_EM * BASE_PX * self.scale, NOTE_MAX_PX)
        lines = math.ceil(len(text) * NOTE_CHAR_EM * font / self.width_px)
        return math.ceil(lines * NOTE_LINE * font + 0.5 * BASE_PX * self.scale)

    def room(self, note: str = "") -> int:
        """The pixels of height a step's math (and its result) may take below the step's heading, with ``note``
        beneath them."""
        return int(SCREEN_HEIGHT - ABOVE_PX * self.scale - BELOW_PX - self.note_px(note))

    def level(self, lines: Sequence[str], room: int) -> int:
        """The largest of presenter mode's math sizes (MATH_EM) at which ``lines`` (LaTeX) fit across the screen and
        within ``room`` pixels of height (0, the smallest, when none does: slides are cut to fit it)."""
        widths = [steps.visible_width(row) for line in lines for row in (steps.aligned_rows(line) or [line])]
        for level in (2, 1):
            tall = sum(self.height(steps.height_px(line), level) for line in lines)
            if max(widths, default=0) <= self.chars(level) and tall <= room:
                return level
        return 0

    def lines_height(self, lines: Sequence[str], level: int = 0) -> int:
        """The height of ``lines`` (LaTeX) set at ``level``."""
        return sum(self.height(steps.height_px(line), level) for line in lines)
