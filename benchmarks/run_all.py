"""Run every benchmark, one after the other, with its default settings:

    python benchmarks/run_all.py

bench_train (backprop.train against autograd, the training lab's default run and lessons), bench_pages
(server-side script time per page, AppTest), bench_sessions (concurrent sessions against the server alone, over
its websocket protocol), bench_browser (cold start, concurrent sessions and server memory in headless Chromium),
bench_play (how fast the training lab's Play redraws in headless Chromium), bench_class (a lecture: one
process against deploy/replicas/serve, beside the reference page; needs haproxy, and takes about ten minutes) and
bench_classroom (a class answering a question while the instructor watches: SQLite on one process against serve
with PostgreSQL; needs haproxy and PostgreSQL's server binaries, and takes about four minutes).
Each can also be run on its own; see its --help. The exit status is the worst of theirs.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_browser
import bench_class
import bench_classroom
import bench_pages
import bench_play
import bench_sessions
import bench_train

BENCHMARKS = [("bench_train", bench_train.main), ("bench_pages", bench_pages.main),
              ("bench_sessions", bench_sessions.main), ("bench_browser", bench_browser.main),
              ("bench_play", bench_play.main), ("bench_class", bench_class.main),
              ("bench_classroom", bench_classroom.main)]


def main(argv=None) -> int:
    codes = {}
    for name, run in BENCHMARKS:
        print(f"\n## {name}\n", flush=True)
        t0 = time.perf_counter()
        try:
            codes[name] = run([])
        except Exception as exc:  # one broken benchmark should not hide the others' results
            print(f"{name} failed: {type(exc).__name__}: {exc}")
            codes[name] = 1
        print(f"\n({name} took {time.perf_counter() - t0:.0f} s, exit status {codes[name]})", flush=True)
    return max(codes.values())


if __name__ == "__main__":
    raise SystemExit(main())
