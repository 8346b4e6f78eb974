"""Benchmark: many sessions at once against the server alone, speaking Streamlit's websocket protocol.

    python benchmarks/bench_sessions.py [--sessions 20] [--page training] [--ttl 5] [--wait-after 10] [--reference]

bench_browser's concurrency figure on a small machine is mostly the cost of the browsers themselves
(20 Chromium renderers sharing the cores with the server). This measures the server: SESSIONS
websocket clients connect to /_stcore/stream at once, each asks for PAGE as a browser's first
request does (a BackMsg rerun_script with the page name), and waits for the script_finished message.
Reports p50/p95 time to script finished, errors (an exception element, "page not found", a failed
run), the server's CPU, and its RSS before, with the sessions open, and after they disconnected and the
TTL passed. With --reference, the same is measured on benchmarks/reference_app.py (one data editor,
one LaTeX line, one Plotly heatmap) in its own server, and PAGE's figures are also given as multiples
of it. Uses the `websockets` package Streamlit itself depends on.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fmt, markdown_table, percentile
from bench_browser import Server


async def open_session(base: str, page: str, start: asyncio.Event, timeout: float):
    """One websocket session: returns (seconds to script_finished, error or None, the open connection)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    await start.wait()
    t0 = time.perf_counter()
    ws = await websockets.connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                  origin=base, max_size=None)
    request = BackMsg()
    request.rerun_script.page_name = page
    await ws.send(request.SerializeToString())
    error = None
    async with asyncio.timeout(timeout):
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "page_not_found":
                error = "page not found"
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                    and msg.delta.new_element.WhichOneof("type") == "exception":
                error = "exception element"
            elif kind == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    error = error or f"script finished with status {msg.script_finished}"
                return time.perf_counter() - t0, error, ws


REFERENCE_SCRIPT = "benchmarks/reference_app.py"


async def run(args, script: str = "app.py", page: str | None = None) -> dict:
    """The measurement on `script`'s server, for `page` (default: --page; "" is the script's own page)."""
    page = args.page if page is None else page
    server = Server(args.ttl, script)
    out: dict = {"sessions": args.sessions, "page": page, "ttl": args.ttl, "wait_after": args.wait_after}
    try:
        server.wait_healthy()
        out["rss_start"] = server.rss_mb()
        # One session first, as the first visitor after a wake-up: it fills the page's caches.
        never = asyncio.Event()
        never.set()
        first, error, ws = await open_session(server.base, page, never, args.timeout)
        out["first_s"], out["first_error"] = first, error
        await ws.close()
        out["rss_before"] = server.rss_mb()
        cpu0 = server.cpu_seconds()
        start = asyncio.Event()
        tasks = [asyncio.create_task(open_session(server.base, page, start, args.timeout))
                 for _ in range(args.sessions)]
        t0 = time.perf_counter()
        start.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        out["wall_s"] = time.perf_counter() - t0
        out["server_cpu_s"] = server.cpu_seconds() - cpu0
        out["times"] = [r[0] for r in results if not isinstance(r, BaseException)]
        out["errors"] = [f"{type(r).__name__}: {r}" if isinstance(r, BaseException) else r[1]
                         for r in results if isinstance(r, BaseException) or r[1]]
        out["sessions_with"] = server.active_sessions()
        out["rss_with_sessions"] = server.rss_mb()
        for r in results:
            if not isinstance(r, BaseException):
                await r[2].close()
        await asyncio.sleep(args.wait_after)
        out["sessions_after"] = server.active_sessions()
        out["rss_after"] = server.rss_mb()
    finally:
        server.stop()
    return out


def table(r: dict) -> str:
    times = r.get("times") or []
    n, page = r["sessions"], r["page"]
    rows = [
        (f"first session alone: /{page} script finished", fmt(r.get("first_s"), 2, " s")),
        (f"{n} sessions at once: p50 to script finished", fmt(percentile(times, 50) if times else None, 2, " s")),
        (f"{n} sessions at once: p95 to script finished", fmt(percentile(times, 95) if times else None, 2, " s")),
        (f"{n} sessions at once: all finished", fmt(r.get("wall_s"), 2, " s")),
        (f"{n} sessions: errors", str(len(r.get("errors", [])))),
        (f"{n} sessions: server CPU", fmt(r.get("server_cpu_s"), 2, " s")),
        ("server RSS at startup", fmt(r.get("rss_start"), 1, " MB")),
        ("server RSS after the first session", fmt(r.get("rss_before"), 1, " MB")),
        (f"server RSS with {n} sessions open ({r.get('sessions_with')} active)",
         fmt(r.get("rss_with_sessions"), 1, " MB")),
        (f"server RSS {r['wait_after']:g} s after they disconnected, TTL {r['ttl']} s "
         f"({r.get('sessions_after')} active)", fmt(r.get("rss_after"), 1, " MB")),
    ]
    return markdown_table(["measure", "result"], rows, align="lr")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--page", default="training", help="page name, as in its URL (default: training)")
    ap.add_argument("--ttl", type=int, default=5, help="the server's disconnectedSessionTTL, seconds")
    ap.add_argument("--wait-after", type=float, default=10, help="seconds to wait after disconnecting")
    ap.add_argument("--timeout", type=float, default=120, help="per-session limit, seconds")
    ap.add_argument("--reference", action="store_true",
                    help="also measure the reference page and report PAGE as a multiple of it")
    args = ap.parse_args(argv)
    result = asyncio.run(run(args))
    print(f"Server alone, {args.sessions} websocket sessions at once on /{args.page} ({os.cpu_count()} CPUs)\n")
    print(table(result))
    results = [result]
    if args.reference:
        reference = asyncio.run(run(args, REFERENCE_SCRIPT, ""))
        results.append(reference)
        print(f"\nThe reference page in its own server, {args.sessions} sessions at once\n")
        print(table(reference))
        print()
        print(reference_ratios(result, reference))
    for r in results:
        for error in sorted(set(r.get("errors", [])))[:5]:
            print(f"error: {error}")
    return 1 if any(r.get("errors") or r.get("first_error") for r in results) else 0


def reference_ratios(page: dict, reference: dict) -> str:
    """The page's figures as multiples of the reference page's."""
    def times(r, q):
        return percentile(r["times"], q) if r.get("times") else None
    rows = [
        ("first session alone", page.get("first_s"), reference.get("first_s")),
        ("p50 to script finished", times(page, 50), times(reference, 50)),
        ("all finished", page.get("wall_s"), reference.get("wall_s")),
        ("server CPU", page.get("server_cpu_s"), reference.get("server_cpu_s")),
    ]
    return markdown_table([f"/{page['page']} ÷ reference", "ratio"],
                          [(name, fmt(a / b if a and b else None, 2, "×")) for name, a, b in rows], align="lr")


if __name__ == "__main__":
    raise SystemExit(main())
