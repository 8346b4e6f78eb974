"""Tests of backprop.practice: problems reproducible from a seed, hand-workable, solved as the problem pages solve them.

Answers are graded with diagnosis. The practice page: tests/pages/test_practice.py; its quiz sheets:
tests/dashboard/practice/test_problems.py."""
import numpy as np
import pytest

import backprop as bp
from backprop.practice import KINDS, LEARNING_RATES, Size, check, make_problem

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
