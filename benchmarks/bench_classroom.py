"""Benchmark: a class answers a question. S students join a class session and answer it over A seconds, while the
instructor watches /teach's live view; SQLite on one process beside PostgreSQL on `serve --replicas 2`.

    python benchmarks/bench_classroom.py [--students 200] [--answer-spread 10] [--join-spread 20] [--typing 8]
                                         [--targets sqlite postgres] [--postgres URL]

Every person speaks Streamlit's websocket protocol as a browser tab does (bench_class.py's client, extended): a GET of
the page (through the balancer it sets the affinity cookie), the websocket with that cookie, a BackMsg rerun_script
per run carrying the page, its query string (the page's own updates to it, such as the resume token, are kept) and
the state of every widget the tab holds, and the ForwardMsgs until the run has finished (a run cut short by
st.rerun goes on to the next). A fragment with run_every is rerun on the timer the server announces (auto_rerun), as
the frontend does.

- The instructor opens /teach, types the key, starts a session and asks the default question (the forward pass,
  seed 1); the live view's fragment then reruns every 2 s and each run's "Answered" metric is recorded.
- Each student, arriving evenly over --join-spread seconds: GET /class?join=CODE, the websocket, the join form
  submitted (code and a name); then the page's question-watching fragment every 2 s, as in a browser.
- Answering: the submits fall evenly over --answer-spread seconds. Before it, a student types the four cells of Z1
  and A1 one at a time over --typing seconds (each cell an edit of the data editor, one rerun each, with the grid's
  whole edit record as st.data_editor sends it), then clicks Submit (a trigger). Most answers are right, some carry
  a named mistake (an entry-wise product, the bias left out). One student in ten double-clicks (a second Submit
  0.15 s after the first); one in twenty then reconnects (a new websocket with the resume token in the address,
  which must show the stored answer) and sends the same answer again, as a retried request would.

Reported per target: p50/p95 from a student's Submit to the instructor's live view counting it (the k-th answer
stored, by row id, is shown by the first refresh whose "Answered" is at least k) and to the answer being in the
database (polled every 0.1 s by this process); answers lost (acknowledged to the student, i.e. "Your answer
(attempt 1, stored)" came back, but not in the store with the same numbers), counted twice (more than one row for a
student who sent one answer), stored without an acknowledgement, errors, the time to join, edit and submit, the
server's CPU (every Streamlit process; HAProxy and PostgreSQL beside it) and this client's. The client shares the
machine's cores with the servers; the machine's load average is printed before and after.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the app's packages, and tests/postgres.py

from _common import fmt, markdown_table, parse_stat_cpu_seconds, percentile, this_cpu, tree_cpu_seconds
from bench_class import COOKIE, Replicas, Single, arrival_offsets, cookie_value, http_get

INSTRUCTOR_KEY = "bench-classroom-key"
STORED = re.compile(r"^Your answer \(attempt (\d+), stored\)$")
GRID = re.compile(r"answer_editor_class_(\d+)_(\w+?)_\d+$")
#: The share of students who make each named mistake of the default question (the rest answer right).
MISTAKE_SHARES = (("z1_elementwise", 0.2), ("z1_missing_bias", 0.1))
DOUBLE_CLICK_EVERY, RECONNECT_EVERY = 10, 20
DOUBLE_CLICK_GAP = 0.15  # seconds between a double click's two clicks
STUDENT_SEED = 2121


# --- pure helpers (tested in tests/benchmarks/test_bench_classroom.py) --------------------------------------------


@dataclass(frozen=True)
class El:
    """What the client keeps of an element a run drew: its kind ("button", "metric", …), widget id, label, text
    (a heading's or markdown's body, a metric's value), whether it submits a form, and a grid's data columns."""

    kind: str
    id: str = ""
    label: str = ""
    body: str = ""
    submits_form: bool = False
    columns: tuple[str, ...] = ()


def element(new_element) -> El:
    """An El from a Delta's new_element (a protobuf Element)."""
    kind = new_element.WhichOneof("type") or ""
    proto = getattr(new_element, kind, None) if kind else None
    if proto is None:
        return El(kind)
    if kind == "metric":
        return El(kind, label=proto.label, body=proto.body)
    if kind == "dataframe":
        columns = tuple(c for c in json.loads(proto.columns or "{}") if c != "_index") if proto.editing_mode else ()
        return El(kind, id=proto.id, columns=columns)
    if kind == "exception":
        return El(kind, body=proto.message)
    return El(kind, id=getattr(proto, "id", ""), label=getattr(proto, "label", ""), body=getattr(proto, "body", ""),
              submits_form=bool(getattr(proto, "is_form_submitter", False)))


def find(elements: Iterable[El], kind: str, label: str | None = None, id_suffix: str | None = None) -> El | None:
    """The first element of ``kind`` with that label and/or a widget id ending in ``id_suffix``."""
    for el in elements:
        if el.kind == kind and (label is None or el.label == label) and (id_suffix is None
                                                                         or el.id.endswith(id_suffix)):
            return el
    return None


def metric(elements: Iterable[El], label: str) -> int | None:
    el = find(elements, "metric", label)
    return None if el is None or not el.body.strip().isdigit() else int(el.body)


def stored_attempt(elements: Iterable[El]) -> int | None:
    """The attempt the page says it stored ("Your answer (attempt 2, stored)"), or None."""
    for el in elements:
        if el.kind == "heading" and (match := STORED.match(el.body.strip())):
            return int(match.group(1))
    return None


def answer_grids(elements: Iterable[El]) -> dict[str, El]:
    """The answer grids of /class, by the answer they hold ("Z1", "A1"), from the data editors' widget ids."""
    return {match.group(2): el for el in elements
            if el.kind == "dataframe" and (match := GRID.search(el.id))}


def typing_records(columns: Sequence[str], row: Sequence[str]) -> list[str]:
    """The data editor's value after each cell of a one-row grid is typed, left to right: the record grows by a
    cell each time, as st.data_editor sends it (text cells, so the strings typed)."""
    if len(columns) != len(row):
        raise ValueError(f"{len(row)} values for {len(columns)} columns")
    records, cells = [], {}
    for column, value in zip(columns, row, strict=True):
        cells[column] = value
        records.append(json.dumps({"edited_rows": {"0": dict(cells)}, "added_rows": [], "deleted_rows": []}))
    return records


def mistake_for(index: int, students: int, shares: Sequence[tuple[str, float]] = MISTAKE_SHARES) -> str | None:
    """The named mistake student ``index`` of ``students`` makes (None: a right answer): the first shares of the
    class make the mistakes, in order, so that every run has the same mix."""
    start = 0
    for mistake, share in shares:
        count = round(share * students)
        if start <= index < start + count:
            return mistake
        start += count
    return None


def shown_times(observations: Sequence[tuple[float, int]], order: Sequence[int]) -> dict[int, float]:
    """When the instructor's view first counted each student: the k-th of ``order`` (student ids, in the order their
    answers were stored) is shown by the first observation (time, count shown) whose count is at least k."""
    out: dict[int, float] = {}
    k = 0
    for t, count in sorted(observations):
        while k < len(order) and count >= k + 1:
            out[order[k]] = t
            k += 1
    return out


def integrity(acknowledged: Mapping[int, dict], stored: Iterable[tuple[int, dict]], sent: Mapping[int, int]) -> dict:
    """Answers lost, counted twice and stored without an acknowledgement.

    acknowledged: student id → the answer (answer key → rows of numbers) the student's page showed as stored;
    stored: (student id, answer) for every row in the database; sent: student id → how many different answers the
    student submitted (here 1 each). Lost: acknowledged but not stored with those numbers. Twice: rows beyond the
    number of different answers a student sent. Unacknowledged: students with a row whose page never said so."""
    rows: dict[int, list[dict]] = {}
    for student, answer in stored:
        rows.setdefault(student, []).append(answer)
    lost = [s for s, answer in acknowledged.items() if answer not in rows.get(s, [])]
    twice = sum(max(0, len(mine) - sent.get(s, 1)) for s, mine in rows.items())
    return {"lost": lost, "twice": twice, "unacknowledged": sorted(set(rows) - set(acknowledged))}


def latencies(clicked: Mapping[int, float], reached: Mapping[int, float]) -> list[float]:
    """Seconds from each student's Submit to when it reached something (the view, the database), for the students
    who have both."""
    return [reached[s] - t for s, t in clicked.items() if s in reached]


def summary(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """(p50, p95, max) of ``values``, or Nones."""
    if not values:
        return None, None, None
    return percentile(values, 50), percentile(values, 95), max(values)


def postmaster_pid(port: int, proc: str | os.PathLike = "/proc") -> int | None:
    """The PostgreSQL server listening on ``port`` (a postgres process started with -p PORT), from /proc."""
    for entry in Path(proc).iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and Path(argv[0].decode(errors="replace")).name in ("postgres", "postmaster"):
            words = b" ".join(argv).decode(errors="replace").split()
            if any(w == "-p" and i + 1 < len(words) and words[i + 1] == str(port) for i, w in enumerate(words)):
                return int(entry.name)
    return None


# --- the protocol: a browser tab -------------------------------------------------------------------------------


class Tab:
    """One browser tab on a page of the app: its websocket session and what Streamlit's frontend keeps between runs
    (the query string, the page's script hash, every widget's value, the fragment to rerun on a timer)."""

    def __init__(self, base: str, page: str, query: str = "", cookie: str | None = None):
        self.base, self.page, self.query, self.cookie = base, page, query, cookie
        self.ws = None
        self.page_script_hash = ""
        self.widgets: dict[str, tuple[str, object]] = {}  # widget id → (WidgetState field, value)
        self.fragment: tuple[str, float] | None = None  # (fragment id, seconds) of a fragment with run_every
        self.elements: list[El] = []
        self.lock = asyncio.Lock()  # one run at a time: a fragment's timer waits for a click's run

    async def open(self, timeout: float = 60) -> None:
        """A browser's arrival: GET the page (the balancer sets its cookie), then the websocket with that cookie."""
        import websockets

        path = f"/{self.page}" + (f"?{self.query}" if self.query else "")
        status, headers, _ = await http_get(self.base, path, self.cookie, timeout)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        self.cookie = cookie_value(headers, COOKIE) or self.cookie
        extra = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        self.ws = await websockets.connect(self.base.replace("http", "ws", 1) + "/_stcore/stream",
                                           subprotocols=["streamlit"], origin=self.base, max_size=None,
                                           additional_headers=extra, open_timeout=timeout)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()

    def _request(self, triggers: Sequence[str], fragment: bool) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        request = BackMsg()
        run = request.rerun_script
        run.page_name, run.query_string = self.page, self.query
        if self.page_script_hash:
            run.page_script_hash = self.page_script_hash
        if fragment and self.fragment:
            run.fragment_id, run.is_auto_rerun = self.fragment[0], True
        for widget_id, (kind, value) in self.widgets.items():
            state = run.widget_states.widgets.add()
            state.id = widget_id
            setattr(state, kind, value)
        for widget_id in triggers:  # a button's click counts for one run only
            state = run.widget_states.widgets.add()
            state.id, state.trigger_value = widget_id, True
        return request.SerializeToString()

    async def run(self, triggers: Sequence[str] = (), *, fragment: bool = False, again_after: float | None = None,
                  quiet: float = 0.0, timeout: float = 120) -> list[El]:
        """One run of the page (or of its timed fragment), with the tab's widget states and one click on each of
        ``triggers``; returns the elements of the last run. again_after: send the same request again that many
        seconds after the first (a double click's second click). quiet: after a run has finished, wait that long
        for another one (such as the second click's) and read it too."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        finished = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
        request = self._request(triggers, fragment)
        async with self.lock, asyncio.timeout(timeout):
            await self.ws.send(request)
            second = None
            if again_after is not None:
                async def click_again():
                    await asyncio.sleep(again_after)
                    await self.ws.send(request)
                second = asyncio.create_task(click_again())
            elements: list[El] = []
            errors: list[str] = []
            idle = False  # a run has finished and no other has started
            while True:
                if idle and second is not None and not second.done():
                    await second  # its run follows
                if idle:
                    try:
                        data = await asyncio.wait_for(self.ws.recv(), quiet) if quiet else None
                    except TimeoutError:
                        data = None
                    if data is None:
                        break
                else:
                    data = await self.ws.recv()
                msg = ForwardMsg()
                msg.ParseFromString(data)
                kind = msg.WhichOneof("type")
                if kind == "new_session":  # a run starts (also a fragment's): it draws afresh
                    elements, idle = [], False
                elif kind == "navigation":
                    self.page_script_hash = msg.navigation.page_script_hash
                elif kind == "page_info_changed":
                    self.query = msg.page_info_changed.query_string
                elif kind == "auto_rerun":
                    self.fragment = (msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
                elif kind == "page_not_found":
                    errors.append("page not found")
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    el = element(msg.delta.new_element)
                    elements.append(el)
                    if el.kind == "exception":
                        errors.append(f"exception: {el.body[:120]}")
                elif kind == "script_finished":
                    if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # st.rerun, or a newer request: the next run draws the page
                    if msg.script_finished not in finished:
                        errors.append(f"script finished with status {msg.script_finished}")
                    idle = True
            if errors:
                raise RuntimeError("; ".join(errors))
            if not fragment:
                self.elements = elements
            return elements

    def set(self, el: El, kind: str, value) -> None:
        """Hold a widget's value from now on (a typed text, a grid's edit record), as the frontend does."""
        self.widgets[el.id] = (kind, value)


# --- the people ------------------------------------------------------------------------------------------------


def now() -> float:
    return time.time()


async def sleep_until(t: float) -> None:
    await asyncio.sleep(max(0.0, t - now()))


async def poll(tab: Tab, stop: asyncio.Event, errors: list[str], observe=None) -> int:
    """Rerun the tab's timed fragment on its timer until ``stop``, as the frontend does (but one run at a time: a
    browser's timer keeps firing while a run is late, and Streamlit queues those); ``observe(t, elements)`` sees each
    run's elements. Returns the runs made."""
    if not tab.fragment:
        return 0
    runs = 0
    interval = tab.fragment[1]
    await asyncio.sleep(random.uniform(0, interval))  # tabs opened at different moments tick at different phases
    next_tick = now()
    while not stop.is_set():
        next_tick += interval
        try:
            elements = await tab.run(fragment=True)
            runs += 1
            if observe is not None:
                observe(now(), elements)
        except Exception as exc:  # the student's page shows an error; the benchmark counts it
            errors.append(f"poll: {type(exc).__name__}: {str(exc)[:120]}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, next_tick - now()))
    return runs


@dataclass
class StudentRun:
    index: int
    name: str
    mistake: str | None
    answer: dict[str, list[list[str]]]
    double_click: bool = False
    reconnect: bool = False
    token: str = ""
    replica: str | None = None
    joined_s: float | None = None
    edits_s: list[float] = field(default_factory=list)
    clicked_at: float | None = None
    acknowledged_s: float | None = None
    reconnect_ok: bool | None = None
    polls: int = 0
    errors: list[str] = field(default_factory=list)


def typed_answer(mistake: str | None) -> dict[str, list[list[str]]]:
    """The default question's answer as a student types it (3 significant figures): right, or Z1 with ``mistake``
    and the A1 that follows from it."""
    import numpy as np

    from backprop.practice import ASSIGNMENT_SIZE, expected_and_candidates, make_problem
    from dashboard.classroom import answers

    problem = make_problem(answers.DEFAULT_KIND, ASSIGNMENT_SIZE, answers.DEFAULT_SEED)
    Z1 = problem.answers[0].value if mistake is None else expected_and_candidates(problem, "Z1")[1][mistake]
    return {key: [[f"{v:.3g}" for v in row] for row in np.atleast_2d(M)]
            for key, M in (("Z1", Z1), ("A1", 1 / (1 + np.exp(-Z1))))}


async def join(tab: Tab, code: str, name: str, timeout: float = 120) -> list[El]:
    """Open the tab (GET, websocket), submit the join form with ``code`` and ``name``; the question page it shows.
    The resume token is then in ``tab.query`` (me=…)."""
    await tab.open(timeout)
    form = await tab.run(timeout=timeout)
    tab.set(find(form, "text_input", "Join code"), "string_value", code)
    tab.set(find(form, "text_input", "Display name (optional)"), "string_value", name)
    page = await tab.run([find(form, "button", "Join").id], timeout=timeout)
    if "me=" not in tab.query or set(answer_grids(page)) != {"Z1", "A1"} or find(page, "button", "Submit") is None:
        raise RuntimeError(f"no question after joining (query {tab.query!r}, grids {sorted(answer_grids(page))})")
    return page


async def answer(tab: Tab, page: list[El], typed: Mapping[str, list[list[str]]], timeout: float = 120) -> list[El]:
    """Fill the page's answer grids with ``typed`` and click Submit, in one run (as a retried request, or a student
    who pasted); the page after it. RuntimeError unless it says the answer is stored."""
    for key, grid in answer_grids(page).items():
        tab.set(grid, "string_value", typing_records(grid.columns, typed[key][0])[-1])
    after = await tab.run([find(page, "button", "Submit").id], timeout=timeout)
    if stored_attempt(after) is None:
        raise RuntimeError("after Submit the page does not say the answer is stored")
    return after


def resume_token(tab: Tab) -> str:
    return tab.query.split("me=", 1)[1].split("&", 1)[0] if "me=" in tab.query else ""


async def student(run: StudentRun, base: str, code: str, *, join_at: float, submit_at: float, typing: float,
                  stop: asyncio.Event, timeout: float) -> None:
    """One student: joins at ``join_at``, watches for the question on the fragment's timer, types the answer's
    cells over ``typing`` seconds and clicks Submit at ``submit_at``; then polls until ``stop``."""
    await sleep_until(join_at)
    tab = Tab(base, "class", f"join={code}")
    poller = None
    try:
        t0 = now()
        page = await join(tab, code, run.name, timeout)
        grids, submit = answer_grids(page), find(page, "button", "Submit")
        run.replica, run.token, run.joined_s = tab.cookie, resume_token(tab), now() - t0
        poller = asyncio.create_task(poll(tab, stop, run.errors))
        edits = [(grids[key], record) for key in ("Z1", "A1")
                 for record in typing_records(grids[key].columns, run.answer[key][0])]
        for k, (grid, record) in enumerate(edits):
            await sleep_until(submit_at - typing + typing * k / len(edits))
            tab.set(grid, "string_value", record)
            t1 = now()
            await tab.run(timeout=timeout)
            run.edits_s.append(now() - t1)
        await sleep_until(submit_at)
        run.clicked_at = now()
        page = await tab.run([submit.id], timeout=timeout, again_after=DOUBLE_CLICK_GAP if run.double_click else None,
                             quiet=0.5 if run.double_click else 0.0)
        if stored_attempt(page) != 1:
            raise RuntimeError(f"after Submit the page says attempt {stored_attempt(page)!r}, not 1")
        run.acknowledged_s = now() - run.clicked_at
        if run.reconnect:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                run.polls += await poller
            poller = None
            await tab.close()
            tab = Tab(base, "class", tab.query, tab.cookie)
            await tab.open(timeout)
            run.reconnect_ok = await resend(run, tab, timeout)
            poller = asyncio.create_task(poll(tab, stop, run.errors))
    except Exception as exc:  # this student's error, not the benchmark's
        run.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
    finally:
        if poller is not None:
            await stop.wait()
            run.polls += await poller
        await tab.close()


async def resend(run: StudentRun, tab: Tab, timeout: float) -> bool:
    """A reconnected tab (a new session, the resume token in its address): it must show the stored answer; then the
    same answer is sent again in one run, grids and click together, as a retried request would be; the page must
    still say attempt 1 (the store found the first row)."""
    page = await tab.run(timeout=timeout)
    shown = stored_attempt(page) == 1
    return shown and stored_attempt(await answer(tab, page, run.answer, timeout)) == 1


class Instructor:
    """The instructor's tab on /teach: unlock, start a session, ask the default question, then watch."""

    def __init__(self, base: str, cookie: str | None = None):
        self.tab = Tab(base, "teach", cookie=cookie)
        self.observations: list[tuple[float, int]] = []  # (time, Answered shown)
        self.refresh_s: list[float] = []

    async def start(self, key: str, timeout: float) -> str:
        await self.tab.open(timeout)
        form = await self.tab.run(timeout=timeout)
        self.tab.set(find(form, "text_input", "Instructor key"), "string_value", key)
        page = await self.tab.run([find(form, "button", "Unlock").id], timeout=timeout)
        page = await self.tab.run([find(page, "button", "Start a class session").id], timeout=timeout)
        page = await self.tab.run([find(page, "button", "Ask this question").id], timeout=timeout)
        heading = next(el.body for el in page if el.kind == "heading" and el.body.startswith("Class session "))
        if metric(page, "Answered") != 0:
            raise RuntimeError("the question was not asked (no Answered count on /teach)")
        return heading.removeprefix("Class session ").strip()

    def observe(self, t: float, elements: list[El]) -> None:
        answered = metric(elements, "Answered")
        if answered is not None:
            self.observations.append((t, answered))


class DatabaseWatch(threading.Thread):
    """Polls the store every 0.1 s (a thread: SQLAlchemy blocks) and notes when each student's first answer to the
    question appeared, and the order of the rows."""

    def __init__(self, db_url: str, code: str):
        super().__init__(daemon=True)
        from dashboard.classroom.store import Store

        self.store = Store(db_url)
        session = self.store.session_by_code(code)
        self.question = self.store.current_question(session.id)
        self.first_seen: dict[int, float] = {}
        self.order: list[int] = []
        self.halt = threading.Event()

    def run(self) -> None:
        import sqlalchemy as sa

        from dashboard.classroom.store import submissions

        query = (sa.select(submissions.c.student_id, sa.func.min(submissions.c.id))
                 .where(submissions.c.question_id == self.question.id).group_by(submissions.c.student_id))
        while not self.halt.wait(0.1):
            with self.store.engine.connect() as conn:
                rows = conn.execute(query).all()
            t = now()
            for student_id, _ in rows:
                self.first_seen.setdefault(student_id, t)
            self.order = [student_id for student_id, _ in sorted(rows, key=lambda r: r[1])]


# --- the run ---------------------------------------------------------------------------------------------------


def postgres_cpu(url: str) -> float:
    """CPU seconds of the PostgreSQL server behind ``url`` (its postmaster and every backend), 0 if not local."""
    import sqlalchemy as sa

    port = sa.engine.make_url(url).port or 5432
    pid = postmaster_pid(port)
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as f:
        own = parse_stat_cpu_seconds(f.read(), os.sysconf("SC_CLK_TCK"))
    return own + tree_cpu_seconds(pid)


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def parse_proc_stat_busy(stat_text: str, clock_ticks: int = 100) -> float:
    """Busy CPU seconds of the whole machine so far (all CPUs: user, nice, system, irq, softirq, steal), from the
    text of /proc/stat; idle and iowait are not busy."""
    fields = stat_text.splitlines()[0].split()
    if fields[0] != "cpu":
        raise ValueError(f"not /proc/stat: {stat_text[:40]!r}")
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / clock_ticks


def machine_busy() -> float:
    with open("/proc/stat") as f:
        return parse_proc_stat_busy(f.read(), os.sysconf("SC_CLK_TCK"))


async def warm(target, timeout: float) -> None:
    """One visit of /class and /teach per replica: imports and caches are filled before the class arrives."""
    for replica in target.replicas:
        for page in ("class", "teach"):
            tab = Tab(target.base, page, cookie=replica)
            await tab.open(timeout)
            await tab.run(timeout=timeout)
            await tab.close()


async def lecture(target, db_url: str, args, pg: bool) -> dict:
    """The whole class on one target; the figures of the report."""
    await warm(target, args.timeout)
    instructor = Instructor(target.base)
    code = await instructor.start(INSTRUCTOR_KEY, args.timeout)
    watch = DatabaseWatch(db_url, code)
    watch.start()
    stop, watching = asyncio.Event(), asyncio.Event()
    instructor_errors: list[str] = []
    viewer = asyncio.create_task(poll(instructor.tab, watching, instructor_errors, instructor.observe))
    rng = random.Random(STUDENT_SEED)
    runs = []
    for i in range(args.students):
        mistake = mistake_for(i, args.students)
        runs.append(StudentRun(i, f"student {i + 1}", mistake, typed_answer(mistake),
                               double_click=i % DOUBLE_CLICK_EVERY == 3, reconnect=i % RECONNECT_EVERY == 7))
    rng.shuffle(runs)  # the mistakes, double clicks and reconnections spread over the submit times
    start = now() + 1.0
    joins = [start + t for t in arrival_offsets(args.students, args.join_spread)]
    answering = start + args.join_spread + args.settle + args.typing
    submits = [answering + t for t in arrival_offsets(args.students, args.answer_spread)]
    def database_cpu() -> float:
        return postgres_cpu(db_url) if pg else 0.0

    cpu0, client0, pg0, busy0, wall0 = target.cpu(), time.process_time(), database_cpu(), machine_busy(), now()
    load_before = load_average()
    tasks = [asyncio.create_task(student(run, target.base, code, join_at=joins[k], submit_at=submits[k],
                                         typing=args.typing, stop=stop, timeout=args.timeout))
             for k, run in enumerate(runs)]
    await sleep_until(answering - args.typing)
    cpu_answering = target.cpu(), database_cpu()
    # Every student has clicked Submit (or failed): wait until the instructor's view counts every stored answer.
    await sleep_until(submits[-1])
    acknowledged_by = now() + args.timeout
    while now() < acknowledged_by and any(r.clicked_at is not None and r.acknowledged_s is None and not r.errors
                                          for r in runs):
        await asyncio.sleep(0.2)
    deadline = now() + args.view_timeout
    while now() < deadline:
        if instructor.observations and instructor.observations[-1][1] >= len(watch.order):
            break
        await asyncio.sleep(0.2)
    cpu1, client1, pg1, busy1, wall1 = target.cpu(), time.process_time(), database_cpu(), machine_busy(), now()
    load_after = load_average()
    stop.set()
    watching.set()
    await asyncio.gather(*tasks)
    refreshes = await viewer
    await instructor.tab.close()
    watch.halt.set()
    watch.join(5)
    return collect(runs, instructor, watch, {
        "server_cpu_s": cpu1["servers"] - cpu0["servers"], "balancer_cpu_s": cpu1["balancer"] - cpu0["balancer"],
        "answering_server_cpu_s": cpu1["servers"] - cpu_answering[0]["servers"],
        "postgres_cpu_s": pg1 - pg0 if pg else None,
        "answering_postgres_cpu_s": pg1 - cpu_answering[1] if pg else None,
        "client_cpu_s": client1 - client0, "load_before": load_before, "load_after": load_after,
        # what other processes used meanwhile: the machine's busy time less this benchmark's own processes'
        "others_cpu_s": (busy1 - busy0) - (cpu1["servers"] - cpu0["servers"]) - (cpu1["balancer"] - cpu0["balancer"])
        - (client1 - client0) - ((pg1 - pg0) if pg else 0.0),
        "available_cpu_s": (wall1 - wall0) * (os.cpu_count() or 1),
        "answering_s": submits[-1] - answering + args.typing, "instructor_errors": instructor_errors[:5],
        "instructor_refreshes": refreshes, "wall_s": now() - start})


def collect(runs: list[StudentRun], instructor: Instructor, watch: DatabaseWatch, extra: dict) -> dict:
    """The figures of one target, from what the students, the instructor and the database watcher saw."""
    store = watch.store
    ids = {s.token: s.id for s in store.students(watch.question.session_id)}
    by_id = {ids[r.token]: r for r in runs if r.token in ids}
    clicked = {sid: r.clicked_at for sid, r in by_id.items() if r.clicked_at is not None}
    shown = shown_times(instructor.observations, watch.order)
    rows = store.submissions(question_id=watch.question.id)
    acknowledged = {sid: parse_answer(r.answer) for sid, r in by_id.items() if r.acknowledged_s is not None}
    checks = integrity(acknowledged, [(s.student_id, s.answer) for s in rows], {sid: 1 for sid in by_id})
    to_view = latencies(clicked, shown)
    to_db = latencies(clicked, watch.first_seen)
    errors = [e for r in runs for e in r.errors]
    out = {
        "students": len(runs), "joined": sum(r.joined_s is not None for r in runs), "clicked": len(clicked),
        "acknowledged": len(acknowledged), "stored_rows": len(rows), "stored_students": len({s.student_id
                                                                                             for s in rows}),
        "shown_last": instructor.observations[-1][1] if instructor.observations else None,
        "to_view": summary(to_view), "to_view_within_2s": (sum(t <= 2.0 for t in to_view) / len(to_view)
                                                           if to_view else None),
        "to_db": summary(to_db), "join": summary([r.joined_s for r in runs if r.joined_s is not None]),
        "edit": summary([t for r in runs for t in r.edits_s]),
        "ack": summary([r.acknowledged_s for r in runs if r.acknowledged_s is not None]),
        "lost": len(checks["lost"]), "twice": checks["twice"], "unacknowledged": len(checks["unacknowledged"]),
        "double_clicks": sum(r.double_click for r in runs),
        "reconnects": sum(r.reconnect for r in runs), "reconnects_ok": sum(bool(r.reconnect_ok) for r in runs),
        "errors": len(errors), "error_examples": sorted(set(errors))[:5],
        "per_replica": {k: sum(r.replica == k for r in runs) for k in sorted({r.replica for r in runs if r.replica})},
        "polls": sum(r.polls for r in runs), "edits": sum(len(r.edits_s) for r in runs),
    }
    out = {**out, **extra}
    # Every run the server made for this class (a join is two: the page, then the form; a Submit two or three:
    # the click and the rerun after it, a second click's; a reconnection two)
    out["runs"] = (2 * out["joined"] + out["edits"] + 2 * out["clicked"] + out["double_clicks"]
                   + 2 * out["reconnects"] + out["polls"] + out["instructor_refreshes"])
    out["server_cpu_per_run_ms"] = 1000 * out["server_cpu_s"] / out["runs"] if out["runs"] else None
    return out


def parse_answer(answer: Mapping[str, list[list[str]]]) -> dict[str, list[list[float]]]:
    """A typed answer as the store keeps it (numbers)."""
    return {key: [[float(v) for v in row] for row in rows] for key, rows in answer.items()}


async def measure(name: str, target, db_url: str, args, pg: bool) -> dict:
    target.start()
    try:
        print(f"  {name}: {target.label}, {args.students} students …", flush=True)
        return await lecture(target, db_url, args, pg)
    finally:
        target.stop()


@contextlib.contextmanager
def postgres(url: str | None):
    """The PostgreSQL to use: --postgres URL, or a throwaway server of this machine's (tests/postgres.py)."""
    if url:
        yield url
        return
    from tests import postgres as throwaway

    with throwaway.server() as started:
        yield started


async def costs(target, students: int, timeout: float) -> dict[str, float]:
    """Server CPU (ms) of each kind of run, one at a time on an otherwise idle ``target``: a student joining (the
    page, then the form), the question-watching poll, a cell edit, a Submit (the click's run and the rerun after it),
    a poll after answering, and the instructor's refresh with ``students`` answers in."""
    await warm(target, timeout)
    instructor = Instructor(target.base)
    code = await instructor.start(INSTRUCTOR_KEY, timeout)
    out: dict[str, float] = {}
    tabs: list[tuple[Tab, list[El]]] = []

    async def each(name: str, step, count: int) -> None:
        before = target.cpu()["servers"]
        for k in range(count):
            await step(k)
        out[name] = 1000 * (target.cpu()["servers"] - before) / count

    async def joining(k):
        tab = Tab(target.base, "class", f"join={code}")
        tabs.append((tab, await join(tab, code, f"student {k + 1}", timeout)))

    async def editing(k):
        tab, page = tabs[k // 4]
        key = ("Z1", "A1")[k % 4 // 2]
        grid = answer_grids(page)[key]
        tab.set(grid, "string_value", typing_records(grid.columns, typed_answer(None)[key][0])[k % 2])
        await tab.run(timeout=timeout)

    async def submitting(k):
        tab, page = tabs[k]
        tabs[k] = tab, await answer(tab, page, typed_answer(None), timeout)

    async def polling(k):
        await tabs[k % students][0].run(fragment=True, timeout=timeout)

    try:
        await each("join (page + form)", joining, students)
        await each("poll (question unchanged)", polling, 3 * students)
        await each("cell edit", editing, 4 * students)
        await each("Submit (click + rerun)", submitting, students)
        await each("poll after answering", polling, 3 * students)
        await each(f"instructor's refresh, {students} answers", lambda k: instructor.tab.run(fragment=True), 10)
    finally:
        for tab, _ in tabs:
            await tab.close()
        await instructor.tab.close()
    return out


async def run(args) -> dict:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    env = {"BACKPROP_INSTRUCTOR_KEY": INSTRUCTOR_KEY, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out: dict = {"cpu": this_cpu()}
    if args.costs:
        folder = tempfile.mkdtemp(prefix="backprop-classroom-")
        target = Single(args.ttl, env={**env, "BACKPROP_DB_URL": f"sqlite:///{folder}/classroom.sqlite3"})
        target.start()
        try:
            out["costs"] = await costs(target, args.costs, args.timeout)
        finally:
            target.stop()
        return out
    if "sqlite" in args.targets:
        folder = tempfile.mkdtemp(prefix="backprop-classroom-")
        db_url = f"sqlite:///{folder}/classroom.sqlite3"
        out["sqlite"] = await measure("SQLite", Single(args.ttl, env={**env, "BACKPROP_DB_URL": db_url}), db_url,
                                      args, pg=False)
    if "postgres" in args.targets:
        with postgres(args.postgres) as db_url:
            out["postgres"] = await measure("PostgreSQL", Replicas(args.replicas, args.ttl, db=db_url, env=env),
                                            db_url, args, pg=True)
    return out


def report(result: dict, args) -> str:
    """The two targets side by side (a Markdown table), then any errors."""
    a, b = result.get("sqlite", {}), result.get("postgres", {})

    def trio(r, key):
        p50, p95, top = r.get(key) or (None, None, None)
        return f"{fmt(p50, 2)} / {fmt(p95, 2)} / {fmt(top, 2)} s"

    def both(label, fn):
        return (label, fn(a) if a else "—", fn(b) if b else "—")

    rows = [
        both("students joined / clicked Submit / acknowledged", lambda r: f"{r['joined']} / {r['clicked']} / "
                                                                         f"{r['acknowledged']}"),
        both("Submit → the instructor's live view counts it: p50 / p95 / max", lambda r: trio(r, "to_view")),
        both("… share within 2 s", lambda r: fmt(100 * r["to_view_within_2s"] if r["to_view_within_2s"] is not None
                                                  else None, 0, " %")),
        both("Submit → in the database: p50 / p95 / max", lambda r: trio(r, "to_db")),
        both("Submit → the student's page says stored: p50 / p95 / max", lambda r: trio(r, "ack")),
        both("answers lost (acknowledged, not stored)", lambda r: str(r["lost"])),
        both("counted twice", lambda r: str(r["twice"])),
        both("stored, never acknowledged", lambda r: str(r["unacknowledged"])),
        both("rows stored / students with a row / the view's last count",
             lambda r: f"{r['stored_rows']} / {r['stored_students']} / {r['shown_last']}"),
        both("double clicks / reconnections (stored answer shown, resend not counted)",
             lambda r: f"{r['double_clicks']} / {r['reconnects_ok']} of {r['reconnects']}"),
        both("join (GET to question shown): p50 / p95 / max", lambda r: trio(r, "join")),
        both("cell edit rerun: p50 / p95 / max", lambda r: trio(r, "edit")),
        both("errors", lambda r: str(r["errors"])),
        both("runs served: cell edits / polls by students / instructor's refreshes / all",
             lambda r: f"{r['edits']} / {r['polls']} / {r['instructor_refreshes']} / {r['runs']}"),
        both("students per replica", lambda r: " / ".join(f"{k}: {v}" for k, v in r["per_replica"].items()) or "all"),
        both("server CPU, whole run / while answering", lambda r: f"{fmt(r['server_cpu_s'], 1, ' s')} / "
                                                                  f"{fmt(r['answering_server_cpu_s'], 1, ' s')}"),
        both("PostgreSQL CPU, whole run / while answering", lambda r: f"{fmt(r['postgres_cpu_s'], 1, ' s')} / "
                                                                      f"{fmt(r['answering_postgres_cpu_s'], 1, ' s')}"
             if r["postgres_cpu_s"] is not None else "—"),
        both("server CPU per run (all runs above)", lambda r: fmt(r["server_cpu_per_run_ms"], 1, " ms")),
        both("HAProxy CPU / this client's CPU", lambda r: f"{fmt(r['balancer_cpu_s'], 1, ' s')} / "
                                                          f"{fmt(r['client_cpu_s'], 1, ' s')}"),
        both("other processes' CPU on this machine meanwhile (of the cores' total)",
             lambda r: f"{fmt(r['others_cpu_s'], 0, ' s')} of {fmt(r['available_cpu_s'], 0, ' s')}"),
        both("load average (1 / 5 / 15 min) before → after", lambda r: f"{r['load_before']} → {r['load_after']}"),
    ]
    label = f"PostgreSQL, serve --replicas {args.replicas}"
    text = (f"**{args.students} students join over {args.join_spread:g} s and answer over {args.answer_spread:g} s "
            f"(each types 4 cells over {args.typing:g} s before Submit), the instructor watching /teach** — "
            f"{result.get('cpu', '')}\n\n"
            + markdown_table(["measure", "SQLite, one process", label], rows, align="lrr"))
    for name, r in (("SQLite", a), ("PostgreSQL", b)):
        for error in (r.get("error_examples") or []) + (r.get("instructor_errors") or []):
            text += f"\n\nerror ({name}): {error}"
    return text


def targets_met(r: dict, students: int) -> dict[str, bool]:
    """Issue 21's done-when targets on one target's figures."""
    counted = r["stored_students"] == r["acknowledged"] == r["shown_last"] == students
    p95 = r["to_view"][1]
    return {"all counted exactly": counted, "none lost": r["lost"] == 0, "none twice": r["twice"] == 0,
            "view p95 within 2 s": p95 is not None and p95 <= 2.0}


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=200, help="students in the class (default: %(default)s)")
    ap.add_argument("--answer-spread", type=float, default=10, help="seconds over which the Submits fall (default: 10)")
    ap.add_argument("--join-spread", type=float, default=20, help="seconds over which students join (default: 20)")
    ap.add_argument("--typing", type=float, default=20,
                    help="seconds a student takes to type the answer's 4 cells before Submit (default: 20)")
    ap.add_argument("--settle", type=float, default=5, help="seconds between the last join and the first typing")
    ap.add_argument("--targets", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    ap.add_argument("--replicas", type=int, default=2, help="replicas sharing PostgreSQL (default: 2)")
    ap.add_argument("--postgres", help="a PostgreSQL URL (postgresql+psycopg://…) to use instead of a throwaway "
                                       "server started from this machine's initdb and pg_ctl")
    ap.add_argument("--ttl", type=int, default=30, help="the servers' disconnectedSessionTTL, seconds")
    ap.add_argument("--timeout", type=float, default=120, help="limit per run of a page, seconds")
    ap.add_argument("--view-timeout", type=float, default=60,
                    help="how long to wait after the last Submit for the instructor's view to count every answer")
    ap.add_argument("--costs", type=int, metavar="N",
                    help="instead: the server CPU of each kind of run, one at a time, with N students (one process)")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    if not 1 <= args.students <= 500:
        ap.error(f"--students must be between 1 and 500 (the store's limit per session), not {args.students}")
    for name in ("answer_spread", "join_spread", "typing", "settle"):
        if not 0 <= getattr(args, name) <= 600:
            ap.error(f"--{name.replace('_', '-')} must be between 0 and 600 s")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    print(f"machine: {this_cpu()}; load average {load_average()}", flush=True)
    try:
        result = asyncio.run(run(args))
    except (RuntimeError, FileNotFoundError) as exc:
        print(f"classroom benchmark not run: {exc}")
        return 2
    print()
    if "costs" in result:
        print(markdown_table(["run (one at a time, one process, SQLite)", "server CPU"],
                             [(k, f"{v:.1f} ms") for k, v in result["costs"].items()], align="lr"))
        return 0
    print(report(result, args))
    for name in ("sqlite", "postgres"):
        if name in result:
            met = targets_met(result[name], args.students)
            print(f"\n{name}: " + ", ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in met.items()))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=str))
    failed = any(r.get("lost") or r.get("twice") for k, r in result.items() if isinstance(r, dict))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
