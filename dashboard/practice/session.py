"""The practice page's session: which problem is shown (kind, size, seed, from the URL on arrival and in
it afterwards), the score (kept in the URL too, so that a reload keeps it), and the worked steps shown."""
from __future__ import annotations

import secrets
from collections.abc import Sequence

import streamlit as st

from backprop.mistakes import Diagnosis
from backprop.practice import ASSIGNMENT_SIZE, KINDS, LIMITS, MAX_SEED, Problem, Size, make_problem
from dashboard import solution, state
from dashboard.parsing import EntryError, parse_number
from dashboard.practice import problems

SCORE = "practice_score"
KIND, SIZED, SEED = "practice_kind", "practice_sized", "practice_seed"
_ARRIVAL = "_practice_generation"


def _whole(name: str, text: str, low: int, high: int) -> int:
    """A whole number from a link, through the app's one parser; ValueError naming ``name`` otherwise."""
    try:
        value = parse_number(text).value
    except EntryError as exc:
        raise ValueError(f"{name} {exc.reason.split(':')[0]}") from None
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def read_link(params) -> tuple[dict, list[str]]:
    """The settings a practice link asks for (kind, seed, size=N,D,H,C) and a warning per parameter not used
    (naming it and why, never quoting it)."""
    settings, warnings = {}, []
    if "kind" in params:
        if params["kind"] in KINDS:
            settings[KIND] = params["kind"]
        else:
            warnings.append(f"Ignored the link's kind: it must be one of {', '.join(KINDS)}.")
    if "seed" in params:
        try:
            settings[SEED] = _whole("seed", params["seed"], 0, MAX_SEED)
        except ValueError as exc:
            warnings.append(f"Ignored the link's seed: {exc}.")
    if "size" in params:
        parts = str(params["size"]).split(",")
        try:
            if len(parts) != 4:
                raise ValueError("size must be four whole numbers N,D,H,C")
            sizes = {dim: _whole(dim, part, 1, LIMITS[dim]) for dim, part in zip(LIMITS, parts, strict=True)}
            settings[SIZED] = Size(**sizes) != ASSIGNMENT_SIZE
            settings.update({f"practice_{dim}": value for dim, value in sizes.items()})
        except ValueError as exc:
            warnings.append(f"Ignored the link's size: {exc}.")
    return settings, warnings


def arrive() -> tuple[str, ...]:
    """Set the controls' defaults, and on arrival take the problem from the URL; returns its warnings."""
    ss = st.session_state
    ss.setdefault(KIND, "forward")
    ss.setdefault(SIZED, False)
    ss.setdefault(SEED, 1)
    for dim, value in (("N", 1), ("D", 2), ("H", 2), ("C", 2)):
        ss.setdefault(f"practice_{dim}", value)
    ss.setdefault(SCORE, problems.Score())
    if ss.get(_ARRIVAL) != ss[state.GENERATION]:
        ss[_ARRIVAL] = ss[state.GENERATION]
        params = st.query_params.to_dict()
        settings, warnings = read_link(params)
        ss.update(settings)
        if {"score", "att", "aid"} & params.keys():
            problem = make_problem(*current())
            ss[SCORE], more = problems.Score.from_link(params, problem_id(problem), [a.key for a in problem.answers])
            warnings += more
        ss["_practice_warnings"] = tuple(warnings)
    return ss.get("_practice_warnings", ())


def current() -> tuple[str, Size, int]:
    """(kind, size, seed) as the controls have them."""
    ss = st.session_state
    size = Size(*(int(ss[f"practice_{dim}"]) for dim in LIMITS)) if ss[SIZED] else ASSIGNMENT_SIZE
    return ss[KIND], size, int(ss[SEED])


def new_seed() -> None:
    """A fresh problem: a seed drawn at random (not from the session, so classmates get different ones)."""
    st.session_state[SEED] = secrets.randbelow(MAX_SEED + 1)


def sync_url(problem: Problem) -> None:
    """The address bar gives this problem (kind, seed, and the size when it is not the assignment's) and the
    score, so that a reload keeps both."""
    wanted = dict(part.split("=", 1) for part in problem.link.split("&"))
    wanted |= st.session_state[SCORE].to_link(problem_id(problem))
    state.set_url(wanted)  # with presenter mode's place, while presenting


def problem_id(problem: Problem) -> tuple:
    return problem.kind, problem.size, problem.seed


def record_attempt(problem: Problem, results: Sequence[Diagnosis | None]) -> None:
    """Note each answer's first complete attempt in the score (problems.Score says how problems count)."""
    score = st.session_state[SCORE]
    for answer, result in zip(problem.answers, results, strict=True):
        if result is not None:
            score = score.record(problem_id(problem), answer.key, result.all_right, len(problem.answers))
    st.session_state[SCORE] = score


def scope(problem: Problem) -> str:
    """The name under which the worked steps shown for ``problem`` are kept (see solution.steps_shown)."""
    size = problem.size
    return f"practice_{problem.kind}_{problem.seed}_{size.N}{size.D}{size.H}{size.C}"


def all_shown(problem: Problem, worked) -> bool:
    """Whether every step of ``problem``'s worked solution ``worked`` has been shown."""
    return {step.key for step in worked} <= solution.steps_shown(scope(problem))


def helped(problem: Problem, steps: int) -> None:
    """``steps`` more steps of ``problem``'s worked solution were shown: the score counts them (a button's
    callback)."""
    st.session_state[SCORE] = st.session_state[SCORE].helped(problem_id(problem), steps)


def sized() -> bool:
    """Whether the student chose their own N, D, H and C (else the assignment's 1 sample of a 2-2-2 network)."""
    return bool(st.session_state[SIZED])


def score() -> problems.Score:
    return st.session_state[SCORE]


#: The worked steps' names for the answers they compute, where they differ (steps.hidden_gradient_steps' δ1).
FOCUS_NAMES = {"delta1": "delta1_computed"}


def presented(problem: Problem) -> dict[str, solution.Shown]:
    """The problem's answers as presenter mode draws them, each under the name of the worked step that computes it."""
    return {FOCUS_NAMES.get(a.key, a.key): solution.Shown(a.value, a.symbol, a.row_name, a.col_name, a.symbol)
            for a in problem.answers}
