"""Benchmark: a lecture. S students arrive over A seconds, open a page, then edit a matrix every T seconds; or, with
--play, a class pressing Play in the training lab.

    python benchmarks/bench_class.py [--students 100] [--arrivals 0 30] [--edits 2] [--every 5]
                                     [--pages forward-pass training] [--replicas 2] [--targets single replicas]
    python benchmarks/bench_class.py --play [--students 100] [--replicas 2] [--targets replicas]

Each student speaks Streamlit's websocket protocol as a browser does: a GET of the page (through the
balancer this sets the affinity cookie), then the websocket /_stcore/stream with that cookie, a
BackMsg rerun_script for the page with its query string, and the ForwardMsgs until script_finished.
Then, every T seconds (±20 %, seeded), it changes one cell of the page's first matrix editor as
st.data_editor does: a rerun_script whose widget_states hold the editor's id (read from the received
deltas) and its edit record as JSON, {"edited_rows": {"0": {column: value}}, "added_rows": [],
"deleted_rows": []}. A page without a data editor is measured on first views only.

Targets, one after the other in the same run, each warmed by one visit per page and per replica:
- single: one `streamlit run app.py`;
- replicas: `deploy/replicas/serve --replicas N` (N Streamlit processes behind HAProxy).
The reference page (benchmarks/reference_app.py: one data editor, one LaTeX line, one Plotly heatmap)
runs on its own single process, so every page's first view is also reported as a multiple of it.

Reported per page and arrival spread: p50/p95 time to first view (GET to script finished) and per
edit rerun, the time until every student had the page, reruns per second, errors (an exception
element, page not found, a failed run, a timeout or a dropped connection), and the server's CPU
summed over every Streamlit process (HAProxy's own CPU and this client's beside it: the client shares
the machine's cores with the servers). Loopback only; every wait is bounded by --timeout.

A class pressing Play (--play): S students open /training at once (or over --arrivals) and press Play. A
student's animation starts as soon as the page has given the player its frames and drawn the charts it drives
(Play then runs in the browser and asks the server nothing): the time to that is measured from the GET, beside
the time to the whole page. When every student has the page, all press Play at once; each pauses at a seeded
moment of the play-through (at the page's 30 frames per second), which sends the server the player's one message
(a rerun with its "epoch" trigger, as the browser's player sends it) and must come back with the page at that
epoch. The server's CPU is reported for the first views and for the play-throughs (Play to the paused page), each
per student.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.machinery import SourceFileLoader
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ROOT,
    fmt,
    free_port,
    markdown_table,
    parse_stat_cpu_seconds,
    percentile,
    this_cpu,
    tree_cpu_seconds,
)
from bench_browser import Server

SERVE = ROOT / "deploy" / "replicas" / "serve"
PLAYER = "lab_player"  # the training lab's player (dashboard/lab/player.py), a Streamlit component
PLAY_FPS = 30  # the player's own speed, frames per second
COOKIE = "BACKPROP_REPLICA"  # deploy/replicas/serve's affinity cookie; its value names the replica
REFERENCE = "reference"  # the reference page's name in the tables
REFERENCE_SCRIPT = "benchmarks/reference_app.py"
STUDENT_SEED = 2026


# --- pure helpers (tested in tests/benchmarks/test_bench_class.py) --------------------------------------------


def arrival_offsets(students: int, spread: float) -> list[float]:
    """When each of `students` arrives, in seconds after the first: evenly over `spread` seconds (0: all at once)."""
    if students < 1:
        raise ValueError(f"students must be at least 1, not {students}")
    if spread < 0:
        raise ValueError(f"the arrival spread must be 0 or more seconds, not {spread}")
    if students == 1:
        return [0.0]
    return [spread * i / (students - 1) for i in range(students)]


def edit_delays(edits: int, every: float, rng: random.Random, jitter: float = 0.2) -> list[float]:
    """Seconds to wait before each of `edits` edits: `every` ± `jitter`·`every`, so that a class that arrived
    together does not stay in lockstep."""
    if every < 0 or not 0 <= jitter < 1:
        raise ValueError(f"need every >= 0 and 0 <= jitter < 1, got every={every}, jitter={jitter}")
    return [every * rng.uniform(1 - jitter, 1 + jitter) for _ in range(edits)]


def edit_record(column: str, value: float, row: int = 0) -> str:
    """st.data_editor's widget value for one edited cell, as the browser sends it (a JSON string)."""
    return json.dumps({"edited_rows": {str(row): {column: value}}, "added_rows": [], "deleted_rows": []})


def editor_columns(columns_json: str) -> list[str]:
    """The data columns of a data editor, from its element's `columns` JSON (column config by name;
    "_index" is the index's own config, not a column)."""
    try:
        config = json.loads(columns_json) if columns_json else {}
    except json.JSONDecodeError as exc:
        raise ValueError(f"a data editor's columns are not JSON: {columns_json[:80]!r}") from exc
    return [name for name in config if name != "_index"]


def parse_response_head(data: bytes) -> tuple[int, list[tuple[str, str]]]:
    """The status code and headers of a raw HTTP/1.x response (body ignored)."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    match = re.match(r"HTTP/\d(?:\.\d)? (\d{3})", lines[0])
    if not match:
        raise ValueError(f"not an HTTP response: {lines[0][:80]!r}")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip().lower(), value.strip()))
    return int(match.group(1)), headers


def cookie_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """The value the response's Set-Cookie headers give cookie `name`, or None."""
    for header, value in headers:
        if header == "set-cookie":
            first = value.split(";", 1)[0]
            key, sep, val = first.partition("=")
            if sep and key.strip() == name:
                return val.strip()
    return None


_REPLICA_LINE = re.compile(r"replica (r\d+)(?::| restarted:) 127\.0\.0\.1:(\d+), pid (\d+)")
_BALANCER_LINE = re.compile(r"HAProxy pid (\d+), stats socket (\S+)")


def parse_serve_line(line: str) -> dict | None:
    """What a line of deploy/replicas/serve's output says about its processes:
    {"replica", "port", "pid"}, {"haproxy_pid", "stats_socket"}, {"ready": True}, or None."""
    if match := _REPLICA_LINE.search(line):
        return {"replica": match.group(1), "port": int(match.group(2)), "pid": int(match.group(3))}
    if match := _BALANCER_LINE.search(line):
        return {"haproxy_pid": int(match.group(1)), "stats_socket": match.group(2)}
    if re.search(r"all \d+ replicas healthy", line):
        return {"ready": True}
    return None


@dataclass(frozen=True)
class Outcome:
    """One rerun of one student: its kind ("first" view or "edit"), seconds to script finished, error."""

    kind: str
    seconds: float | None
    error: str | None = None
    finished_at: float | None = None  # perf_counter() when it finished
    replica: str | None = None  # the affinity cookie's value (None on one process)


def summarize(outcomes: Sequence[Outcome], *, start: float) -> dict:
    """p50/p95 of first views and of edits, when the last student had the page (seconds after `start`),
    reruns per second over the whole scenario, and the errors."""
    def times(kind):
        return [o.seconds for o in outcomes if o.kind == kind and o.seconds is not None and o.error is None]
    first, edits = times("first"), times("edit")
    done = [o.finished_at for o in outcomes if o.finished_at is not None and o.error is None]
    first_done = [o.finished_at for o in outcomes if o.kind == "first" and o.finished_at is not None
                  and o.error is None]
    span = (max(done) - start) if done else None
    return {
        "first_p50": percentile(first, 50) if first else None,
        "first_p95": percentile(first, 95) if first else None,
        "edit_p50": percentile(edits, 50) if edits else None,
        "edit_p95": percentile(edits, 95) if edits else None,
        "first_views": len(first), "edits": len(edits),
        "all_served_s": (max(first_done) - start) if first_done else None,
        "reruns_per_s": (len(done) / span) if span else None,
        "errors": [o.error for o in outcomes if o.error],
        "per_replica": dict(sorted(Counter(o.replica for o in outcomes if o.kind == "first" and o.replica).items())),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing or b is 0."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def students_per_replica(every: float, cpu_per_rerun: float | None, utilisation: float = 0.7) -> int | None:
    """Students one replica (one core) keeps up with when each edits every `every` seconds and a rerun costs
    `cpu_per_rerun` CPU seconds, running the core at `utilisation` (headroom keeps queues short)."""
    if not cpu_per_rerun or cpu_per_rerun <= 0:
        return None
    return int(every * utilisation / cpu_per_rerun)


def chart_key(element_id: str) -> str | None:
    """The key a st.plotly_chart was drawn with, from its element id ("$$ID-<hash>-<key>"), or None."""
    if not element_id.startswith("$$ID-") or element_id.count("-") < 2:
        return None
    return element_id.split("-", 2)[2]


def player_data(raw: bytes) -> dict:
    """The player's data (dashboard/lab/player.py): its fields as JSON, then, when it carries the frames, a newline
    and the frames gzipped. Read as far as a student's Play needs: "frames" is the packed frames' size in bytes, or
    None (a browser unpacks them on its own machine; this client shares the cores with the servers it measures)."""
    head, _, packed = raw.partition(b"\n")
    return {**json.loads(head), "frames": len(packed) or None}


def player_ready(data: dict, charts: Iterable[str]) -> bool:
    """Whether a student's Play would start now: the lab's player has been given its frames (``data``, the
    component's data) and every chart it drives (data["charts"]) has been drawn (``charts``: keys of the charts
    received)."""
    drawn = set(charts)
    return bool(data.get("frames")) and all(key in drawn for key in data.get("charts", ()))


def trigger_widget(component_id: str, event: str) -> str:
    """The widget id under which a browser sends a Streamlit component's trigger ``event`` (as
    streamlit.components.v2 names it: the internal key prefix, the component's id and the event, joined by "__")."""
    from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

    return f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{component_id}__{event}"


def trigger_value(event: str, value) -> str:
    """What the browser sends as a component's triggers: a JSON list of {"event", "value"}."""
    return json.dumps([{"event": event, "value": value}])


def paused_epoch(epochs: Sequence[int], seconds: float, fps: float = PLAY_FPS) -> int:
    """The epoch a player that started at the first of ``epochs`` shows after ``seconds`` at ``fps`` frames per
    second (the last, once it has played them all)."""
    if not epochs:
        raise ValueError("a run has at least one kept epoch")
    return int(epochs[min(len(epochs) - 1, max(0, int(seconds * fps)))])


def pause_delays(students: int, frames: int, rng: random.Random, fps: float = PLAY_FPS) -> list[float]:
    """When each student pauses, seconds after pressing Play: anywhere from a fifth of the play-through to just
    before its end (``frames`` at ``fps``), seeded."""
    length = frames / fps
    return [length * rng.uniform(0.2, 0.95) for _ in range(students)]


# --- the protocol -----------------------------------------------------------------------------------


async def http_get(base: str, path: str, cookie: str | None = None, timeout: float = 60,
                   cookie_name: str = COOKIE) -> tuple[int, list[tuple[str, str]], bytes]:
    """GET base+path over a fresh connection (as a browser's first visit), without a thread per request."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/html,*/*", "Connection: close"]
            if cookie:
                lines.append(f"Cookie: {cookie_name}={cookie}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    status, headers = parse_response_head(data)
    return status, headers, data.split(b"\r\n\r\n", 1)[-1]


@dataclass
class Session:
    """A student's websocket session: what a browser keeps between reruns."""

    ws: object
    page: str
    query: str = ""
    page_script_hash: str = ""
    editor: tuple[str, str] | None = None  # (widget id, first column) of the page's first data editor
    media: list[str] = field(default_factory=list)  # download URLs (/media/…) of the last run
    player: tuple[str, dict] | None = None  # (component id, data) of the lab's player in the last run
    started: float | None = None  # perf_counter() when the player had its frames and its charts were drawn


async def connect(base: str, page: str, query: str = "", cookie: str | None = None,
                  cookie_name: str = COOKIE) -> Session:
    import websockets

    headers = {"Cookie": f"{cookie_name}={cookie}"} if cookie else {}
    ws = await websockets.connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                                  origin=base, max_size=None, additional_headers=headers, open_timeout=60)
    return Session(ws, page, query)


async def rerun(session: Session, widgets: Sequence[tuple[str, str]] = (), timeout: float = 120,
                trigger: bool = False) -> str | None:
    """One rerun of the session's page (with `widgets`: (widget id, JSON string value) pairs, as the
    browser sends after an edit, or, with `trigger`, a component's triggers) until script_finished; returns an
    error, or None."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    request = BackMsg()
    request.rerun_script.query_string = session.query
    if session.page_script_hash:  # a rerun names the page by its hash, as the browser does
        request.rerun_script.page_script_hash = session.page_script_hash
    else:  # the first run, by its URL
        request.rerun_script.page_name = session.page
    for widget_id, value in widgets:
        state = request.rerun_script.widget_states.widgets.add()
        state.id = widget_id
        if trigger:
            state.json_trigger_value = value
        else:
            state.string_value = value
    await session.ws.send(request.SerializeToString())
    error, editor, media, charts = None, None, [], set()
    session.started = None
    async with asyncio.timeout(timeout):
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await session.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session" and not session.page_script_hash:
                session.page_script_hash = msg.new_session.page_script_hash
            elif kind == "navigation" and msg.navigation.page_script_hash:
                # The page that ran: with a pages/ folder, new_session names the main script (app.py), and a
                # rerun with that hash would run the overview instead of this page.
                session.page_script_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                error = "page not found"
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what == "exception":
                    error = error or f"exception element: {element.exception.message[:120]}"
                elif what == "dataframe" and element.dataframe.editing_mode and editor is None:
                    columns = editor_columns(element.dataframe.columns)
                    if columns:
                        editor = (element.dataframe.id, columns[0])
                elif what == "download_button" and element.download_button.url:
                    media.append(element.download_button.url)
                elif what == "plotly_chart":
                    charts.add(chart_key(element.plotly_chart.id))
                elif what == "bidi_component" and element.bidi_component.component_name == PLAYER:
                    session.player = (element.bidi_component.id, player_data(element.bidi_component.bytes))
                if session.player and session.started is None and player_ready(session.player[1], charts):
                    session.started = time.perf_counter()
            elif kind == "script_finished":
                if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    error = error or f"script finished with status {msg.script_finished}"
                session.editor = editor
                session.media = media
                return error


async def first_visit(base: str, page: str, query: str = "", cookie: str | None = None,
                      timeout: float = 120) -> tuple[Session, str | None, str | None]:
    """A browser's first visit: GET the page (which sets the affinity cookie), open the websocket with that
    cookie and run the page. Returns the session, the replica cookie it got (or was given) and an error."""
    async with asyncio.timeout(timeout):
        status, headers, _ = await http_get(base, f"/{page}" + (f"?{query}" if query else ""), cookie, timeout)
        cookie = cookie_value(headers, COOKIE) or cookie
        if status != 200:
            return None, cookie, f"GET /{page}: HTTP {status}"
        session = await connect(base, page, query, cookie)
        error = await rerun(session, timeout=timeout)
    return session, cookie, error


async def student(base: str, page: str, query: str, *, arrive_at: float, edits: int, every: float, seed: int,
                  timeout: float, index: int) -> list[Outcome]:
    """One student: arrives at perf_counter() `arrive_at`, opens the page, then edits a cell `edits` times."""
    await asyncio.sleep(max(0.0, arrive_at - time.perf_counter()))
    rng = random.Random(seed)
    t0 = time.perf_counter()
    out: list[Outcome] = []
    session = None
    try:
        session, replica, error = await first_visit(base, page, query, timeout=timeout)
        now = time.perf_counter()
        out.append(Outcome("first", now - t0, error, now, replica))
        if error or session.editor is None:
            return out
        for k, delay in enumerate(edit_delays(edits, every, rng)):
            await asyncio.sleep(delay)
            widget_id, column = session.editor
            value = round(1.0 + 0.5 * (k + 1) + 0.01 * index, 4)  # distinct per student: nothing is cached
            t1 = time.perf_counter()
            error = await rerun(session, [(widget_id, edit_record(column, value))], timeout=timeout)
            if not error and session.editor is None:
                error = "the edit's rerun drew no data editor: it did not run the page edited"
            now = time.perf_counter()
            out.append(Outcome("edit", now - t1, error, now))
            if error:
                break
    except Exception as exc:  # a dropped connection or a timeout is this student's error, not the benchmark's
        out.append(Outcome("first" if not out else "edit", None, f"{type(exc).__name__}: {str(exc)[:120]}"))
    finally:
        if session is not None:
            with contextlib.suppress(Exception):
                await session.ws.close()
    return out


# --- the targets -------------------------------------------------------------------------------------


class Single:
    """One `streamlit run` process (the app, or the reference page)."""

    label = "one process"

    def __init__(self, ttl: int, script: str = "app.py", env: dict[str, str] | None = None):
        self.server = Server(ttl, script, env)
        self.base = self.server.base
        self.replicas = [None]  # one process: visits need no cookie

    def start(self, timeout: float = 90) -> None:
        self.server.wait_healthy(timeout)

    def cpu(self) -> dict[str, float]:
        with open(f"/proc/{self.server.proc.pid}/stat") as f:
            return {"servers": parse_stat_cpu_seconds(f.read(), os.sysconf("SC_CLK_TCK")), "balancer": 0.0}

    def stop(self) -> None:
        self.server.stop()


def _serve_module():
    """deploy/replicas/serve as a module (it has no .py extension), for its HAProxy helpers."""
    if "serve_script" not in sys.modules:
        loader = SourceFileLoader("serve_script", str(SERVE))
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader("serve_script", loader))
        sys.modules["serve_script"] = module  # dataclasses look their module up here
        loader.exec_module(module)
    return sys.modules["serve_script"]


class Replicas:
    """`deploy/replicas/serve --replicas N` on a free loopback port, in its own process group.

    Reads serve's output in a thread (so that its pipe never fills) and keeps what it says about its
    processes: `pids` {replica: pid}, `ports`, `haproxy_pid`, `stats_socket`, and every `line`."""

    def __init__(self, count: int, ttl: int | None = None, extra: Sequence[str] = (), python: str = sys.executable,
                 pin_cpus: bool = True, db: str | None = None, env: dict[str, str] | None = None):
        self.count = count
        # class sessions need one database for every replica: a SQLite file of their own unless one is given
        self.db = db or f"sqlite:///{tempfile.mkdtemp(prefix='backprop-bench-')}/classroom.sqlite3"
        self.label = f"{count} replicas behind HAProxy"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        streamlit_options = [*([f"--server.disconnectedSessionTTL={ttl}"] if ttl is not None else []), *extra]
        cmd = [python, str(SERVE), "--replicas", str(count), "--port", str(self.port), "--address", "127.0.0.1",
               "--pin-cpus" if pin_cpus else "--no-pin-cpus", "--db", self.db]
        self.label += ", pinned" if pin_cpus else ", unpinned"
        if streamlit_options:
            cmd += ["--", *streamlit_options]
        self.pids: dict[str, int] = {}
        self.ports: dict[str, int] = {}
        self.haproxy_pid: int | None = None
        self.stats_socket: str | None = None
        self.lines: list[str] = []
        self.ready = threading.Event()
        # Its own process group: stop() can then reach every process serve started, whatever happens to serve.
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     env={**os.environ, **(env or {})})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.replicas = [f"r{i}" for i in range(1, count + 1)]

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            facts = parse_serve_line(line) or {}
            if "replica" in facts:
                self.pids[facts["replica"]] = facts["pid"]
                self.ports[facts["replica"]] = facts["port"]
            if "haproxy_pid" in facts:
                self.haproxy_pid, self.stats_socket = facts["haproxy_pid"], facts["stats_socket"]
            if facts.get("ready"):
                self.ready.set()

    def output(self) -> str:
        return "\n".join(self.lines[-40:])

    def start(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.2):
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"serve was not ready within {timeout:g} s:\n{self.output()}")

    def statuses(self) -> dict[str, str]:
        """{replica: status} as HAProxy sees them now (UP, DOWN, …), from its stats socket ({} if unreadable)."""
        serve = _serve_module()
        try:
            return serve.parse_show_stat(serve.query_socket(self.stats_socket, "show stat"))
        except (OSError, TypeError):
            return {}

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: every Streamlit replica (serve's descendants but HAProxy), and HAProxy."""
        servers = tree_cpu_seconds(self.proc.pid, exclude=[self.haproxy_pid] if self.haproxy_pid else [])
        balancer = 0.0
        if self.haproxy_pid:
            with contextlib.suppress(OSError), open(f"/proc/{self.haproxy_pid}/stat") as f:
                balancer = parse_stat_cpu_seconds(f.read(), os.sysconf("SC_CLK_TCK"))
        return {"servers": servers, "balancer": balancer}

    def stop(self) -> None:
        """SIGTERM serve (it stops what it started), then SIGKILL its whole process group, to be sure."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(20)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        self._reader.join(5)
        if self.proc.stdout:
            self.proc.stdout.close()


# --- the run -----------------------------------------------------------------------------------------


async def warm(target, pages: Sequence[str], timeout: float) -> list[str]:
    """One visit per page and per replica (its cookie chooses it): imports and caches are filled before the
    class arrives, as they would be after the instructor's own rehearsal."""
    errors = []
    for replica in target.replicas:
        for page in pages:
            session, _, error = await first_visit(target.base, page, cookie=replica, timeout=timeout)
            if error:
                errors.append(f"warm-up of /{page} on {replica or 'the server'}: {error}")
            if session is not None:
                await session.ws.close()
    return errors


async def lecture(target, page: str, args, spread: float) -> dict:
    """S students arrive over `spread` seconds at `page`, then edit; returns the summary, CPU included."""
    cpu0, client0 = target.cpu(), time.process_time()
    start = time.perf_counter() + 0.2
    offsets = arrival_offsets(args.students, spread)
    tasks = [student(target.base, "" if page == REFERENCE else page, args.query if page != REFERENCE else "",
                     arrive_at=start + offset, edits=args.edits, every=args.every, seed=STUDENT_SEED + i,
                     timeout=args.timeout, index=i) for i, offset in enumerate(offsets)]
    outcomes = [o for result in await asyncio.gather(*tasks) for o in result]
    cpu1 = target.cpu()
    out = summarize(outcomes, start=start)
    out["server_cpu_s"] = cpu1["servers"] - cpu0["servers"]
    out["balancer_cpu_s"] = cpu1["balancer"] - cpu0["balancer"]
    out["client_cpu_s"] = time.process_time() - client0
    reruns = out["first_views"] + out["edits"]
    out["cpu_per_rerun_s"] = out["server_cpu_s"] / reruns if reruns else None
    return out


async def measure(target, pages: Sequence[str], args) -> dict:
    """Every page under every arrival spread on one target; {(page, spread): summary}."""
    results: dict = {}
    target.start()
    try:
        results["warm_errors"] = await warm(target, ["" if p == REFERENCE else p for p in pages], args.timeout)
        for page in pages:
            for spread in args.arrivals:
                print(f"  {target.label}: /{page}, {args.students} students over {spread:g} s …", flush=True)
                results[(page, spread)] = await lecture(target, page, args, spread)
                await asyncio.sleep(args.pause)  # let disconnected sessions expire before the next class
    finally:
        target.stop()
    return results


# --- a class pressing Play ------------------------------------------------------------------------------


async def open_lab(base: str, query: str, *, arrive_at: float, timeout: float) -> tuple[Session | None, list[Outcome]]:
    """One student opens /training: the time from the GET until their Play would start ("start") and until the
    whole page had arrived ("first")."""
    await asyncio.sleep(max(0.0, arrive_at - time.perf_counter()))
    t0 = time.perf_counter()
    try:
        session, replica, error = await first_visit(base, "training", query, timeout=timeout)
    except Exception as exc:
        return None, [Outcome("first", None, f"{type(exc).__name__}: {str(exc)[:120]}")]
    now = time.perf_counter()
    out = [Outcome("first", now - t0, error, now, replica)]
    if session is not None and session.started is not None:
        out.append(Outcome("start", session.started - t0, None, session.started, replica))
    elif not error:
        out.append(Outcome("start", None, "the player got no frames, or a chart it drives was missing"))
    return session, out


async def play_and_pause(session: Session, delay: float, timeout: float) -> Outcome:
    """The student presses Play (the browser plays; nothing reaches the server) and pauses ``delay`` s later: the
    player sends its epoch once, and the page must come back showing it."""
    component_id, data = session.player
    epoch = paused_epoch(data["epochs"], delay)
    await asyncio.sleep(delay)
    t1 = time.perf_counter()
    try:
        widgets = [(trigger_widget(component_id, "events"), trigger_value("epoch", epoch))] \
            if epoch != data["epoch"] else []  # resting where the page already is, the player sends nothing
        if not widgets:
            return Outcome("pause", 0.0, None, t1)
        error = await rerun(session, widgets, timeout=timeout, trigger=True)
        shown = session.player[1].get("epoch") if session.player else None
        if not error and shown != epoch:
            error = f"paused at epoch {epoch}, but the page shows epoch {shown}"
    except Exception as exc:
        error = f"{type(exc).__name__}: {str(exc)[:120]}"
    now = time.perf_counter()
    return Outcome("pause", now - t1, error, now)


async def play_class(target, args, spread: float) -> dict:
    """S students open /training (arriving over ``spread`` s), then all press Play and each pauses once."""
    cpu0, client0 = target.cpu(), time.process_time()
    start = time.perf_counter() + 0.2
    visits = await asyncio.gather(*[open_lab(target.base, args.query, arrive_at=start + offset, timeout=args.timeout)
                                    for offset in arrival_offsets(args.students, spread)])
    cpu1 = target.cpu()
    sessions = [session for session, _ in visits if session is not None and session.player is not None]
    rng = random.Random(STUDENT_SEED)
    frames = len(sessions[0].player[1]["epochs"]) if sessions else 0
    pauses = await asyncio.gather(*[play_and_pause(session, delay, args.timeout) for session, delay in
                                    zip(sessions, pause_delays(len(sessions), frames, rng), strict=True)])
    cpu2 = target.cpu()
    for session, _ in visits:
        if session is not None:
            with contextlib.suppress(Exception):
                await session.ws.close()
    outcomes = [o for _, out in visits for o in out] + list(pauses)
    started = [o.seconds for o in outcomes if o.kind == "start" and o.seconds is not None and o.error is None]
    paused = [o.seconds for o in pauses if o.error is None]
    out = summarize(outcomes, start=start)
    students = args.students
    out |= {"start_p50": percentile(started, 50) if started else None,
            "start_p95": percentile(started, 95) if started else None,
            "start_max": max(started) if started else None, "started": len(started),
            "pause_p50": percentile(paused, 50) if paused else None,
            "pause_p95": percentile(paused, 95) if paused else None, "paused": len(paused), "frames": frames,
            "first_cpu_s": cpu1["servers"] - cpu0["servers"], "play_cpu_s": cpu2["servers"] - cpu1["servers"],
            "balancer_cpu_s": cpu2["balancer"] - cpu0["balancer"], "client_cpu_s": time.process_time() - client0}
    out["first_cpu_per_student"] = out["first_cpu_s"] / students
    out["play_cpu_per_student"] = out["play_cpu_s"] / students
    return out


async def measure_play(target, args) -> dict:
    """The class pressing Play under every arrival spread on one target; {spread: summary}."""
    results: dict = {}
    target.start()
    try:
        results["warm_errors"] = await warm(target, ["training"], args.timeout)
        for spread in args.arrivals:
            print(f"  {target.label}: /training, {args.students} students pressing Play, arriving over {spread:g} s …",
                  flush=True)
            results[spread] = await play_class(target, args, spread)
            await asyncio.sleep(args.pause)
    finally:
        target.stop()
    return results


def play_table(spread: float, results: dict[str, dict], students: int, target_s: float = 5.0) -> str:
    """The class pressing Play on each target, side by side."""
    names = list(results)

    def cells(key, digits=2, unit=" s"):
        return [fmt(results[n].get(key), digits, unit) for n in names]

    when = "all at once" if spread == 0 else f"over {spread:g} s"
    rows = [
        ("students whose animation started", *[f"{results[n].get('started', 0)} of {students}" for n in names]),
        ("time until the animation starts: p50", *cells("start_p50")),
        ("… p95", *cells("start_p95")),
        (f"… the last student (target ≤ {target_s:g} s)", *cells("start_max")),
        ("time until the whole page had arrived: the last student", *cells("all_served_s")),
        ("frames sent to each student", *[str(results[n].get("frames", "—")) for n in names]),
        ("script runs between Play and Pause", *["0 (the player plays in the browser)" for _ in names]),
        ("pause (the player's one message) to the page at that epoch: p50 / p95",
         *[f"{fmt(results[n].get('pause_p50'), 2, ' s')} / {fmt(results[n].get('pause_p95'), 2, ' s')}"
           for n in names]),
        ("errors", *[str(len(results[n].get("errors", []))) for n in names]),
        ("server CPU per student: opening the page", *cells("first_cpu_per_student", 3)),
        ("server CPU per student: one play-through (Play to the paused page)", *cells("play_cpu_per_student", 3)),
        ("HAProxy CPU / this client's CPU",
         *[f"{fmt(results[n].get('balancer_cpu_s'), 1, ' s')} / {fmt(results[n].get('client_cpu_s'), 1, ' s')}"
           for n in names]),
    ]
    return (f"**/training, {students} students pressing Play, arriving {when}**\n\n"
            + markdown_table(["measure", *names], rows, align="l" + "r" * len(names)))


def scenario_table(page: str, spread: float, single: dict, replicas: dict, label: str, students: int) -> str:
    """One scenario, one process beside the replicas."""
    def row(name, key, digits=2, unit=" s", speed="time"):
        """speed: "time" (less is better: one process ÷ replicas), "rate" (replicas ÷ one process) or None."""
        a, b = single.get(key), replicas.get(key)
        gain = ratio(a, b) if speed == "time" else ratio(b, a) if speed == "rate" else None
        return (name, fmt(a, digits, unit), fmt(b, digits, unit), fmt(gain, 2, "×") if speed else "")
    when = "all at once" if spread == 0 else f"over {spread:g} s"
    rows = [
        row("first view p50 (GET to script finished)", "first_p50"),
        row("first view p95", "first_p95"),
        row(f"all {students} students had the page", "all_served_s"),
        row("edit rerun p50", "edit_p50"),
        row("edit rerun p95", "edit_p95"),
        row("reruns per second (first views + edits, whole scenario)", "reruns_per_s", 1, "/s", "rate"),
        ("reruns finished (first views + edits)", f"{single.get('first_views', 0)} + {single.get('edits', 0)}",
         f"{replicas.get('first_views', 0)} + {replicas.get('edits', 0)}", ""),
        ("errors", str(len(single.get("errors", []))), str(len(replicas.get("errors", []))), ""),
        ("students per replica", "all", " / ".join(f"{k}: {v}" for k, v in replicas.get("per_replica", {}).items())
         or "—", ""),
        row("server CPU, all Streamlit processes", "server_cpu_s", 1, speed=None),
        row("server CPU per rerun", "cpu_per_rerun_s", 3, speed=None),
        ("HAProxy CPU / this client's CPU", f"— / {fmt(single.get('client_cpu_s'), 1, ' s')}",
         f"{fmt(replicas.get('balancer_cpu_s'), 1, ' s')} / {fmt(replicas.get('client_cpu_s'), 1, ' s')}", ""),
    ]
    return (f"**/{page}, {students} students arriving {when}**\n\n"
            + markdown_table(["measure", "one process", label, "speed-up"], rows, align="lrrr"))


def reference_table(single: dict, reference: dict, pages: Sequence[str], spreads: Sequence[float],
                    students: int) -> str:
    """Each page's first views as a multiple of the reference page's, on one process."""
    rows = []
    for spread in spreads:
        ref = reference.get((REFERENCE, spread), {})
        ref_cpu = ratio(ref.get("server_cpu_s"), ref.get("first_views") + ref.get("edits")) if ref else None
        rows.append((f"reference, arrival {spread:g} s", fmt(ref.get("all_served_s"), 2, " s"),
                     fmt(ref.get("first_p50"), 2, " s"), fmt(ref_cpu, 3, " s"), "1.00×"))
        for page in pages:
            r = single.get((page, spread), {})
            cpu = ratio(r.get("server_cpu_s"), (r.get("first_views") or 0) + (r.get("edits") or 0))
            rows.append((f"/{page}, arrival {spread:g} s", fmt(r.get("all_served_s"), 2, " s"),
                         fmt(r.get("first_p50"), 2, " s"), fmt(cpu, 3, " s"),
                         fmt(ratio(r.get("all_served_s"), ref.get("all_served_s")), 2, "×")))
    return (f"**Page cost against the reference page (one process, {students} students)**\n\n"
            + markdown_table(["page", "all had the page", "first view p50", "server CPU per rerun",
                              "all had the page ÷ reference"], rows, align="lrrrr"))


async def run(args) -> dict:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as serve and the Dockerfile do, for a fair comparison
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    out: dict = {}
    if args.play:
        if "single" in args.targets:
            print("a class pressing Play, one process:", flush=True)
            out["single"] = await measure_play(Single(args.ttl), args)
        if "replicas" in args.targets:
            print(f"a class pressing Play, {args.replicas} replicas behind HAProxy:", flush=True)
            out["replicas"] = await measure_play(Replicas(args.replicas, args.ttl, pin_cpus=args.pin_cpus), args)
        return out
    if "reference" in args.targets:
        print("reference page, one process:", flush=True)
        out["reference"] = await measure(Single(args.ttl, REFERENCE_SCRIPT), [REFERENCE], args)
    if "single" in args.targets:
        print("the app, one process:", flush=True)
        out["single"] = await measure(Single(args.ttl), args.pages, args)
    if "replicas" in args.targets:
        print(f"the app, {args.replicas} replicas behind HAProxy:", flush=True)
        out["replicas"] = await measure(Replicas(args.replicas, args.ttl, pin_cpus=args.pin_cpus), args.pages, args)
    return out


def play_report(result: dict, args) -> str:
    labels = {"single": "one process",
              "replicas": f"{args.replicas} replicas behind HAProxy, " + ("pinned" if args.pin_cpus else "unpinned")}
    parts = [play_table(spread, {labels[name]: result[name].get(spread, {}) for name in result}, args.students)
             for spread in args.arrivals]
    for name, runs in result.items():
        errors = [e for k, v in runs.items() if not isinstance(k, str) for e in v.get("errors", [])]
        for error in sorted(set(errors + runs.get("warm_errors", [])))[:5]:
            parts.append(f"error ({name}): {error}")
    return "\n\n".join(parts)


def report(result: dict, args) -> str:
    if args.play:
        return play_report(result, args)
    parts = []
    single, replicas = result.get("single", {}), result.get("replicas", {})
    label = f"{args.replicas} replicas behind HAProxy, " + ("pinned" if args.pin_cpus else "unpinned")
    for page in args.pages:
        for spread in args.arrivals:
            parts.append(scenario_table(page, spread, single.get((page, spread), {}),
                                        replicas.get((page, spread), {}), label, args.students))
    if "reference" in result and single:
        parts.append(reference_table(single, result["reference"], args.pages, args.arrivals, args.students))
    edits = [(page, r.get("cpu_per_rerun_s")) for (page, _), r in
             ((k, v) for k, v in single.items() if isinstance(k, tuple)) if r.get("edits")]
    for page, cpu in edits[:1]:
        parts.append(f"At one edit every {args.every:g} s, one replica (one core at 70 %) keeps up with about "
                     f"{students_per_replica(args.every, cpu)} students on /{page} "
                     f"(server CPU per rerun {fmt(cpu, 3, ' s')}, first views included).")
    for name in ("reference", "single", "replicas"):
        errors = [e for k, v in result.get(name, {}).items() if isinstance(k, tuple) for e in v.get("errors", [])]
        errors += result.get(name, {}).get("warm_errors", [])
        for error in sorted(set(errors))[:5]:
            parts.append(f"error ({name}): {error}")
    return "\n\n".join(parts)


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=100, help="students in the class (default: %(default)s)")
    ap.add_argument("--arrivals", type=float, nargs="+", default=[0, 30],
                    help="arrival spreads to run, seconds (0: all at once; default: %(default)s)")
    ap.add_argument("--edits", type=int, default=2, help="edits per student after the first view (default: 2)")
    ap.add_argument("--every", type=float, default=5, help="seconds between a student's edits, ±20%% (default: 5)")
    ap.add_argument("--pages", nargs="+", default=["forward-pass", "training"],
                    help="pages, as in their URL (default: forward-pass training)")
    ap.add_argument("--query", default="", help="the query string the students' link carries, e.g. 'X=1,1'")
    ap.add_argument("--replicas", type=int, default=2, help="replicas behind the balancer (default: 2)")
    ap.add_argument("--pin-cpus", action=argparse.BooleanOptionalAction, default=True,
                    help="serve's --pin-cpus: a replica per CPU (default: on, as serve)")
    ap.add_argument("--targets", nargs="+", default=["reference", "single", "replicas"],
                    choices=["reference", "single", "replicas"], help="what to measure (default: all three)")
    ap.add_argument("--ttl", type=int, default=5, help="the servers' disconnectedSessionTTL, seconds")
    ap.add_argument("--pause", type=float, default=6, help="seconds between scenarios (sessions expire)")
    ap.add_argument("--timeout", type=float, default=180, help="limit per student's rerun, seconds")
    ap.add_argument("--play", action="store_true",
                    help="a class pressing Play in the training lab instead of a lecture of edits (--pages, --edits "
                         "and the reference target do not apply)")
    args = ap.parse_args(argv)
    if args.play:
        args.targets = [t for t in args.targets if t != "reference"] or ["replicas"]
    if args.students < 1 or args.students > 500:
        ap.error(f"--students must be between 1 and 500 (a bounded load on this machine), not {args.students}")
    if args.edits < 0 or args.edits > 20:
        ap.error(f"--edits must be between 0 and 20, not {args.edits}")
    if any(a < 0 or a > 600 for a in args.arrivals):
        ap.error(f"--arrivals must be between 0 and 600 s, not {args.arrivals}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        result = asyncio.run(run(args))
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"class benchmark not run: {exc}")
        return 2
    if args.play:
        print(f"\nA class pressing Play: {args.students} students ({this_cpu()}; this client runs on the same "
              "machine)\n")
    else:
        print(f"\nA lecture: {args.students} students, {args.edits} edits each every {args.every:g} s "
              f"({os.cpu_count()} CPUs; this client runs on the same machine)\n")
    print(report(result, args))
    failed = any(v.get("errors") for r in result.values() for k, v in r.items()
                 if isinstance(k, tuple) or (args.play and not isinstance(k, str)))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
