"""Printing, in a real browser: Chromium prints to PDF at A4 a quiz sheet and its key (the print-ready HTML /teach
offers) and Problem 4's page (the browser's own Print, with the app's print stylesheet). Nothing is wider than the
page, no formula runs off it, the sidebar, editors and buttons are left out, and the page counts are the ones
docs/teaching.md states.
"""
from __future__ import annotations

import re

import pytest

from backprop.practice import Size, make_problem
from dashboard.classroom import handout

from .conftest import ROOT, SCREENSHOTS

pytestmark = pytest.mark.e2e

#: An A4 page's printable width in CSS pixels at 96 per inch: the handout's 210 − 2 × 15 mm, the app's 210 − 2 × 12 mm.
HANDOUT_PX, PAGE_PX = round(180 / 25.4 * 96), round(186 / 25.4 * 96)

# Elements (not the parts of an SVG drawing, nor KaTeX's hidden MathML copy) that stick out past the page's width.
_WIDER_JS = """(width) => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect(), style = getComputedStyle(e);
    return r.width > 0 && r.right > width + 1 && style.display !== 'none' && !e.closest('.katex-mathml') &&
           !(e instanceof SVGElement && e.tagName !== 'svg');
  }).map(e => `${e.tagName.toLowerCase()}.${String(e.className).slice(0, 40)} ` +
              `right=${Math.round(e.getBoundingClientRect().right)}`)
  .slice(0, 8)"""


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def documented_count(label: str) -> int:
    """The page count docs/teaching.md gives for ``label`` (a row of its print table)."""
    text = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    match = re.search(rf"^\| {re.escape(label)} \| (\d+) \|", text, re.M)
    assert match, f"docs/teaching.md states no page count for {label!r}"
    return int(match.group(1))


#: The quiz the docs' page counts are for: 10 variants of the forward pass, the assignment's size, seeds 1-10.
QUIZ = [make_problem("forward", Size(), seed) for seed in range(1, 11)]


@pytest.mark.parametrize("which, label", [("sheet", "Quiz sheet, 10 variants of the forward pass"),
                                          ("key", "Answer key, 10 variants of the forward pass")])
def test_a_quiz_sheet_and_its_key_print_on_a4_with_no_math_off_the_page(browser, which, label):
    html = handout.sheet_html(QUIZ) if which == "sheet" else handout.key_html(QUIZ)
    context = browser.new_context(viewport={"width": HANDOUT_PX, "height": 1000})
    try:
        tab = context.new_page()
        tab.set_content(html)
        tab.emulate_media(media="print")
        assert tab.locator("math").count() > 10
        assert tab.evaluate(_WIDER_JS, HANDOUT_PX) == []
        wide_math = tab.evaluate("""() => [...document.querySelectorAll('math')]
            .filter(m => [...m.querySelectorAll('*')].some(c => c.getBoundingClientRect().right >
                                                           document.body.getBoundingClientRect().right + 1))
            .map(m => m.textContent.slice(0, 60))""")
        assert wide_math == [], "no formula runs off the page"
        pdf = tab.pdf(format="A4", prefer_css_page_size=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"print-{which}.pdf").write_bytes(pdf)
        assert pages(pdf) == documented_count(label), f"{label}: {pages(pdf)} pages"
    finally:
        context.close()


def test_problem_4_prints_on_a4_without_the_app_around_it(app, browser):
    context = browser.new_context(viewport={"width": PAGE_PX, "height": 1000})
    try:
        tab = context.new_page()
        app.goto(tab, "hidden-gradient", charts=3)
        tab.wait_for_timeout(1000)
        tab.emulate_media(media="print")
        tab.wait_for_timeout(500)
        hidden = tab.evaluate("""() => ['[data-testid="stSidebar"]', '[data-testid="stDataFrame"]',
                                        '[data-testid="stButton"]', '[data-testid="stDownloadButton"]']
            .filter(sel => [...document.querySelectorAll(sel)].some(e => e.getBoundingClientRect().width > 0))""")
        assert hidden == [], f"printed although they are the app's, not the problem's: {hidden}"
        assert tab.evaluate(_WIDER_JS, PAGE_PX) == []
        assert tab.locator(".katex-display").count() > 10 and tab.locator(".js-plotly-plot").count() >= 3
        pdf = tab.pdf(format="A4", margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"})
        (SCREENSHOTS / "print-hidden-gradient.pdf").write_bytes(pdf)
        assert pages(pdf) <= documented_count("/hidden-gradient (the browser's Print)"), pages(pdf)
        assert not app.exceptions(tab)
    finally:
        context.close()
