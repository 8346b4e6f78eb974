"""The dashboard in a real browser: `streamlit run` + headless Debian Chromium driven by Playwright.

    .venv/bin/python -m pytest tests/e2e -q          # skipped without a browser, unless CI is set

One server and one browser serve every test (see conftest.py). The first request after the server
starts is the deep link of test (a), made by the `app` fixture before any test runs. The page tour (b),
the cell edit (c), the training page (e) and the sidebar-session test (f) share one tab that moves
through the sidebar (a fresh page load costs 5–10 s of Chromium CPU on a 2-core machine, a sidebar link
1–3 s); the hostile-link tests (d) each load a fresh tab, i.e. a new Streamlit session. Full-page
screenshots land in tests/e2e/screenshots/.
"""
from __future__ import annotations

import time
import urllib.parse

import numpy as np
import pytest

from .conftest import FIRST_PATH, SIDEBAR_LINKS, numbers

pytestmark = pytest.mark.e2e

#: URL path → (the start of its h1, Plotly charts it draws at least, has KaTeX math)
PAGES = {
    "": ("Backpropagation from scratch", 1, True),
    "why-backprop": ("Problem 1", 2, True),
    "forward-pass": ("Problem 2", 2, True),
    "output-gradient": ("Problem 3", 1, True),
    "hidden-gradient": ("Problem 4", 2, True),
    "weight-update": ("Problem 5", 4, True),
    "practice": ("Practice", 0, True),
    "training": ("Training lab", 3, True),
    "gradient-check": ("Gradient check", 2, True),
    "teach": ("Teach", 0, False),  # locked: the instructor key's form
    "class": ("Class", 0, False),  # the join form
}
ALL_LINKS = set(PAGES)
Z1 = "Z1 = X·W1 + b1"
HOSTILE = {
    "script": "<script>window.__pwned=1</script>",
    "img-onerror": "<img src=x onerror=window.__pwned=1>",
}


def assert_close(labels: list[str], expected: list[float], what: str) -> None:
    got = numbers(labels)
    assert len(got) == len(expected) and all(abs(g - e) < 5e-4 for g, e in zip(got, expected, strict=True)), (
        f"{what}: expected {expected}, the heatmap shows {labels}")


def h1_texts(page) -> list[str]:
    return [t.strip() for t in page.locator("h1").all_inner_texts()]


def sidebar_link(page, path: str):
    return page.locator(SIDEBAR_LINKS).and_(page.locator(f"[href='{path}']"))


def open_via_sidebar(app, page, path: str, *, charts: int = 0, h1: str = "") -> None:
    """Client-side navigation: click the sidebar's st.page_link, as a reader does."""
    link = sidebar_link(page, path)
    assert link.count() == 1, f"no sidebar link to /{path}"
    link.click()
    page.wait_for_url(lambda url: urllib.parse.urlsplit(url).path.strip("/") == path, timeout=30_000)
    if h1:
        page.locator("h1", has_text=h1).first.wait_for(timeout=30_000)
    app.settle(page)
    app.wait_charts(page, charts)


def selected_mode(page) -> str:
    return page.locator("[data-testid='stSidebar'] [data-testid='stRadioOption'][data-selected='true']").inner_text()


# --- (a) the first request after the server starts is a deep link -----------------------------------


def test_first_request_is_a_deep_link(app):
    """A shared link (a sleeping hosted app's first request) gets its page, in the full frame."""
    seen = app.first_visit
    assert "error" not in seen, f"the first request {FIRST_PATH!r} did not render: {seen['error']}"
    assert "Problem 2 · The forward pass" in seen["h1"], seen["h1"]
    assert set(seen["links"]) == ALL_LINKS, f"sidebar links {seen['links']}, expected all of {sorted(ALL_LINKS)}"
    assert len(seen["links"]) == len(ALL_LINKS)
    assert_close(seen["z1"], [0.9, 1.2], "Z1 for X=1,1")
    assert "Page not found" not in seen["text"]
    assert not seen["exceptions"], seen["exceptions"]
    assert seen["katex"] > 0
    assert not seen["dialogs"]


# --- (b) every page renders; (c), (e) and (f) continue in the same session ---------------------------


@pytest.fixture(scope="module")
def tour(app):
    """One tab, one Streamlit session, that moves between pages through the sidebar.

    A fresh document costs this 2-core machine 5–10 s of CPU in Chromium (Streamlit's bundle, Plotly,
    KaTeX); a sidebar link costs 1–3 s. Tests on the tour navigate to the page they need and put back
    what they change (the example's numbers, the mode), so each one also runs on its own.
    """
    tab = app.new_page()
    app.goto(tab, "")
    yield tab
    tab.close()


def go(app, tab, path: str) -> None:
    h1, charts, _ = PAGES[path]
    if urllib.parse.urlsplit(tab.url).path.strip("/") != path:
        open_via_sidebar(app, tab, path, charts=charts, h1=h1)
    app.settle(tab)
    app.wait_charts(tab, charts)


@pytest.mark.parametrize("path", [p for p in PAGES if p != "training"], ids=lambda p: p or "overview")
def test_page_renders(app, tour, path):
    """No exception, math typeset, the expected charts. (The training page: test_training_page_trains.)"""
    h1, charts, has_math = PAGES[path]
    go(app, tour, path)
    app.screenshot(tour, f"page-{path or 'overview'}")
    assert not app.exceptions(tour), app.exceptions(tour)
    titles = h1_texts(tour)
    assert titles, "the page has no title"
    if h1:
        assert any(t.startswith(h1) for t in titles), titles
    if has_math:
        assert tour.locator(".katex").count() > 0, "no KaTeX-rendered math on the page"
    assert tour.locator(".js-plotly-plot").count() >= charts
    if path == "":
        nodes = tour.locator(".js-plotly-plot .textpoint").all_text_contents()
        assert {"x1", "h1", "out 1", "L"} <= set(nodes), f"the network graph is missing: {nodes}"
    assert tour.locator(SIDEBAR_LINKS).count() == len(PAGES)
    assert "Page not found" not in tour.inner_text("body")
    assert not app.dialogs[tour]


def type_into_cell(page, editor, row: int, rows: int, value: str) -> None:
    """Double-click a cell of the last column of a glide-data-grid canvas, type `value`, press Enter.

    The grid is a canvas: the cell is found from the canvas's box (a header row and `rows` data rows of
    equal height; the last column ends at the right edge). The overlay editor is `#portal .gdg-input`.
    """
    overlay = page.locator("#portal .gdg-input")
    for _ in range(3):
        box = editor.locator("canvas").first.bounding_box()
        row_height = box["height"] / (rows + 1)
        page.mouse.dblclick(box["x"] + box["width"] - 20, box["y"] + row_height * (row + 1.5))
        try:
            overlay.wait_for(state="visible", timeout=3000)
            break
        except Exception:
            page.keyboard.press("Escape")
    else:
        raise AssertionError("the grid's cell editor did not open")
    overlay.fill(value)
    overlay.press("Enter")


def test_editing_a_cell_updates_the_heatmap(app, tour):
    """Type into the canvas grid of X: X = (2, 3) → (2, 1) makes Z1 = (1.0, 1.4)."""
    go(app, tour, "forward-pass")
    assert_close(app.heatmap(tour, Z1), [1.6, 2.2], "default Z1")
    editor = tour.locator("[data-testid='stDataFrame']").first
    cell = editor.locator("#glide-cell-2-0")  # the accessible copy of the grid: column 2 (input 2), row 0
    assert cell.inner_text().strip() == "3", "the first editor is not X = (2, 3)"
    try:
        type_into_cell(tour, editor, row=0, rows=1, value="1")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and numbers(app.heatmap_now(tour, Z1) or []) == [1.6, 2.2]:
            time.sleep(0.2)
        app.settle(tour)
        app.screenshot(tour, "edited-forward-pass")
        assert cell.inner_text().strip() == "1", "the edit did not reach the grid"
        assert_close(app.heatmap(tour, Z1), [1.0, 1.4], "Z1 after X[1,2] = 1")
        assert not app.exceptions(tour)
    finally:  # the example is shared by every page of the session: put the assignment's numbers back
        tour.get_by_role("button", name="Reset to the assignment's numbers").click()
        app.settle(tour)
    assert_close(app.heatmap(tour, Z1), [1.6, 2.2], "Z1 after Reset")


def _z1(x2: float) -> list[float]:
    """Z1 for X = (2, x2) and the assignment's W1 and b1, by numpy."""
    return list((np.array([[2.0, x2]]) @ np.array([[0.1, 0.2], [0.3, 0.4]]) + np.array([0.5, 0.6]))[0])


def _wait_for(app, page, check, what: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            app.settle(page)
            if check():
                return
        time.sleep(0.2)
    raise AssertionError(f"{what}: not seen within {timeout_s} s")


def test_typed_numbers_are_used_exactly_or_refused_by_name(app, tour):
    """Type into X[1,2] on /forward-pass what students type: each accepted notation gives the Z1 numpy gives for
    that X (and the page says how it read it); each refused entry gets a message naming the cell, what was typed
    and why, and Z1 stays; an edit back to the loaded value takes effect."""
    go(app, tour, "forward-pass")
    editor = tour.locator("[data-testid='stDataFrame']").first
    grid_cell = editor.locator("#glide-cell-2-0")  # the grid's accessible copy of X[1,2]
    cell = "X, row 1 (sample 1), column 2 (input 2)"

    def type_x12(text: str) -> None:
        """Type into X[1,2] and wait until the grid holds it (a double-click the canvas missed is retried)."""
        for _ in range(3):
            type_into_cell(tour, editor, row=0, rows=1, value=text)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if grid_cell.inner_text().strip() == text.strip():
                    return
                time.sleep(0.1)
        raise AssertionError(f"the grid does not show {text!r} after typing it: {grid_cell.inner_text()!r}")

    def z1_is(expected):
        return lambda: (shown := app.heatmap_now(tour, Z1)) and all(
            abs(g - e) < 1e-3 * max(1, abs(e)) for g, e in zip(numbers(shown), expected, strict=True))  # 4 digits shown

    def alerts():
        return tour.locator("[data-testid='stAlert']").all_inner_texts()

    try:
        for typed, value, read in [("1e-3", 1e-3, "X is read as (2, 0.001)."), ("\u22120.5", -0.5,
                                   "X is read as (2, -0.5)."), ("+2", 2.0, "X is read as (2, 2)."),
                                   (" 3 ", 3.0, "X is read as (2, 3).")]:
            type_x12(typed)
            _wait_for(app, tour, z1_is(_z1(value)), f"Z1 after typing {typed!r}")
            assert read in tour.inner_text("body"), f"no {read!r} after typing {typed!r}"
            assert not any(cell in a for a in alerts())
        last = _z1(3.0)
        # An emptied cell is typed as a space: Streamlit's grid sometimes sends no edit at all when a text
        # cell is cleared to nothing (the cell then keeps its old text, and the app what the grid shows).
        for typed, reason in [("1,5", "uses a decimal comma"), ("abc", "is not a number"), (" ", "is empty"),
                              ("1e309", "too large for a 64-bit float")]:
            type_x12(typed)
            _wait_for(app, tour, lambda: any(cell in a and reason in a for a in alerts()),  # noqa: B023
                      f"the message for {typed!r} among {alerts()}")
            assert z1_is(last)(), f"Z1 changed after the refused {typed!r}: {app.heatmap_now(tour, Z1)}"
            if typed.strip():
                assert any(f"“{typed}”" in a for a in alerts()), alerts()
        app.screenshot(tour, "refused-entry-forward-pass")
        # the loaded value of X[1,2] is 3: away from it and back again, each edit counts
        for typed, value in [("1", 1.0), ("3", 3.0)]:
            type_x12(typed)
            _wait_for(app, tour, z1_is(_z1(value)), f"Z1 after typing {typed!r}")
        assert not app.exceptions(tour)
    finally:
        tour.get_by_role("button", name="Reset to the assignment's numbers").click()
        app.settle(tour)
    assert_close(app.heatmap(tour, Z1), [1.6, 2.2], "Z1 after Reset")


def test_sidebar_navigation_keeps_the_session(app, tour):
    """Switch to consistent numbers on one page, follow a sidebar link: still consistent, same session."""
    sidebar_radio = "[data-testid='stSidebar'] [data-testid='stRadioOption']"
    go(app, tour, "output-gradient")
    assert selected_mode(tour).startswith("As in the assignment")
    try:
        tour.locator(sidebar_radio, has_text="Consistent").click()
        tour.locator(f"{sidebar_radio}[data-selected='true']", has_text="Consistent").wait_for()
        app.settle(tour)
        tour.evaluate("() => { window.__sameDocument = 'yes'; }")
        open_via_sidebar(app, tour, "hidden-gradient", charts=2, h1="Problem 4")
        assert tour.evaluate("() => window.__sameDocument") == "yes", "the link reloaded the page (a new session)"
        assert selected_mode(tour).startswith("Consistent"), selected_mode(tour)
        # the server-side session has the mode too: δ1 is propagated, the assignment's given one is not shown
        titles = tour.locator(".js-plotly-plot .gtitle").all_text_contents()
        assert "δ1 = (δ2·W2ᵀ) ∗ σ′(Z1)" in titles, titles
        assert not any(t.startswith("δ1 as the assignment gives it") for t in titles), titles
        assert "mode=consistent" in tour.url
        assert not app.exceptions(tour)
    finally:
        tour.locator(sidebar_radio, has_text="As in the assignment").click()
        app.settle(tour)
    assert selected_mode(tour).startswith("As in the assignment")


def test_training_page_trains(app, tour):
    """With default settings the page trains without a click on it and draws its curves."""
    link = sidebar_link(tour, "training")
    link.click()
    tour.wait_for_url(lambda url: urllib.parse.urlsplit(url).path.strip("/") == "training")
    try:
        app.settle(tour, timeout_s=90)
        app.wait_charts(tour, PAGES["training"][1], timeout_s=60)
    finally:
        app.screenshot(tour, "page-training")
    assert not app.exceptions(tour), app.exceptions(tour)
    assert tour.locator(".js-plotly-plot").count() >= 3
    assert "Page not found" not in tour.inner_text("body")
    assert not app.dialogs[tour]


# --- (d) hostile query parameters: each a fresh session --------------------------------------------


@pytest.mark.parametrize("payload", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_query_parameter_is_ignored(app, page, payload):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    app.goto(page, "forward-pass?W1=" + urllib.parse.quote(payload, safe=""), charts=2)
    app.screenshot(page, f"hostile-W1-{next(k for k, v in HOSTILE.items() if v == payload)}")
    alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert any("W1" in a for a in alerts), f"no warning naming W1 among {alerts}"
    assert not any("<script" in a or "onerror" in a or "__pwned" in a for a in alerts), "the warning echoes the value"
    assert_close(app.heatmap(page, Z1), [1.6, 2.2], "Z1 with W1 ignored")
    assert page.evaluate("() => typeof window.__pwned") == "undefined", "the payload ran"
    assert not page.evaluate("() => Array.from(document.scripts).some(s => s.textContent.includes('__pwned'))"), \
        "the <script> was injected"
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0, "the <img> was injected"
    assert not app.dialogs[page], app.dialogs[page]
    assert not app.exceptions(page)
    assert not [e for e in errors if "__pwned" in e], errors


def test_clicking_a_gradient_cell_writes_out_its_chain_rule(app, tour):
    """A click on a heatmap cell opens that entry's scalar sum (the cell picker follows the click)."""
    go(app, tour, "output-gradient")
    chart = tour.locator(".js-plotly-plot", has=tour.locator(".gtitle", has_text="∂L/∂W2 = A1ᵀ·δ2")).first
    box = chart.locator(".nsewdrag").first.bounding_box()
    tour.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)  # hidden unit 2, output 2
    formula = tour.locator(".katex-mathml annotation", has_text=r"\partial W_2[2,2]")
    formula.first.wait_for(state="attached", timeout=20_000)
    app.settle(tour)
    assert r"0.95 \times (-0.3)" in formula.first.text_content()
    assert not app.exceptions(tour)


def test_clicking_an_edge_of_the_network_writes_out_its_chain_rule(app, tour):
    """On the overview's graph, a click on the edge from h2 to out 2 opens ∂L/∂W2[2,2] (as a heatmap cell does)."""
    go(app, tour, "")
    graph = tour.locator(".js-plotly-plot", has=tour.locator(".textpoint", has_text="out 1")).first
    # the clickable markers are the last trace, one per weight and bias: W1 (4), b1 (2), W2 (4), b2 (2)
    point = graph.locator(".scatterlayer .trace").last.locator(".point").nth(4 + 2 + 3)
    box = point.bounding_box()
    tour.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    formula = tour.locator(".katex-mathml annotation", has_text=r"\partial W_2[2,2]")
    formula.first.wait_for(state="attached", timeout=20_000)
    app.settle(tour)
    assert r"0.95 \times (-0.3)" in formula.first.text_content()
    assert not app.exceptions(tour)
