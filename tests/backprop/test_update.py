"""Tests of backprop.update: one gradient-descent step, against numerical gradients and an example worked by hand."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop as bp
from backprop import update
from tests.backprop._helpers import random_problem

#: A 2-2-2 sigmoid network worked number by number in a well-known tutorial: inputs (0.05, 0.10), targets
#: (0.01, 0.99), hidden weights 0.15 … 0.30 with bias 0.35, output weights 0.40 … 0.55 with bias 0.60,
#: squared error ½Σ(target − output)² and η = 0.5. In the row convention W[i, j] is the weight from unit i
#: of one layer to unit j of the next.
TUTORIAL = dict(params=bp.Params([[0.15, 0.25], [0.20, 0.30]], [0.35, 0.35], [[0.40, 0.50], [0.45, 0.55]],
                                 [0.60, 0.60]), X=[[0.05, 0.10]], y=[[0.01, 0.99]])


def test_one_step_on_a_hand_worked_2_2_2_network():
    p, X, y = TUTORIAL["params"], TUTORIAL["X"], TUTORIAL["y"]
    loss, grads = update.gradients(p, X, y)
    assert loss == pytest.approx(0.298371109, abs=1e-9)  # the tutorial's total error before the step
    after = bp.descent_step(p, grads, 0.5)
    # the tutorial's updated weights, to the nine digits it prints
    np.testing.assert_allclose(after.W2, [[0.35891648, 0.511301270], [0.408666186, 0.561370121]], atol=1e-8)
    np.testing.assert_allclose(after.W1, [[0.149780716, 0.24975114], [0.19956143, 0.29950229]], atol=1e-8)
    # the tutorial keeps its biases; the biases here move by η·Σδ, and the loss falls
    np.testing.assert_allclose(after.b2, p.b2 - 0.5 * grads.delta2[0], rtol=1e-14)
    np.testing.assert_allclose(after.b1, p.b1 - 0.5 * grads.delta1[0], rtol=1e-14)
    assert update.loss_value(after, X, y)[0] < loss


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_the_step_is_the_numerical_gradient_step(loss):
    params, X, y = random_problem(N=3, seed=3)
    _, grads = update.gradients(params, X, y, loss)
    numeric = {}
    for name, value in params.as_dict().items():
        def L(v, name=name):
            return update.loss_value(bp.Params(**(params.as_dict() | {name: v})), X, y, loss)[0]
        numeric[name] = bp.numerical_gradient(L, value)
    analytic_step = bp.descent_step(params, grads, 0.3)
    numeric_step = bp.descent_step(params, numeric, 0.3)
    for name in update.PARAMETERS:
        np.testing.assert_allclose(getattr(analytic_step, name), getattr(numeric_step, name), rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(getattr(analytic_step, name), getattr(params, name) - 0.3 * numeric[name],
                                   rtol=1e-8, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), N=st.integers(1, 4), H=st.integers(1, 4), loss=st.sampled_from(["mse", "bce"]))
def test_a_small_enough_step_lowers_the_loss(seed, N, H, loss):
    params, X, y = random_problem(N=N, H=H, seed=seed)
    before, grads = update.gradients(params, X, y, loss)
    squared = sum(float((g * g).sum()) for g in grads.for_params().values())
    assume(squared > 1e-10)
    lr = 1e-3 / (1.0 + squared)
    after = update.loss_value(bp.descent_step(params, grads, lr), X, y, loss)[0]
    assert after < before
    # to first order the loss falls by η‖g‖²
    assert before - after == pytest.approx(lr * squared, rel=0.05)


def test_descend_records_the_loss_before_and_after_every_step():
    p, X, y = TUTORIAL["params"], TUTORIAL["X"], TUTORIAL["y"]
    run = bp.descend(p, X, y, 0.5, 5)
    assert run.steps == 5 and len(run.losses) == 6
    assert run.losses[0] == pytest.approx(0.298371109, abs=1e-9)
    first = bp.descent_step(p, update.gradients(p, X, y)[1], 0.5)
    assert run.losses[1] == update.loss_value(first, X, y)[0]
    assert np.all(np.diff(run.losses) < 0)
    again = bp.descend(first, X, y, 0.5, 4)
    np.testing.assert_allclose(again.losses, run.losses[1:], rtol=1e-14)
    np.testing.assert_allclose(again.params.W1, run.params.W1, rtol=1e-14)


def test_descend_stops_when_the_loss_is_no_longer_finite(monkeypatch):
    """The third step's loss is made NaN: the run keeps two steps, and the parameters of its last loss."""
    params, X, y = random_problem()
    real = update.gradients
    calls = []

    def failing_on_the_fourth_call(p, X, y, loss):
        calls.append(p)
        value, grads = real(p, X, y, loss)
        return (float("nan") if len(calls) == 4 else value), grads

    monkeypatch.setattr(update, "gradients", failing_on_the_fourth_call)
    run = bp.descend(params, X, y, 0.5, 50)
    assert run.steps == 2 and np.isfinite(run.losses).all() and len(run.losses) == 3
    assert run.params is calls[2], "the parameters are those after step 2, whose loss was the last recorded"
    assert run.losses[-1] == real(run.params, X, y, "mse")[0]


@pytest.mark.parametrize("call, message", [
    (lambda p, g: bp.descent_step(p, g, 0.0), "lr must be greater than 0"),
    (lambda p, g: bp.descent_step(p, g, -1), "lr must be greater than 0"),
    (lambda p, g: bp.descent_step(p, g, float("nan")), "lr must be a finite number"),
    (lambda p, g: bp.descent_step(p, g, 1e6), "lr must be at most 100"),
    (lambda p, g: bp.descent_step(p, {k: v for k, v in g.items() if k != "b2"}, 0.1), "missing: b2"),
    (lambda p, g: bp.descent_step(p, g | {"W1": g["W1"].T}, 0.1), r"grads\['W1'\] has shape \(3, 2\) but W1"),
    (lambda p, g: bp.descent_step(p, g | {"b1": [np.nan] * 3}, 0.1), r"grads\['b1'\] has a non-finite"),
    (lambda p, g: bp.descend(p, [[1.0, 2.0]], [[0.5, 0.5]], 0.1, 0), "steps must be positive"),
])
def test_bad_step_input_names_what_is_wrong(call, message):
    params, _, _ = random_problem()
    grads = {name: np.ones_like(value) for name, value in params.as_dict().items()}
    with pytest.raises(ValueError, match=message):
        call(params, grads)


def test_a_step_changes_nothing_it_is_given():
    params, X, y = random_problem()
    _, grads = update.gradients(params, X, y)
    W1 = params.W1.copy()
    bp.descent_step(params, grads, 0.5)
    np.testing.assert_array_equal(params.W1, W1)
    # a (1, H) row is accepted for a bias gradient
    row = grads.for_params() | {"b1": grads.db1.reshape(1, -1)}
    np.testing.assert_array_equal(bp.descent_step(params, row, 0.5).b1, bp.descent_step(params, grads, 0.5).b1)
