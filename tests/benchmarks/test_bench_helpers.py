"""Tests of the pure helpers behind the benchmark scripts (benchmarks/_common.py)."""
import contextlib
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from benchmarks._common import (
    cpu_description,
    fmt,
    markdown_table,
    median,
    parent_pid,
    parse_metrics,
    parse_stat_cpu_seconds,
    parse_vmrss_kb,
    percentile,
    redraw_rate,
    rss_mb,
    this_cpu,
    tree_cpu_seconds,
)

STATUS = """Name:\tpython
Umask:\t0022
State:\tS (sleeping)
VmPeak:\t  812340 kB
VmSize:\t  812336 kB
VmHWM:\t  190212 kB
VmRSS:\t  187904 kB
RssAnon:\t  140000 kB
Threads:\t12
"""


@pytest.mark.parametrize("values", [[1.0], [3, 1, 2], [5, 1, 9, 2, 8, 3, 7, 4], list(range(20)), [0.5, 0.5, 2.5]])
@pytest.mark.parametrize("q", [0, 5, 25, 50, 90, 95, 99, 100])
def test_percentile_matches_numpy(values, q):
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_of_twenty_sessions():
    times = [float(i) for i in range(1, 21)]  # 1 … 20 s
    assert percentile(times, 50) == pytest.approx(10.5)
    assert percentile(times, 95) == pytest.approx(19.05)


def test_percentile_rejects_empty_input_and_bad_q():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1, 2], 101)
    with pytest.raises(ValueError):
        percentile([1, 2], -1)


def test_median():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    with pytest.raises(ValueError):
        median([])


def test_parse_vmrss_kb():
    assert parse_vmrss_kb(STATUS) == 187904


def test_parse_vmrss_kb_without_the_line():
    with pytest.raises(ValueError):
        parse_vmrss_kb("Name:\tkthreadd\nState:\tS (sleeping)\n")


def test_rss_mb_reads_a_proc_tree(tmp_path):
    (tmp_path / "1234").mkdir()
    (tmp_path / "1234" / "status").write_text(STATUS)
    assert rss_mb(1234, proc=tmp_path) == pytest.approx(187904 / 1024)


def test_rss_mb_of_this_process_is_plausible():
    assert 1 < rss_mb(os.getpid()) < 100_000


def test_markdown_table():
    table = markdown_table(["page", "median ms"], [("forward-pass", "12.3"), ("a|b", 4)], align="lr")
    assert table.splitlines() == [
        "| page | median ms |",
        "| :--- | ---: |",
        "| forward-pass | 12.3 |",
        "| a\\|b | 4 |",
    ]


def test_markdown_table_checks_its_shape():
    with pytest.raises(ValueError):
        markdown_table(["a", "b"], [("only one",)])
    with pytest.raises(ValueError):
        markdown_table(["a", "b"], [], align="l")
    assert markdown_table(["a"], []) == "| a |\n| :--- |"


def test_fmt():
    assert fmt(1.234, 2, " s") == "1.23 s"
    assert fmt(None) == "—"
    assert fmt(float("nan")) == "—"


# A command name with spaces and a ')' in it: fields must be counted after the last ')'.
STAT = "4242 (python (x) y) S 17 4242 17 0 -1 4194304 2000 0 0 0 250 130 0 0 20 0 3 0 100 8000000 3000"

METRICS = """# TYPE cache_memory_bytes gauge
# UNIT cache_memory_bytes bytes
cache_memory_bytes{cache_type="st_memory_media_file_storage",cache=""} 5434
cache_memory_bytes{cache_type="st_cache_data",cache="run_training"} 1000.5
session_events_total{type="connect"} 21
session_events_total{type="disconnect"} 20
active_sessions 1
# EOF
"""


def test_parse_stat_cpu_seconds_and_parent():
    assert parse_stat_cpu_seconds(STAT) == pytest.approx(3.8)
    assert parse_stat_cpu_seconds(STAT, clock_ticks=1000) == pytest.approx(0.38)
    assert parent_pid(STAT) == 17


def test_parse_stat_of_this_process():
    with open(f"/proc/{os.getpid()}/stat") as f:
        text = f.read()
    assert parent_pid(text) == os.getppid()
    assert parse_stat_cpu_seconds(text) >= 0


def test_parse_metrics_sums_over_labels():
    metrics = parse_metrics(METRICS)
    assert metrics["cache_memory_bytes"] == pytest.approx(6434.5)
    assert metrics["session_events_total"] == 41
    assert metrics["active_sessions"] == 1


BUSY = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\ntime.sleep(30)"
PARENT = ("import subprocess, sys, time\n"
          "c = subprocess.Popen([sys.executable, '-c', sys.argv[1]])\n"
          "print(c.pid, flush=True)\ntime.sleep(30)")


def test_tree_cpu_seconds_counts_a_busy_grandchild():
    """A parent that sleeps, and its child that spins for 0.3 s: the tree under the parent holds the CPU."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT, BUSY], stdout=subprocess.PIPE, text=True)
    busy = None
    try:
        busy = int(parent.stdout.readline())
        deadline = time.monotonic() + 10
        while tree_cpu_seconds(parent.pid) < 0.25 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert tree_cpu_seconds(parent.pid) >= 0.25
        assert tree_cpu_seconds(parent.pid, exclude=[busy]) < 0.25
    finally:
        if busy is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(busy, signal.SIGKILL)
        parent.kill()
        parent.wait()
        parent.stdout.close()


def test_redraw_rate_counts_each_epoch_once_within_the_window():
    events = [(0.0, 0), (0.5, 5), (0.6, 5), (1.0, 10), (1.4, 15), (2.5, 20), (3.0, 20)]
    assert redraw_rate(events, 0.4, 2.0) == (3, 3 / 1.6)
    assert redraw_rate(events, 0.0, 5.0)[0] == 5
    with pytest.raises(ValueError, match="positive length"):
        redraw_rate(events, 1.0, 1.0)


def test_cpu_description_names_the_processor_and_its_vector_unit():
    zen4 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC\n" \
           "flags\t\t: fpu avx2 avx512f fma\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n"
    assert cpu_description(zen4) == "AMD EPYC (family 25, model 17; AVX-512)"
    zen2 = "cpu family\t: 23\nmodel\t\t: 49\nmodel name\t: AMD EPYC 7B12\nflags\t\t: fpu avx2 fma\n"
    assert cpu_description(zen2) == "AMD EPYC 7B12 (family 23, model 49; AVX2)"
    assert cpu_description("") == "unknown CPU"
    assert "cores" in this_cpu()
