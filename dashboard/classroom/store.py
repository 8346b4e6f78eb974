"""Where a class's answers meet: class sessions, their questions, students and submissions in one database.

SQLAlchemy 2 Core over a SQLite file by default (WAL mode, nothing to configure) or PostgreSQL, which several
replicas share (BACKPROP_DB_URL=postgresql+psycopg://…). The schema carries a version (table schema_version) and
is created, or migrated, when a Store opens the database. Every value reaches the database as a bound parameter.

A submission is stored exactly once: the database refuses a second row for the same question, student and
attempt, and for the same question, student and answer (a double click, a retried request or a reconnect that
sends the same answer again finds the first row). No function here imports Streamlit.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

#: The schema this code writes; a database at an older version is migrated on open (see _MIGRATIONS).
SCHEMA_VERSION = 1
#: Where the embedded SQLite database lives unless BACKPROP_DB_URL says otherwise (BACKPROP_DATA_DIR moves it).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DB_ENV, DATA_ENV = "BACKPROP_DB_URL", "BACKPROP_DATA_DIR"

#: Join codes: 6 characters without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
#: Limits, each refused with a message that names it.
MAX_STUDENTS = 500
MAX_ATTEMPTS = 5
MAX_ANSWER_CELLS = 200
MAX_NAME = 24

metadata = sa.MetaData()
schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))
class_sessions = sa.Table(
    "class_sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(CODE_LENGTH), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
)
questions = sa.Table(
    "class_questions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("size", sa.String(16), nullable=False),
    sa.Column("per_student", sa.Boolean, nullable=False),
    sa.Column("marking", sa.String(8), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    # what else the question needs to be posed (empty for a practice problem; a presenter step's example)
    sa.Column("payload", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("session_id", "number"),
)
students = sa.Table(
    "class_students", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token", sa.String(48), nullable=False, unique=True),
    sa.Column("name", sa.String(MAX_NAME), nullable=False),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
)
submissions = sa.Table(
    "class_submissions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question_id", sa.ForeignKey("class_questions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("student_id", sa.ForeignKey("class_students.id", ondelete="CASCADE"), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("marks", sa.Text, nullable=False),
    sa.Column("correct", sa.Boolean, nullable=False),
    sa.Column("misconception", sa.String(200), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("question_id", "student_id", "attempt"),
    sa.UniqueConstraint("question_id", "student_id", "digest"),
)
sa.Index("class_submissions_by_question", submissions.c.question_id, submissions.c.submitted_at)

#: version → the statements that bring a database from the version before to it (1 is the first schema).
_MIGRATIONS: dict[int, Sequence[str]] = {}


class ClassError(ValueError):
    """Something a class session refuses, with a message that says what and why (an unknown or closed session, a
    closed question, a limit)."""


@dataclass(frozen=True)
class ClassSession:
    id: int
    code: str
    created_at: datetime
    closed_at: datetime | None

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class Question:
    """A question asked in a class session: a practice problem's kind, seed and size ("N,D,H,C"); per_student gives
    every student their own variant; marking is "now" (marked at once) or "close" (when the question closes);
    status is "open", "closed" or "revealed"."""

    id: int
    session_id: int
    number: int
    kind: str
    seed: int
    size: str
    per_student: bool
    marking: str
    status: str
    asked_at: datetime
    closed_at: datetime | None
    payload: str = ""


@dataclass(frozen=True)
class Student:
    id: int
    session_id: int
    token: str
    name: str
    joined_at: datetime


@dataclass(frozen=True)
class Submission:
    """One stored answer: its attempt number, the variant's seed, the answer and its marks as JSON texts, whether
    it was right and the misconception named (empty when none); ``new`` is False when an identical submission was
    already stored (the one returned)."""

    id: int
    question_id: int
    student_id: int
    attempt: int
    seed: int
    answer: dict
    marks: dict
    correct: bool
    misconception: str
    submitted_at: datetime
    new: bool = True


def now() -> datetime:
    return datetime.now(UTC)


def default_url() -> str:
    """BACKPROP_DB_URL, or the SQLite file classroom.sqlite3 in BACKPROP_DATA_DIR (default: data/ beside the app)."""
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    folder = Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)
    return f"sqlite:///{folder / 'classroom.sqlite3'}"


def engine_for(url: str) -> Engine:
    """An engine for ``url``: a SQLite file gets its folder made, WAL mode and a busy timeout (many sessions of one
    server write to it); PostgreSQL gets a connection check before each use (a database restart is survived)."""
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Store:
    """The class sessions in one database (see the module's docstring)."""

    def __init__(self, url: str | None = None, engine: Engine | None = None):
        self.engine = engine or engine_for(url or default_url())
        self.migrate()

    # --- the schema ---

    def migrate(self) -> int:
        """Create the schema, or bring an older one up to SCHEMA_VERSION; returns the version found before."""
        with self.engine.begin() as conn:
            metadata.create_all(conn, checkfirst=True)
            found = conn.execute(sa.select(schema_version.c.version)).scalar()
            if found is None:
                conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
                return 0
            for version in range(found + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS.get(version, ()):
                    conn.execute(sa.text(statement))
            if found < SCHEMA_VERSION:
                conn.execute(schema_version.update().values(version=SCHEMA_VERSION))
            return found

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(schema_version.c.version)).scalar_one()

    # --- sessions ---

    def create_session(self) -> ClassSession:
        """A new class session with a fresh join code."""
        for _ in range(20):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self.engine.begin() as conn:
                    row = conn.execute(class_sessions.insert().values(code=code, created_at=now())
                                       .returning(*class_sessions.c)).one()
                return ClassSession(**row._mapping)
            except sa.exc.IntegrityError:  # the code is taken: draw another
                continue
        raise ClassError("could not find a free join code; try again")

    def sessions(self) -> list[ClassSession]:
        """Every class session, the newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(class_sessions).order_by(class_sessions.c.id.desc())).all()
        return [ClassSession(**row._mapping) for row in rows]

    def session_by_code(self, code: str) -> ClassSession | None:
        code = (code or "").strip().upper()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(class_sessions).where(class_sessions.c.code == code)).one_or_none()
        return None if row is None else ClassSession(**row._mapping)

    def session(self, session_id: int) -> ClassSession | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(class_sessions).where(class_sessions.c.id == session_id)).one_or_none()
        return None if row is None else ClassSession(**row._mapping)

    def end_session(self, session_id: int) -> None:
        """Close the session: nobody can join it or answer in it any more (its data stay until deleted)."""
        with self.engine.begin() as conn:
            conn.execute(class_sessions.update().where(class_sessions.c.id == session_id)
                         .where(class_sessions.c.closed_at.is_(None)).values(closed_at=now()))
            conn.execute(questions.update().where(questions.c.session_id == session_id)
                         .where(questions.c.status == "open").values(status="closed", closed_at=now()))

    def delete_session(self, session_id: int) -> None:
        """The session and everything in it: its questions, students and submissions."""
        with self.engine.begin() as conn:
            question_ids = sa.select(questions.c.id).where(questions.c.session_id == session_id)
            conn.execute(submissions.delete().where(submissions.c.question_id.in_(question_ids)))
            conn.execute(questions.delete().where(questions.c.session_id == session_id))
            conn.execute(students.delete().where(students.c.session_id == session_id))
            conn.execute(class_sessions.delete().where(class_sessions.c.id == session_id))

    # --- students ---

    def join(self, code: str, name: str = "") -> Student:
        """A new student in the session with join code ``code``; ClassError if it is unknown, closed or full."""
        name = " ".join((name or "").split())
        if len(name) > MAX_NAME:
            raise ClassError(f"a display name has at most {MAX_NAME} characters; this one has {len(name)}")
        session = self.session_by_code(code)
        if session is None:
            raise ClassError("there is no class session with that code: check it with your instructor")
        if not session.open:
            raise ClassError("that class session has ended: it takes no new students")
        with self.engine.begin() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(students)
                                 .where(students.c.session_id == session.id)).scalar_one()
            if count >= MAX_STUDENTS:
                raise ClassError(f"that class session is full: it takes at most {MAX_STUDENTS} students")
            row = conn.execute(students.insert().values(
                session_id=session.id, token=secrets.token_urlsafe(24), name=name, joined_at=now(),
            ).returning(*students.c)).one()
        return Student(**row._mapping)

    def student(self, token: str) -> Student | None:
        """The student a resume token belongs to, or None."""
        if not token or len(token) > 48:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(students).where(students.c.token == token)).one_or_none()
        return None if row is None else Student(**row._mapping)

    def students(self, session_id: int) -> list[Student]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(students).where(students.c.session_id == session_id)
                                .order_by(students.c.id)).all()
        return [Student(**row._mapping) for row in rows]

    # --- questions ---

    def ask(self, session_id: int, kind: str, seed: int, size: str, *, per_student: bool = False,
            marking: str = "now", payload: str = "") -> Question:
        """Ask a new question in the session (any open one is closed first); ``payload``: what else it needs to be
        posed (a presenter step's text and result, see classroom.answers.step_payload)."""
        if marking not in ("now", "close"):
            raise ClassError(f"marking must be 'now' or 'close'; got {marking!r}")
        session = self.session(session_id)
        if session is None or not session.open:
            raise ClassError("that class session has ended: start a new one to ask a question")
        with self.engine.begin() as conn:
            conn.execute(questions.update().where(questions.c.session_id == session_id)
                         .where(questions.c.status == "open").values(status="closed", closed_at=now()))
            number = conn.execute(sa.select(sa.func.coalesce(sa.func.max(questions.c.number), 0))
                                  .where(questions.c.session_id == session_id)).scalar_one() + 1
            row = conn.execute(questions.insert().values(
                session_id=session_id, number=number, kind=kind, seed=int(seed), size=size,
                per_student=bool(per_student), marking=marking, status="open", asked_at=now(), payload=payload,
            ).returning(*questions.c)).one()
        return Question(**row._mapping)

    def current_question(self, session_id: int) -> Question | None:
        """The session's latest question (open, closed or revealed), or None before the first."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(questions).where(questions.c.session_id == session_id)
                               .order_by(questions.c.number.desc()).limit(1)).one_or_none()
        return None if row is None else Question(**row._mapping)

    def questions(self, session_id: int) -> list[Question]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(questions).where(questions.c.session_id == session_id)
                                .order_by(questions.c.number)).all()
        return [Question(**row._mapping) for row in rows]

    def question(self, question_id: int) -> Question | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(questions).where(questions.c.id == question_id)).one_or_none()
        return None if row is None else Question(**row._mapping)

    def set_status(self, question_id: int, status: str) -> None:
        """Close a question ("closed": no more answers) or reveal its answer ("revealed", which also closes it)."""
        if status not in ("closed", "revealed"):
            raise ClassError(f"status must be 'closed' or 'revealed'; got {status!r}")
        with self.engine.begin() as conn:
            conn.execute(questions.update().where(questions.c.id == question_id).values(
                status=status, closed_at=sa.func.coalesce(questions.c.closed_at, now())))

    # --- submissions ---

    def submit(self, question_id: int, student_id: int, *, seed: int, answer: Mapping[str, list],
               marks: Mapping[str, dict], correct: bool, misconception: str = "") -> Submission:
        """Store a student's answer to an open question, once. The same answer sent again (a double click, a retry,
        a reconnect) returns the stored row with new=False; a different one is the next attempt, up to
        MAX_ATTEMPTS. ClassError for a closed question, a student of another session, too many attempts or cells."""
        cells = sum(len(row) for rows in answer.values() for row in rows)
        if cells > MAX_ANSWER_CELLS:
            raise ClassError(f"an answer has at most {MAX_ANSWER_CELLS} cells; this one has {cells}")
        text = json.dumps({key: answer[key] for key in sorted(answer)}, separators=(",", ":"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        for _ in range(5):  # two submissions racing for the same attempt number: the loser counts again
            with self.engine.begin() as conn:
                question = conn.execute(sa.select(questions).where(questions.c.id == question_id)).one_or_none()
                student = conn.execute(sa.select(students).where(students.c.id == student_id)).one_or_none()
                if question is None or student is None or student.session_id != question.session_id:
                    raise ClassError("that question is not in your class session")
                same = conn.execute(sa.select(submissions).where(submissions.c.question_id == question_id)
                                    .where(submissions.c.student_id == student_id)
                                    .where(submissions.c.digest == digest)).one_or_none()
                if same is not None:
                    return _submission(same, new=False)
                if question.status != "open":
                    raise ClassError("that question is closed: it takes no more answers")
                attempts = conn.execute(sa.select(sa.func.count()).select_from(submissions)
                                        .where(submissions.c.question_id == question_id)
                                        .where(submissions.c.student_id == student_id)).scalar_one()
                if attempts >= MAX_ATTEMPTS:
                    raise ClassError(f"a question takes at most {MAX_ATTEMPTS} attempts; you have used them all")
            try:
                with self.engine.begin() as conn:
                    row = conn.execute(submissions.insert().values(
                        question_id=question_id, student_id=student_id, attempt=attempts + 1, seed=int(seed),
                        digest=digest, answer=text, marks=json.dumps(marks, separators=(",", ":")),
                        correct=bool(correct), misconception=misconception[:200], submitted_at=now(),
                    ).returning(*submissions.c)).one()
                return _submission(row, new=True)
            except sa.exc.IntegrityError:
                continue
        raise ClassError("the answer could not be stored: try again")

    def submissions(self, *, session_id: int | None = None, question_id: int | None = None,
                    student_id: int | None = None) -> list[Submission]:
        """Stored submissions, oldest first, of a session, a question and/or a student."""
        query = sa.select(submissions).order_by(submissions.c.submitted_at, submissions.c.id)
        if question_id is not None:
            query = query.where(submissions.c.question_id == question_id)
        if student_id is not None:
            query = query.where(submissions.c.student_id == student_id)
        if session_id is not None:
            query = query.where(submissions.c.question_id.in_(
                sa.select(questions.c.id).where(questions.c.session_id == session_id)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_submission(row) for row in rows]


def _submission(row, new: bool = True) -> Submission:
    data = dict(row._mapping)
    data["answer"] = json.loads(data["answer"])
    data["marks"] = json.loads(data["marks"])
    data.pop("digest")
    return Submission(**data, new=new)
