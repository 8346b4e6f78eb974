"""The training lab in a real browser: Play trains and redraws on its own timer and Pause stops it with every view
on one epoch; the JSON download is the run on screen; a settings link opens the same run.

Each test opens a fresh tab (a new Streamlit session). See conftest.py for the server and the browser.
"""
from __future__ import annotations

import json
import re
import time
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

# What the lab shows: its status line, the titles of its pictures, and the scrubber's position.
_VIEWS_JS = """() => {
  const strong = Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"] strong'))
    .map(e => e.textContent).find(t => t.startsWith('Epoch') || t.startsWith('Finished'));
  const titles = Array.from(document.querySelectorAll('.js-plotly-plot .gtitle')).map(e => e.textContent);
  const slider = Array.from(document.querySelectorAll('[data-testid="stSlider"]'))
    .find(e => e.innerText.startsWith('Epoch shown'));
  const thumb = slider && slider.querySelector('[data-testid="stSliderThumbValue"]');
  return {status: strong || null, titles, scrubber: thumb ? thumb.textContent.trim() : null};
}"""

# The curves chart's traces, by name, as plain arrays. Plotly keeps a typed array as it was sent, {dtype, bdata}
# (base64 of little-endian values); NaN (a value that was not finite) becomes null, as in the download.
_CURVES_JS = """() => {
  const values = (y) => {
    if (Array.isArray(y)) return y;
    const bytes = Uint8Array.from(atob(y.bdata), c => c.charCodeAt(0));
    const types = {f8: Float64Array, f4: Float32Array, i4: Int32Array, i2: Int16Array, i1: Int8Array, u1: Uint8Array};
    return Array.from(new types[y.dtype](bytes.buffer));
  };
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (gd.data && gd.data.some(t => t.name === 'training loss')) {
      const out = {};
      for (const t of gd.data) out[t.name] = values(t.y).map(v => (v === null || Number.isNaN(v)) ? null : v);
      out.__range = gd.layout.xaxis.range;
      return out;
    }
  }
  return null;
}"""


def views(page) -> dict:
    return page.evaluate(_VIEWS_JS)


def epoch_of(text: str | None) -> int | None:
    match = re.search(r"epoch (\d[\d,]*)", text or "", re.IGNORECASE)
    return None if match is None else int(match.group(1).replace(",", ""))


def shown_epochs(v: dict) -> dict[str, int | None]:
    titles = {t.split(" at epoch")[0]: epoch_of(t) for t in v["titles"] if " at epoch " in t}
    return {"network": titles.get("The network"), "output": titles.get("Output"), "W1": titles.get("W1")}


def open_lab(app, page, path: str = "training") -> None:
    app.goto(page, path, charts=3, timeout_s=90)
    assert not app.exceptions(page), app.exceptions(page)


def test_play_trains_and_redraws_and_pause_stops_on_one_epoch(app, page):
    open_lab(app, page)
    page.get_by_role("button", name="Reset").click()
    app.settle(page)
    assert views(page)["status"] == "Epoch 0 of 500"
    page.get_by_role("button", name="Play").first.click()
    seen: set[int] = set()
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline and len(seen) < 6:
        network = shown_epochs(views(page))["network"]
        if network:
            seen.add(network)
        time.sleep(0.1)
    assert len(seen) >= 6, f"Play did not redraw the network picture on its own: epochs seen {sorted(seen)}"
    page.get_by_role("button", name="Pause").click()
    app.settle(page)
    time.sleep(1.5)  # any timer request still in flight has run by now
    app.settle(page)
    paused = views(page)
    done = epoch_of(paused["status"])
    assert done and 0 < done < 500, paused
    assert paused["status"] == f"Epoch {done} of 500", "paused: no longer playing"
    assert shown_epochs(paused) == {"network": done, "output": done, "W1": done}, paused
    assert paused["scrubber"] == str(done), paused
    time.sleep(2)
    assert views(page) == paused, "after Pause nothing trains"
    app.screenshot(page, "lab-paused")
    assert not app.exceptions(page)


def test_the_json_download_is_the_run_on_screen(app, page):
    open_lab(app, page, "training?preset=overfitting")
    shown = page.evaluate(_CURVES_JS)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this run (JSON)").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["schema"] == "backprop-training-run/1" and data["config"]["dataset"] == "moons"
    assert data["epochs"] == 2000 and shown["__range"] == [0, 2000]
    for key, name in (("train_loss", "training loss"), ("test_loss", "test loss"),
                      ("train_accuracy", "training accuracy"), ("test_accuracy", "test accuracy")):
        assert len(data[key]) == len(shown[name]) == 2001
        assert max(abs(a - b) for a, b in zip(data[key], shown[name], strict=True)) == 0.0, key
    for layer, series in data["grad_norms"].items():
        assert series == shown[f"‖∂L/∂{layer}‖"], layer


def test_a_settings_link_opens_the_same_run(app, page):
    open_lab(app, page, "training?data=circles&layers=6,4&act=relu&lr=0.1&opt=momentum&epochs=300")
    link = page.locator("[data-testid='stCode']").filter(has_text="/training?").inner_text().strip()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["layers"] == ["6,4"] and query["opt"] == ["momentum"]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query) == query, "the address bar is the link"
    first = page.evaluate(_CURVES_JS)
    other = app.new_page()
    try:
        open_lab(app, other, link.split("/", 3)[3])
        assert other.evaluate(_CURVES_JS) == first
        assert views(other)["status"] == "Finished: 300 epochs"
    finally:
        other.close()
