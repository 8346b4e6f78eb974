"""Practice problems: reproducible from a seed, hand-workable, solved by the functions the problem pages use,
graded with diagnosis on their page, and written out as quiz sheets whose keys parse back to the solutions."""
import csv
import io
import re

import numpy as np
import pytest

import backprop as bp
from backprop.practice import KINDS, LEARNING_RATES, Size, check, make_problem
from dashboard.numbers import tex
from dashboard.parsing import canonical
from dashboard.practice import problems
from dashboard.practice.session import read_link
from tests.conftest import no_exception, open_page

SIZES = [Size(), Size(3, 3, 3, 2), Size(2, 1, 3, 1), Size(1, 3, 1, 2)]


def decimals(M, places: int) -> bool:
    """Every entry is a whole number of 10^−places (to floating-point accuracy)."""
    scaled = np.asarray(M) * 10**places
    return bool(np.allclose(scaled, np.round(scaled), rtol=0, atol=1e-9))


def by_the_pages_functions(problem) -> dict[str, np.ndarray]:
    """Every answer recomputed from the givens alone, with the package's step functions (as solve uses them)."""
    g, kind = problem.givens, problem.kind
    out = {}
    if kind in ("forward", "whole"):
        out["Z1"] = bp.linear(g["X"], g["W1"], g["b1"])
        out["A1"] = bp.sigmoid(out["Z1"])
    if kind == "output":
        out["dW2"] = bp.output_layer_gradient(g["A1"], g["delta2"])
        out["db2"] = bp.bias_gradient(g["delta2"])[None, :]
    if kind == "hidden":
        out["delta1"] = bp.hidden_delta(g["delta2"], g["W2"], g["Z1"])
        out["dW1"] = bp.hidden_layer_gradient(g["X"], out["delta1"])
        out["db1"] = bp.bias_gradient(out["delta1"])[None, :]
    if kind == "update":
        params = bp.Params(g["W1"], g["b1"], g["W2"], g["b2"])
        new = bp.descent_step(params, {k: g[f"d{k}"] for k in ("W1", "b1", "W2", "b2")}, problem.lr)
        out.update({f"{k}_new": np.atleast_2d(v) for k, v in new.as_dict().items()})
    if kind == "whole":
        out_layer = bp.output_delta(out["A1"], g["W2"], g["b2"], g["y"], "mse")
        out["delta2"] = out_layer.delta2
        out["dW2"] = bp.output_layer_gradient(out["A1"], out["delta2"])
        out["delta1"] = bp.hidden_delta(out["delta2"], g["W2"], out["Z1"])
        out["dW1"] = bp.hidden_layer_gradient(g["X"], out["delta1"])
        grads = {"W1": out["dW1"], "b1": bp.bias_gradient(out["delta1"]), "W2": out["dW2"],
                 "b2": bp.bias_gradient(out["delta2"])}
        new = bp.descent_step(bp.Params(g["W1"], g["b1"], g["W2"], g["b2"]), grads, problem.lr)
        out["W1_new"], out["W2_new"] = new.W1, new.W2
    return out


def test_the_same_seed_gives_the_same_problem():
    for kind in KINDS:
        a, b = make_problem(kind, Size(2, 2, 3, 2), 99), make_problem(kind, Size(2, 2, 3, 2), 99)
        for name in a.givens:
            np.testing.assert_array_equal(a.givens[name], b.givens[name])
        for x, y in zip(a.answers, b.answers, strict=True):
            np.testing.assert_array_equal(x.value, y.value)
        other = make_problem(kind, Size(2, 2, 3, 2), 100)
        assert any(not np.array_equal(a.givens[n], other.givens[n]) for n in a.givens)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_thousand_seeds_give_valid_hand_workable_problems(kind):
    for seed in range(1000):
        size = SIZES[seed % len(SIZES)]
        problem = make_problem(kind, size, seed)
        g = problem.givens
        for name, value in g.items():
            assert np.isfinite(value).all(), (seed, name)
        if "X" in g:
            assert decimals(g["X"], 0) and np.abs(g["X"]).max() <= 3 and (g["X"] != 0).all(), seed
        for name in ("W1", "b1", "W2", "b2", "Z1"):
            if name in g:
                assert decimals(g[name], 1), (seed, name, g[name])
        for name in ("delta2", "A1", "dW1", "db1", "dW2", "db2"):
            if name in g:
                assert decimals(g[name], 2), (seed, name)
        if "y" in g:
            assert set(np.unique(g["y"])) <= {0.0, 1.0}
        if problem.lr is not None:
            assert problem.lr in LEARNING_RATES
        expected = by_the_pages_functions(problem)
        assert [a.key for a in problem.answers] == list(expected), seed
        for answer in problem.answers:
            value = answer.value
            assert np.isfinite(value).all() and (np.abs(value) >= 1e-3).all(), (seed, answer.key)
            if value.shape[0] == value.shape[1] > 1:
                assert not np.allclose(value, value.T, rtol=0.01), (seed, answer.key)
            np.testing.assert_allclose(value, expected[answer.key], rtol=1e-12, atol=1e-15,
                                       err_msg=f"{kind} seed {seed} {answer.key}")


def by_hand(problem) -> dict[str, np.ndarray]:
    """Every answer from the givens in plain numpy, the formulas written out (nothing from the package)."""
    g, kind, lr = problem.givens, problem.kind, problem.lr

    def sigma(z):
        return 1.0 / (1.0 + np.exp(-z))

    out = {}
    if kind in ("forward", "whole"):
        out["Z1"] = g["X"] @ g["W1"] + g["b1"]
        out["A1"] = sigma(out["Z1"])
    if kind == "output":
        out["dW2"] = g["A1"].T @ g["delta2"]
        out["db2"] = g["delta2"].sum(axis=0, keepdims=True)
    if kind == "hidden":
        s = sigma(g["Z1"])
        out["delta1"] = (g["delta2"] @ g["W2"].T) * s * (1 - s)
        out["dW1"] = g["X"].T @ out["delta1"]
        out["db1"] = out["delta1"].sum(axis=0, keepdims=True)
    if kind == "update":
        for k in ("W1", "b1", "W2", "b2"):
            out[f"{k}_new"] = np.atleast_2d(g[k] - lr * g[f"d{k}"])
    if kind == "whole":
        A1, N = out["A1"], g["X"].shape[0]
        A2 = sigma(A1 @ g["W2"] + g["b2"])
        out["delta2"] = (A2 - g["y"]) / N * A2 * (1 - A2)  # L = (1/2N)·Σ(A2 − y)²
        out["dW2"] = A1.T @ out["delta2"]
        out["delta1"] = (out["delta2"] @ g["W2"].T) * A1 * (1 - A1)
        out["dW1"] = g["X"].T @ out["delta1"]
        out["W1_new"] = g["W1"] - lr * out["dW1"]
        out["W2_new"] = g["W2"] - lr * out["dW2"]
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_every_answer_agrees_with_the_formulas_written_out_in_numpy(kind):
    for seed in range(200):
        problem = make_problem(kind, seed=seed)
        expected = by_hand(problem)
        assert [a.key for a in problem.answers] == list(expected), seed
        for answer in problem.answers:
            np.testing.assert_allclose(answer.value, expected[answer.key], rtol=1e-12, atol=1e-15,
                                       err_msg=f"{kind} seed {seed} {answer.key}")


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown kind 'swirl'"):
        make_problem("swirl")
    with pytest.raises(ValueError, match="H must be a whole number from 1 to 3"):
        Size(1, 2, 4, 2)
    with pytest.raises(ValueError, match="seed must be a non-negative whole number"):
        make_problem("forward", Size(), -1)


def test_answers_are_graded_with_diagnosis():
    problem = make_problem("output", Size(), 5)
    dW2 = problem.answers[0].value
    assert check(problem, "dW2", dW2).all_right
    transposed = check(problem, "dW2", dW2.T)
    assert not transposed.all_right and "dW2_transposed" in transposed.mistakes
    update = make_problem("update", Size(), 5)
    W1 = update.answers[0]
    added = update.before.W1 + update.lr * update.grads["W1"]
    assert "update_added" in check(update, W1.key, added).mistakes


# --- the page ------------------------------------------------------------------------------------


def latex_text(at) -> str:
    return "\n".join(el.value for el in at.latex)


def answer(at, problem, key, M):
    grid = at.session_state["editor_keys"][f"answer_practice_{problem.kind}_{problem.seed}_" +
                                           "".join(str(getattr(problem.size, d)) for d in "NDHC") + f"_{key}"]
    col = next(a for a in problem.answers if a.key == key).col_name
    M = np.atleast_2d(M)
    rows = {r: {f"{col} {c + 1}": canonical(M[r, c]) for c in range(M.shape[1])} for r in range(M.shape[0])}
    at.session_state[grid] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_a_link_with_a_seed_shows_that_seeds_numbers_and_grades_answers():
    at = open_page("practice", {"kind": "output", "seed": "1234"})
    no_exception(at)
    problem = make_problem("output", Size(), 1234)
    shown = latex_text(at)
    for value in problem.givens["A1"].reshape(-1):
        assert tex(value) in shown
    assert dict(at.query_params) == {"kind": "output", "seed": "1234"}
    dW2 = problem.answers[0].value
    answer(at, problem, "dW2", dW2.T)
    assert any("Looks like: δ2ᵀ·A1 instead of A1ᵀ·δ2." in w.value for w in at.warning)
    answer(at, problem, "dW2", dW2)
    answer(at, problem, "db2", problem.answers[1].value)
    assert [s.value for s in at.success] == ["All 4 cells are right.", "All 2 cells are right."]
    assert {m.label: m.value for m in at.metric} == {"Problems tried": "1", "Right first time": "0", "Streak": "0"}
    assert "Worked solution" in [h.value for h in at.header]
    assert r"A_1^T" not in shown  # hidden until revealed
    next(b for b in at.button if b.label == "Reveal the worked solution").click().run()
    assert r"A_1^T" in latex_text(at) and r"\frac{\partial L}{\partial W_2}" in latex_text(at)


def test_a_bad_link_is_refused_by_name():
    at = open_page("practice", {"kind": "<b>x</b>", "seed": "1e99", "size": "1,2,9,2"})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("kind" in w for w in warnings) and any("seed" in w for w in warnings)
    assert any("H must be a whole number from 1 to 3" in w for w in warnings)
    assert all("<b>" not in w for w in warnings)
    assert read_link({"seed": "7", "size": "2,3,2,1"})[0]["practice_N"] == 2


def test_the_score_counts_first_complete_attempts():
    score = problems.Score().record(("a",), "Z1", True, 2)
    assert score.tried == 0  # one of its two answers is in
    score = score.record(("a",), "A1", True, 2).record(("b",), "dW2", True, 1).record(("a",), "Z1", False, 2)
    assert (score.tried, score.right_first_time, score.streak) == (2, 2, 2)
    score = score.record(("c",), "dW2", False, 1).record(("c",), "dW2", True, 1)  # the correction counts not
    assert (score.tried, score.right_first_time, score.streak) == (3, 2, 0)


# --- quiz sheets -----------------------------------------------------------------------------------

_MATRIX = re.compile(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", re.S)


def parse_tex_matrix(text: str) -> np.ndarray:
    rows = [[float(x.replace(r"\times 10^{", "e").replace("}", "").replace(" ", "")) for x in row.split("&")]
            for row in _MATRIX.search(text).group(1).split(r"\\")]
    return np.array(rows)


@pytest.mark.parametrize("kind", list(KINDS))
def test_quiz_sheets_have_every_variant_and_keys_that_parse_back(kind):
    variants = [make_problem(kind, Size(2, 2, 2, 2), seed) for seed in range(10, 16)]
    sheet = problems.quiz_markdown(variants, "https://example.org/practice")
    key = problems.key_markdown(variants, "https://example.org/practice")
    for number, problem in enumerate(variants, start=1):
        header = f"## Variant {number} · seed {problem.seed}"
        assert sheet.count(header) == 1 and key.count(header) == 1
        assert f"https://example.org/practice?{problem.link}" in sheet
    assert sheet.count("## Variant") == key.count("## Variant") == len(variants)
    assert "Worked solution" not in sheet and key.count("**Worked solution**") == len(variants)
    # each variant's answers in the key parse back to the generator's solution (4 significant digits)
    for problem, section in zip(variants, key.split("## Variant ")[1:], strict=True):
        answers_part = section.split("**Worked solution**")[0]
        blocks = re.findall(r"\$\$\n(.*?)\n\$\$", answers_part, re.S)
        assert len(blocks) == len(problem.answers)
        for block, expected in zip(blocks, problem.answers, strict=True):
            assert block.startswith(problems.ANSWER_SYMBOLS[expected.key] + " = ")
            np.testing.assert_allclose(parse_tex_matrix(block), expected.value, rtol=5e-4, atol=5e-5)
    rows = list(csv.DictReader(io.StringIO(problems.answers_csv(variants))))
    for problem_number, problem in enumerate(variants, start=1):
        for expected in problem.answers:
            cells = [r for r in rows if r["variant"] == str(problem_number) and r["matrix"] == expected.key]
            got = np.zeros(expected.value.shape)
            for r in cells:
                got[int(r["row"]) - 1, int(r["column"]) - 1] = float(r["value"])
            np.testing.assert_array_equal(got, expected.value)  # every digit
