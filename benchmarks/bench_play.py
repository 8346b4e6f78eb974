"""Benchmark: how fast Play animates the training lab in headless Chromium, and what a play-through costs the server.

    python benchmarks/bench_play.py [--path training] [--fps 30] [--repeats 3] [--seconds 30]

Starts its own `streamlit run app.py` and drives Debian's Chromium ($CHROMIUM or /usr/bin/chromium) with
Playwright's sync API. For each repeat: open the page (a new session), press the player's Reset and wait until the
page shows epoch 0, set the player's speed (--fps, frames per second; the page starts at 30), press Play and let
the run play to its end. At every frame the browser draws (requestAnimationFrame) the watcher reads the epoch the
player is on and checks that every picture on the page (the network's lines and units, the output map, the curves'
marker, dots and cover) is that epoch's, as the frames the page was sent give them: a frame is an epoch every
picture has drawn, and the rate is frames per second from the first such frame to the last. Meanwhile the page's
script runs are counted (stApp's script state turning "running"): Play asks nothing of the server, which hears
from the player once, when it stops. The server's CPU from pressing Play until that rerun has finished is one
play-through's cost; Chromium's CPU per frame is printed beside it. Prints a Markdown table with the target
(30 frames per second) beside the median.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fmt, markdown_table, median, redraw_rate, this_cpu, tree_cpu_seconds
from bench_browser import CHROMIUM_ARGS, VIEWPORT, Server

TARGET_FPS = 30.0
PLAYER = ".lab-player"  # the player's root, in its component's shadow root (Playwright's CSS selectors reach it)

# At every frame the browser draws (requestAnimationFrame): the epoch the player is on, and whether every picture on
# the page (the network's lines and units, the output map, the curves' marker) is that epoch's, as the frames the
# page was sent give them; and every script run the page starts (stApp's script state turning "running").
_WATCH_JS = """() => {
  const host = Array.from(document.querySelectorAll('.st-key-lab_player *')).find(e => e.shadowRoot);
  const root = host.shadowRoot.querySelector('.lab-player');
  const store = window.__labFrames.runs[window.__labFrames.order[window.__labFrames.order.length - 1]];
  const w = window.__watch = {drawn: [], runs: [], stopped: false, last: null};
  const t0 = performance.now();
  const app = document.querySelector("[data-testid='stApp']");
  w.observer = new MutationObserver(() => {
    if (app.dataset.testScriptState === 'running') w.runs.push((performance.now() - t0) / 1000);
  });
  w.observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  const tick = () => {
    const epoch = root.dataset.epoch;
    const k = store.epochs.map(String).indexOf(epoch);
    let all = k >= 0;
    for (const [key, chart] of Object.entries(store.charts)) {
      const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
      const images = gd ? Array.from(gd.querySelectorAll('image')) : [];
      const shown = images.map(e => e.getAttribute('xlink:href') || e.getAttribute('href'));
      for (const [path, source] of Object.entries(k >= 0 ? chart.frames[k].patch : {})) {
        if (path.startsWith('images') && !shown.includes(source)) all = false;
      }
    }
    if (all && epoch !== w.last) { w.last = epoch; w.drawn.push([(performance.now() - t0) / 1000, Number(epoch)]); }
    if (!w.stopped) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
_WATCHED_JS = """() => { const w = window.__watch; w.stopped = true; w.observer.disconnect();
  return {drawn: w.drawn, runs: w.runs}; }"""


def settle(page, timeout_s: float = 90) -> None:
    app = "[data-testid='stApp']"
    page.locator(f"{app}[data-test-connection-state='CONNECTED']").wait_for(state="attached", timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < 3:
        idle = page.locator(f"{app}[data-test-script-state='notRunning']").count()
        quiet = quiet + 1 if idle and not page.locator("[data-testid='stSkeleton']").count() else 0
        time.sleep(0.2)


def player(page) -> dict:
    return page.locator(PLAYER).evaluate("e => ({...e.dataset})")


def play_once(browser, server: Server, path: str, fps: int, seconds: float) -> dict:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(f"{server.base}/{path}", wait_until="domcontentloaded", timeout=120_000)
        settle(page)
        page.locator(f"{PLAYER}[data-ready='1']").wait_for(timeout=120_000)
        page.locator(PLAYER).get_by_role("button", name="Reset to epoch 0").click()
        page.locator(f"{PLAYER}[data-epoch='0']").wait_for(timeout=30_000)
        time.sleep(1.0)  # the player tells the server it rests on epoch 0 (after 0.25 s), which draws the page there
        settle(page)
        page.locator(f"{PLAYER} select.fps").select_option(str(fps))
        runs = int(player(page)["scriptRuns"])
        page.evaluate(_WATCH_JS)
        cpu0 = server.cpu_seconds(), tree_cpu_seconds(os.getpid(), exclude=[server.proc.pid])
        page.locator(PLAYER).get_by_role("button", name="Play").click()
        page.locator(f"{PLAYER}[data-playing='1']").wait_for(timeout=10_000)
        page.locator(f"{PLAYER}[data-playing='0']").wait_for(timeout=seconds * 1000)
        watched = page.evaluate(_WATCHED_JS)
        ended = player(page)
        time.sleep(1.0)  # the player's report (0.25 s after it stops), and the rerun it starts
        settle(page)
        server_cpu = server.cpu_seconds() - cpu0[0]
        browser_cpu = tree_cpu_seconds(os.getpid(), exclude=[server.proc.pid]) - cpu0[1]
        frames = [(t, e) for t, e in watched["drawn"] if e > 0]  # epoch 0 was on screen before Play
        window = (frames[0][0], frames[-1][0]) if len(frames) > 1 else None
        count, rate = redraw_rate(frames, *window) if window else (len(frames), 0.0)
        during = [t for t in watched["runs"] if window and t <= window[1]]
        return {"fps": rate, "frames": count, "ended_at": ended["epoch"],
                "runs_while_playing": len(during), "reruns": int(player(page)["scriptRuns"]) - runs,
                "seconds": (window[1] - window[0]) if window else None, "server_cpu": server_cpu,
                "browser_ms": 1000 * browser_cpu / max(1, count)}
    finally:
        context.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--path", default="training", help="the page and settings to play (default: the default run)")
    ap.add_argument("--fps", type=int, default=30, choices=[5, 10, 15, 30, 60],
                    help="the player's speed, frames per second (default: 30, the page's own)")
    ap.add_argument("--seconds", type=float, default=60.0, help="longest wait for one play-through")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server = Server(ttl=5)
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS, headless=True)
            runs = [play_once(browser, server, args.path, args.fps, args.seconds) for _ in range(args.repeats)]
            browser.close()
    finally:
        server.stop()
    rows = [(i + 1, fmt(r["fps"], 1), r["frames"], fmt(r["seconds"], 2, " s"), r["runs_while_playing"],
             r["reruns"], fmt(r["server_cpu"], 2, " s"), fmt(r["browser_ms"], 0), r["ended_at"])
            for i, r in enumerate(runs)]
    print(f"Play on /{args.path} at the player's {args.fps} frames / s, headless Chromium, {this_cpu()}\n")
    print(markdown_table(["run", "frames / s", "frames", "play-through", "script runs while playing",
                          "script runs, Play to rest", "server CPU, Play to rest", "Chromium CPU ms / frame",
                          "stopped at epoch"], rows, align="rrrrrrrrr"))
    best = median(r["fps"] for r in runs)
    print(f"\nmedian {best:.1f} frames / s (target ≥ {TARGET_FPS:g}): {'yes' if best >= TARGET_FPS else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
