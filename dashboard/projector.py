"""Presenter mode on a projector: a layout that fits a step into a 1280 × 720 window, and clicker keys.

Both are constant strings written here, never built from anything a user typed or a link carried:

- FIT_CSS (st.html with only a <style>, which Streamlit puts in its event container, taking no space):
  while presenting, the page's top padding and header shrink and the title is set small, so that a
  step's formula and its result sit in the first screen.
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

FIT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.6rem; padding-bottom: 0.25rem; }
[data-testid="stHeader"] { height: 2.5rem; background: transparent; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.35rem; padding: 0 0 0.45rem 0; line-height: 1.3; }
[data-testid="stMainBlockContainer"] h2 { font-size: 1.5rem; padding: 0.1rem 0 0 0; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
[data-testid="stMainBlockContainer"] .katex-display { margin: 0.45em 0; }
</style>"""

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
    var button = doc.querySelector(".st-key-" + which + " button");
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  }
  function onClick(event) {
    if (event.detail === 0) return;  // a click made with Enter or Space keeps its focus, as keyboard users expect
    if (!doc.querySelector(".st-key-presenter_next")) return;  // only while presenting
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


def fit_to_projector() -> None:
    """Shrink the page's chrome while presenting (a constant stylesheet)."""
    st.html(FIT_CSS)


def clicker_keys() -> None:
    """PageDown, PageUp, the arrow keys and Space drive the presenter's buttons (a constant script in an
    invisible frame, put in the sidebar, which presenter mode collapses, so that it takes no room)."""
    st.sidebar.iframe(KEYS_HTML, height=1, tab_index=-1, alt="Keyboard shortcuts for presenter mode")
