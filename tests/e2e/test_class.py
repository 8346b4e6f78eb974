"""A live class session in real browsers: one instructor and five students, each in a Chromium context of their own,
against the e2e server (its class sessions in a throwaway SQLite file, its instructor key known: see conftest.py).

    .venv/bin/python -m pytest tests/e2e/test_class.py -q

The tests are one lecture, in order, sharing the module's `lecture` fixture: the instructor unlocks /teach, starts a
session and asks the default question; the students join from the link (one named `<b>Eve</b>`, which must stay
text) and answer — two right, two with an entry-wise product, one with the bias left out, who then answers again —
while the instructor's page, never reloaded, shows the counts and the ranking of misconceptions change. A double
submit is stored once (read from the database), a reload keeps a student's answer, the submissions CSV has one row
per stored answer, and a student's browser gets none of /teach's data.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from backprop.mistakes import MISTAKES
from dashboard.classroom.store import Store

from .classroom import (
    STORED,
    answer_with,
    fill_answer,
    join,
    joined,
    metrics,
    open_link,
    ranking,
    start_and_ask,
    stored_heading,
    token,
    unlock,
)
from .conftest import INSTRUCTOR_KEY, App, download, wait_until

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1280, "height": 1000}
#: How long the instructor's live view (refreshed every 2 s) may take to show an answer on a busy 2-core machine.
LIVE_S = 10
EVE = "<b>Eve</b>"
ENTRYWISE, NO_BIAS = MISTAKES["z1_elementwise"].label, MISTAKES["z1_missing_bias"].label


@dataclass
class Student:
    name: str
    mistake: str | None  # the Z1 mistake their answer makes (None: right)
    app: App
    page: Any
    token: str = ""

    @property
    def answer(self) -> dict[str, list[list[str]]]:
        return answer_with(self.mistake)


@dataclass
class Lecture:
    instructor: App
    teach: Any  # the instructor's tab, never reloaded
    code: str
    link: str
    students: dict[str, Student]
    store: Store

    def rows(self, student: Student) -> int:
        """Submissions stored for ``student`` (read from the database, not from a page)."""
        me = self.store.student(student.token)
        return len(self.store.submissions(student_id=me.id))

    def live(self, **expected: str) -> None:
        """Wait until the instructor's live view shows ``expected`` (metric label → value)."""
        wanted = {k.replace("_", " ").capitalize(): v for k, v in expected.items()}
        wait_until(lambda: all(metrics(self.teach).get(k) == v for k, v in wanted.items()), LIVE_S,
                   f"the instructor's live view showing {wanted}")


@pytest.fixture(scope="module")
def lecture(app, browser):
    contexts = []

    def person() -> App:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(30_000)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app.base)  # answers are pasted
        contexts.append(context)
        return App(app.server, context)

    store = Store(app.server.db_url)
    try:
        instructor = person()
        teach = instructor.context.new_page()
        unlock(instructor, teach, INSTRUCTOR_KEY)
        code, link = start_and_ask(instructor, teach)
        # A reload or a navigation would lose this: the live view must change without either.
        teach.evaluate("window.__sameDocument = 'never reloaded'")
        people = [(EVE, None), ("Ben Okafor", None), ("Cyrus Lindqvist", "z1_elementwise"),
                  ("Dana Whitfield", "z1_elementwise"), ("Alex Moreau", "z1_missing_bias")]
        students = {}
        for name, mistake in people:
            student = person()
            students[name] = Student(name, mistake, student, student.context.new_page())
        yield Lecture(instructor, teach, code, link, students, store)
    finally:
        for context in contexts:
            context.close()
        store.engine.dispose()


def submit(*students: Student, attempt: int = 1) -> None:
    """Each student types their answer and clicks Submit once; then wait until every page shows it stored (the
    pages work side by side meanwhile)."""
    for student in students:
        fill_answer(student.app, student.page, student.answer)
        student.page.get_by_role("button", name="Submit").click()
    for student in students:
        wait_until(lambda: stored_heading(student.page) == STORED.format(attempt=attempt), 30,  # noqa: B023
                   f"{student.name}'s answer stored as attempt {attempt}")
        student.app.settle(student.page)


def test_students_join_from_the_link_and_the_instructor_sees_them_arrive(lecture):
    assert lecture.link.endswith(f"/class?join={lecture.code}") and lecture.link.startswith(lecture.instructor.base)
    assert metrics(lecture.teach)["Joined"] == "0"
    for student in lecture.students.values():
        open_link(student.page, lecture.link)
    for student in lecture.students.values():
        join(student.app, student.page, student.name)
    for student in lecture.students.values():
        student.token = joined(student.app, student.page)
    lecture.live(joined="5", answered="0")
    eve = lecture.students[EVE].page
    assert any(t.endswith(f"you joined as {EVE}") for t in eve.locator("[data-testid='stText']").all_inner_texts()), \
        "the display name is shown as text"
    assert eve.locator("[data-testid='stMain'] b").count() == 0, "the display name was rendered as HTML"
    assert "Question 1: The forward pass" in eve.locator("h2").all_inner_texts()[0]


def test_the_counts_and_the_ranking_change_live_as_answers_arrive(lecture):
    students = lecture.students
    submit(students["Alex Moreau"])
    lecture.live(joined="5", answered="1", right="0")
    assert wait_until(lambda: ranking(lecture.teach), LIVE_S, "the misconceptions chart") == [(NO_BIAS, 1)]
    submit(students["Cyrus Lindqvist"], students["Dana Whitfield"])
    lecture.live(answered="3", right="0")
    wait_until(lambda: ranking(lecture.teach) == [(ENTRYWISE, 2), (NO_BIAS, 1)], LIVE_S,
               "the entry-wise product ranked first")
    submit(students[EVE])
    lecture.live(answered="4", right="1", right_at_the_first_attempt="1")
    # A second attempt replaces the first in the counts: the bias mistake leaves the ranking.
    submit(replace(students["Alex Moreau"], mistake=None), attempt=2)
    lecture.live(answered="4", right="2", right_at_the_first_attempt="1")
    wait_until(lambda: ranking(lecture.teach) == [(ENTRYWISE, 2)], LIVE_S, "the ranking without the bias mistake")
    assert lecture.teach.evaluate("window.__sameDocument") == "never reloaded"
    assert lecture.instructor.exceptions(lecture.teach) == []


def test_a_double_submit_is_stored_once(lecture):
    ben = lecture.students["Ben Okafor"]
    submit(ben)
    # The second click of a double click: the same answer again, once the first is stored.
    ben.page.get_by_role("button", name="Submit").click()
    ben.app.settle(ben.page)
    assert lecture.rows(ben) == 1, "the same answer submitted twice was stored twice"
    assert stored_heading(ben.page) == STORED.format(attempt=1)
    lecture.live(answered="5", right="3")


def test_a_reload_keeps_a_students_answer(lecture):
    eve = lecture.students[EVE]
    eve.page.reload(wait_until="domcontentloaded")
    eve.app.settle(eve.page)
    assert token(eve.page) == eve.token
    assert stored_heading(eve.page) == STORED.format(attempt=1)
    alerts = eve.page.locator("[data-testid='stAlert']").all_inner_texts()
    assert sum("All 2 cells are right." in a for a in alerts) == 2, alerts
    assert any(t.endswith(f"you joined as {EVE}") for t in eve.page.locator("[data-testid='stText']").all_inner_texts())


def test_the_submissions_csv_has_one_row_per_stored_answer(lecture):
    session = lecture.store.session_by_code(lecture.code)
    stored = lecture.store.submissions(session_id=session.id)
    assert len(stored) == 6, "five students, one of them twice"
    button = lecture.teach.get_by_role("button", name="All submissions (CSV)")
    button.scroll_into_view_if_needed()
    # The file is made when clicked; the live view reruns every 2 s, and a click in the middle of a run was seen
    # to cancel the download once in CI (a person clicks again): click between runs.
    lecture.instructor.settle(lecture.teach)
    saved = download(lecture.teach, button)
    rows = list(csv.DictReader(io.StringIO(Path(saved.path()).read_text())))
    assert len(rows) == len(stored), f"{len(rows)} rows for {len(stored)} stored answers"
    assert sorted((int(r["student"]), int(r["attempt"])) for r in rows) == sorted(
        (s.student_id, s.attempt) for s in stored)
    assert {r["session"] for r in rows} == {lecture.code}
    assert sorted(r["misconception"] for r in rows if r["misconception"]) == sorted([NO_BIAS, ENTRYWISE, ENTRYWISE])
    assert sum(r["correct"] == "yes" for r in rows) == 3
    assert EVE in {r["display name"] for r in rows}


def test_a_students_browser_gets_none_of_teachs_data(lecture):
    eve = lecture.students[EVE]
    page = eve.app.context.new_page()
    try:
        eve.app.goto(page, "teach")
        assert page.get_by_role("textbox", name="Instructor key").count() == 1
        html = page.content()
        for secret in [lecture.code, "Answered", "All submissions", *[n for n in lecture.students if n != EVE]]:
            assert secret not in html, f"/teach shows {secret!r} to a student's browser"
        assert page.locator("[data-testid='stMetric'], [data-testid='stDownloadButton']").count() == 0
        # Nor does the student's own page carry anyone else's name or answer.
        own = eve.page.content()
        for other in lecture.students.values():
            if other.name != EVE:
                assert other.name not in own
        assert answer_with("z1_elementwise")["Z1"][0][0] not in eve.page.inner_text("body")
    finally:
        page.close()
