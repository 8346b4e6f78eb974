"""Practice problems on the page: their statement, worked solution and the score. Pure functions over
backprop.practice (no streamlit here); the quiz sheets made from them are the instructor's (dashboard.classroom).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from backprop.practice import Problem
from dashboard.numbers import tex
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
        return [s for s in forward_steps(sol) if s.key != "a1_assumed"]
    if kind == "output":
        # the page's "inputs" step speaks of the assignment's A1 and δ2: here they are the problem's givens
        givens = Step("The givens", givens_latex(problem), "A1 and δ2 are given; δ2 = ∂L/∂Z2 is the error signal "
                      "arriving at the outputs.", key="given")
        return [givens, *[s for s in output_gradient_steps(sol) if s.key not in ("dW2_given", "delta2_given")]]
    if kind == "hidden":
        return [s for s in hidden_gradient_steps(sol) if s.key != "dW1_given_delta1"]
    update = [parameter_update_step(name, getattr(problem.before, name), problem.grads[name], problem.scaled[name],
                                    getattr(problem.updated, name), problem.lr)
              for name in (("W2", "b2", "W1", "b1") if kind == "update" else ("W2", "W1"))]
    if kind == "update":
        return [Step("The parameters, their gradients and η", givens_latex(problem), key="given"), *update]
    steps = [s for s in forward_steps(sol) if s.key != "a1_assumed"]
    steps += output_gradient_steps(sol)
    steps += [s for s in hidden_gradient_steps(sol) if s.key != "delta1_given"]
    return steps + update


# --- the session's score --------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """The practice record: problems tried, those right at the first attempt without help, and the run of those.

    A problem is tried once each of its answers has been filled in completely. It is right first time when each
    answer was right at its own first complete attempt (correcting a wrong answer later does not count) and no
    step of its worked solution was shown before the problem was counted: an answer typed after a step (or the
    whole solution) was shown is marked, but the problem counts as solved with help, and leaves the streak where
    it was. ``steps_shown`` counts every step asked for.

    ``firsts``: (problem id, answer key, right) of every first complete attempt; ``counted``: problems counted;
    ``aided``: problems for which a step was shown before they were counted.
    """

    tried: int = 0
    right_first_time: int = 0
    streak: int = 0
    with_help: int = 0
    steps_shown: int = 0
    firsts: frozenset = field(default_factory=frozenset)
    counted: frozenset = field(default_factory=frozenset)
    aided: frozenset = field(default_factory=frozenset)

    def record(self, problem_id: tuple, key: str, right: bool, answers: int) -> Score:
        """Note answer ``key``'s complete attempt (only its first counts); once all ``answers`` of the
        problem have one, count the problem."""
        if problem_id in self.counted or any(f[0] == problem_id and f[1] == key for f in self.firsts):
            return self
        firsts = self.firsts | {(problem_id, key, bool(right))}
        mine = [f for f in firsts if f[0] == problem_id]
        if len(mine) < answers:
            return replace(self, firsts=firsts)
        counted = self.counted | {problem_id}
        if problem_id in self.aided:
            return replace(self, tried=self.tried + 1, with_help=self.with_help + 1, firsts=firsts, counted=counted)
        all_right = all(f[2] for f in mine)
        return replace(self, tried=self.tried + 1, right_first_time=self.right_first_time + all_right,
                       streak=self.streak + 1 if all_right else 0, firsts=firsts, counted=counted)

    def helped(self, problem_id: tuple, steps: int = 1) -> Score:
        """Note that ``steps`` steps of a problem's worked solution were shown: a problem not counted yet is then
        solved with help."""
        aided = self.aided if problem_id in self.counted else self.aided | {problem_id}
        return replace(self, steps_shown=self.steps_shown + steps, aided=aided)

    # --- kept in the page's address, so that a reload keeps it ---

    def to_link(self, problem_id: tuple) -> dict[str, str]:
        """The score as query parameters: the counts (score=tried.right.streak.helped.steps), and the problem in
        progress's first attempts (att=key.r,key.w) and whether it was helped (aid=1)."""
        params = {"score": ".".join(str(n) for n in (self.tried, self.right_first_time, self.streak,
                                                     self.with_help, self.steps_shown))}
        mine = sorted((key, right) for pid, key, right in self.firsts if pid == problem_id)
        if mine and problem_id not in self.counted:
            params["att"] = ",".join(f"{key}.{'r' if right else 'w'}" for key, right in mine)
        if problem_id in self.aided and problem_id not in self.counted:
            params["aid"] = "1"
        return params

    @staticmethod
    def from_link(params, problem_id: tuple, answer_keys: Sequence[str]) -> tuple[Score, list[str]]:
        """The Score a link's score, att and aid parameters give for the problem ``problem_id`` (whose answers are
        ``answer_keys``), and a warning per parameter that was not used (naming it, never quoting it)."""
        score, warnings = Score(), []
        if "score" in params:
            parts = str(params["score"]).split(".")
            if len(parts) == 5 and all(p.isdigit() and len(p) <= 7 for p in parts):
                tried, right, streak, helped, steps = map(int, parts)
                if right + helped <= tried and streak <= right:
                    score = Score(tried, right, streak, helped, steps)
                else:
                    warnings.append("Ignored the link's score: its counts do not add up.")
            else:
                warnings.append("Ignored the link's score: it must be five whole numbers joined by dots.")
        if "att" in params:
            firsts = set()
            for part in str(params["att"]).split(","):
                key, _, mark = part.partition(".")
                if key not in answer_keys or mark not in ("r", "w"):
                    warnings.append("Ignored the link's att: each entry is an answer of this problem, then .r or .w.")
                    firsts = set()
                    break
                firsts.add((problem_id, key, mark == "r"))
            if len({f[1] for f in firsts}) < len(answer_keys):  # a finished problem would have been counted
                score = replace(score, firsts=frozenset(firsts))
        if params.get("aid") == "1":
            score = replace(score, aided=frozenset({problem_id}))
        return score, warnings
