"""Profile: where the server's CPU goes when a class opens a page for the first time.

    python benchmarks/profile_first_view.py [--pages training forward-pass reference] [--sessions 20]

For each page: one `streamlit run` (the app, or benchmarks/reference_app.py for "reference"), warmed by
one visit; then py-spy (a sampling profiler, `pip install py-spy`, see requirements-dev.txt) records
the server process while SESSIONS websocket sessions open the page at once (bench_class's client).
Every sampled stack is put in one bucket, the first that matches from the top of this list:

- end of run: Streamlit's gc.collect(2) after every script run (runner.postScriptGC) and its sweep of
  orphaned media files;
- protobuf: serialising ForwardMsgs for the websocket (or parsing BackMsgs);
- Plotly to JSON: `plotly.io.to_json` of the figures st.plotly_chart sends;
- Plotly figure building: constructing and validating go.Figure objects;
- Arrow tables: DataFrames to Arrow for st.dataframe / st.data_editor;
- page scripts: the pages, `dashboard` and `backprop`, with the st.* calls they make (element ids,
  hashing, queueing deltas), but for the above;
- Streamlit script runner: widgets, elements, session state, caches while a script runs;
- server and event loop: HTTP, websockets, asyncio — outside any script;
- other.

Prints each bucket's share of the samples per page. py-spy needs ptrace rights on the server process
(root, or kernel.yama.ptrace_scope 0).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import markdown_table
from bench_browser import Server

PAGE_SCRIPT = re.compile(r"\(/(?:pages/)?\d+_[\w-]+\.py:")  # a frame of pages/N_name.py

#: (bucket, any of these substrings (or patterns) in a frame puts the stack in it), in priority order.
BUCKETS = [
    # Streamlit's ScriptRunner ends every run with gc.collect(2) (config runner.postScriptGC, on by
    # default) and a sweep of orphaned media files.
    ("end of run: gc.collect", ("ScriptRunner._on_script_finished",)),
    ("protobuf", ("SerializeToString", "ParseFromString", "serialize_forward_msg", "google/protobuf")),
    ("Plotly to JSON", ("plotly/io/_json.py", "to_json_plotly", "plotly/utils.py")),
    ("Plotly figure building", ("plotly/", "_plotly_utils/")),
    ("Arrow tables", ("pyarrow/", "dataframe_util.py", "arrow.py")),
    # py-spy names a page script by its file name alone: "<module> (5_training.py:150)".
    ("page scripts", ("/pages/", "/dashboard/", "/backprop/", "(/app.py:", "/reference_app.py:", PAGE_SCRIPT)),
    ("Streamlit script runner", ("script_runner.py", "exec_code.py")),
    ("server and event loop", ("uvicorn/", "starlette/", "websockets/", "asyncio/", "tornado/", "streamlit/web/")),
]
OTHER = "other"


def bucket_of(stack: str) -> str:
    """The bucket of one sampled stack (py-spy's raw format: 'function (path:line)' frames joined by ';',
    root first). Paths may be relative ("dashboard/display.py") or absolute: a '/' is put before each, so that
    "/dashboard/" matches both."""
    stack = stack.replace("(", "(/")
    for name, needles in BUCKETS:
        if any(needle.search(stack) if isinstance(needle, re.Pattern) else needle in stack for needle in needles):
            return name
    return OTHER


def parse_raw(lines: Iterable[str]) -> Counter:
    """py-spy `--format raw` output (collapsed stacks, 'frame;frame;… count') → samples per bucket."""
    counts: Counter = Counter()
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            counts[bucket_of(stack)] += int(count)
    return counts


def shares(counts: Counter) -> dict[str, float]:
    """Each bucket's share of all samples, in BUCKETS order (0 where it has none)."""
    total = sum(counts.values())
    if not total:
        raise ValueError("no samples: was py-spy allowed to attach to the server?")
    return {name: counts.get(name, 0) / total for name in [*(b for b, _ in BUCKETS), OTHER]}


async def open_sessions(base: str, page: str, sessions: int, timeout: float) -> list[str]:
    from bench_class import first_visit

    async def one():
        session, _, error = await first_visit(base, page, timeout=timeout)
        if session is not None:
            await session.ws.close()
        return error

    results = await asyncio.gather(*(one() for _ in range(sessions)), return_exceptions=True)
    return [str(r) for r in results if r]


def profile(page: str, args) -> tuple[Counter, float, list[str]]:
    """Samples per bucket, server CPU seconds and errors while `sessions` sessions open `page` at once."""
    script = "benchmarks/reference_app.py" if page == "reference" else "app.py"
    url_page = "" if page == "reference" else page
    server = Server(ttl=5, script=script)
    out = Path(args.keep or tempfile.mkdtemp(prefix="profile-")) / f"{page}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        server.wait_healthy()
        asyncio.run(open_sessions(server.base, url_page, 1, args.timeout))  # imports and caches: not the class
        spy = subprocess.Popen([args.py_spy, "record", "--pid", str(server.proc.pid), "--rate", str(args.rate),
                                "--format", "raw", "--output", str(out), "--nonblocking",
                                *(["--gil"] if args.gil else [])],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)  # py-spy attaches
        cpu0 = server.cpu_seconds()
        errors = asyncio.run(open_sessions(server.base, url_page, args.sessions, args.timeout))
        cpu = server.cpu_seconds() - cpu0
        spy.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
        _, err = spy.communicate(timeout=60)
        if not out.exists():
            raise RuntimeError(f"py-spy wrote nothing: {err.strip()[-400:]}")
        return parse_raw(out.read_text().splitlines()), cpu, errors
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(out.parent, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", nargs="+", default=["training", "forward-pass", "reference"])
    ap.add_argument("--sessions", type=int, default=20, help="sessions opening the page at once (default: 20)")
    ap.add_argument("--rate", type=int, default=250, help="py-spy samples per second (default: 250)")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--gil", action=argparse.BooleanOptionalAction, default=True,
                    help="sample only the thread holding the GIL (default): with many sessions' scripts at once, "
                         "a thread waiting to take the GIL back (after hashlib or numpy let it go) is not using the "
                         "CPU, and --no-gil counts it where it waits")
    ap.add_argument("--keep", help="a folder to keep py-spy's raw stacks in (PAGE.txt), e.g. for a flame graph")
    ap.add_argument("--py-spy", default=shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy")))
    args = ap.parse_args(argv)
    if not os.access(args.py_spy, os.X_OK):
        print(f"profile not run: no py-spy at {args.py_spy} (pip install -r requirements-dev.txt)")
        return 2
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    rows, failed = [], False
    for page in args.pages:
        counts, cpu, errors = profile(page, args)
        failed |= bool(errors)
        share = shares(counts)
        rows.append((f"/{page}", f"{cpu / args.sessions:.3f} s", *(f"{share[name]:.0%}" for name in share)))
    headers = ["page", "server CPU per first view", *(b for b, _ in BUCKETS), OTHER]
    print(f"Where the server's CPU goes: {args.sessions} sessions open each page at once, one process, "
          f"py-spy at {args.rate} Hz (share of samples)\n")
    print(markdown_table(headers, rows, align="l" + "r" * (len(headers) - 1)))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
