"""Benchmark: how fast Play redraws the training lab in headless Chromium, and the server time of one frame.

    python benchmarks/bench_play.py [--path training] [--seconds 10] [--repeats 3]

Starts its own `streamlit run app.py` and drives Debian's Chromium ($CHROMIUM or /usr/bin/chromium) with
Playwright's sync API. For each repeat: open the page (a new session), press Reset, then Play, and for SECONDS
record every change of the titles of the network picture and the output map ("… at epoch N"), which Plotly
updates only once it has drawn that epoch. A frame is an epoch both pictures have drawn; the rate is frames per
second from the first frame on, while the run is still going. The CPU time the server and Chromium spent per frame
is printed too: on a shared machine the rate depends on what else runs, the CPU per frame much less. Prints a
Markdown table with the target (5 frames per second) beside the median.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fmt, markdown_table, median, redraw_rate, tree_cpu_seconds
from bench_browser import CHROMIUM_ARGS, VIEWPORT, Server

TARGET_FPS = 5.0

# Record (time in s, title) whenever a Plotly title changes; titles are drawn once the figure is.
_OBSERVE_JS = """() => {
  window.__titles = [];
  const t0 = performance.now();
  const record = () => {
    for (const el of document.querySelectorAll('.js-plotly-plot .gtitle')) {
      const text = el.textContent;
      if (el.__last !== text) { el.__last = text; window.__titles.push([(performance.now() - t0) / 1000, text]); }
    }
  };
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
  record();
}"""
_STATUS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"] strong'))
  .map(e => e.textContent).find(t => t.startsWith('Epoch') || t.startsWith('Finished')) || ''"""


def settle(page, timeout_s: float = 90) -> None:
    app = "[data-testid='stApp']"
    page.locator(f"{app}[data-test-connection-state='CONNECTED']").wait_for(state="attached", timeout=timeout_s * 1000)
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline and quiet < 3:
        idle = page.locator(f"{app}[data-test-script-state='notRunning']").count()
        quiet = quiet + 1 if idle and not page.locator("[data-testid='stSkeleton']").count() else 0
        time.sleep(0.2)


def frames_of(titles: list[tuple[float, str]]) -> list[tuple[float, int]]:
    """(time, epoch) at which every picture on the page (the network, and the output map when there is one) had
    drawn an epoch."""
    drawn: dict[str, dict[int, float]] = {}
    for t, text in titles:
        match = re.match(r"(The network|Output) at epoch (\d+)", text)
        if match:
            drawn.setdefault(match.group(1), {}).setdefault(int(match.group(2)), t)
    if not drawn:
        return []
    both = set.intersection(*(set(epochs) for epochs in drawn.values()))
    return sorted((max(epochs[e] for epochs in drawn.values()), e) for e in both)


def play_once(browser, server: Server, path: str, seconds: float) -> dict:
    base = server.base
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(f"{base}/{path}", wait_until="domcontentloaded", timeout=120_000)
        settle(page)
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=60_000)
        page.get_by_role("button", name="Reset").click()
        settle(page)
        page.evaluate(_OBSERVE_JS)
        pressed = time.monotonic()
        cpu0 = server.cpu_seconds(), tree_cpu_seconds(os.getpid(), exclude=[server.proc.pid])
        page.get_by_role("button", name="Play").first.click()
        time.sleep(seconds)
        titles = page.evaluate("() => window.__titles")
        server_cpu = server.cpu_seconds() - cpu0[0]
        browser_cpu = tree_cpu_seconds(os.getpid(), exclude=[server.proc.pid]) - cpu0[1]
        status = page.evaluate(_STATUS_JS)
        page.get_by_role("button", name="Pause").click()
        settle(page)
        frames = [(t, e) for t, e in frames_of(titles) if e > 0]
        epochs_per_frame = (frames[-1][1] - frames[0][1]) / max(1, len(frames) - 1) if len(frames) > 1 else None
        window = (frames[0][0], frames[-1][0]) if len(frames) > 1 else None
        count, fps = redraw_rate(frames, *window) if window else (len(frames), 0.0)
        drawn = max(1, len(frames))
        return {"fps": fps, "frames": count, "epochs_per_frame": epochs_per_frame, "status": status,
                "elapsed": time.monotonic() - pressed, "server_ms": 1000 * server_cpu / drawn,
                "browser_ms": 1000 * browser_cpu / drawn}
    finally:
        context.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--path", default="training", help="the page and settings to play (default: the default run)")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server = Server(ttl=5)
    try:
        server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                         args=CHROMIUM_ARGS, headless=True)
            runs = [play_once(browser, server, args.path, args.seconds) for _ in range(args.repeats)]
            browser.close()
    finally:
        server.stop()
    rows = [(i + 1, fmt(r["fps"], 1), r["frames"], fmt(r["epochs_per_frame"], 1), fmt(r["server_ms"], 0),
             fmt(r["browser_ms"], 0), r["status"]) for i, r in enumerate(runs)]
    print(f"Play on /{args.path}: new epochs drawn by both pictures in headless Chromium, {args.seconds:g} s each\n")
    print(markdown_table(["run", "frames / s", "frames", "epochs / frame", "server CPU ms / frame",
                          "Chromium CPU ms / frame", "status when measured"], rows, align="rrrrrrl"))
    best = median(r["fps"] for r in runs)
    print(f"\nmedian {best:.1f} frames / s (target ≥ {TARGET_FPS:g}): {'yes' if best >= TARGET_FPS else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
