"""The lab's player: Play, Pause, Step, Reset, a timeline and a speed for a finished run's frames, all in the
browser, driving the lab's Plotly charts with plotly.js's own Plotly.animate (the page's charts load it).

The frames (dashboard.lab.animation) reach the browser once per run: the server sends them, gzipped, in the
player's data the first time a session shows that run, and the player keeps them (it asks again, with the
"missing" trigger, if it was mounted afresh and has not got them). Playing, stepping and scrubbing then ask
nothing of the server; when the player comes to rest on an epoch the page does not show below, it says so once
(the "epoch" trigger), and the page redraws the backward pass at that epoch.

HTML, CSS and JS are constant strings written here, never built from anything a user typed or a link carried;
what changes (the frames, the epochs, the epoch shown) travels as the component's data. The player writes what it
shows into its root element's data-* attributes (data-epoch, data-playing, data-drawn, data-script-runs), which the
browser tests and benchmarks read.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

HTML = """<div class="lab-player" role="group" aria-label="Play the training run in the browser">
  <button type="button" class="play primary" disabled>Play</button>
  <button type="button" class="back" aria-label="Step back one frame" title="Step back one frame"
          disabled>&#9664;</button>
  <button type="button" class="step" aria-label="Step forward one frame" title="Step forward one frame"
          disabled>Step &#9654;</button>
  <button type="button" class="reset" aria-label="Reset to epoch 0" title="Back to epoch 0" disabled>Reset</button>
  <input type="range" class="timeline" min="0" max="0" value="0" step="1" aria-label="Epoch" disabled>
  <span class="readout" aria-live="polite">Loading the frames…</span>
  <label class="speed">Frames per second
    <select class="fps" aria-label="Frames per second">
      <option>5</option><option>10</option><option>15</option><option>30</option><option>60</option>
    </select>
  </label>
</div>"""

CSS = """
.lab-player { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; font-family: inherit;
  font-size: 1rem; color: var(--st-text-color, #111111); }
.lab-player button { font: inherit; padding: 0.35rem 0.8rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.25); background: var(--st-background-color, #ffffff); color: inherit;
  min-height: 2.4rem; }
.lab-player button.primary { background: var(--st-primary-color, #5e3c99); color: #ffffff; min-width: 5.5rem;
  border-color: var(--st-primary-color, #5e3c99); }
.lab-player button:disabled { cursor: default; opacity: 0.55; }
.lab-player button:focus-visible, .lab-player input:focus-visible, .lab-player select:focus-visible {
  outline: 3px solid #5e3c99; outline-offset: 2px; }
.lab-player .timeline { flex: 1 1 14rem; min-width: 10rem; accent-color: var(--st-primary-color, #5e3c99); }
.lab-player .readout { min-width: 14rem; font-variant-numeric: tabular-nums; }
.lab-player .speed { display: inline-flex; gap: 0.4rem; align-items: center; font-size: 0.9rem; }
.lab-player select { font: inherit; padding: 0.2rem; border-radius: 0.4rem; }
"""

JS = """
const SETTLE_MS = 250;  // this long after the last move, the player tells the server where it rests
const KEEP_RUNS = 3;    // runs whose frames the page keeps (the last few settings tried)

// Frames are kept by the page, not by one player: Streamlit may draw the player afresh on a rerun.
const store = window.__labFrames || (window.__labFrames = {order: [], runs: {}});

function keep(run, frames) {
  if (!store.runs[run]) store.order.push(run);
  store.runs[run] = frames;
  while (store.order.length > KEEP_RUNS) delete store.runs[store.order.shift()];
}

function chartOf(key) {
  return document.querySelector('.st-key-' + key + ' .js-plotly-plot');
}

function makePlayer(root) {
  const $ = (selector) => root.querySelector(selector);
  const p = {run: null, names: [], charts: [], total: 0, k: 0, playing: false, fps: 30, due: 0, raf: 0, timer: 0,
             server: null, pending: null, trigger: null, drawn: 0, missing: null, shown: new Map(),
             scrubbing: false};

  p.frames = () => store.runs[p.run];
  p.ready = () => Boolean(p.frames() && window.Plotly);

  // Each chart remembers what it shows: frame k while moving, or at rest (with the labels that only a resting
  // frame places); a chart Streamlit drew afresh shows the page's epoch at rest.
  p.showOn = (key, k, rest) => {
    const gd = chartOf(key);
    const chart = p.frames() && p.frames().charts[key];
    const frame = chart && chart.frames[k];
    if (!gd || !gd._fullLayout || !frame) return;
    const state = p.run + ':' + k + (rest ? ':rest' : '');
    const was = p.shown.get(gd) || '';
    if (was === state) return;
    p.shown.set(gd, state);
    const patch = Object.assign({}, frame.patch);
    if (rest) Object.assign(patch, frame.rest);
    else if (was.endsWith(':rest') || !was) Object.assign(patch, chart.moving);
    window.Plotly.relayout(gd, patch);
  };

  p.showAll = (rest) => { if (p.ready()) for (const key of p.charts) p.showOn(key, p.k, rest); };

  p.show = (k, rest) => {
    p.k = Math.max(0, Math.min(k, p.names.length - 1));
    p.showAll(rest);
    p.drawn += 1;
    p.paint();
  };

  p.paint = () => {
    const epoch = p.names[p.k];
    const ready = p.ready();
    root.dataset.epoch = epoch === undefined ? '' : epoch;
    root.dataset.playing = p.playing ? '1' : '0';
    root.dataset.drawn = String(p.drawn);
    root.dataset.ready = ready ? '1' : '0';
    root.dataset.frames = String(p.names.length);
    const play = $('.play');
    play.textContent = p.playing ? 'Pause' : 'Play';
    const from = p.k === p.names.length - 1 ? p.names[0] : epoch;
    play.setAttribute('aria-label', p.playing ? 'Pause' : 'Play the run from epoch ' + from);
    play.disabled = !ready;
    $('.reset').disabled = !ready;
    $('.back').disabled = !ready || p.playing || p.k === 0;
    $('.step').disabled = !ready || p.playing || p.k === p.names.length - 1;
    const timeline = $('.timeline');
    timeline.disabled = !ready;
    timeline.max = String(Math.max(0, p.names.length - 1));
    timeline.value = String(p.k);
    timeline.setAttribute('aria-valuetext', ready ? 'epoch ' + epoch : 'loading');
    $('.readout').textContent = ready ? 'Epoch ' + epoch + ' of ' + p.total + ' · frame ' + (p.k + 1) + ' of '
                                        + p.names.length : 'Loading the frames…';
    $('.readout').setAttribute('aria-live', p.playing ? 'off' : 'polite');
  };

  // Frames are due every 1/fps s from the first: a late frame does not push the others back, so that the rate
  // holds whenever the browser draws faster than it (a frame comes up to 4 ms early, as display ticks jitter).
  p.tick = (now) => {
    if (!p.playing || !root.isConnected) return;
    if (now >= p.due - 4) {
      p.due = Math.max(p.due + 1000 / p.fps, now - 1000 / p.fps);
      p.show(p.k + 1, false);
      if (p.k >= p.names.length - 1) { p.stop(); return; }
    }
    p.raf = requestAnimationFrame(p.tick);
  };

  p.play = () => {
    if (!p.ready()) return;
    if (p.k >= p.names.length - 1) p.show(0, false);
    p.playing = true;
    p.due = performance.now() + 1000 / p.fps;
    clearTimeout(p.timer);
    p.paint();
    p.raf = requestAnimationFrame(p.tick);
  };

  p.halt = () => { p.playing = false; cancelAnimationFrame(p.raf); };
  p.stop = () => { p.halt(); p.showAll(true); p.paint(); p.settle(); };

  // Once the player rests on an epoch the page does not show below, it tells the server, once.
  p.settle = () => {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      const epoch = Number(p.names[p.k]);
      if (p.playing || !p.trigger || Number.isNaN(epoch) || epoch === p.server || epoch === p.pending) return;
      p.pending = epoch;
      p.trigger('epoch', epoch);
    }, SETTLE_MS);
  };

  $('.play').addEventListener('click', () => (p.playing ? p.stop() : p.play()));
  $('.back').addEventListener('click', () => { p.show(p.k - 1, true); p.settle(); });
  $('.step').addEventListener('click', () => { p.show(p.k + 1, true); p.settle(); });
  $('.reset').addEventListener('click', () => { p.halt(); p.show(0, true); p.settle(); });
  $('.timeline').addEventListener('input', (e) => {
    p.halt();
    p.scrubbing = true;
    p.show(Number(e.target.value), false);
  });
  $('.timeline').addEventListener('change', () => { p.scrubbing = false; p.showAll(true); p.paint(); p.settle(); });
  $('.fps').addEventListener('change', (e) => { p.fps = Number(e.target.value); p.due = performance.now(); });
  // Charts are drawn after the player, and afresh after a rerun: bring each to the player's frame once it is there.
  p.poll = setInterval(() => {
    if (!root.isConnected) { clearInterval(p.poll); return; }
    p.showAll(!p.playing && !p.scrubbing);
    p.paint();
  }, 200);

  p.update = (data, setTriggerValue) => {
    p.trigger = setTriggerValue;
    root.dataset.scriptRuns = String(data.runs);
    const changed = data.run !== p.run;
    p.run = data.run;
    p.names = data.epochs.map(String);
    p.charts = data.charts;
    p.total = data.total;
    if (changed && !p.playing) { p.fps = data.fps; $('.fps').value = String(data.fps); }
    if (!p.frames() && p.missing !== p.run) { p.missing = p.run; setTriggerValue('missing', p.run); }
    const at = p.names.indexOf(String(data.epoch));
    if (changed) {
      p.halt();
      p.pending = null;
      p.k = Math.max(0, at);
    } else if (data.epoch === p.pending) {
      p.pending = null;  // the page now shows where the player rests
    } else if (data.epoch !== p.server && p.pending === null && !p.playing && at >= 0) {
      p.k = at;  // the page chose another epoch (its scrubber, a lesson): the charts follow
    }
    p.server = data.epoch;
    // The page drew its charts at rest on its own epoch: they show that until the player moves them.
    for (const key of p.charts) {
      const gd = chartOf(key);
      if (gd && !p.shown.has(gd)) p.shown.set(gd, p.run + ':' + at + ':rest');
    }
    p.showAll(!p.playing && !p.scrubbing);
    p.paint();
  };
  return p;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector('.lab-player');
  if (!root.__player) root.__player = makePlayer(root);
  const player = root.__player;
  // data: the fields as JSON, then, when this message carries the frames, a newline and the frames' JSON gzipped.
  const cut = data.indexOf(10);
  const head = JSON.parse(new TextDecoder().decode(cut < 0 ? data : data.subarray(0, cut)));
  const packed = cut < 0 ? null : new Blob([data.subarray(cut + 1)]);  // copied now, unpacked below
  // Messages are applied in the order they came: one carrying frames waits for them to be unpacked.
  player.queue = (player.queue || Promise.resolve()).then(async () => {
    if (packed) {
      const text = new Response(packed.stream().pipeThrough(new DecompressionStream('gzip'))).text();
      keep(head.run, JSON.parse(await text));
    }
    player.update(head, setTriggerValue);
  }).catch((error) => console.error('lab player:', error));
}
"""

_PLAYER = st.components.v2.component("lab_player", html=HTML, css=CSS, js=JS)


def player(*, key: str, data: bytes, on_epoch: Callable[[], None], on_missing: Callable[[], None]) -> None:
    """The player, with ``data`` as bytes (see lab.session.player_data): a JSON object in UTF-8 — run (an id of
    the run), epochs (the frames' epochs), epoch (the one the page shows), total (the run's epochs), charts (the
    keys of the st.plotly_chart elements it drives), fps, runs (the page's script runs so far) — then, when this
    session has not got the frames, a newline and the frames' JSON gzipped (the browser unpacks it with its own
    DecompressionStream). ``on_epoch`` is called when the player rests on another epoch, ``on_missing`` when it
    lacks the frames; both read st.session_state[key]."""
    _PLAYER(key=key, data=data, on_epoch_change=on_epoch, on_missing_change=on_missing)
