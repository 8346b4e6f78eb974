"""The training lab in a real browser: Play animates the run's frames in the browser with no script run on the
server until it stops, and then every view, the backward pass included, shows the epoch it stopped at; Step and the
timeline agree with the run JSON's numbers; the JSON download is the run on screen; a settings link opens the same
run.

Each test opens a fresh tab (a new Streamlit session). See conftest.py for the server and the browser.
"""
from __future__ import annotations

import json
import re
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pytest

from backprop.runs import TrainConfig, train_config
from dashboard.lab.lessons import loss_words, percent

from .conftest import download

pytestmark = pytest.mark.e2e

PLAYER = ".lab-player"  # the player's root, inside its component's shadow root (Playwright's CSS reaches it)

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

# What every view shows: the charts' titles, the curves' marker label, the epoch shown below, the metrics, the
# layer norms chart's values, and the pictures each chart draws now.
_VIEWS_JS = """() => {
  const charts = Array.from(document.querySelectorAll('.js-plotly-plot'));
  const titles = charts.map(gd => { const t = gd.querySelector('.gtitle'); return t ? t.textContent : ''; });
  const curves = document.querySelector('.st-key-lab_curves .js-plotly-plot');
  const label = curves && curves.layout.annotations[0];
  const slider = Array.from(document.querySelectorAll('[data-testid="stSlider"]'))
    .find(e => e.innerText.startsWith('Epoch shown below'));
  const thumb = slider && slider.querySelector('[data-testid="stSliderThumbValue"]');
  const metrics = {};
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const name = m.querySelector('[data-testid="stMetricLabel"]').innerText.trim();
    metrics[name] = m.querySelector('[data-testid="stMetricValue"]').innerText.trim();
  }
  const norms = charts[titles.findIndex(t => t.startsWith('Gradient norm'))];
  const values = (y) => {
    if (Array.isArray(y)) return y;
    const bytes = Uint8Array.from(atob(y.bdata), c => c.charCodeAt(0));
    return Array.from(new {f8: Float64Array, f4: Float32Array}[y.dtype](bytes.buffer));
  };
  const href = (key, i) => { const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
    return gd ? gd.layout.images[i].source : null; };
  return {titles, label: label ? [label.x, label.text, label.visible !== false] : null,
          shown: thumb ? thumb.textContent.trim() : null, metrics,
          norms: norms ? values(norms.data[0].y) : null,
          pictures: [href('lab_network', 0), href('lab_network', 1), href('lab_output', 0), href('lab_curves', 0)]};
}"""

# Everything that changes while the page plays, sampled at every frame the browser draws: the epochs the player
# shows, the charts' titles and pictures; and every script run the page starts (stApp's script state turns
# "running").
_WATCH_JS = """() => {
  const host = Array.from(document.querySelectorAll('.st-key-lab_player *')).find(e => e.shadowRoot);
  const root = host.shadowRoot.querySelector('.lab-player');
  const w = window.__watch = {epochs: new Set(), titles: new Set(), pictures: new Set(), overlays: new Set(), runs: 0};
  const app = document.querySelector("[data-testid='stApp']");
  w.observer = new MutationObserver(() => { if (app.dataset.testScriptState === 'running') w.runs += 1; });
  w.observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  const tick = () => {
    w.epochs.add(root.dataset.epoch);
    const net = document.querySelector('.st-key-lab_network .js-plotly-plot');
    const out = document.querySelector('.st-key-lab_output .js-plotly-plot');
    const cur = document.querySelector('.st-key-lab_curves .js-plotly-plot');
    for (const gd of [net, out]) { const t = gd && gd.querySelector('.gtitle'); if (t) w.titles.add(t.textContent); }
    const img = (gd, i) => { const e = gd && gd.querySelectorAll('image')[i];
                             return e && (e.getAttribute('xlink:href') || e.getAttribute('href')); };
    w.pictures.add(img(net, 0) + '|' + img(net, 1) + '|' + img(out, 0));
    w.overlays.add(img(cur, 0));
    if (!w.stopped) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
_WATCHED_JS = """() => { const w = window.__watch; w.stopped = true; w.observer.disconnect();
  return {epochs: Array.from(w.epochs), titles: Array.from(w.titles), pictures: w.pictures.size,
          overlays: w.overlays.size, runs: w.runs}; }"""


def player(page) -> dict:
    """The player's state, as it writes it into its root's data-* attributes."""
    return page.locator(PLAYER).evaluate("e => ({...e.dataset})")


def press(page, name: str) -> None:
    page.locator(PLAYER).get_by_role("button", name=name).click()


def views(page) -> dict:
    return page.evaluate(_VIEWS_JS)


def epoch_of(text: str | None) -> int | None:
    match = re.search(r"epoch (\d[\d,]*)", text or "", re.IGNORECASE)
    return None if match is None else int(match.group(1).replace(",", ""))


def titled(v: dict, start: str) -> int | None:
    return next((epoch_of(t) for t in v["titles"] if t.startswith(start)), None)


def open_lab(app, page, path: str = "training") -> None:
    app.goto(page, path, charts=3, timeout_s=90)
    page.locator(f"{PLAYER}[data-ready='1']").wait_for(timeout=60_000)
    assert not app.exceptions(page), app.exceptions(page)


def rest(app, page, epoch: int, timeout_s: float = 30) -> None:
    """Wait until the player has told the server where it rests and the page shows that epoch below."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.settle(page)
        v = views(page)
        if v["shown"] == str(epoch) and titled(v, "W1 at epoch") == epoch:
            return
        time.sleep(0.2)
    raise AssertionError(f"the page did not come to show epoch {epoch}: {views(page)}")


def assert_every_view_on(v: dict, run, epoch: int) -> None:
    """Every view shows ``epoch`` of ``run`` (the default run): pictures, curves, the epoch shown below, its
    numbers and the backward pass's heatmaps and norms."""
    assert titled(v, "The network at epoch") == titled(v, "Output at epoch") == epoch, v["titles"]
    assert v["label"] == [epoch, f"epoch {epoch}", True], "the curves' marker label"
    assert v["shown"] == str(epoch)
    assert titled(v, "W1 at epoch") == titled(v, "Gradient norm ‖∂L/∂W‖ of each layer at epoch") == epoch
    saved = json.loads(run_json(run))
    assert v["metrics"]["Training loss"] == loss_words(saved["train_loss"][epoch])
    assert v["metrics"]["Test loss"] == loss_words(saved["test_loss"][epoch])
    assert v["metrics"]["Training accuracy"] == percent(saved["train_accuracy"][epoch])
    assert v["metrics"]["Test accuracy"] == percent(saved["test_accuracy"][epoch])
    # the backward pass recomputes its gradients at the kept network: the loop's norms to the last bit or so
    np.testing.assert_allclose(v["norms"], [saved["grad_norms"][name][epoch] for name in ("W1", "W2")], rtol=1e-12)


def run_json(run) -> str:
    from dashboard.exports import run_json as exported

    return exported(run)


def test_play_animates_in_the_browser_and_pause_shows_that_epoch_in_every_view(app, page):
    """Between Play and Pause the page runs no script (stApp never turns "running", the page's own count of its
    script runs stays), while the pictures, titles and curves change; Pause goes to the server once, and then every
    view shows the epoch it stopped at, the backward pass's heatmaps included."""
    run = train_config(TrainConfig())
    open_lab(app, page)
    press(page, "Reset to epoch 0")
    rest(app, page, 0)
    assert player(page)["epoch"] == "0"
    runs = int(player(page)["scriptRuns"])
    page.evaluate(_WATCH_JS)
    press(page, "Play")
    time.sleep(1.5)
    seen = page.evaluate(_WATCHED_JS)  # stopped while still playing: Pause sets the titles of the epoch it rests on
    press(page, "Pause")
    assert int(player(page)["scriptRuns"]) == runs, "no script run between Play and Pause"
    assert seen["runs"] == 0, "the page ran its script while playing"
    assert len(seen["epochs"]) >= 10 and seen["pictures"] >= 10 and seen["overlays"] >= 10, seen
    assert set(seen["titles"]) <= {"The network at epoch 0", "Output at epoch 0", "The network, as it plays",
                                   "Output, as it plays"}, "while playing, the titles leave the epoch to the player"
    paused = int(player(page)["epoch"])
    assert 0 < paused < 500
    rest(app, page, paused)
    assert int(player(page)["scriptRuns"]) == runs + 1, "Pause went to the server once"
    v = views(page)
    assert_every_view_on(v, run, paused)
    W1 = run.network_at(paused).Ws[0]
    cells = numbers_in(app.heatmap(page, f"W1 at epoch {paused}"))
    second_figure = 10.0 ** (np.floor(np.log10(np.abs(W1.ravel()))) - 1)
    assert np.all(np.abs(np.array(cells) - W1.ravel()) <= 0.5 * second_figure + 1e-12), (cells, W1)  # 2 figures
    time.sleep(2)
    assert views(page) == v and int(player(page)["scriptRuns"]) == runs + 1, "at rest nothing moves or reruns"
    app.screenshot(page, "lab-paused")
    assert not app.exceptions(page)


def numbers_in(labels: list[str]) -> list[float]:
    from tests.e2e.conftest import numbers

    return numbers(labels)


def test_step_and_the_timeline_agree_with_the_run_json(app, page):
    """Step back from the end, step forward, and drag the timeline: each stops on a kept epoch whose numbers on the
    page are the run JSON's at that epoch (downloaded from the page)."""
    open_lab(app, page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this run (JSON)").click()
    saved = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    run = train_config(TrainConfig())
    expected = json.loads(run_json(run))
    lesson, expected["lesson"] = saved.pop("lesson"), None  # a lesson's run carries its paragraph (tested apart)
    assert lesson["name"] == "Learn XOR" and {**saved, "lesson": None} == expected, "the download is the run"
    press(page, "Step back one frame")
    rest(app, page, 495)
    assert_every_view_on(views(page), run, 495)
    press(page, "Step back one frame")
    press(page, "Step back one frame")
    press(page, "Step forward one frame")
    rest(app, page, 490)
    assert_every_view_on(views(page), run, 490)
    page.locator(f"{PLAYER} .timeline").fill("20")  # the 21st frame: epoch 100
    rest(app, page, 100)
    assert player(page)["epoch"] == "100"
    assert_every_view_on(views(page), run, 100)


def test_the_scrubber_below_moves_the_player_and_a_player_without_frames_asks_again(app, page):
    """The page's own scrubber moves the pictures above too; a player that has lost its frames (drawn afresh) asks
    for them once and plays again."""
    open_lab(app, page)
    page.evaluate("() => { window.__labFrames.runs = {}; window.__labFrames.order = []; }")
    slider = page.locator("[data-testid='stSlider']").filter(has_text="Epoch shown below").get_by_role("slider")
    slider.focus()
    page.keyboard.press("Home")
    rest(app, page, 0)
    page.locator(f"{PLAYER}[data-ready='1'][data-epoch='0']").wait_for(timeout=30_000)
    v = views(page)
    assert titled(v, "The network at epoch") == 0 and v["label"][:2] == [0, "epoch 0"]
    press(page, "Step forward one frame")
    rest(app, page, 5)
    assert_every_view_on(views(page), train_config(TrainConfig()), 5)


def test_the_json_download_is_the_run_on_screen(app, page):
    open_lab(app, page, "training?preset=overfitting")
    shown = page.evaluate(_CURVES_JS)
    # The file is made when clicked, from the page's last script run: a click while the page reruns (the player
    # telling the server where it rests) can ask for the file of a run that has just been replaced.
    app.settle(page)
    saved = download(page, page.get_by_role("button", name="Download this run (JSON)"))
    data = json.loads(Path(saved.path()).read_text(encoding="utf-8"))
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
        assert other.get_by_text("Finished: 300 epochs", exact=True).count() == 1
    finally:
        other.close()
