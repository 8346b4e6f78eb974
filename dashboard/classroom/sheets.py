"""Quiz sheets for a class: N variants of a practice problem, with an answer key and a table of the answers for a
grading spreadsheet. Pure functions (no streamlit): /teach offers them behind the instructor key.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from backprop.practice import KINDS, Problem
from dashboard.exports import step_lines
from dashboard.parsing import canonical
from dashboard.practice.problems import ANSWER_SYMBOLS, TASKS, givens_latex, worked_steps
from dashboard.steps import matrix


def _header(problem: Problem, number: int, base: str | None) -> list[str]:
    """A variant's heading; with ``base`` (a practice page's public address) a link to it for self-study."""
    link = ["", f"Link: {base}?{problem.link}"] if base else []
    return [f"## Variant {number} · seed {problem.seed}", *link, ""]


def quiz_markdown(problems: Sequence[Problem], base: str | None = None) -> str:
    """One problem per variant, headed by its seed (and, with ``base``, its practice link, which opens a page that
    can reveal the solution: for self-study sheets only): Markdown with LaTeX math ($$ … $$)."""
    first = problems[0]
    lines = [f"# Practice: {KINDS[first.kind]}", "", f"{len(problems)} variant(s), {first.size.text} each.",
             "", TASKS[first.kind], ""]
    for number, problem in enumerate(problems, start=1):
        lines += _header(problem, number, base)
        for line in givens_latex(problem):
            lines += ["$$", line, "$$", ""]
    return "\n".join(lines)


def key_markdown(problems: Sequence[Problem], base: str | None = None) -> str:
    """The answer key: for each variant its answers and the full worked solution."""
    first = problems[0]
    lines = [f"# Answer key: {KINDS[first.kind]}", "", f"{len(problems)} variant(s), {first.size.text} each.", ""]
    for number, problem in enumerate(problems, start=1):
        lines += _header(problem, number, base)
        lines += ["**Answers**", ""]
        for answer in problem.answers:
            lines += ["$$", rf"{ANSWER_SYMBOLS[answer.key]} = {matrix(answer.value)}", "$$", ""]
        lines += ["**Worked solution**", ""]
        lines += step_lines(worked_steps(problem), "###")
    return "\n".join(lines)


def answers_csv(problems: Sequence[Problem]) -> str:
    """Every answer entry, one per line, for a grading spreadsheet: variant, seed, matrix, row, column, value
    (rows and columns 1-based; values with every digit)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["variant", "seed", "matrix", "row", "column", "value"])
    for number, problem in enumerate(problems, start=1):
        for answer in problem.answers:
            for (r, c), value in np.ndenumerate(np.atleast_2d(answer.value)):
                writer.writerow([number, problem.seed, answer.key, r + 1, c + 1, canonical(value)])
    return out.getvalue()
