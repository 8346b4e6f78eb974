"""Closing the loop in the package: δ2 from targets, the bias gradients and one gradient-descent step, each
checked against numerical gradients and against examples worked by hand."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import backprop as bp
from backprop import update

rng = np.random.default_rng(7)


def random_problem(N=3, D=2, H=3, C=2, seed=0):
    g = np.random.default_rng(seed)
    params = bp.Params(g.normal(size=(D, H)), g.normal(size=H), g.normal(size=(H, C)), g.normal(size=C))
    return params, g.normal(size=(N, D)), g.uniform(size=(N, C))


def close(analytic, numerical, tol=1e-7) -> bool:
    return bp.rel_error(analytic, numerical) < tol


# --- where δ2 comes from ----------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_delta2_from_targets_is_the_numerical_gradient_of_the_loss(loss):
    A1, W2, b2 = rng.uniform(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    y = rng.uniform(size=(4, 2))
    out = bp.output_delta(A1, W2, b2, y, loss)
    assert out.loss == loss and out.Z2.shape == out.A2.shape == out.delta2.shape == (4, 2)
    numeric = bp.numerical_gradient(lambda Z: bp.output_loss(Z, y, "sigmoid", loss)[0], out.Z2)
    assert close(out.delta2, numeric)
    assert not close(out.delta2 * 1.001, numeric)
    # ∂L/∂A2 is the gradient of the loss written as a function of A2, and δ2 = ∂L/∂A2 ∗ σ′(Z2)
    def L_of_A(A):
        if loss == "mse":
            return ((A - y) ** 2).sum() / (2 * len(A))
        return -(y * np.log(A) + (1 - y) * np.log(1 - A)).sum() / len(A)
    assert close(out.dA2, bp.numerical_gradient(L_of_A, out.A2, h=1e-7), tol=1e-6)
    np.testing.assert_allclose(out.dA2 * out.sigma_prime, out.delta2, rtol=1e-10)
    assert out.value == pytest.approx(L_of_A(out.A2))
    np.testing.assert_allclose(out.error, out.A2 - y, rtol=1e-15)
    assert out.terms.sum() / out.divisor == pytest.approx(out.value, rel=1e-12)


def test_delta2_of_the_assignments_network_by_hand():
    """A1 = σ(1.6, 2.2), W2 as given, b2 = 0, y = (0, 1), mse: worked on paper to four digits."""
    A1 = 1 / (1 + np.exp(-np.array([[1.6, 2.2]])))  # (0.8320, 0.9002)
    out = bp.output_delta(A1, [[0.5, 0.6], [0.7, 0.8]], [0.0, 0.0], [[0.0, 1.0]])
    # Z2 = (0.832·0.5 + 0.9002·0.7, 0.832·0.6 + 0.9002·0.8) = (1.0462, 1.2194)
    np.testing.assert_allclose(out.Z2, [[1.0462, 1.2194]], atol=1e-4)
    np.testing.assert_allclose(out.A2, [[0.7400, 0.7720]], atol=1e-4)
    # L = ½·(0.74² + 0.228²) = 0.2998; ∂L/∂A2 = A2 − y; σ′ = A2(1 − A2) = (0.1924, 0.1760)
    assert out.value == pytest.approx(0.2998, abs=1e-4)
    np.testing.assert_allclose(out.dA2, [[0.7400, -0.2280]], atol=1e-4)
    np.testing.assert_allclose(out.delta2, [[0.1424, -0.0401]], atol=1e-4)
    # the signs agree with the assignment's given δ2 = (0.2, −0.3): output 1 too high, output 2 too low
    assert np.array_equal(np.sign(out.delta2), np.sign([[0.2, -0.3]]))
    bce = bp.output_delta(A1, [[0.5, 0.6], [0.7, 0.8]], [0.0, 0.0], [[0.0, 1.0]], "bce")
    np.testing.assert_allclose(bce.delta2, bce.A2 - [[0.0, 1.0]], rtol=1e-12)  # σ′ cancels: δ2 = (A2 − y)/N


@pytest.mark.parametrize("call, message", [
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((3, 2)), [0, 0], [[0, 1]]), r"W2 has shape \(3, 2\)"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0, 0], [[0, 1]]), r"b2 has 3 entries"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0], [[0, 1, 1]]), r"y has shape \(1, 3\)"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0], [[0, 2]], "bce"), "between 0 and 1"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, 0], [[0, 1]], "ce"), "needs a softmax"),
    (lambda: bp.output_delta(np.ones((1, 2)), np.ones((2, 2)), [0, np.nan], [[0, 1]]), "b2 has a non-finite"),
])
def test_output_delta_names_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the bias gradients -----------------------------------------------------------------------------


def test_bias_gradients_are_column_sums_and_the_numerical_gradient():
    params, X, y = random_problem(N=4)
    _, g = update.gradients(params, X, y)
    np.testing.assert_allclose(bp.bias_gradient(g.delta2), g.delta2.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(bp.bias_gradient(g.delta1), g.delta1.sum(axis=0), rtol=1e-14)
    for name, delta in (("b1", g.delta1), ("b2", g.delta2)):
        def L(b, name=name):
            changed = bp.Params(**(params.as_dict() | {name: b}))
            return update.loss_value(changed, X, y)[0]
        numeric = bp.numerical_gradient(L, getattr(params, name))
        assert close(bp.bias_gradient(delta), numeric), name
        assert not close(delta.mean(axis=0), numeric), name  # a mean instead of the sum is caught


def test_bias_gradient_of_one_sample_is_that_samples_delta():
    np.testing.assert_array_equal(bp.bias_gradient([[0.2, -0.3]]), [0.2, -0.3])
    with pytest.raises(ValueError, match="delta2 has a non-finite"):
        bp.bias_gradient([[np.inf, 1.0]], name="delta2")


# --- one step of gradient descent -------------------------------------------------------------------

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
