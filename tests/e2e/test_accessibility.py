"""Every page for every reader: axe-core (the engine behind browsers' own accessibility audits) on every page
at 1400 px and on a 390 px phone, in both modes, with solutions hidden and revealed and in presenter mode (every
page of the lecture, and the projector's dark and high-contrast themes);
no page wider than a phone; a screenshot of every page at both sizes.

axe-core comes with the axe-playwright-python package (no download at test time). A serious or critical
violation fails the test, apart from one Streamlit quirk listed in the README: the label of a disabled widget
is drawn in a light grey that fails colour contrast (WCAG exempts disabled controls).
"""
from __future__ import annotations

import pytest

from dashboard.nav import PAGES
from dashboard.presenting import LECTURE

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

#: URL path of every page ("" is the overview).
PATHS = [path.removeprefix("pages/").split("_", 1)[-1].removesuffix(".py") if path != "app.py" else ""
         for path, *_ in PAGES]
PROBLEMS = ["forward-pass", "output-gradient", "hidden-gradient", "weight-update"]
SIZES = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}

# True when the element is part of a disabled widget (its label included).
_DISABLED_JS = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return false;
  const widget = el.closest('[data-testid^="stWidget"], [class*="stSlider"], [class*="stSelectbox"], '
                            + '[class*="stNumberInput"], [class*="stTextInput"], [class*="stRadio"], '
                            + '[class*="stCheckbox"], [class*="stToggle"], .stElementContainer');
  return !!(widget && widget.querySelector('[disabled], [aria-disabled="true"]'));
}"""

# Elements that stick out to the right of a phone's screen without a scrolling box around them.
_OVERFLOW_JS = """() => {
  const vw = window.innerWidth;
  const main = document.querySelector('[data-testid="stMain"]') || document.documentElement;
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= vw + 1) continue;
    let box = el.parentElement, held = false;
    while (box && box !== main) {
      const o = getComputedStyle(box).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { held = true; break; }
      box = box.parentElement;
    }
    if (!held) out.push(el.tagName.toLowerCase() + '.' + String(el.className).slice(0, 60)
                        + ' right=' + Math.round(r.right));
  }
  return {page: document.documentElement.scrollWidth, main: main.scrollWidth, width: vw, out: out.slice(0, 8)};
}"""


def axe_problems(app, page) -> list[str]:
    """Serious and critical axe-core violations on the page, apart from the disabled-label quirk."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        nodes = violation["nodes"]
        if violation["id"] == "color-contrast":
            nodes = [n for n in nodes if not page.evaluate(_DISABLED_JS, n["target"][0])]
        for node in nodes:
            found.append(f"{violation['id']} ({violation['impact']}): {node['target']} — "
                         f"{node.get('failureSummary', '').splitlines()[-1].strip()[:160]}")
    return found


def open_page(app, context, path: str):
    page = context.new_page()
    app.dialogs[page] = []
    app.goto(page, path)
    app.settle(page)
    return page


def toggle(app, page, label: str) -> None:
    """Flip a sidebar toggle with the keyboard (opening the sidebar first on a phone, where it starts collapsed)."""
    sidebar = page.locator("[data-testid='stSidebar']")
    opened = not sidebar.is_visible() or sidebar.bounding_box()["x"] < 0
    if opened:
        page.locator("[data-testid='stExpandSidebarButton'], "
                     "[data-testid='stSidebarCollapsedControl'] button").first.click()
        page.wait_for_timeout(800)  # the sidebar slides in
    # by keyboard, as a reader without a mouse does (a click on a phone can land on the sliding sidebar)
    sidebar.locator("label", has_text=label).first.locator("input").focus()
    page.keyboard.press("Space")
    app.settle(page)
    if opened and sidebar.bounding_box() and sidebar.bounding_box()["x"] >= 0:  # on a phone it covers the page
        page.locator("[data-testid='stSidebarCollapseButton'] button, "
                     "[data-testid='stSidebarCollapseButton']").first.click()
        page.wait_for_timeout(800)


@pytest.fixture(scope="module", params=list(SIZES))
def context(app, browser, request):
    ctx = browser.new_context(viewport=SIZES[request.param])
    ctx.set_default_timeout(30_000)
    ctx.size_name = request.param
    yield ctx
    ctx.close()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p or "overview")
def test_every_page_passes_axe_and_fits_a_phone(app, context, path):
    page = open_page(app, context, path)
    try:
        page.wait_for_timeout(1500)  # charts and the page script settle after the run ends
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{context.size_name}-{path or 'overview'}.png"), full_page=True)
        problems = axe_problems(app, page)
        assert not problems, "\n".join(problems)
        assert not app.exceptions(page)
        if context.size_name == "phone":
            fit = page.evaluate(_OVERFLOW_JS)
            assert fit["page"] <= fit["width"] and fit["main"] <= fit["width"] + 1 and not fit["out"], fit
    finally:
        page.close()


def check_every_state(app, context, path: str) -> None:
    """Consistent numbers, solutions hidden then revealed, and presenter mode: no serious axe finding in any."""
    page = open_page(app, context, f"{path}?mode=consistent")
    try:
        states = {"consistent": lambda: None,
                  "hidden": lambda: toggle(app, page, "Hide solutions until I ask"),
                  "revealed": lambda: (page.get_by_role("button", name="Reveal the solution").click(),
                                       app.settle(page)),
                  "presenter": lambda: toggle(app, page, "Presenter mode")}
        for name, enter in states.items():
            enter()
            page.wait_for_timeout(800)
            problems = axe_problems(app, page)
            assert not problems, f"{path} ({name}, {context.size_name}):\n" + "\n".join(problems)
            assert not app.exceptions(page), name
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{context.size_name}-{path}-presenter.png"), full_page=True)
    finally:
        page.close()


@pytest.fixture(scope="module")
def desktop(browser):
    ctx = browser.new_context(viewport=SIZES["desktop"])
    ctx.set_default_timeout(30_000)
    ctx.size_name = "desktop"
    yield ctx
    ctx.close()


@pytest.mark.parametrize("path", PROBLEMS)
def test_problem_pages_in_every_state_pass_axe(app, desktop, path):
    check_every_state(app, desktop, path)


def test_the_widest_problem_page_in_every_state_on_a_phone(app, browser):
    """On a phone the states are checked on Problem 4, whose worked solution is the widest (CI time)."""
    ctx = browser.new_context(viewport=SIZES["phone"])
    ctx.set_default_timeout(30_000)
    ctx.size_name = "phone"
    try:
        check_every_state(app, ctx, "hidden-gradient")
    finally:
        ctx.close()


#: Presenter mode on every page of the lecture, and the projector's dark and high-contrast themes.
PRESENTED = [("" if page_id == "overview" else page_id) + "?present=1&step=2" for page_id in LECTURE] + [
    "hidden-gradient?present=1&step=4&theme=dark", "hidden-gradient?present=1&step=4&theme=contrast&textsize=125"]


@pytest.mark.parametrize("path", PRESENTED, ids=lambda p: p.split("&step")[0].replace("?present=1", "") or "overview")
def test_every_page_in_presenter_mode_passes_axe(app, desktop, path):
    page = open_page(app, desktop, path)
    try:
        page.locator("[data-testid='stProgress']").first.wait_for()
        page.wait_for_timeout(1500)
        problems = axe_problems(app, page)
        assert not problems, f"{path}:\n" + "\n".join(problems)
        assert not app.exceptions(page)
    finally:
        page.close()
