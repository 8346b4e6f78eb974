"""Presenter mode on a projector, in a real browser: a 1280 × 720 window, driven by the keys a clicker
(PageDown, PageUp) and a keyboard (→, ←, Space) send.

A tab at the projector's size opens every page of the lecture by a link straight into presenter mode and goes
through every step: each step's math, results and charts lie inside the window with nothing to scroll, and read
from the back of a room (computed styles: math at least 28 px, the step's heading and "Step k of n" at least 22 px,
every axis and tick label at least 16 px in ink that stands out from the ground, no tick label cut off by its chart
or printed over another). A link with present=1&step=3 opens at step 3; Play, Pause and Step on /training never
move the view; a larger example, the largest text size and the dark theme fit too.
"""
from __future__ import annotations

import re

import pytest

from dashboard.presenting import LECTURE

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


# What would not read from the back of a room: math under 28 px, a heading or "Step k of n" under 22 px, an axis or
# tick label under 16 px or in ink too close to the ground (contrast under 7:1), a label outside its chart or over
# another label of it.
_UNREADABLE_JS = """(ground) => {
  const out = [];
  const px = el => parseFloat(getComputedStyle(el).fontSize);
  const rgb = text => (text.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const linear = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = c => { const [r, g, b] = c.map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const contrast = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  for (const k of document.querySelectorAll('[data-testid="stMain"] .katex-display .katex')) {
    if (k.getBoundingClientRect().height && px(k) < 28) out.push(`math ${px(k)} px`);
  }
  for (const h of document.querySelectorAll('[data-testid="stMain"] h2')) {
    if (px(h) < 22) out.push(`heading ${px(h)} px`);
  }
  for (const p of document.querySelectorAll('.st-key-presenter-bar [data-testid="stProgress"] p')) {
    if (px(p) < 22) out.push(`step label ${px(p)} px`);
  }
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('.main-svg');
    if (!svg) continue;
    const frame = svg.getBoundingClientRect();
    const name = (plot.querySelector('.gtitle') || {}).textContent || 'a chart';
    const labels = [...plot.querySelectorAll('g[class$="tick"] > text, g[class$="tick2"] > text, ' +
                                             'text[class$="title"]:not(.gtitle), .cbaxis text')]
      .filter(t => t.textContent.trim() && t.getBoundingClientRect().width);
    const boxes = [];
    for (const t of labels) {
      const r = t.getBoundingClientRect(), what = `${name}: "${t.textContent.trim()}"`;
      if (px(t) < 16) out.push(`${what} ${px(t)} px`);
      if (contrast(rgb(getComputedStyle(t).fill), ground) < 7) out.push(`${what} in ${getComputedStyle(t).fill}`);
      if (r.left < frame.left - 1 || r.right > frame.right + 1 ||
          r.top < frame.top - 1 || r.bottom > frame.bottom + 1) {
        out.push(`${what} cut off (${Math.round(r.top)}..${Math.round(r.bottom)} ` +
                 `in ${Math.round(frame.top)}..${Math.round(frame.bottom)})`);
      }
      for (const [other, o] of boxes) {
        const w = Math.min(r.right, o.right) - Math.max(r.left, o.left);
        const h = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);
        if (w > 2 && h > 2) out.push(`${what} over "${other}"`);
      }
      boxes.push([t.textContent.trim(), r]);
    }
  }
  return out;
}"""
WHITE, DARK_GROUND = [255, 255, 255], [11, 13, 18]


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
    start_presenting(app, tab, "forward-pass")  # its first three steps come in one part each at this size
    assert step_label(tab) == (1, step_label(tab)[1]) and step_label(tab)[1] >= 6
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


def walk(app, tab, path: str, *, ground=WHITE, name: str | None = None) -> list[str]:
    """Open ``path`` and go through every step with PageDown, checking each against the window and for readability;
    returns the labels seen."""
    app.goto(tab, path)
    tab.locator(STEP).first.wait_for()
    seen = []
    while True:
        text = label_text(tab)
        seen.append(text)
        title = tab.locator("[data-testid='stMain'] h2").first.inner_text()
        if tab.locator(".js-plotly-plot").count():
            app.wait_charts(tab, 1)
            tab.wait_for_timeout(300)  # Plotly lays out its labels after drawing
        outside = tab.evaluate(_OUTSIDE_JS)
        assert not outside, f"{path}, {text} ({title}): {outside}"
        unreadable = tab.evaluate(_UNREADABLE_JS, ground)
        assert not unreadable, f"{path}, {text} ({title}): {unreadable}"
        if tab.locator(".st-key-presenter_next button:not([disabled])").count() == 0:  # the last step
            break
        tab.wait_for_function("() => !!document.__presenterKeys", timeout=20_000)  # the clicker's listener is in
        tab.keyboard.press("PageDown")
        try:
            tab.wait_for_function("([sel, old]) => document.querySelector(sel).innerText.trim() !== old",
                                  arg=[STEP, text], timeout=60_000)
        except Exception as exc:
            app.screenshot(tab, f"presenter-{name}-stuck")
            raise AssertionError(f"{path}: PageDown on {text} ({title}) did not move on") from exc
        app.settle(tab)
    app.screenshot(tab, f"presenter-{name or path.split('?')[0] or 'overview'}-last-step")
    assert not app.exceptions(tab)
    return seen


@pytest.mark.parametrize("page_id", LECTURE)
def test_every_step_of_every_page_fits_the_projector_and_reads_from_the_back(app, projector, page_id):
    path = "" if page_id == "overview" else page_id
    seen = walk(app, projector, f"{path}?present=1&step=1", name=page_id)
    assert seen[0].startswith("Step 1 of "), seen[0]
    steps = int(re.search(r"of (\d+)", seen[0]).group(1))
    assert len({t.split(" · ")[0] for t in seen}) == steps, "every step is shown"


def test_the_largest_text_and_the_dark_theme_fit_and_read_too(app, projector):
    seen = walk(app, projector, "hidden-gradient?present=1&step=1&textsize=150&theme=dark", ground=DARK_GROUND,
                name="hidden-gradient-150-dark")
    assert len(seen) >= 8
    size = projector.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.katex')).fontSize)")
    assert size >= 1.5 * 28


def test_a_link_opens_presenter_mode_at_its_step_and_the_address_follows(app, projector):
    tab = projector
    app.goto(tab, "hidden-gradient?present=1&step=3")
    tab.locator(STEP).first.wait_for()
    assert step_label(tab)[0] == 3
    press_and_wait(app, tab, "PageDown", 4)
    tab.wait_for_function("() => location.search.includes('step=4')", timeout=10_000)
    tab.reload(wait_until="domcontentloaded")  # a reload opens where the instructor was
    app.settle(tab)
    tab.locator(STEP).first.wait_for()
    assert step_label(tab)[0] == 4 and "present=1" in tab.url


def test_play_pause_and_step_never_move_the_view_of_the_training_lab(app, projector):
    tab = projector
    app.goto(tab, "training?present=1&step=1", charts=3)
    main = "[data-testid='stMain']"

    def view():
        return tab.evaluate("""(sel) => { const m = document.querySelector(sel);
          const tops = [...document.querySelectorAll('.js-plotly-plot, .st-key-lab-present-buttons')]
            .filter(e => e.getBoundingClientRect().height > 0)  // a chart being replaced is briefly not drawn
            .map(e => Math.round(e.getBoundingClientRect().top));
          return {scroll: m.scrollTop, scrolls: m.scrollHeight > m.clientHeight + 1, tops}; }""", main)

    before = view()
    assert not before["scrolls"], "the lab's projector slide fits the window"
    tab.get_by_role("button", name=re.compile("^Play")).click()
    tab.get_by_role("button", name="Pause").wait_for(timeout=30_000)
    tab.wait_for_timeout(2500)  # a few frames
    assert view() == before, "Play moved the view"
    tab.get_by_role("button", name="Pause").click()
    tab.get_by_role("button", name=re.compile("^Play")).wait_for(timeout=30_000)
    app.settle(tab)
    assert view() == before, "Pause moved the view"
    tab.get_by_role("button", name="Step forward one frame").click()
    app.settle(tab)
    assert view() == before, "Step moved the view"
    assert not app.exceptions(tab)


@pytest.mark.parametrize("path", ["hidden-gradient", "training"])
def test_the_presenter_switch_is_on_the_first_screen_at_720_px(app, browser, path):
    context = browser.new_context(viewport=PROJECTOR)
    try:
        tab = context.new_page()
        app.goto(tab, path)
        toggle = tab.locator("[data-testid='stSidebar'] label", has_text="Presenter mode")
        box = toggle.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PROJECTOR["height"], box
        toggle.click()  # and it works from there, on a page that is not a problem page too
        tab.locator(STEP).first.wait_for()
        tab.wait_for_function("() => location.search.includes('present=1')", timeout=10_000)
    finally:
        context.close()
