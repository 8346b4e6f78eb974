"""Quiz sheets and answer keys as print-ready documents: one self-contained HTML file each, its math as MathML (which
browsers draw themselves: nothing is fetched when it is opened or printed), laid out for an A4 or Letter page. Pure
functions.

The givens and answers are set as narrow as a printed column (sheets.PRINT_FITS), a variant is kept on one page where
it fits, each answer has an empty grid of its shape with room to write, and the page prints without a browser's
header or anything else of the app.
"""
from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
from latex2mathml.converter import convert

from backprop.practice import KINDS, Problem
from backprop.tolerance import RULE_TEXT
from dashboard.classroom.sheets import INSTRUCTION, PRINT_FITS, givens_for_print, key_matrix, shape_text, title
from dashboard.practice.problems import ANSWER_SYMBOLS, TASKS, worked_steps
from dashboard.steps import aligned_rows, built_at

STYLE = """
@page { size: A4; margin: 16mm 15mm; }
html { font-family: "Source Sans 3", "Source Sans Pro", "DejaVu Sans", Arial, sans-serif; font-size: 11.5pt;
       color: #000; background: #fff; }
body { margin: 0 auto; max-width: 180mm; }
h1 { font-size: 17pt; margin: 0 0 4mm 0; }
h2 { font-size: 13pt; margin: 0 0 2mm 0; border-bottom: 1px solid #444; }
h3 { font-size: 11.5pt; margin: 3mm 0 1mm 0; }
.name { font-size: 12pt; margin: 0 0 4mm 0; white-space: pre; }
.variant { break-inside: avoid; page-break-inside: avoid; margin: 0 0 7mm 0; }
.step { break-inside: avoid; page-break-inside: avoid; }
math[display="block"] { display: block; margin: 1.5mm 0; font-size: 13pt; max-width: 100%;
                        font-family: "DejaVu Math TeX Gyre", "Latin Modern Math", "STIX Two Math", math; }
mtable.matrix { border-left: 1.3px solid #000; border-right: 1.3px solid #000; border-radius: 6px; padding: 0 3px; }
table.grid { border-collapse: collapse; margin: 1mm 0 3mm 0; }
table.grid th { font-weight: normal; font-size: 9.5pt; padding: 1mm 2mm; text-align: left; }
table.grid td { border: 1px solid #000; width: 26mm; height: 9mm; }
.shape { margin: 2mm 0 0 0; }
.rule { font-size: 10pt; }
@media screen { body { padding: 10mm; } }
"""


def _top_level_ampersands_dropped(row: str) -> str:
    """An aligned block's row without its alignment marks (a matrix's column marks kept)."""
    out, depth = [], 0
    for token in re.split(r"(\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|&)", row):
        if token.startswith("\\begin{"):
            depth += 1
        elif token.startswith("\\end{"):
            depth -= 1
        elif token == "&" and depth == 0:
            continue
        out.append(token)
    return "".join(out)


def math(latex: str) -> str:
    """Display math as MathML: an aligned block as one line per row (the converter sets a block's rows side by
    side), a matrix's parentheses drawn as the table's own borders, so that they span its rows in any font."""
    rows = aligned_rows(latex) or [latex]
    out = []
    for row in rows:
        mathml = convert(_top_level_ampersands_dropped(row).strip(), display="block")
        out.append(mathml.replace("<mo>&#x00028;</mo><mtable>", '<mtable class="matrix">')
                   .replace("</mtable><mo>&#x00029;</mo>", "</mtable>"))
    return "\n".join(out)


def _grid(problem: Problem) -> list[str]:
    out = []
    for answer in problem.answers:
        rows, cols = np.atleast_2d(answer.value).shape
        head = "".join(f"<th>{html.escape(answer.col_name)} {c + 1}</th>" for c in range(cols))
        body = "".join(f"<tr><th>{html.escape(answer.row_name)} {r + 1}</th>" + "<td></td>" * cols + "</tr>"
                       for r in range(rows))
        out += [f'<p class="shape"><strong>{html.escape(answer.symbol)}</strong> ({html.escape(shape_text(answer))})'
                "</p>", f'<table class="grid" data-matrix="{answer.key}"><tr><th></th>{head}</tr>{body}</table>']
    return out


def _page(heading: str, body: list[str]) -> str:
    return "\n".join(['<!doctype html>', '<html lang="en"><head><meta charset="utf-8">',
                      f"<title>{html.escape(heading)}</title>", f"<style>{STYLE}</style></head><body>", *body,
                      "</body></html>", ""])


def sheet_html(problems: Sequence[Problem], base: str | None = None) -> str:
    """The quiz sheet (as sheets.quiz_markdown has it) as a print-ready page; ``base``: a self-study sheet's link to
    each variant's practice page."""
    first = problems[0]
    body = [f"<h1>{html.escape(title(first))}</h1>",
            '<p class="name">Name: ________________________________    Date: ______________</p>',
            f"<p>{html.escape(TASKS[first.kind]).replace('**', '')}</p>",
            f'<p class="rule"><strong>Instructions.</strong> {html.escape(INSTRUCTION)}</p>']
    for number, problem in enumerate(problems, start=1):
        body.append(f'<section class="variant"><h2>Variant {number} · seed {problem.seed}</h2>')
        if base:
            link = f"{base}?{problem.link}"
            body.append(f'<p>Practise it online: <a href="{html.escape(link)}">{html.escape(link)}</a></p>')
        body += [math(line) for line in givens_for_print(problem)]
        body += _grid(problem)
        body.append("</section>")
    return _page(title(first), body)


def key_html(problems: Sequence[Problem]) -> str:
    """The answer key (as sheets.key_markdown has it) as a print-ready page: each variant's answers to 3 significant
    figures and its worked solution, set for a printed column."""
    first = problems[0]
    heading = f"Answer key: {KINDS[first.kind]}"
    body = [f"<h1>{html.escape(heading)}</h1>", f'<p class="rule"><strong>Marking.</strong> A cell is '
            f"{html.escape(RULE_TEXT)}. The answers are printed to 3 significant figures; the worked solutions "
            "keep 4.</p>"]
    for number, problem in enumerate(problems, start=1):
        body += [f'<section><h2>Variant {number} · seed {problem.seed}</h2>', '<div class="variant">',
                 "<h3>Answers</h3>"]
        body += [math(rf"{ANSWER_SYMBOLS[a.key]} = {key_matrix(a.value)}") for a in problem.answers]
        body.append("</div><h3>Worked solution</h3>")
        for i, step in enumerate(built_at(PRINT_FITS, worked_steps, problem), start=1):
            body += ['<div class="step">', f"<h3>Step {i}: {html.escape(step.title)}</h3>",
                     *(math(eq) for eq in step.equations)]
            body += [f"<p>{html.escape(step.note)}</p>"] if step.note else []
            body.append("</div>")
        body.append("</section>")
    return _page(heading, body)
