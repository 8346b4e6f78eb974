"""Real-browser tests of the worked solutions on a phone (Chromium at 390 × 844): every equation's result is on
the screen, without sideways scrolling, in the phone's layout of each step (one '=' per line, givens one per line),
and the grids' toolbars do not cover their labels."""
from __future__ import annotations

import pytest

PHONE = {"width": 390, "height": 844}
WIDE_PROBLEMS = ["forward-pass", "hidden-gradient", "weight-update",
                 # a larger example: three samples, three inputs, three hidden units
                 "hidden-gradient?X=1,2,3;2,1,0;0,1,1&W1=0.1,0.2,0.3;0.3,0.2,0.1;0.2,0.2,0.2&b1=0.1,0.1,0.1"
                 "&W2=0.5,0.6;0.7,0.8;0.1,0.2&b2=0,0&y=0,1;1,0;0,1&mode=consistent"]

# For every equation on the screen (KaTeX display boxes, not hidden): where its last glyph ends, and whether the
# page scrolls sideways.
_LAST_GLYPHS_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll('.katex-display').forEach((box) => {
    if (!box.offsetParent) return;  // the other screen's layout, hidden
    const leaves = Array.from(box.querySelectorAll('.katex-html span'))
      .filter((s) => s.children.length === 0 && s.textContent.trim());
    if (!leaves.length) return;
    const last = leaves[leaves.length - 1].getBoundingClientRect();
    out.push({right: Math.round(last.right), text: box.textContent.slice(0, 50)});
  });
  return {width, sideways: document.documentElement.scrollWidth > width + 1, equations: out};
}"""

# Each data grid's toolbar (hidden on a phone by dashboard.a11y) and the label above its grid.
_TOOLBARS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stElementToolbar"]'))
  .filter((t) => t.offsetParent && t.closest('[data-testid="stDataFrame"]')).length"""


# How many containers whose key starts with the prefix are on the screen.
_SHOWN_JS = """(prefix) => Array.from(document.querySelectorAll(`[class*="st-key-${prefix}"]`))
  .filter((el) => el.offsetParent !== null).length"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.mark.parametrize("path", WIDE_PROBLEMS, ids=lambda p: p.split("?")[0] + ("-3x3" if "?" in p else ""))
def test_every_worked_equations_result_is_on_a_phones_screen(app, phone, path):
    page = phone.new_page()
    app.dialogs[page] = []
    try:
        app.goto(page, path)
        page.wait_for_timeout(1500)
        seen = page.evaluate(_LAST_GLYPHS_JS)
        assert not app.exceptions(page)
        assert len(seen["equations"]) > 10, seen
        past = [e for e in seen["equations"] if e["right"] > seen["width"]]
        assert not past, past
        assert not seen["sideways"]
        page.locator(".stDataFrame").first.hover()
        assert page.evaluate(_TOOLBARS_JS) == 0, "a grid's toolbar shows over its labels"
    finally:
        page.close()


def test_the_phone_layout_is_the_one_shown_on_a_phone_and_the_wide_one_elsewhere(app, browser):
    """The same step is laid out twice; each screen shows exactly one of the two."""
    for size, shown, hidden in ((PHONE, "phone-form-", "wide-form-"), ({"width": 1400, "height": 1000},
                                                                       "wide-form-", "phone-form-")):
        context = browser.new_context(viewport=size)
        page = context.new_page()
        app.dialogs[page] = []
        try:
            app.goto(page, "hidden-gradient")
            visible, invisible = (page.evaluate(_SHOWN_JS, prefix) for prefix in (shown, hidden))
            assert visible > 0 and invisible == 0, (size, visible, invisible)
        finally:
            context.close()
