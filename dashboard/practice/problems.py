"""Practice problems on the page and on paper: their statement, worked solution, the session's score and
quiz sheets with answer keys. Pure functions over backprop.practice (no streamlit here).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from backprop.practice import KINDS, Problem
from dashboard.exports import step_lines
from dashboard.numbers import tex
from dashboard.parsing import canonical
from dashboard.steps import (
    Step,
    forward_steps,
    hidden_gradient_steps,
    matrix,
    output_gradient_steps,
    parameter_update_step,
    side_by_side,
)

#: How each answer is written in LaTeX.
ANSWER_SYMBOLS = {"Z1": "Z_1", "A1": "A_1", "delta2": r"\delta_2", "dW2": r"\frac{\partial L}{\partial W_2}",
                  "db2": r"\frac{\partial L}{\partial b_2}", "delta1": r"\delta_1",
                  "dW1": r"\frac{\partial L}{\partial W_1}", "db1": r"\frac{\partial L}{\partial b_1}",
                  "W1_new": r"W_1^{\text{new}}", "b1_new": r"b_1^{\text{new}}", "W2_new": r"W_2^{\text{new}}",
                  "b2_new": r"b_2^{\text{new}}"}
#: How each given is written: its LaTeX symbol.
SYMBOLS = {"X": "X", "W1": "W_1", "b1": "b_1", "W2": "W_2", "b2": "b_2", "y": "y", "A1": "A_1",
           "delta2": r"\delta_2", "Z1": "Z_1", "dW1": r"\frac{\partial L}{\partial W_1}",
           "db1": r"\frac{\partial L}{\partial b_1}", "dW2": r"\frac{\partial L}{\partial W_2}",
           "db2": r"\frac{\partial L}{\partial b_2}"}

TASKS = {
    "forward": "Compute the pre-activation **Z1 = X·W1 + b1** and the activation **A1 = σ(Z1)**, where "
               "σ(z) = 1 / (1 + e^(−z)).",
    "output": "The output layer's error δ2 = ∂L/∂Z2 and the hidden activations A1 are given. Compute the "
              "gradients of the output layer: **∂L/∂W2 = A1ᵀ·δ2** and **∂L/∂b2 = Σₙ δ2**.",
    "hidden": "Carry the output error δ2 back through W2 to the hidden layer: **δ1 = (δ2·W2ᵀ) ∗ σ′(Z1)** with "
              "σ′(z) = σ(z)(1 − σ(z)), then **∂L/∂W1 = Xᵀ·δ1** and **∂L/∂b1 = Σₙ δ1**.",
    "update": "Take one step of gradient descent with learning rate η: **θ ← θ − η·∂L/∂θ** for W1, b1, W2 "
              "and b2.",
    "whole": "One complete training step of the network with sigmoid units and the mean squared error "
             "L = (1/2N)·Σ(A2 − y)²: the forward pass (**Z1**, **A1**), the output error **δ2 = (A2 − y)/N ∗ "
             "σ′(Z2)** with Z2 = A1·W2 + b2 and A2 = σ(Z2), the gradients **∂L/∂W2**, **δ1** and **∂L/∂W1**, "
             "and the step **W ← W − η·∂L/∂W** for W1 and W2.",
}


def givens_parts(problem: Problem) -> tuple[str, ...]:
    """The givens, one LaTeX equation each: X = (…), W1 = (…), …, and η."""
    parts = [rf"{SYMBOLS[name]} = {matrix(value)}" for name, value in problem.givens.items()]
    if problem.lr is not None:
        parts.append(rf"\eta = {tex(problem.lr)}")
    return tuple(parts)


def givens_latex(problem: Problem) -> tuple[str, ...]:
    """The givens as LaTeX lines, as many side by side as fit a wide page (for worked steps and sheets)."""
    return side_by_side(*givens_parts(problem))


def worked_steps(problem: Problem) -> list[Step]:
    """The worked solution, built by the same step builders as the problem pages."""
    sol = problem.solution
    kind = problem.kind
    if kind == "forward":
        return [s for s in forward_steps(sol) if s.key != "assumed"]
    if kind == "output":
        # the page's "inputs" step speaks of the assignment's A1 and δ2: here they are the problem's givens
        givens = Step("The givens", givens_latex(problem), "A1 and δ2 are given; δ2 = ∂L/∂Z2 is the error signal "
                      "arriving at the outputs.", key="given")
        return [givens, *[s for s in output_gradient_steps(sol) if s.key not in ("given", "given_delta2")]]
    if kind == "hidden":
        return [s for s in hidden_gradient_steps(sol) if s.key != "given_delta1"]
    update = [parameter_update_step(name, getattr(problem.before, name), problem.grads[name], problem.scaled[name],
                                    getattr(problem.updated, name), problem.lr)
              for name in (("W2", "b2", "W1", "b1") if kind == "update" else ("W2", "W1"))]
    if kind == "update":
        return [Step("The parameters, their gradients and η", givens_latex(problem), key="given"), *update]
    steps = [s for s in forward_steps(sol) if s.key != "assumed"]
    steps += output_gradient_steps(sol)
    steps += [s for s in hidden_gradient_steps(sol) if s.key != "given"]
    return steps + update


# --- the session's score --------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """The session's practice record: problems tried, right at the first attempt, and the current run of those.

    A problem is tried once each of its answers has been filled in completely; it is right first time when
    each answer was right at its own first complete attempt (correcting a wrong answer later does not count).
    ``firsts``: (problem id, answer key, right) of every first complete attempt; ``counted``: problems counted.
    """

    tried: int = 0
    right_first_time: int = 0
    streak: int = 0
    firsts: frozenset = field(default_factory=frozenset)
    counted: frozenset = field(default_factory=frozenset)

    def record(self, problem_id: tuple, key: str, right: bool, answers: int) -> Score:
        """Note answer ``key``'s complete attempt (only its first counts); once all ``answers`` of the
        problem have one, count the problem."""
        if problem_id in self.counted or any(f[0] == problem_id and f[1] == key for f in self.firsts):
            return self
        firsts = self.firsts | {(problem_id, key, bool(right))}
        mine = [f for f in firsts if f[0] == problem_id]
        if len(mine) < answers:
            return replace(self, firsts=firsts)
        all_right = all(f[2] for f in mine)
        return replace(self, tried=self.tried + 1, right_first_time=self.right_first_time + all_right,
                       streak=self.streak + 1 if all_right else 0, firsts=firsts,
                       counted=self.counted | {problem_id})


# --- quiz sheets -----------------------------------------------------------------------------------


def _header(problem: Problem, number: int, base: str) -> list[str]:
    return [f"## Variant {number} · seed {problem.seed}", "", f"Link: {base}?{problem.link}", ""]


def quiz_markdown(problems: Sequence[Problem], base: str) -> str:
    """One problem per variant, headed by its seed and link: Markdown with LaTeX math ($$ … $$)."""
    first = problems[0]
    lines = [f"# Practice: {KINDS[first.kind]}", "", f"{len(problems)} variant(s), {first.size.text} each.",
             "", TASKS[first.kind], ""]
    for number, problem in enumerate(problems, start=1):
        lines += _header(problem, number, base)
        for line in givens_latex(problem):
            lines += ["$$", line, "$$", ""]
    return "\n".join(lines)


def key_markdown(problems: Sequence[Problem], base: str) -> str:
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
