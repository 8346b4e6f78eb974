"""A class session across `deploy/replicas/serve --replicas 2 --db <PostgreSQL>`: students on both replicas, the
instructor on one of them, and a replica killed mid-question.

    .venv/bin/python -m pytest tests/e2e/test_class_replicas.py -q   # needs haproxy and PostgreSQL's server binaries

The database is a throwaway PostgreSQL (the `postgres_url` fixture, tests/postgres.py); serve runs in its own process
group (benchmarks/bench_class.py's Replicas). Twelve students speak Streamlit's websocket protocol
(benchmarks/bench_classroom.py's browser tab), two are Chromium tabs, one pinned to each replica by the balancer's
cookie; the instructor's /teach is a protocol tab on r1. The two tests are one lecture, in order: everyone answers
across both replicas, then r2 is SIGKILLed with the question still open.
"""
from __future__ import annotations

import asyncio
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_class import COOKIE, Replicas
from benchmarks.bench_classroom import Instructor, Tab, answer, join, metric, resume_token, stored_attempt
from dashboard.classroom.store import Store

from .classroom import STORED, answer_with, fill_answer, joined, open_link, stored_heading, wait_until
from .classroom import join as join_in_chromium
from .conftest import INSTRUCTOR_KEY, VIEWPORT, App, Server, running

pytestmark = pytest.mark.replicas

PROTOCOL_STUDENTS = 12
MISTAKES = [None, None, "z1_elementwise", None, "z1_missing_bias", None]  # cycled over the students


class Loop:
    """One event loop in a thread of its own for the module: a protocol tab's websocket belongs to the loop that
    opened it, and the tabs live from one test to the next (Playwright's sync API holds this thread's loop)."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine, timeout: float = 120):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@dataclass
class Pupil:
    """A student speaking the protocol: their tab, the page it shows, their answer, and whether it was stored."""

    name: str
    typed: dict
    tab: Tab | None = None
    page: list = field(default_factory=list)
    token: str = ""
    replica: str = ""
    stored: bool = False


@dataclass
class Lecture:
    cluster: Replicas
    store: Store
    loop: Loop
    instructor: Instructor
    code: str
    pupils: list[Pupil]
    chromium: dict[str, tuple[App, Any]]  # replica → (app, page) of the Chromium student pinned to it
    tokens: dict[str, str] = field(default_factory=dict)  # Chromium students' resume tokens

    def instructor_sees(self, *, answered: int, joined: int, timeout: float = 20) -> None:
        """Rerun the instructor's live view as its timer would until it shows these counts."""
        def shown():
            elements = self.loop.run(self.instructor.tab.run(fragment=True))
            return (metric(elements, "Answered"), metric(elements, "Joined")) == (answered, joined) or None
        wait_until(shown, timeout, f"the instructor's view (on r1) showing {answered} answered of {joined}",
                   interval_s=1)

    def stored(self) -> dict[int, int]:
        """Rows per student in the database."""
        session = self.store.session_by_code(self.code)
        rows: dict[int, int] = {}
        for s in self.store.submissions(session_id=session.id):
            rows[s.student_id] = rows.get(s.student_id, 0) + 1
        return rows


@pytest.fixture(scope="module")
def cluster(postgres_url):
    with running(Replicas(2, ttl=30, db=postgres_url, env={"BACKPROP_INSTRUCTOR_KEY": INSTRUCTOR_KEY})) as replicas:
        yield replicas


@pytest.fixture(scope="module")
def lecture(cluster, postgres_url, browser):
    loop, store, contexts = Loop(), Store(postgres_url), []
    instructor = Instructor(cluster.base, cookie="r1")
    pupils = [Pupil(f"protocol student {i + 1}", answer_with(MISTAKES[i % len(MISTAKES)]))
              for i in range(PROTOCOL_STUDENTS)]
    try:
        code = loop.run(instructor.start(INSTRUCTOR_KEY, 60))
        chromium = {}
        for replica in ("r1", "r2"):
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
            context.set_default_timeout(30_000)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=cluster.base)
            context.add_cookies([{"name": COOKIE, "value": replica, "url": cluster.base}])  # the balancer's pin
            contexts.append(context)
            chromium[replica] = (App(Server(cluster.base, cluster.proc, Path(os.devnull)), context),
                                 context.new_page())
        yield Lecture(cluster, store, loop, instructor, code, pupils, chromium)
    finally:
        for context in contexts:
            context.close()
        for tab in [instructor.tab, *(p.tab for p in pupils if p.tab is not None)]:
            loop.run(tab.close())
        loop.close()
        store.engine.dispose()


def replica_of(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)


async def join_all(base: str, code: str, pupils: list[Pupil]) -> None:
    """One after the other, as a class trickles in: the balancer (leastconn) sends each newcomer to the replica with
    fewer open connections, which a websocket held open counts in (all at once, they would all go to one)."""
    for pupil in pupils:
        pupil.tab = Tab(base, "class", f"join={code}")  # no cookie: the balancer chooses the replica
        pupil.page = await join(pupil.tab, code, pupil.name, 60)
        pupil.token, pupil.replica = resume_token(pupil.tab), pupil.tab.cookie


async def answer_all(pupils: list[Pupil]) -> None:
    async def one(pupil: Pupil):
        pupil.page = await answer(pupil.tab, pupil.page, pupil.typed, 60)
        pupil.stored = stored_attempt(pupil.page) == 1
    await asyncio.gather(*(one(p) for p in pupils))


def test_students_on_both_replicas_answer_and_the_instructor_on_one_sees_every_answer(lecture):
    link = f"{lecture.cluster.base}/class?join={lecture.code}"
    for _, page in lecture.chromium.values():
        open_link(page, link)
    lecture.loop.run(join_all(lecture.cluster.base, lecture.code, lecture.pupils))
    for replica, (app, page) in lecture.chromium.items():
        join_in_chromium(app, page, f"Chromium on {replica}")
    for replica, (app, page) in lecture.chromium.items():
        lecture.tokens[replica] = joined(app, page)
        assert replica_of(page) == replica
    on = {r: [p for p in lecture.pupils if p.replica == r] for r in ("r1", "r2")}
    assert len(on["r1"]) >= 3 and len(on["r2"]) >= 3, {r: len(v) for r, v in on.items()}
    # Half of each replica's protocol students answer now, and the Chromium student on r2.
    first = on["r1"][: len(on["r1"]) // 2] + on["r2"][: len(on["r2"]) // 2]
    lecture.loop.run(answer_all(first))
    assert all(p.stored for p in first)
    app, page = lecture.chromium["r2"]
    fill_answer(app, page, answer_with(None))
    page.get_by_role("button", name="Submit").click()
    wait_until(lambda: stored_heading(page) == STORED.format(attempt=1), 30, "the Chromium student's answer stored")
    lecture.instructor_sees(answered=len(first) + 1, joined=PROTOCOL_STUDENTS + 2)
    assert sorted(lecture.stored().values()) == [1] * (len(first) + 1)


def test_a_replica_killed_mid_question_loses_nothing_and_its_students_carry_on(lecture):
    victim = "r2"
    before = lecture.stored()
    os.kill(lecture.cluster.pids[victim], signal.SIGKILL)
    # Every answer already stored is still there (the database is not the replica's).
    assert lecture.stored() == before
    # The Chromium student on r2: the frontend reconnects by itself, to r1; the resume token in the address brings
    # back the stored answer.
    app, page = lecture.chromium[victim]
    wait_until(lambda: replica_of(page) != victim, 45, "the Chromium tab moving off the dead replica")
    app.settle(page, timeout_s=45)
    wait_until(lambda: stored_heading(page) == STORED.format(attempt=1), 30, "the stored answer after reconnecting")
    assert f"me={lecture.tokens[victim]}" in page.evaluate("() => location.search")
    assert app.exceptions(page) == []

    # The protocol students on r2 reconnect with the address they had (the resume token in it), landing on r1 or on
    # the r2 that serve has restarted meanwhile (a new process, which knows nothing of them but the database): those
    # who had answered see their answer, the others answer now; everyone on r1 who had not answered answers too.
    async def carry_on():
        for pupil in lecture.pupils:
            if pupil.replica == victim:
                await pupil.tab.close()
                pupil.tab = Tab(lecture.cluster.base, "class", pupil.tab.query, pupil.tab.cookie)
                await pupil.tab.open(60)
                pupil.page = await pupil.tab.run(timeout=60)
                assert stored_attempt(pupil.page) == (1 if pupil.stored else None), pupil.name
        await answer_all([p for p in lecture.pupils if not p.stored])

    lecture.loop.run(carry_on())
    assert all(p.stored for p in lecture.pupils)
    app, page = lecture.chromium["r1"]
    fill_answer(app, page, answer_with("z1_elementwise"))
    page.get_by_role("button", name="Submit").click()
    wait_until(lambda: stored_heading(page) == STORED.format(attempt=1), 30, "a new answer in Chromium after the kill")
    everyone = PROTOCOL_STUDENTS + 2
    lecture.instructor_sees(answered=everyone, joined=everyone)
    rows = lecture.stored()
    assert len(rows) == everyone and set(rows.values()) == {1}, "one row per student: nothing lost, nothing twice"
