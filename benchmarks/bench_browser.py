"""Benchmark: the served app in headless Chromium — cold start, 20 concurrent readers, server memory.

    python benchmarks/bench_browser.py [--sessions 20] [--ttl 5] [--wait-after 10] [--timeout 300]

Starts its own `streamlit run app.py` (with --server.disconnectedSessionTTL=TTL so that closed sessions
are dropped quickly) and drives Debian's Chromium ($CHROMIUM or /usr/bin/chromium) with Playwright's
async API; nothing is downloaded.

- cold start: from `streamlit run` to the overview fully rendered in Chromium (the browser is launched
  beforehand and not counted);
- concurrency: SESSIONS browser contexts open /training at once; for each, the time from its request to
  the page fully rendered (connected, script idle for a few polls, no skeleton, at least 3 Plotly
  charts), and errors (an stException on the page, or a load that failed or timed out);
- memory: the streamlit process's VmRSS (/proc/<pid>/status) at startup, before the sessions, with all of
  them open, and WAIT-AFTER seconds after they disconnected (after the TTL has passed).

Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    fmt,
    free_port,
    markdown_table,
    parse_metrics,
    parse_stat_cpu_seconds,
    percentile,
    rss_mb,
    tree_cpu_seconds,
)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1000}
TRAINING_CHARTS = 3


class Server:
    """`streamlit run SCRIPT` (default app.py; e.g. benchmarks/reference_app.py) on a free loopback port,
    from the repository root."""

    def __init__(self, ttl: int, script: str = "app.py", env: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(tempfile.gettempdir()) / f"bench-streamlit-{self.port}.log"
        cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
               f"--server.port={self.port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
               "--browser.gatherUsageStats=false", f"--server.disconnectedSessionTTL={ttl}"]
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                         env={**os.environ, **(env or {})})

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/_stcore/health", timeout=2) as r:
                return r.status == 200 and r.read().strip() == b"ok"
        except OSError:
            return False

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit was not healthy within {timeout} s; see {self.log}")
            time.sleep(0.05)

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.proc.pid}/stat") as f:
            return parse_stat_cpu_seconds(f.read(), os.sysconf("SC_CLK_TCK"))

    def active_sessions(self) -> int | None:
        """Streamlit's own gauge, from /_stcore/metrics."""
        try:
            with urllib.request.urlopen(self.base + "/_stcore/metrics", timeout=5) as r:
                value = parse_metrics(r.read().decode()).get("active_sessions")
        except OSError:
            return None
        return None if value is None else int(value)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


async def settle(page, timeout: float, quiet_polls: int = 3) -> None:
    """Connected, script not running for `quiet_polls` polls in a row, and no skeleton (Streamlit's e2e wait)."""
    app = "[data-testid='stApp']"
    await page.locator(f"{app}[data-test-connection-state='CONNECTED']").wait_for(state="attached",
                                                                                   timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        idle = await page.locator(f"{app}[data-test-script-state='notRunning']").count()
        skeleton = await page.locator("[data-testid='stSkeleton']").count()
        quiet = quiet + 1 if (idle and not skeleton) else 0
        if quiet >= quiet_polls:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"{page.url} did not settle within {timeout} s")


async def render(page, url: str, *, charts: int, selector: str | None, timeout: float) -> float:
    """Seconds from the request of `url` to the page fully rendered."""
    t0 = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    await settle(page, timeout)
    if charts:
        await page.wait_for_function("(n) => document.querySelectorAll('.js-plotly-plot').length >= n", arg=charts,
                                     timeout=timeout * 1000)
    if selector:
        await page.locator(selector).first.wait_for(timeout=timeout * 1000)
    return time.perf_counter() - t0


async def one_reader(browser, url: str, timeout: float, start: asyncio.Event) -> dict:
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    await start.wait()
    try:
        seconds = await render(page, url, charts=TRAINING_CHARTS, selector=None, timeout=timeout)
        exceptions = await page.locator("[data-testid='stException']").count()
        error = f"{exceptions} stException on the page" if exceptions else None
    except Exception as exc:  # a failed or timed-out load is an error of this session, not of the benchmark
        seconds, error = None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return {"context": context, "seconds": seconds, "error": error}


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    executable = args.chromium
    if not os.path.isfile(executable):
        raise FileNotFoundError(f"no Chromium at {executable}: apt-get install -y chromium, or set $CHROMIUM")
    out: dict = {"sessions": args.sessions, "ttl": args.ttl, "wait_after": args.wait_after}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        # (c) cold start -----------------------------------------------------------------------------
        t0 = time.perf_counter()
        server = Server(args.ttl)
        try:
            await asyncio.to_thread(server.wait_healthy)
            out["healthy_s"] = time.perf_counter() - t0
            out["rss_start"] = server.rss_mb()
            context = await browser.new_context(viewport=VIEWPORT)
            page = await context.new_page()
            await render(page, server.base + "/", charts=0, selector="[data-testid='stGraphVizChart'] svg",
                         timeout=args.timeout)
            out["cold_s"] = time.perf_counter() - t0
            out["cold_exceptions"] = await page.locator("[data-testid='stException']").count()
            await context.close()
            # (d) concurrency, (e) memory --------------------------------------------------------------
            out["rss_before"] = server.rss_mb()
            out["sessions_before"] = server.active_sessions()
            start = asyncio.Event()
            tasks = [asyncio.create_task(one_reader(browser, server.base + "/training", args.timeout, start))
                     for _ in range(args.sessions)]
            await asyncio.sleep(0.5)  # let every context open its tab first: the requests then start together
            cpu0 = server.cpu_seconds(), tree_cpu_seconds(os.getpid(), exclude=[server.proc.pid])
            t_start = time.perf_counter()
            start.set()
            readers = await asyncio.gather(*tasks)
            out["wall_s"] = time.perf_counter() - t_start
            out["server_cpu_s"] = server.cpu_seconds() - cpu0[0]
            out["browser_cpu_s"] = tree_cpu_seconds(os.getpid(), exclude=[server.proc.pid]) - cpu0[1]
            out["rss_with_sessions"] = server.rss_mb()
            out["sessions_with"] = server.active_sessions()
            out["times"] = [r["seconds"] for r in readers if r["seconds"] is not None]
            out["errors"] = [r["error"] for r in readers if r["error"]]
            for r in readers:
                await r["context"].close()
            await asyncio.sleep(args.wait_after)
            out["rss_after"] = server.rss_mb()
            out["sessions_after"] = server.active_sessions()
        finally:
            server.stop()
            await browser.close()
    return out


def active(count: int | None) -> str:
    return "" if count is None else f" ({count} active session{'' if count == 1 else 's'})"


def table(r: dict) -> str:
    times = r.get("times") or []
    p50 = percentile(times, 50) if times else None
    p95 = percentile(times, 95) if times else None
    n = r["sessions"]
    errors = r.get("errors", [])
    rows = [
        ("(c) cold start: `streamlit run` → /_stcore/health ok", fmt(r.get("healthy_s"), 2, " s")),
        ("(c) cold start: `streamlit run` → overview fully rendered in Chromium", fmt(r.get("cold_s"), 2, " s")),
        (f"(d) {n} sessions open /training at once: p50 to fully rendered", fmt(p50, 2, " s")),
        (f"(d) {n} sessions: p95 to fully rendered", fmt(p95, 2, " s")),
        (f"(d) {n} sessions: slowest / all done", f"{fmt(max(times) if times else None, 2, ' s')} / "
                                                   f"{fmt(r.get('wall_s'), 2, ' s')}"),
        (f"(d) {n} sessions: errors (stException, failed or timed-out loads)",
         f"{len(errors)}" + (f": {'; '.join(sorted(set(errors)))}" if errors else "")),
        (f"(d) CPU used while the {n} sessions rendered: streamlit server / Chromium (+ Playwright driver)",
         f"{fmt(r.get('server_cpu_s'), 1, ' s')} / {fmt(r.get('browser_cpu_s'), 1, ' s')}"),
        ("(e) server RSS at startup (healthy, no session)", fmt(r.get("rss_start"), 1, " MB")),
        ("(e) server RSS before the sessions (after the cold-start page)",
         f"{fmt(r.get('rss_before'), 1, ' MB')}{active(r.get('sessions_before'))}"),
        (f"(e) server RSS with {n} sessions open",
         f"{fmt(r.get('rss_with_sessions'), 1, ' MB')}{active(r.get('sessions_with'))}"),
        (f"(e) server RSS {r['wait_after']:g} s after they disconnected (disconnectedSessionTTL={r['ttl']} s)",
         f"{fmt(r.get('rss_after'), 1, ' MB')}{active(r.get('sessions_after'))}"),
    ]
    return markdown_table(["measure", "result"], rows, align="lr")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent browser contexts on /training")
    ap.add_argument("--ttl", type=int, default=5, help="the server's disconnectedSessionTTL, seconds")
    ap.add_argument("--wait-after", type=float, default=10, help="seconds to wait after closing the contexts")
    ap.add_argument("--timeout", type=float, default=300, help="per-session limit to render, seconds")
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM") or "/usr/bin/chromium")
    args = ap.parse_args(argv)
    try:
        result = asyncio.run(run(args))
    except (FileNotFoundError, ImportError, RuntimeError) as exc:
        print(f"browser benchmark not run: {exc}")
        return 2
    print(f"Served app in headless Chromium ({os.cpu_count()} CPUs; one browser, one context per session)\n")
    print(table(result))
    return 1 if result.get("errors") or result.get("cold_exceptions") else 0


if __name__ == "__main__":
    raise SystemExit(main())
