"""Quiz sheets for a class: N variants of a practice problem, with an answer key and a table of the answers for a
grading spreadsheet, safe to hand out. Pure functions (no streamlit): /teach offers them behind the instructor key.

A sheet has a title, a line for the student's name, the marking rule (backprop.tolerance: right to 3 significant
figures) as its instruction, the givens set as narrow as a printed A4 or Letter column, and an empty grid of the
right shape for every answer. It links to no page that could show a worked solution, unless a self-study sheet is
asked for with the practice page's public address. The key prints each answer as the marking rule's key_value does,
and the answers table holds exactly those values, with the tolerance each cell is marked with.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

from backprop.practice import KINDS, Answer, Problem
from backprop.tolerance import RULE_TEXT, allowed, key_value
from dashboard.exports import step_lines
from dashboard.numbers import tex
from dashboard.parsing import canonical
from dashboard.practice.problems import ANSWER_SYMBOLS, TASKS, givens_parts, worked_steps
from dashboard.steps import side_by_side

#: How many characters (steps.visible_width) of display math a printed A4 or Letter column holds at the sheet's size.
PRINT_FITS = 40
INSTRUCTION = (f"Give every entry of every answer; write each number to at least 3 significant figures (keep more "
               f"in the steps before). A cell is marked {RULE_TEXT}.")
NAME_LINE = "Name: ________________________________    Date: ______________"


def title(problem: Problem) -> str:
    """'Quiz: The forward pass: Z1 and A1'."""
    return f"Quiz: {KINDS[problem.kind]}"


def key_values(M) -> np.ndarray:
    """Every entry of ``M`` as the answer key prints it (backprop.tolerance.key_value: 3 significant figures)."""
    return np.vectorize(key_value, otypes=[float])(np.atleast_2d(np.asarray(M, dtype=np.float64)))


def key_matrix(M) -> str:
    """A pmatrix of the key's values, each written in full (3 significant figures need at most 4 digits here)."""
    rows = [" & ".join(tex(v, 4) for v in row) for row in key_values(M)]
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


def shape_text(answer: Answer) -> str:
    """'1 × 2: sample × hidden unit'."""
    rows, cols = np.atleast_2d(answer.value).shape
    return f"{rows} × {cols}: {answer.row_name} × {answer.col_name}"


def givens_for_print(problem: Problem) -> tuple[str, ...]:
    """The givens as display-math lines narrow enough for a printed column (one matrix a line where needed)."""
    return side_by_side(*givens_parts(problem), width=PRINT_FITS)


def _header(problem: Problem, number: int, base: str | None) -> list[str]:
    """A variant's heading; with ``base`` (a practice page's public address) a link to it for self-study."""
    link = ["", f"Practise it online: {base}?{problem.link}"] if base else []
    return [f"## Variant {number} · seed {problem.seed}", *link, ""]


def answer_grid(answer: Answer) -> list[str]:
    """An empty Markdown table of the answer's shape, its rows and columns named, to write the answer in."""
    rows, cols = np.atleast_2d(answer.value).shape
    head = [""] + [f"{answer.col_name} {c + 1}" for c in range(cols)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * (cols + 1)]
    lines += ["| " + " | ".join([f"{answer.row_name} {r + 1}"] + ["          "] * cols) + " |" for r in range(rows)]
    return lines


def quiz_markdown(problems: Sequence[Problem], base: str | None = None) -> str:
    """The sheet: title, name line, the task and the marking rule, then per variant its givens and an empty grid
    for every answer. With ``base`` (a practice page's public address), each variant links to its practice page,
    which can reveal the worked solution: for self-study sheets only. Markdown with LaTeX math ($$ … $$)."""
    first = problems[0]
    lines = [f"# {title(first)}", "", NAME_LINE, "", f"{len(problems)} variant(s), {first.size.text} each.", "",
             TASKS[first.kind], "", f"**Instructions.** {INSTRUCTION}", ""]
    for number, problem in enumerate(problems, start=1):
        lines += _header(problem, number, base)
        for line in givens_for_print(problem):
            lines += ["$$", line, "$$", ""]
        lines += ["**Your answers**", ""]
        for answer in problem.answers:
            lines += [f"{answer.symbol} ({shape_text(answer)})", "", *answer_grid(answer), ""]
    return "\n".join(lines)


def key_markdown(problems: Sequence[Problem], base: str | None = None) -> str:
    """The answer key: for each variant its answers as the marking rule's key prints them (3 significant figures)
    and the full worked solution."""
    first = problems[0]
    lines = [f"# Answer key: {KINDS[first.kind]}", "", f"{len(problems)} variant(s), {first.size.text} each.", "",
             f"**Marking.** A cell is {RULE_TEXT}. The answers are printed to 3 significant figures; the worked "
             "solutions keep 4.", ""]
    for number, problem in enumerate(problems, start=1):
        lines += _header(problem, number, base)
        lines += ["**Answers**", ""]
        for answer in problem.answers:
            lines += ["$$", rf"{ANSWER_SYMBOLS[answer.key]} = {key_matrix(answer.value)}", "$$", ""]
        lines += ["**Worked solution**", ""]
        lines += step_lines(worked_steps(problem), "###")
    return "\n".join(lines)


def cells(problems: Sequence[Problem]):
    """Every answer cell of every variant: (variant number, problem, answer, row, column, exact value), rows and
    columns 0-based."""
    for number, problem in enumerate(problems, start=1):
        for answer in problem.answers:
            for (r, c), value in np.ndenumerate(np.atleast_2d(answer.value)):
                yield number, problem, answer, r, c, float(value)


def answers_csv(problems: Sequence[Problem]) -> str:
    """Every answer entry, one per line, for a grading spreadsheet: variant, seed, matrix, row, column (1-based), the
    value the key prints, the tolerance the app marks with (backprop.tolerance.allowed) and the exact value it is
    measured from: an answer is right when |answer − exact| ≤ tolerance."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["variant", "seed", "matrix", "row", "column", "value", "tolerance", "exact"])
    for number, problem, answer, r, c, value in cells(problems):
        writer.writerow([number, problem.seed, answer.key, r + 1, c + 1, canonical(key_value(value)),
                         f"{float(allowed(value)):.3g}", f"{value:.10g}"])
    return out.getvalue()
