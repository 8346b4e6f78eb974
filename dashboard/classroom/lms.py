"""A quiz of N variants for a learning management system: Moodle XML, one Cloze question per variant in one category,
so that a quiz's random question from that category gives each student a variant of their own. Pure functions.

Each question states the task and the marking rule, shows the givens as TeX in $$ … $$ (Moodle's MathJax filter
draws them), and asks for every entry of every answer in a grid of the answer's shape, each cell a numerical answer
{1:NUMERICAL:=value:tolerance}. Moodle's tolerance is absolute, while the app marks by significant figures: each
cell gets its own, backprop.tolerance.allowed of its exact value, so Moodle accepts what the app accepts. The
general feedback is the answer key (3 significant figures), shown once the attempt is over.
"""
from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from backprop.practice import KINDS, Problem
from backprop.tolerance import allowed
from dashboard.classroom.sheets import INSTRUCTION, givens_for_print, key_matrix, shape_text
from dashboard.practice.problems import ANSWER_SYMBOLS, TASKS


def plain(x: float, digits: int = 10) -> str:
    """``x`` to ``digits`` significant figures as a plain decimal (no exponent, which not every importer reads)."""
    return np.format_float_positional(float(f"{float(x):.{digits}g}"), trim="-")


def numerical(value: float) -> str:
    """One Cloze cell: the exact value (10 significant figures) with the tolerance the app marks it with."""
    return f"{{1:NUMERICAL:={plain(value)}:{plain(float(allowed(value)), 3)}}}"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _grid(problem: Problem) -> list[str]:
    """An HTML table per answer, of its shape, each cell a numerical answer."""
    out = []
    for answer in problem.answers:
        M = np.atleast_2d(answer.value)
        rows, cols = M.shape
        out.append(f"<p><strong>{html.escape(answer.symbol)}</strong> ({html.escape(shape_text(answer))})</p>")
        head = "".join(f"<th>{html.escape(answer.col_name)} {c + 1}</th>" for c in range(cols))
        body = "".join(f"<tr><th>{html.escape(answer.row_name)} {r + 1}</th>"
                       + "".join(f"<td>{numerical(M[r, c])}</td>" for c in range(cols)) + "</tr>"
                       for r in range(rows))
        out.append(f'<table class="answer" data-matrix="{answer.key}"><tr><th></th>{head}</tr>{body}</table>')
    return out


def question_html(problem: Problem) -> str:
    """A variant's question text: the task, the rule, the givens as TeX and the answer grids."""
    parts = [f"<p>{html.escape(TASKS[problem.kind]).replace('**', '')}</p>", f"<p>{html.escape(INSTRUCTION)}</p>"]
    parts += [f"<p>$$ {html.escape(line, quote=False)} $$</p>" for line in givens_for_print(problem)]
    return "\n".join(parts + _grid(problem))


def feedback_html(problem: Problem) -> str:
    """The variant's answers as the key prints them (TeX)."""
    return "\n".join(f"<p>$$ {html.escape(ANSWER_SYMBOLS[a.key] + ' = ' + key_matrix(a.value), quote=False)} $$</p>"
                     for a in problem.answers)


def category_name(problems: Sequence[Problem]) -> str:
    first = problems[0]
    seeds = f"seed {first.seed}" if len(problems) == 1 else f"seeds {first.seed}–{problems[-1].seed}"
    return f"Backprop quiz: {KINDS[first.kind]} ({first.size.text}, {seeds})"


def moodle_xml(problems: Sequence[Problem]) -> str:
    """The quiz as Moodle XML: a category, then one Cloze question per variant (see the module's docstring)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>",
             '  <question type="category">',
             f"    <category><text>{html.escape('$course$/top/' + category_name(problems))}</text></category>",
             "  </question>"]
    for number, problem in enumerate(problems, start=1):
        size = problem.size
        name = f"{KINDS[problem.kind]} · variant {number} · seed {problem.seed}"
        lines += [
            '  <question type="cloze">',
            f"    <name><text>{html.escape(name)}</text></name>",
            f'    <questiontext format="html"><text>{_cdata(question_html(problem))}</text></questiontext>',
            f'    <generalfeedback format="html"><text>{_cdata(feedback_html(problem))}</text></generalfeedback>',
            "    <penalty>0.3333333</penalty>",
            "    <hidden>0</hidden>",
            f"    <idnumber>backprop-{problem.kind}-{size.N}{size.D}{size.H}{size.C}-{problem.seed}</idnumber>",
            "  </question>",
        ]
    return "\n".join(lines + ["</quiz>", ""])
