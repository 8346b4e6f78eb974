"""Tests of dashboard.classroom.store on both databases it runs on: an embedded SQLite file and a real PostgreSQL
server (tests/postgres.py), the same tests for each. Every answer is stored exactly once."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from dashboard.classroom import store as s
from dashboard.classroom.store import ClassError, Store


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> Store:
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'class.sqlite3'}")
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # every test starts from an empty database
        s.metadata.drop_all(conn)
    engine.dispose()
    return Store(url)


ANSWER = {"Z1": [[1.6, 2.2]], "A1": [[0.832, 0.9]]}
MARKS = {"Z1": {"right": [[True, True]]}, "A1": {"right": [[True, True]]}}


def session_with_question(db: Store):
    session = db.create_session()
    student = db.join(session.code, "Ana")
    question = db.ask(session.id, "forward", 1, "1,2,2,2")
    return session, student, question


def test_the_schema_is_created_with_its_version_and_opening_it_again_changes_nothing(db):
    assert db.version() == s.SCHEMA_VERSION
    assert Store(engine=db.engine).migrate() == s.SCHEMA_VERSION, "found at the current version: nothing to do"


def test_an_older_schema_is_migrated_on_open(db):
    with db.engine.begin() as conn:
        conn.execute(s.schema_version.update().values(version=0))
    assert Store(engine=db.engine).version() == s.SCHEMA_VERSION


def test_join_codes_have_no_look_alikes_and_open_a_session(db):
    codes = {db.create_session().code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == s.CODE_LENGTH and not set(c) & set("0O1IL2Z5S8B") for c in codes)
    code = codes.pop()
    assert db.session_by_code(code.lower()).code == code, "typed in lower case, still found"


def test_joining_an_unknown_or_closed_session_says_which(db):
    with pytest.raises(ClassError, match="no class session with that code"):
        db.join("QQQQQQ")
    session = db.create_session()
    db.end_session(session.id)
    with pytest.raises(ClassError, match="has ended"):
        db.join(session.code)


def test_limits_are_refused_by_name(db, monkeypatch):
    session = db.create_session()
    with pytest.raises(ClassError, match="at most 24 characters"):
        db.join(session.code, "x" * 25)
    monkeypatch.setattr(s, "MAX_STUDENTS", 2)
    db.join(session.code), db.join(session.code)
    with pytest.raises(ClassError, match="is full: it takes at most 2 students"):
        db.join(session.code)
    student = db.students(session.id)[0]
    question = db.ask(session.id, "forward", 1, "1,2,2,2")
    with pytest.raises(ClassError, match=f"at most {s.MAX_ANSWER_CELLS} cells"):
        db.submit(question.id, student.id, seed=1, answer={"Z1": [[0.0] * 201]}, marks={}, correct=False)
    monkeypatch.setattr(s, "MAX_ATTEMPTS", 2)
    for attempt in range(2):
        db.submit(question.id, student.id, seed=1, answer={"Z1": [[attempt]]}, marks={}, correct=False)
    with pytest.raises(ClassError, match="at most 2 attempts"):
        db.submit(question.id, student.id, seed=1, answer={"Z1": [[9.0]]}, marks={}, correct=False)


def test_the_same_answer_sent_again_is_stored_once(db):
    _, student, question = session_with_question(db)
    first = db.submit(question.id, student.id, seed=1, answer=ANSWER, marks=MARKS, correct=True)
    again = db.submit(question.id, student.id, seed=1, answer=dict(reversed(ANSWER.items())), marks=MARKS,
                      correct=True)
    assert first.new and not again.new and again.id == first.id
    other = db.submit(question.id, student.id, seed=1, answer={"Z1": [[1.6, 2.3]], "A1": [[0.832, 0.9]]},
                      marks=MARKS, correct=False)
    assert other.new and other.attempt == 2
    assert [x.attempt for x in db.submissions(question_id=question.id)] == [1, 2]


def test_racing_double_submissions_count_once(db):
    """Eight threads send the same answer at once (a double click, retries, a reconnect): one row."""
    _, student, question = session_with_question(db)
    results, errors = [], []

    def send():
        try:
            results.append(db.submit(question.id, student.id, seed=1, answer=ANSWER, marks=MARKS, correct=True))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 8
    assert len(db.submissions(question_id=question.id)) == 1
    assert sum(r.new for r in results) == 1


def test_a_closed_question_takes_no_answers_and_asking_closes_the_last(db):
    session, student, question = session_with_question(db)
    second = db.ask(session.id, "output", 2, "1,2,2,2")
    assert db.question(question.id).status == "closed" and second.number == 2
    with pytest.raises(ClassError, match="closed"):
        db.submit(question.id, student.id, seed=1, answer=ANSWER, marks=MARKS, correct=True)
    db.set_status(second.id, "revealed")
    assert db.current_question(session.id).status == "revealed"


def test_a_student_cannot_answer_another_sessions_question(db):
    _, _, question = session_with_question(db)
    other = db.join(db.create_session().code)
    with pytest.raises(ClassError, match="not in your class session"):
        db.submit(question.id, other.id, seed=1, answer=ANSWER, marks=MARKS, correct=True)


def test_values_are_bound_parameters_never_sql(db):
    session = db.create_session()
    name = "x'); DROP TABLE x;--"
    student = db.join(session.code, name)
    assert db.student(student.token).name == name and len(db.students(session.id)) == 1
    assert db.session_by_code("' OR '1'='1") is None


def test_deleting_a_session_deletes_everything_in_it_and_nothing_else(db):
    session, student, question = session_with_question(db)
    db.submit(question.id, student.id, seed=1, answer=ANSWER, marks=MARKS, correct=True)
    keep, kept_student, kept_question = session_with_question(db)
    db.submit(kept_question.id, kept_student.id, seed=1, answer=ANSWER, marks=MARKS, correct=True)
    db.delete_session(session.id)
    assert db.session(session.id) is None and db.student(student.token) is None
    assert db.submissions(session_id=session.id) == [] and db.questions(session.id) == []
    assert len(db.submissions(session_id=keep.id)) == 1


def test_a_resume_token_finds_its_student_and_nothing_else_does(db):
    session = db.create_session()
    student = db.join(session.code, "Ana")
    assert db.student(student.token) == student
    assert db.student("") is None and db.student("x" * 200) is None and db.student(student.token[:-1]) is None
