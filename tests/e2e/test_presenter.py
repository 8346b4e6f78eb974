"""Presenter mode on a projector, in a real browser: a 1280 × 720 window, driven by the keys a clicker
(PageDown, PageUp) and a keyboard (→, ←, Space) send.

One tab at the projector's size goes through every step of Problem 4 and of Problem 5; for each step the
formula, its result and the heatmap of what it computes must lie inside the window, with nothing to scroll.
"""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
STEP = "[data-testid='stProgress']"

# Everything a step shows that must be on the screen: its math, its heatmap, the controls and its title.
_OUTSIDE_JS = """() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const out = [];
  const shown = '.katex-display, .js-plotly-plot, [data-testid="stHeading"], [data-testid="stProgress"], '
              + '[data-testid="stButton"]';
  for (const el of document.querySelectorAll(shown)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.top < 0 || r.bottom > vh + 1 || r.left < 0 || r.right > vw + 1) {
      out.push(`${el.className || el.dataset.testid}: ${Math.round(r.top)}..${Math.round(r.bottom)}`);
    }
  }
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollHeight > main.clientHeight + 1) {
    out.push(`page scrolls: ${main.scrollHeight} > ${main.clientHeight}`);
  }
  return out;
}"""


def step_label(tab) -> tuple[int, int]:
    text = tab.locator(STEP).first.inner_text()
    match = re.search(r"Step (\d+) of (\d+)", text)
    assert match, f"no 'Step k of n' label: {text!r}"
    return int(match.group(1)), int(match.group(2))


def press_and_wait(app, tab, key: str, expected: int) -> None:
    tab.keyboard.press(key)
    tab.locator(STEP, has_text=re.compile(rf"Step {expected} of \d+")).wait_for(timeout=20_000)
    app.settle(tab)


@pytest.fixture(scope="module")
def projector(app, browser):
    """A tab the size of a 1280 × 720 projector, in its own browser context (its own session)."""
    context = browser.new_context(viewport=PROJECTOR)
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()


def start_presenting(app, tab, path: str) -> None:
    """Open ``path`` and switch presenter mode on, unless the tab is presenting that page already (a fresh
    page load costs seconds of CPU on a small machine)."""
    here = tab.url.split("://", 1)[-1].split("/", 1)[-1] if tab.url.startswith("http") else None
    if here == path and tab.locator(STEP).count():
        return
    app.goto(tab, path)
    toggle = tab.locator("[data-testid='stSidebar'] label", has_text="Presenter mode")
    if tab.locator(STEP).count() == 0:
        if not toggle.is_visible():  # a narrow window starts with the sidebar collapsed
            tab.locator("[data-testid='stExpandSidebarButton']").click()
        toggle.click()
        tab.locator(STEP).first.wait_for()
        app.settle(tab)


def test_clicker_and_keyboard_move_between_steps(app, projector):
    tab = projector
    start_presenting(app, tab, "hidden-gradient")
    assert step_label(tab) == (1, step_label(tab)[1]) and step_label(tab)[1] >= 8
    # the focus is still on the toggle that switched presenter mode on: a clicker must work all the same
    press_and_wait(app, tab, "PageDown", 2)
    press_and_wait(app, tab, "PageUp", 1)
    press_and_wait(app, tab, "ArrowRight", 2)
    press_and_wait(app, tab, " ", 3)
    press_and_wait(app, tab, "ArrowLeft", 2)
    press_and_wait(app, tab, "PageUp", 1)
    tab.keyboard.press("PageUp")  # nothing before the first step
    app.settle(tab)
    assert step_label(tab)[0] == 1
    # after a mouse click on "Previous", Space still goes forward (the clicked button gave up the focus)
    press_and_wait(app, tab, "PageDown", 2)
    press_and_wait(app, tab, "PageDown", 3)
    tab.get_by_role("button", name="Previous", exact=True).click()
    tab.locator(STEP, has_text=re.compile(r"Step 2 of \d+")).wait_for(timeout=20_000)
    app.settle(tab)
    press_and_wait(app, tab, " ", 3)
    press_and_wait(app, tab, "PageUp", 2)
    press_and_wait(app, tab, "PageUp", 1)
    # keys typed into a text field are the field's: put one on the page, type into it, and nothing moves
    tab.evaluate("""() => { const f = document.createElement('input'); f.id = 'typing-here';
                            document.querySelector('[data-testid="stMain"]').prepend(f); }""")
    tab.focus("#typing-here")
    for key in ("ArrowRight", " ", "PageDown", "ArrowLeft"):
        tab.keyboard.press(key)
    tab.wait_for_timeout(800)
    app.settle(tab)
    assert step_label(tab)[0] == 1 and tab.input_value("#typing-here") == " "
    tab.evaluate("() => document.getElementById('typing-here').remove()")
    assert not app.exceptions(tab)


#: A 3-3-3 network on three samples in the consistent mode: its entry-by-entry products are too tall for one
#: projector screen, so those steps come in parts.
LARGE = ("hidden-gradient?X=1,2,3;4,5,6;7,8,9&W1=0.1,0.2,0.3;0.4,0.5,0.6;0.7,0.8,0.9&b1=0.1,0.2,0.3"
         "&W2=0.1,0.2,0.3;0.4,0.5,0.6;0.7,0.8,0.9&b2=0,0,0&y=0,1,0;1,0,0;0,0,1&mode=consistent")


def label_text(tab) -> str:
    return tab.locator(STEP).first.inner_text().strip()


def is_last(text: str) -> bool:
    step = re.search(r"Step (\d+) of (\d+)", text)
    part = re.search(r"part (\d+) of (\d+)", text)
    return step.group(1) == step.group(2) and (part is None or part.group(1) == part.group(2))


@pytest.mark.parametrize("path", ["hidden-gradient", "weight-update?mode=consistent", LARGE])
def test_every_step_fits_a_1280_by_720_projector(app, projector, path):
    tab = projector
    start_presenting(app, tab, path)
    while label_text(tab) != label_text(tab).split(" · ")[0] or step_label(tab)[0] > 1:  # back to the start
        before = label_text(tab)
        tab.keyboard.press("PageUp")
        tab.wait_for_function("([sel, old]) => document.querySelector(sel).innerText.trim() !== old",
                              arg=[STEP, before], timeout=20_000)
        app.settle(tab)
    seen = []
    while True:
        text = label_text(tab)
        seen.append(text)
        title = tab.locator("[data-testid='stMain'] h2").first.inner_text()
        if tab.locator(".js-plotly-plot").count():
            app.wait_charts(tab, 1)
        outside = tab.evaluate(_OUTSIDE_JS)
        assert not outside, f"{path}, {text} ({title}): {outside}"
        assert tab.locator(".katex-display").count() > 0, f"{text} shows no formula"
        if is_last(text):
            break
        tab.keyboard.press("PageDown")
        tab.wait_for_function("([sel, old]) => document.querySelector(sel).innerText.trim() !== old",
                              arg=[STEP, text], timeout=20_000)
        app.settle(tab)
    if path == LARGE:
        assert any("part 2 of" in text for text in seen), "the tall steps come in parts"
    assert len({t.split(" · ")[0] for t in seen}) == step_label(tab)[1], "every step is shown"
    app.screenshot(tab, f"presenter-{path.split('?')[0]}{'-large' if path == LARGE else ''}-last-step")
    assert not app.exceptions(tab)
