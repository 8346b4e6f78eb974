"""A class's answers: the problem each student is asked, marking a submission with the app's one rule, and what the
instructor sees of them (counts, the spread of every cell, misconceptions ranked, variants, exports).

Pure functions over backprop.practice and the store's records (no streamlit): the /teach and /class pages draw
what these return.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from backprop import mistakes
from backprop.mistakes import MISTAKES
from backprop.practice import KINDS, LIMITS, MAX_SEED, Answer, Problem, Size, make_problem
from backprop.practice import check as check_practice
from dashboard.classroom.store import Question, Student, Submission
from dashboard.parsing import canonical

#: The first question an instructor asks, unless they choose another: the forward pass, seed 1.
DEFAULT_KIND, DEFAULT_SEED = "forward", 1


def size_text(size: Size) -> str:
    return f"{size.N},{size.D},{size.H},{size.C}"


def size_of(text: str) -> Size:
    """A Size from "N,D,H,C" (as a question stores it); ValueError naming what is wrong."""
    parts = text.split(",")
    if len(parts) != 4 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"size must be four whole numbers N,D,H,C; got {text!r:.40}")
    size = Size(*(int(p) for p in parts))
    for dim, limit in LIMITS.items():
        if not 1 <= getattr(size, dim) <= limit:
            raise ValueError(f"size: {dim} must be from 1 to {limit}")
    return size


def variant_seed(question: Question, student_id: int) -> int:
    """The seed of the problem ``student_id`` is asked: the question's own, or with a variant per student one drawn
    from the question and the student (the same every time it is asked for)."""
    if not question.per_student:
        return question.seed
    digest = hashlib.sha256(f"{question.id}:{question.seed}:{student_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % (MAX_SEED + 1)


#: The kind of a question that is a presenter step ("Ask the class" under a step the class is guessing).
STEP = "step"


@dataclass(frozen=True, eq=False)
class StepProblem:
    """A presenter step asked of the class: the step of a problem page's worked solution whose result the class is
    guessing (page: the page's id; title, question, equations, note: the step as dashboard.steps built it, its
    question the equations without the result), and the one matrix it computes (answers, computed by backprop on
    the instructor's page when asked). Answered and marked as a practice problem's answer is, by the one rule."""

    page: str
    title: str
    question: tuple[str, ...]
    equations: tuple[str, ...]
    note: str
    answers: tuple[Answer, ...]
    kind: str = STEP
    seed: int = 0
    givens: dict = field(default_factory=dict)


def step_payload(page: str, step, value: np.ndarray, symbol: str, row_name: str, col_name: str) -> str:
    """What a question needs to pose presenter step ``step`` (a dashboard.steps.Step with a question and a focus)
    of page ``page`` again on every student's page: the step's text and the matrix it computes, ``value``, as JSON
    (floats written exactly)."""
    if step.question is None or step.focus is None:
        raise ValueError(f"step {step.key!r} computes nothing to ask: it has no question or no focus")
    value = np.atleast_2d(np.asarray(value, dtype=float))
    if not np.all(np.isfinite(value)):
        raise ValueError(f"step {step.key!r}: its result has entries that are not finite")
    return json.dumps({"page": page, "step": step.key, "title": step.title, "question": list(step.question),
                       "equations": list(step.equations), "note": step.note,
                       "answer": {"key": step.focus[0], "symbol": symbol, "row_name": row_name,
                                  "col_name": col_name, "value": value.tolist()}}, separators=(",", ":"))


def step_problem(payload: str) -> StepProblem:
    """The StepProblem a question's payload (step_payload) describes."""
    data = json.loads(payload)
    a = data["answer"]
    answer = Answer(a["key"], a["symbol"], a["row_name"], a["col_name"], np.asarray(a["value"], dtype=float))
    return StepProblem(data["page"], data["title"], tuple(data["question"]), tuple(data["equations"]), data["note"],
                       (answer,))


def problem_of(question: Question, seed: int) -> Problem | StepProblem:
    """The problem of ``question`` with variant ``seed`` (a presenter step has one, whatever the seed)."""
    if question.kind == STEP:
        return step_problem(question.payload)
    return make_problem(question.kind, size_of(question.size), seed)


def problem_for(question: Question, student_id: int) -> Problem | StepProblem:
    """The problem ``student_id`` answers for ``question``."""
    return problem_of(question, variant_seed(question, student_id))


def check(problem: Problem | StepProblem, key: str, values, digits=None) -> mistakes.Diagnosis:
    """Mark answer ``key`` of ``problem``: a practice problem's with its common mistakes named
    (backprop.practice.check), a presenter step's by the same rule with none to name (a step's intermediate matrix
    has no catalogue of wrong answers)."""
    if isinstance(problem, StepProblem):
        answer = next((a for a in problem.answers if a.key == key), None)
        if answer is None:
            raise ValueError(f"{key!r} is not an answer of this step; its answer: {problem.answers[0].key}")
        return mistakes.diagnose(values, answer.value, {}, digits)
    return check_practice(problem, key, values, digits)


def title(question: Question) -> str:
    """What a question asks, in a few words: its practice kind, or the presenter step's title."""
    if question.kind == STEP:
        return f"Step: {step_problem(question.payload).title}"
    return KINDS[question.kind]


@dataclass(frozen=True)
class Marked:
    """A submission marked: per answer key its cells' marks ({"right": [[bool]], "mistakes": [...],
    "rounded": bool}), whether every cell of every answer is right, and the first misconception named ("" if none;
    "rounding" when only rounding explains it)."""

    marks: dict
    correct: bool
    misconception: str


def mark(problem: Problem | StepProblem, values: dict[str, np.ndarray],
         digits: dict[str, np.ndarray] | None = None) -> Marked:
    """Mark every answer of ``problem`` in ``values`` (key → matrix) with backprop.practice.check, the rule every
    checker uses. ``digits``: significant digits typed per cell, for the rounding diagnosis."""
    marks, named = {}, []
    for answer in problem.answers:
        if answer.key not in values:
            raise ValueError(f"values has no answer for {answer.key}; this problem asks for "
                             f"{', '.join(a.key for a in problem.answers)}")
        result = check(problem, answer.key, values[answer.key], None if digits is None else digits.get(answer.key))
        rounded = bool(result.rounded is not None and result.rounded.any() and not result.mistakes)
        marks[answer.key] = {"right": result.right.tolist(), "mistakes": list(result.mistakes), "rounded": rounded}
        named += list(result.mistakes) or (["rounding"] if rounded else [])
    correct = all(np.all(m["right"]) for m in marks.values())
    return Marked(marks, correct, "" if correct or not named else named[0])


def misconception_label(key: str) -> str:
    """A misconception's name as the checkers say it ("δ2·W2 instead of δ2·W2ᵀ"), or "rounding"."""
    return "rounding too coarsely" if key == "rounding" else MISTAKES[key].label if key in MISTAKES else key


# --- what the instructor sees ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """A question's numbers: students joined, students who answered, those whose latest answer is right, and those
    right at their first attempt."""

    joined: int
    answered: int
    right: int
    right_first: int


def latest(submissions: Iterable[Submission]) -> dict[int, Submission]:
    """Each student's latest submission, by student id."""
    out: dict[int, Submission] = {}
    for s in sorted(submissions, key=lambda s: (s.student_id, s.attempt)):
        out[s.student_id] = s
    return out


def first(submissions: Iterable[Submission]) -> dict[int, Submission]:
    """Each student's first submission, by student id."""
    out: dict[int, Submission] = {}
    for s in sorted(submissions, key=lambda s: (s.student_id, -s.attempt)):
        out[s.student_id] = s
    return out


def counts(joined: int, submissions: Sequence[Submission]) -> Counts:
    last, firsts = latest(submissions), first(submissions)
    return Counts(joined, len(last), sum(s.correct for s in last.values()), sum(s.correct for s in firsts.values()))


def misconceptions(submissions: Sequence[Submission]) -> list[tuple[str, int]]:
    """The misconceptions named in each student's latest answer, most frequent first: (label, students)."""
    ranked = Counter(misconception_label(s.misconception) for s in latest(submissions).values() if s.misconception)
    return sorted(ranked.items(), key=lambda item: (-item[1], item[0]))


def cell_spread(question: Question, submissions: Sequence[Submission]) -> list[dict]:
    """For every cell of every answer, over each student's latest answer: how many typed it, how many are right,
    and how far the typed values are from their variant's right value (signed relative error, which compares
    variants), with the most common wrong value when everyone has the same variant. One dict per cell."""
    rows = []
    if not submissions:
        return rows
    by_seed = {}
    for s in latest(submissions).values():
        by_seed.setdefault(s.seed, []).append(s)
    # each variant's right answers, made once: the live view asks for this every two seconds
    right_values = {seed: {a.key: a.value for a in problem_of(question, seed).answers} for seed in by_seed}
    template = problem_of(question, question.seed)
    for answer in template.answers:
        for (r, c), _ in np.ndenumerate(answer.value):
            errors, right, wrong_values = [], 0, Counter()
            for seed, group in by_seed.items():
                value = right_values[seed][answer.key][r, c]
                for s in group:
                    typed = s.answer[answer.key][r][c]
                    ok = s.marks[answer.key]["right"][r][c]
                    right += ok
                    if not ok:
                        wrong_values[canonical(typed)] += 1
                    errors.append((typed - value) / abs(value) if value else typed)
            common = wrong_values.most_common(1)
            rows.append({"answer": answer.key, "cell": f"{answer.symbol}[{r + 1},{c + 1}]", "typed": len(errors),
                         "right": right, "errors": errors,
                         "most common wrong value": (f"{common[0][0]} ({common[0][1]})"
                                                     if common and not question.per_student else "—")})
    return rows


def variants(question: Question, submissions: Sequence[Submission], students: Sequence[Student]) -> list[dict]:
    """With a variant per student: per seed, who got it, how many answered and how many are right."""
    if not question.per_student:
        return []
    last = latest(submissions)
    table: dict[int, dict] = {}
    for student in students:
        seed = variant_seed(question, student.id)
        row = table.setdefault(seed, {"seed": seed, "students": [], "answered": 0, "right": 0})
        row["students"].append(student.name or f"student {student.id}")
        if student.id in last:
            row["answered"] += 1
            row["right"] += last[student.id].correct
    return [{**row, "students": ", ".join(row["students"])} for row in sorted(table.values(), key=lambda r: r["seed"])]


def first_attempt_shares(questions: Sequence[Question], submissions: Sequence[Submission]) -> list[dict]:
    """For each question: how many answered, and the share right at their first attempt."""
    rows = []
    for q in questions:
        mine = [s for s in submissions if s.question_id == q.id]
        firsts = first(mine)
        share = sum(s.correct for s in firsts.values()) / len(firsts) if firsts else None
        rows.append({"question": q.number, "kind": title(q), "answered": len(firsts),
                     "right at the first attempt": "—" if share is None else f"{share:.0%}"})
    return rows


# --- exports -----------------------------------------------------------------------------------------------------

#: The submissions file's columns, after PrairieLearn's submissions export.
SUBMISSION_COLUMNS = ["session", "question", "kind", "student", "display name", "variant seed", "attempt", "givens",
                      "true answer", "submitted answer", "correct", "misconception", "submitted at"]


def _matrices(values: dict) -> str:
    return json.dumps({k: np.asarray(v, dtype=float).tolist() for k, v in values.items()}, separators=(",", ":"))


def submissions_csv(code: str, questions: Sequence[Question], students: Sequence[Student],
                    submissions: Sequence[Submission]) -> str:
    """Every stored submission, one row each (see SUBMISSION_COLUMNS); matrices as JSON."""
    by_question = {q.id: q for q in questions}
    names = {s.id: s.name for s in students}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SUBMISSION_COLUMNS)
    problems: dict[tuple, Problem | StepProblem] = {}
    for s in submissions:
        q = by_question[s.question_id]
        key = (q.id, s.seed) if q.kind == STEP else (q.kind, q.size, s.seed)
        if key not in problems:
            problems[key] = problem_of(q, s.seed)
        problem = problems[key]
        writer.writerow([code, q.number, q.kind, s.student_id, names.get(s.student_id, ""), s.seed, s.attempt,
                         _matrices(problem.givens), _matrices({a.key: a.value for a in problem.answers}),
                         _matrices(s.answer), "yes" if s.correct else "no", misconception_label(s.misconception)
                         if s.misconception else "", s.submitted_at.isoformat()])
    return out.getvalue()


def scores_csv(questions: Sequence[Question], students: Sequence[Student], submissions: Sequence[Submission]) -> str:
    """One row per student for a gradebook: a point for each question whose latest answer is right, out of the
    questions asked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "display name", "points", "maximum", "right at the first attempt"])
    by_question = {q.id: [s for s in submissions if s.question_id == q.id] for q in questions}
    for student in students:
        points = firsts = 0
        for mine in by_question.values():
            last, one = latest(mine).get(student.id), first(mine).get(student.id)
            points += bool(last and last.correct)
            firsts += bool(one and one.correct)
        writer.writerow([student.id, student.name, points, len(questions), firsts])
    return out.getvalue()
