"""Small pure helpers shared by the benchmark scripts (tested in tests/benchmarks/test_bench_helpers.py).

Nothing here imports streamlit or playwright.
"""
from __future__ import annotations

import math
import os
import re
import socket
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_VMRSS = re.compile(r"^VmRSS:\s*(\d+)\s*kB\s*$", re.MULTILINE)


def cpu_description(cpuinfo_text: str) -> str:
    """The processor a figure came from, from the text of /proc/cpuinfo: "AMD EPYC (family 25, model 17; AVX-512)".

    Ratios against PyTorch depend on it: both sides spend their time in BLAS kernels chosen per processor."""
    fields: dict[str, str] = {}
    for line in cpuinfo_text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() not in fields:
            fields[key.strip()] = value.strip()
    name = fields.get("model name") or fields.get("Model") or fields.get("Processor") or "unknown CPU"
    flags = set(fields.get("flags", fields.get("Features", "")).split())
    vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2" if flags else ""
    detail = [f"family {fields['cpu family']}, model {fields['model']}"] if "cpu family" in fields else []
    detail += [vector] if vector else []
    return f"{name} ({'; '.join(detail)})" if detail else name


def this_cpu() -> str:
    """cpu_description of this machine, with its core count."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        import platform

        return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    return f"{cpu_description(text)}, {os.cpu_count()} cores"


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0 ≤ q ≤ 100) with linear interpolation between closest ranks (numpy's default)."""
    data = sorted(float(v) for v in values)
    if not data:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be between 0 and 100, not {q}")
    position = (len(data) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


def median(values: Iterable[float]) -> float:
    data = list(values)
    if not data:
        raise ValueError("median of no values")
    return statistics.median(data)


def parse_vmrss_kb(status_text: str) -> int:
    """The resident set size in kB from the text of /proc/<pid>/status."""
    match = _VMRSS.search(status_text)
    if match is None:
        raise ValueError("no VmRSS line (a kernel thread, or a process that has exited)")
    return int(match.group(1))


def rss_mb(pid: int, proc: str | os.PathLike = "/proc") -> float:
    """Resident memory of process `pid` in MB (MiB: the kernel's kB are KiB), read from /proc/<pid>/status."""
    text = (Path(proc) / str(pid) / "status").read_text()
    return parse_vmrss_kb(text) / 1024


def parse_stat_cpu_seconds(stat_text: str, clock_ticks: int = 100) -> float:
    """User + system CPU seconds of a process from the text of /proc/<pid>/stat.

    The command name (field 2) is in parentheses and may hold spaces, so fields are counted after the
    last ')': utime and stime are fields 14 and 15 of the whole line.
    """
    fields = stat_text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / clock_ticks


def parent_pid(stat_text: str) -> int:
    """The parent's pid from the text of /proc/<pid>/stat (field 4)."""
    return int(stat_text.rsplit(")", 1)[1].split()[1])


def tree_cpu_seconds(root: int, *, exclude: Iterable[int] = (), proc: str | os.PathLike = "/proc") -> float:
    """CPU seconds used so far by the live descendants of `root` (not `root` itself), skipping the
    subtrees of `exclude`. Children that have exited and been reaped are not counted."""
    clock_ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, str] = {}
    for entry in Path(proc).iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text()
            except OSError:  # exited meanwhile
                continue
    children: dict[int, list[int]] = {}
    for pid, text in stats.items():
        children.setdefault(parent_pid(text), []).append(pid)
    skip = set(exclude)
    total, todo = 0.0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if pid in skip:
            continue
        total += parse_stat_cpu_seconds(stats[pid], clock_ticks)
        todo.extend(children.get(pid, []))
    return total


def parse_metrics(text: str) -> dict[str, float]:
    """OpenMetrics text (Streamlit's /_stcore/metrics) → {metric name: sum of its samples over all labels}."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name_and_labels, _, value = line.rpartition(" ")
        name = name_and_labels.split("{", 1)[0]
        try:
            out[name] = out.get(name, 0.0) + float(value)
        except ValueError:
            continue
    return out


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> str:
    """A GitHub-flavoured Markdown table. `align`: one of 'l', 'r', 'c' per column (default: all left).

    Cells are converted with str(); '|' in a cell is escaped and newlines become spaces.
    """
    headers = [str(h) for h in headers]
    body = [[_cell(c) for c in row] for row in rows]
    for row in body:
        if len(row) != len(headers):
            raise ValueError(f"row {row} has {len(row)} cells, the header {len(headers)}")
    align = align or "l" * len(headers)
    if len(align) != len(headers) or set(align) - set("lrc"):
        raise ValueError(f"align must be one of l/r/c per column, got {align!r}")
    rule = {"l": ":---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "| " + " | ".join(rule[a] for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    """A number for a table: fixed digits, '—' for None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}{unit}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redraw_rate(events: Sequence[tuple[float, int]], start: float, end: float) -> tuple[int, float]:
    """Frames drawn in the window [start, end] (seconds) and frames per second, from (time, epoch shown) events:
    a frame is an epoch drawn for the first time, so that a redraw of the same epoch does not count."""
    if end <= start:
        raise ValueError(f"the window must have a positive length; got {start} … {end}")
    seen: set[int] = set()
    frames = 0
    for t, epoch in sorted(events):
        if epoch in seen:
            continue
        seen.add(epoch)
        if start <= t <= end:
            frames += 1
    return frames, frames / (end - start)
