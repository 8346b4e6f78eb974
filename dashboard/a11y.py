"""What every page needs for keyboards, screen readers and phones that Streamlit does not give by itself.

Both are constant strings written here, never built from anything a user typed or a link carried:

- PAGE_CSS: a visible focus ring on links, buttons and tabs (the sidebar's links showed none); a print stylesheet
  (the browser's Print leaves out the sidebar, the editors, buttons and links, lets the page run over as many sheets
  as it needs, and sets the math so that a wide page's equations fit an A4 or Letter column); display
  math that does not overflow its own box by a pixel or two (KaTeX's glyphs overhang a box sized to
  them, which made every equation a "scrollable region" for screen readers); equations too wide for a
  phone scroll sideways in their box, with a visible scrollbar and a shade at the edge that says so; a worked
  step laid out for a phone too shows that form on a narrow screen (one '=' per line), the wide one elsewhere;
  the grids' hover toolbar is hidden on a phone, where it covered the end of their labels.
- PAGE_SCRIPT: on a phone, an equation at most two fifths too wide for the screen is set in a smaller font so
  that it fits; an equation box that still scrolls gets tabindex="0", role="region" and a name, so that
  the keyboard can reach and scroll it; a Plotly chart gets role="figure" and its title as its name.
  It runs again whenever the page changes (a MutationObserver) or the window is resized.
"""
from __future__ import annotations

import streamlit as st

PAGE_CSS = """<style>
a:focus-visible, button:focus-visible, [role="tab"]:focus-visible, summary:focus-visible,
[data-testid="stSidebar"] a:focus-visible, [data-baseweb="select"]:focus-within {
  outline: 3px solid #5e3c99 !important; outline-offset: 2px; border-radius: 4px;
}
.katex-display { padding: 2px 6px 4px 6px; }
.katex-display.scrolls {
  scrollbar-width: thin;
  background: linear-gradient(to left, rgba(94, 60, 153, 0.14), rgba(94, 60, 153, 0) 2.2em)
              right / 2.2em 100% no-repeat;
  border-bottom: 1px dashed #8a7bb0;
}
.katex-display.scrolls:focus-visible { outline: 3px solid #5e3c99; outline-offset: 2px; }
/* A worked step laid out twice (dashboard.steps.for_screens): the phone's form on a narrow screen, else the wide. */
[class*="st-key-phone-form-"] { display: none; }
@media (max-width: 640px) {
  .katex-display > .katex { font-size: 1.0em; }  /* KaTeX's 1.21em: a phone's line holds a sixth more */
  [class*="st-key-phone-form-"] { display: flex; }
  [class*="st-key-wide-form-"] { display: none; }
  /* the grids' hover toolbar (search, download, full screen) would cover the end of their labels */
  [data-testid="stDataFrame"] [data-testid="stElementToolbar"] { display: none; }
}
/* Printing a page (the browser's Print): the worked problem on paper, without the app around it. */
@media print {
  @page { size: A4; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"], [data-testid="stButton"],
  [data-testid="stDownloadButton"], [data-testid="stPageLink"], [data-testid="stExpander"], [data-testid="stCode"],
  [data-testid="stDataFrame"], [data-testid="stTextInput"], [data-testid="stTextArea"], [data-testid="stSelectbox"],
  [data-testid="stSlider"], [data-testid="stRadio"], [data-testid="stCheckbox"], [data-testid="stPopover"],
  [data-testid="stIFrame"], .stButton, .stDownloadButton, .stTextInput, .stTextArea, .stSelectbox, .stSlider,
  .stRadio, .stCheckbox, .stToggle, .stPageLink, .stExpander, .stCode, .stDataFrame, .stPopover, iframe {
    display: none !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    height: auto !important; overflow: visible !important; position: static !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  .katex-display { overflow: visible !important; break-inside: avoid; }
  .katex-display > .katex { font-size: 0.95em !important; }  /* a wide page's 60 characters fit an A4 column */
  .stPlotlyChart, [data-testid="stHeading"] { break-inside: avoid; }
  [data-testid="stHeading"] { break-after: avoid; }
}
</style>"""

PAGE_SCRIPT = """<script>
(function () {
  var doc = document;
  function label() {
    var wide = 0;
    var phone = window.innerWidth <= 640;
    doc.querySelectorAll('.katex-display').forEach(function (box) {
      var math = box.firstElementChild;
      if (math && (phone || math.style.fontSize)) {
        math.style.fontSize = '';  // measured at the stylesheet's size
        var ratio = box.clientWidth / box.scrollWidth;
        // on a phone, an equation up to two fifths too wide is set smaller to fit rather than scroll
        if (phone && ratio < 1 && ratio >= 0.6) math.style.fontSize = (ratio * 0.97).toFixed(3) + 'em';
      }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls) {
        wide += 1;  // each region needs a name of its own
        box.classList.add('scrolls');
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', 'Wide equation ' + wide + ': scroll sideways to read it all');
      } else if (box.classList.contains('scrolls')) {
        box.classList.remove('scrolls');
        box.removeAttribute('tabindex');
        box.removeAttribute('role');
        box.removeAttribute('aria-label');
      }
    });
    doc.querySelectorAll('.js-plotly-plot').forEach(function (plot) {
      var title = plot.querySelector('.gtitle');
      var name = title && title.textContent.trim() ? 'Chart: ' + title.textContent.trim() : 'Chart';
      if (plot.getAttribute('aria-label') !== name) {
        plot.setAttribute('role', 'figure');
        plot.setAttribute('aria-label', name);
      }
    });
  }
  if (window.__a11yObserver) window.__a11yObserver.disconnect();
  var pending = null;
  window.__a11yObserver = new MutationObserver(function () {
    if (pending) return;
    pending = setTimeout(function () { pending = null; label(); }, 150);
  });
  window.__a11yObserver.observe(doc.body, {childList: true, subtree: true});
  window.removeEventListener('resize', window.__a11yResize || function () {});
  window.__a11yResize = label;
  window.addEventListener('resize', label);
  label();
})();
</script>"""


def apply() -> None:
    """Put the page's accessibility stylesheet and script in place (constant strings, see the module doc)."""
    st.html(PAGE_CSS + PAGE_SCRIPT, unsafe_allow_javascript=True)
