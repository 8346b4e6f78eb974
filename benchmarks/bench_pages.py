"""Benchmark: server-side script time of every page, measured with Streamlit's AppTest (no browser).

    python benchmarks/bench_pages.py [--runs 7] [--pages forward-pass training ...]

Each page is opened as a shared link arrives: app.py is the entry point and, for a deep page,
`at.switch_page(...)` is called before the first `run()`. The first run (imports, caches filling)
is reported on its own as a warm-up; the result is the median of `--runs` further reruns (`at.run()`
again, as a widget change does). Prints a Markdown table with the targets beside the results.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import ROOT, fmt, markdown_table, median

PROBLEM_TARGET_MS = 150.0
TRAINING_TARGET_MS = 1000.0

#: page id → (script run by switch_page, or None for the overview; target in ms, or None if none was set)
PAGES = {
    "overview": (None, None),
    "why-backprop": ("pages/1_why-backprop.py", PROBLEM_TARGET_MS),
    "forward-pass": ("pages/2_forward-pass.py", PROBLEM_TARGET_MS),
    "output-gradient": ("pages/3_output-gradient.py", PROBLEM_TARGET_MS),
    "hidden-gradient": ("pages/4_hidden-gradient.py", PROBLEM_TARGET_MS),
    "weight-update": ("pages/5_weight-update.py", PROBLEM_TARGET_MS),
    "training": ("pages/6_training.py", TRAINING_TARGET_MS),
    "gradient-check": ("pages/7_gradient-check.py", None),
}


def _quiet_streamlit() -> None:
    """AppTest.from_file warns about a missing ScriptRunContext once per app ("can be ignored")."""
    import logging

    import streamlit.runtime.scriptrunner_utils.script_run_context as src

    src._LOGGER.setLevel(logging.ERROR)


def time_page(page_id: str, runs: int, timeout: float = 120) -> dict:
    """Warm-up run, then `runs` timed reruns of one page in one AppTest session."""
    from streamlit.testing.v1 import AppTest

    _quiet_streamlit()

    script, target = PAGES[page_id]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if script is not None:
        at.switch_page(script)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    errors = [e.message for e in at.exception]
    title = at.title[0].value if at.title else ""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        errors += [e.message for e in at.exception]
    return {"page": page_id, "title": title, "first_ms": first * 1000, "median_ms": median(times) * 1000,
            "min_ms": min(times) * 1000, "max_ms": max(times) * 1000, "target_ms": target, "errors": errors}


def verdict(result: dict) -> str:
    if result["errors"]:
        return "exception"
    if result["target_ms"] is None:
        return "—"
    return "yes" if result["median_ms"] <= result["target_ms"] else "NO"


def table(results: list[dict], runs: int) -> str:
    rows = [(r["page"], fmt(r["first_ms"], 0), fmt(r["median_ms"], 1), fmt(r["min_ms"], 1), fmt(r["max_ms"], 1),
             "—" if r["target_ms"] is None else f"≤ {r['target_ms']:.0f}", verdict(r)) for r in results]
    return markdown_table(["page", "first run ms", f"median of {runs} reruns ms", "min ms", "max ms", "target ms",
                           "meets target"], rows, align="lrrrrrc")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed reruns per page after one warm-up (default 7)")
    ap.add_argument("--pages", nargs="*", choices=list(PAGES), default=list(PAGES))
    args = ap.parse_args(argv)
    results = []
    for page_id in args.pages:
        results.append(time_page(page_id, args.runs))
    print(f"Server-side script time per page (streamlit.testing.v1.AppTest, Python {sys.version.split()[0]})\n")
    print(table(results, args.runs))
    failed = [r for r in results if r["errors"]]
    for r in failed:
        print(f"\n{r['page']}: exception(s) while running: {r['errors'][:3]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
