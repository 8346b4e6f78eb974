"""Helpers of the class-session browser tests (test_class.py, test_class_replicas.py): the instructor unlocks /teach,
starts a session and asks the default question; a student joins from the link, types an answer into the grids and
submits; and what each of them then sees (the instructor's counts and misconceptions, a student's stored answer).

Answers are built from the app's own problem and mistakes (backprop.practice), so that a right answer is right and a
named mistake is named by the same code that marks them.
"""
from __future__ import annotations

import numpy as np

from backprop.practice import ASSIGNMENT_SIZE, expected_and_candidates, make_problem
from dashboard.classroom import answers

from .conftest import App, wait_until

#: The question /teach asks by default (the forward pass, seed 1, the assignment's size).
DEFAULT = make_problem(answers.DEFAULT_KIND, ASSIGNMENT_SIZE, answers.DEFAULT_SEED)
#: The instructor's chart of misconceptions (its title), read for the ranking.
MISCONCEPTIONS_CHART = "Students whose answer shows it"
STORED = "Your answer (attempt {attempt}, stored)"

# Each Plotly chart's bars (label → count) under the title given, or null while Plotly has not drawn it.
_BARS_JS = """(title) => {
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const t = plot.querySelector('.gtitle');
    if (t && t.textContent.trim() === title && plot.data && plot.data.length) {
      return plot.data[0].y.map((label, i) => [label, plot.data[0].x[i]]);
    }
  }
  return null;
}"""


def typed(matrix) -> list[list[str]]:
    """A matrix as a student types it: three significant figures (what the answer keys print)."""
    return [[f"{v:.3g}" for v in row] for row in np.atleast_2d(matrix)]


def answer_with(mistake: str | None = None) -> dict[str, list[list[str]]]:
    """What a student types for the default question: the right Z1 and A1, or Z1 with ``mistake`` (a key of
    backprop.mistakes.MISTAKES among Z1's) and the A1 that follows from it."""
    Z1 = DEFAULT.answers[0].value
    if mistake is not None:
        Z1 = expected_and_candidates(DEFAULT, "Z1")[1][mistake]
    return {"Z1": typed(Z1), "A1": typed(1 / (1 + np.exp(-Z1)))}


# --- the instructor ------------------------------------------------------------------------------------------


def unlock(app: App, page, key: str) -> None:
    app.goto(page, "teach")
    page.get_by_role("textbox", name="Instructor key").fill(key)
    page.get_by_role("button", name="Unlock").click()
    page.get_by_role("button", name="Lock this page again").wait_for()
    app.settle(page)


def start_and_ask(app: App, page) -> tuple[str, str]:
    """Start a class session and ask the default question; (join code, join link) as /teach shows them."""
    page.get_by_role("button", name="Start a class session").click()
    page.get_by_role("button", name="Ask this question").wait_for()
    app.settle(page)
    page.get_by_role("button", name="Ask this question").click()
    page.get_by_role("button", name="Close question").wait_for()
    app.settle(page)
    heading = next(h for h in page.locator("h2").all_inner_texts() if h.startswith("Class session "))
    code = heading.removeprefix("Class session ").strip()
    link = next(c.strip() for c in page.locator("[data-testid='stCode']").all_inner_texts() if "/class?join=" in c)
    return code, link


def metrics(page) -> dict[str, str]:
    """The live view's numbers, label → value as shown."""
    out = {}
    for metric in page.locator("[data-testid='stMetric']").all():
        label = metric.locator("[data-testid='stMetricLabel']").inner_text().strip()
        out[label] = metric.locator("[data-testid='stMetricValue']").inner_text().strip()
    return out


def ranking(page) -> list[tuple[str, int]] | None:
    """The misconceptions as the instructor's chart ranks them, most frequent first (None before any)."""
    bars = page.evaluate(_BARS_JS, MISCONCEPTIONS_CHART)
    return None if bars is None else [(label, int(count)) for label, count in reversed(bars)]


# --- a student -----------------------------------------------------------------------------------------------


def open_link(page, link: str) -> None:
    """Start loading the join link without waiting for it: several students' pages then load side by side."""
    page.goto(link, wait_until="commit")


def join(app: App, page, name: str = "") -> None:
    """On the join form the link opened: type ``name`` and click Join (without waiting for the question)."""
    page.get_by_role("button", name="Join").wait_for()
    app.settle(page)
    if name:
        page.get_by_role("textbox", name="Display name (optional)").fill(name)
    page.get_by_role("button", name="Join").click()


def joined(app: App, page) -> str:
    """Wait until the page shows the question to answer; returns the resume token it put in the address."""
    page.wait_for_function("() => new URLSearchParams(location.search).has('me')")
    page.get_by_role("button", name="Submit").wait_for()
    app.settle(page)
    return token(page)


def token(page) -> str:
    return page.evaluate("() => new URLSearchParams(location.search).get('me')")


def grid_cells(grid) -> list[str]:
    """The data cells of a one-row grid, from its accessible copy (the grid itself is a canvas)."""
    return [t.strip() for t in grid.locator("[id^='glide-cell']").all_inner_texts()][1:]  # [0] is the row label


def paste_row(page, grid, values: list[str]) -> None:
    """Paste ``values`` into the one row of a canvas grid as a spreadsheet's row (tab-separated): click its last
    cell, step left to the first, paste. One edit for the whole row, as when a student pastes from a calculator;
    the page's context needs clipboard permissions."""
    grid.scroll_into_view_if_needed()
    box = grid.locator("canvas").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 20, box["y"] + box["height"] * 0.75)  # below the header row
    for _ in values[1:]:
        page.keyboard.press("ArrowLeft")
    page.evaluate("(text) => navigator.clipboard.writeText(text)", "\t".join(values))
    page.keyboard.press("Control+V")


def fill_answer(app: App, page, values: dict[str, list[list[str]]]) -> None:
    """Put a whole answer (one row per grid) into the page's answer grids and check that each grid holds it. The
    last grid first: filling a grid changes the caption under it, which moves the grids below."""
    grids = page.locator("[data-testid='stDataFrame']")
    for index in reversed(range(len(values))):
        row, grid = list(values.values())[index][0], grids.nth(index)
        for _ in range(4):  # a click that landed while a rerun moved the grid is tried again
            paste_row(page, grid, row)
            try:
                wait_until(lambda: grid_cells(grid) == row, 3, f"grid {index + 1} holding {row}")  # noqa: B023
                break
            except AssertionError:
                page.keyboard.press("Escape")
                app.settle(page, quiet_polls=2)
        assert grid_cells(grid) == row, f"grid {index + 1} holds {grid_cells(grid)}, not {row}"
    wait_until(lambda: page.get_by_role("button", name="Submit").is_enabled(), 15, "Submit enabled")


def stored_heading(page) -> str | None:
    """The heading over the student's stored answer ("Your answer (attempt 1, stored)"), or None."""
    return next((h for h in page.locator("h3").all_inner_texts() if h.startswith("Your answer (attempt")), None)
