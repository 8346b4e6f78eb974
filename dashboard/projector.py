"""Presenter mode on a projector: a layout that fits a step into a 1280 × 720 window, its text sizes and themes,
and clicker keys.

All are constant strings written here, never built from anything a user typed or a link carried (a link's size
or theme only picks one of them, by a key from dashboard.presenting's fixed lists):

- FIT_CSS (st.html with only a <style>, which Streamlit puts in its event container, taking no space):
  while presenting, the page's top padding and header shrink and the title is set small, so that a
  step's formula and its result sit in the first screen; "Step k of n" and the step's heading are set at least
  22 px high and the math at one of three sizes (MATH_KEYS: 29, 35 or 42 px, never under 28), chosen by the
  container it is drawn in, so that it reads from the back of a room.
- SIZE_CSS: the projector's text size (125 %, 150 %): the page's root font grows, and everything set in rem
  or em with it (Plotly charts are given their sizes by dashboard.figures), except the labels of the presenter's
  buttons, which keep their size so that they still fit their row.
- THEME_CSS: a dark theme (light text on a near-black ground) and a high-contrast one (black on white, nothing
  grey); the heatmaps keep their diverging scale, which reads on both.
- KEYS_HTML (st.iframe, an invisible frame): PageDown (what a clicker sends), → and Space go to the next
  step, PageUp and ← to the previous one, by clicking the presenter's own buttons in the page (found by
  their keys). Keys typed into a text field, a grid cell or a menu are left alone, and Space on a focused
  button keeps its usual meaning. A button clicked with the mouse gives up the focus, so that Space after a
  mouse click on "Previous" goes on to the next step instead of pressing "Previous" again.

Streamlit's own ``st.button(shortcut=...)`` takes one key per button, and ignores every key while any
input has the focus — a toggle included, so right after "Presenter mode" is switched on a clicker would
do nothing until the page was clicked. Hence the one listener here for all five keys.
"""
from __future__ import annotations

import streamlit as st

#: The presenter's button keys; KEYS_HTML finds the buttons by them (Streamlit adds ``st-key-<key>``).
NEXT_KEY = "presenter_next"
PREVIOUS_KEY = "presenter_prev"
#: The last step's Next, which goes on to the lecture's next page: a button of its own (the same key would be pressed
#: again by the click that brought the last step).
ONWARD_KEY = "presenter_onward"

#: The keys (prefixes) of the containers whose math FIT_CSS sets at each of presenter mode's sizes
#: (dashboard.presenting.MATH_EM: 1.7, 2.05 and 2.45 em of the page's text).
MATH_KEYS = ("pm0-", "pm1-", "pm2-")

FIT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.6rem; padding-bottom: 0.25rem; }
[data-testid="stHeader"] { height: 2.5rem; background: transparent; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.35rem; padding: 0 0 0.45rem 0; line-height: 1.3; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.5rem; padding: 0.1rem 0 0 0; }
[data-testid="stMainBlockContainer"] [data-testid="stHeading"]:has(h2) > div { margin-bottom: 0 !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
[data-testid="stMainBlockContainer"] .katex-display { margin: 0.3em 0; }
.st-key-presenter-bar [data-testid="stProgress"] p { font-size: 1.35rem; font-weight: 600; line-height: 1.25; }
[data-testid="stMain"] .katex-display > .katex, [class*="st-key-pm0-"] .katex-display > .katex { font-size: 1.7em; }
[class*="st-key-pm1-"] .katex-display > .katex { font-size: 2.05em; }
[class*="st-key-pm2-"] .katex-display > .katex { font-size: 2.45em; }
[class*="st-key-presenter-note"] p { font-size: min(1.35rem, 28px); font-weight: 600; line-height: 1.3; }
</style>"""

LARGER_CSS = """<style>html { font-size: 21.25px !important; }
.st-key-presenter-bar button { padding-left: 0.35rem; padding-right: 0.35rem; }
.st-key-presenter-bar button p { font-size: 17px; }</style>"""
LARGEST_CSS = """<style>html { font-size: 25.5px !important; }
.st-key-presenter-bar button { padding-left: 0.3rem; padding-right: 0.3rem; }
.st-key-presenter-bar button p { font-size: 17px; }</style>"""
#: The projector's larger text sizes: the page's root font (17 px) times 1.25 and 1.5.
SIZE_CSS = {125: LARGER_CSS, 150: LARGEST_CSS}

DARK_CSS = """<style>
[data-testid="stApp"], [data-testid="stMain"], [data-testid="stPopoverBody"],
[data-baseweb="popover"] > div { background-color: #0b0d12 !important; color: #f2f2f2; }
[data-testid="stApp"] :is(h1, h2, h3, h4, h5, h6, p, li, label, span, .katex, [data-testid="stCaptionContainer"]),
[data-testid="stPopoverBody"] :is(p, label, span) { color: #f2f2f2 !important; }
[data-testid="stApp"] [data-testid="stBaseButton-secondary"], [data-testid="stPopoverButton"] {
  background-color: #1c2130 !important; border-color: #9aa0ad !important; }
[data-testid="stProgressBarTrack"] { background-color: #3a4050 !important; }
[data-testid="stApp"] [data-testid="stAlertContainer"] { background-color: #1c2130 !important; }
[data-testid="stApp"] a { color: #c9b8ef !important; }
</style>"""
CONTRAST_CSS = """<style>
[data-testid="stApp"], [data-testid="stMain"] { background-color: #ffffff !important; }
[data-testid="stApp"] :is(h1, h2, h3, h4, h5, h6, p, li, label, span, .katex, [data-testid="stCaptionContainer"]) {
  color: #000000 !important; }
[data-testid="stApp"] :is(p, li, label) { font-weight: 600; }
[data-testid="stApp"] [data-testid="stBaseButton-secondary"], [data-testid="stPopoverButton"] {
  border: 2px solid #000000 !important; color: #000000 !important; }
[data-testid="stProgressBarTrack"] { background-color: #9e9e9e !important; }
[data-testid="stApp"] [data-testid="stBaseButton-primary"] :is(p, span) { color: #ffffff !important; }
[data-testid="stApp"] a { color: #3b1f73 !important; text-decoration: underline; }
</style>"""
#: The projector's themes besides the page's own (dashboard.presenting.THEMES).
THEME_CSS = {"dark": DARK_CSS, "contrast": CONTRAST_CSS}

KEYS_HTML = """<!doctype html><html><body><script>
(function () {
  var doc = window.parent.document;
  var typing = /^(TEXTAREA|SELECT)$/;
  var choices = /^(checkbox|radio|button|submit|reset|range|color|file)$/;
  var activates = /^(BUTTON|A|SUMMARY)$/;
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || typing.test(target.tagName) ||
        (target.tagName === "INPUT" && !choices.test(target.type)) ||
        (target.closest && target.closest('[role="grid"], [role="textbox"], [role="combobox"], [role="listbox"]')))) {
      return;
    }
    var which = null;
    if (event.key === "PageDown" || event.key === "ArrowRight" || event.key === " ") which = "presenter_next";
    if (event.key === "PageUp" || event.key === "ArrowLeft") which = "presenter_prev";
    if (which === null) return;
    if (event.key === " " && target && (activates.test(target.tagName) || target.getAttribute("role") === "button")) {
      return;
    }
    var button = doc.querySelector(".st-key-" + which + " button") ||
                 (which === "presenter_next" ? doc.querySelector(".st-key-presenter_onward button") : null);
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  }
  function onClick(event) {
    if (event.detail === 0) return;  // a click made with Enter or Space keeps its focus, as keyboard users expect
    if (!doc.querySelector(".st-key-presenter_prev")) return;  // only while presenting
    var target = event.target && event.target.closest && event.target.closest('button, [role="button"]');
    if (target) target.blur();
  }
  if (doc.__presenterKeys) doc.removeEventListener("keydown", doc.__presenterKeys, true);
  if (doc.__presenterClicks) doc.removeEventListener("click", doc.__presenterClicks, true);
  doc.__presenterKeys = onKey;
  doc.__presenterClicks = onClick;
  doc.addEventListener("keydown", onKey, true);
  doc.addEventListener("click", onClick, true);
})();
</script></body></html>"""


def fit_to_projector(size: int = 100, theme: str = "light") -> None:
    """Presenter mode's stylesheets (constants): the fitted layout, and the text size and theme chosen (by key)."""
    st.html(FIT_CSS)
    if size in SIZE_CSS:
        st.html(SIZE_CSS[size])
    if theme in THEME_CSS:
        st.html(THEME_CSS[theme])


def clicker_keys() -> None:
    """PageDown, PageUp, the arrow keys and Space drive the presenter's buttons (a constant script in an
    invisible frame, put in the sidebar, which presenter mode collapses, so that it takes no room)."""
    st.sidebar.iframe(KEYS_HTML, height=1, tab_index=-1, alt="Keyboard shortcuts for presenter mode")
