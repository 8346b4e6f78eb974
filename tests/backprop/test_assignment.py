"""Tests of backprop.assignment: Assignment 5's numbers, to the last digit of the solution report, from the package."""
import numpy as np
import pytest

import backprop as bp
from backprop import assignment as a

EXACT = dict(rtol=0, atol=1e-12)


def test_given_values_are_the_assignments():
    np.testing.assert_array_equal(a.X, [[2, 3]])
    np.testing.assert_array_equal(a.W1, [[0.1, 0.2], [0.3, 0.4]])
    np.testing.assert_array_equal(a.b1, [0.5, 0.6])
    np.testing.assert_array_equal(a.A1_GIVEN, [[0.9, 0.95]])
    np.testing.assert_array_equal(a.DELTA2, [[0.2, -0.3]])
    np.testing.assert_array_equal(a.W2, [[0.5, 0.6], [0.7, 0.8]])
    np.testing.assert_array_equal(a.DELTA1_GIVEN, [[-0.01, -0.02]])


def test_problem2_forward_pass():
    np.testing.assert_allclose(bp.linear(a.X, a.W1, a.b1), [[1.6, 2.2]], **EXACT)
    np.testing.assert_allclose(a.Z1, [[1.6, 2.2]], **EXACT)
    # X·W1 before the bias, as the report writes it: (0.2 + 0.9, 0.4 + 1.2) = (1.1, 1.6)
    np.testing.assert_allclose(a.X @ a.W1, [[1.1, 1.6]], **EXACT)
    np.testing.assert_array_equal(np.round(bp.sigmoid(a.Z1), 4), [[0.8320, 0.9002]])


def test_problem3_output_layer_gradient():
    expected = [[0.18, -0.27], [0.19, -0.285]]
    np.testing.assert_allclose(bp.output_layer_gradient(a.A1_GIVEN, a.DELTA2), expected, **EXACT)
    np.testing.assert_allclose(a.DW2, expected, **EXACT)


def test_problem4_hidden_layer_gradient():
    expected = [[-0.02, -0.04], [-0.03, -0.06]]
    np.testing.assert_allclose(bp.hidden_layer_gradient(a.X, a.DELTA1_GIVEN), expected, **EXACT)
    np.testing.assert_allclose(a.DW1, expected, **EXACT)


def test_propagated_delta1_is_what_backprop_gives_and_differs_from_the_given_one():
    back = a.DELTA2 @ a.W2.T  # (0.2·0.5 − 0.3·0.6, 0.2·0.7 − 0.3·0.8) = (−0.08, −0.10)
    np.testing.assert_allclose(back, [[-0.08, -0.10]], **EXACT)
    s = 1 / (1 + np.exp(-np.array([[1.6, 2.2]])))
    np.testing.assert_allclose(a.DELTA1_PROPAGATED, back * s * (1 - s), rtol=1e-12)
    assert not np.allclose(a.DELTA1_PROPAGATED, a.DELTA1_GIVEN, atol=1e-3)


def test_solve_assignment_mode_reproduces_the_report():
    sol = a.solve(a.DEFAULT_INPUTS, "assignment")
    np.testing.assert_allclose(sol.Z1, [[1.6, 2.2]], **EXACT)
    np.testing.assert_array_equal(sol.A1, a.A1_GIVEN)
    np.testing.assert_allclose(sol.dW2, [[0.18, -0.27], [0.19, -0.285]], **EXACT)
    np.testing.assert_array_equal(sol.delta1, a.DELTA1_GIVEN)
    np.testing.assert_allclose(sol.dW1, [[-0.02, -0.04], [-0.03, -0.06]], **EXACT)


def test_solve_consistent_mode_propagates_everything():
    sol = a.solve(a.DEFAULT_INPUTS, "consistent")
    np.testing.assert_allclose(sol.A1, bp.sigmoid(sol.Z1), rtol=1e-15)
    # δ2 from the target y = (0, 1) and the mse loss, by hand: (A2 − y)/N ∗ A2(1 − A2)
    A2 = 1 / (1 + np.exp(-(sol.A1 @ a.W2)))
    delta2 = (A2 - a.TRAIN_TARGET) * A2 * (1 - A2)
    np.testing.assert_allclose(sol.delta2, delta2, rtol=1e-12)
    np.testing.assert_allclose(sol.dW2, sol.A1.T @ delta2, rtol=1e-12)
    s = sol.A1
    delta1 = (delta2 @ a.W2.T) * s * (1 - s)
    np.testing.assert_allclose(sol.delta1, delta1, rtol=1e-12)
    np.testing.assert_allclose(sol.dW1, a.X.T @ delta1, rtol=1e-12)
    np.testing.assert_allclose(sol.db2, delta2[0], rtol=1e-12)
    np.testing.assert_allclose(sol.db1, delta1[0], rtol=1e-12)
    # and it is not the report's answer: the assignment's simplifications change the numbers
    assert not np.allclose(sol.dW2, a.DW2, atol=1e-3)


def test_solve_rejects_unknown_mode():
    with pytest.raises(ValueError, match="unknown mode 'exact'"):
        a.solve(a.DEFAULT_INPUTS, "exact")


def test_constants_cannot_be_changed_by_accident():
    with pytest.raises(ValueError):
        a.W1[0, 0] = 5.0


def test_resize_keeps_overlap_and_returns_to_the_same_numbers():
    grown = a.DEFAULT_INPUTS.resized(N=3, D=2, H=3, C=2)
    assert grown.dims == {"N": 3, "D": 2, "H": 3, "C": 2}
    np.testing.assert_array_equal(grown.X[:1], a.X)
    np.testing.assert_array_equal(grown.W1[:, :2], a.W1)
    np.testing.assert_array_equal(grown.A1_given[:1, :2], a.A1_GIVEN)
    back = grown.resized(N=1, D=2, H=2, C=2)
    for name, value in a.DEFAULT_INPUTS.as_dict().items():
        np.testing.assert_array_equal(back.as_dict()[name], value, err_msg=name)
    again = back.resized(N=3, D=2, H=3, C=2)
    for name, value in grown.as_dict().items():
        np.testing.assert_array_equal(again.as_dict()[name], value, err_msg=name)


@pytest.mark.parametrize("dims", [dict(N=0, D=2, H=2, C=2), dict(N=1, D=5, H=2, C=2), dict(N=1, D=2, H=2.5, C=2)])
def test_resize_rejects_sizes_out_of_range(dims):
    with pytest.raises(ValueError, match="must be a whole number from 1 to 4"):
        a.DEFAULT_INPUTS.resized(**dims)


def test_inputs_name_the_matrix_with_the_wrong_shape():
    with pytest.raises(ValueError, match=r"delta2 has shape \(1, 3\) but must be \(1, 2\)"):
        a.DEFAULT_INPUTS.with_values(delta2=[[0.1, 0.2, 0.3]])
    with pytest.raises(ValueError, match=r"W1 has shape \(3, 2\) but X has 2 columns"):
        a.DEFAULT_INPUTS.with_values(W1=np.ones((3, 2)))


def test_training_example_is_the_assignments_network():
    data, params = a.training_example(2)
    np.testing.assert_array_equal(data.X, a.X)
    np.testing.assert_array_equal(params.W1, a.W1)
    np.testing.assert_array_equal(params.W2, a.W2)
    # the target agrees in sign with the given delta2: output 1 too high, output 2 too low
    A2 = bp.predict(params, data.X)
    assert np.all(np.sign(A2 - data.y) == np.sign(a.DELTA2))


# --- what the assignment leaves out: b2, the target y, the loss, and the update ----------------------


def test_default_b2_and_y_and_their_checks():
    assert a.DEFAULT_INPUTS.b2.tolist() == [0.0, 0.0] and a.DEFAULT_INPUTS.y.tolist() == [[0.0, 1.0]]
    bare = a.Inputs(a.X, a.W1, a.b1, a.W2, a.DELTA2, a.A1_GIVEN, a.DELTA1_GIVEN)  # b2 and y not given
    np.testing.assert_array_equal(bare.b2, [0.0, 0.0])
    np.testing.assert_array_equal(bare.y, a.TRAIN_TARGET)
    grown = a.DEFAULT_INPUTS.resized(N=3, D=2, H=2, C=3)
    assert grown.b2.shape == (3,) and grown.y.shape == (3, 3)
    np.testing.assert_array_equal(grown.y[0, :2], [0.0, 1.0])
    assert set(np.unique(grown.y)) <= {0.0, 1.0}
    with pytest.raises(ValueError, match=r"y has 2 in row 1, column 2 \(y\[0, 1\].* between 0 and 1"):
        a.DEFAULT_INPUTS.with_values(y=[[0.0, 2.0]])
    with pytest.raises(ValueError, match=r"y has shape \(1, 3\) but must be \(1, 2\)"):
        a.DEFAULT_INPUTS.with_values(y=[[0.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match=r"b2 has 3 entries"):
        a.DEFAULT_INPUTS.with_values(b2=[0.0, 0.0, 0.0])


def test_assignment_mode_bias_gradients_are_the_given_deltas():
    sol = a.solve(a.DEFAULT_INPUTS, "assignment")
    np.testing.assert_array_equal(sol.delta2, a.DELTA2)
    np.testing.assert_allclose(sol.db2, [0.2, -0.3], **EXACT)  # Σ over the one sample of the given δ2
    np.testing.assert_allclose(sol.db1, [-0.01, -0.02], **EXACT)  # … and of the given δ1
    # the network's real output, from A1 = σ(Z1), in both modes: Z2 = σ(Z1)·W2 + b2
    consistent = a.solve(a.DEFAULT_INPUTS, "consistent")
    np.testing.assert_array_equal(sol.Z2, consistent.Z2)
    np.testing.assert_allclose(sol.Z2, bp.sigmoid(a.Z1) @ a.W2, rtol=1e-14)
    np.testing.assert_allclose(sol.delta2_gap, a.DELTA2 - consistent.delta2, rtol=1e-12)
    assert sol.L == consistent.L == pytest.approx(0.5 * ((sol.A2 - a.TRAIN_TARGET) ** 2).sum())


def test_bce_changes_delta2_but_not_the_forward_pass():
    mse, bce = a.solve(mode="consistent", loss="mse"), a.solve(mode="consistent", loss="bce")
    np.testing.assert_array_equal(mse.A2, bce.A2)
    np.testing.assert_allclose(bce.delta2, bce.A2 - a.TRAIN_TARGET, rtol=1e-12)
    assert not np.allclose(mse.delta2, bce.delta2)
    with pytest.raises(ValueError, match="unknown loss 'ce'"):
        a.solve(loss="ce")


def test_compare_modes_covers_delta2_and_the_bias_gradients():
    comparisons = a.compare_modes()
    assert set(comparisons) == {"A1", "delta2", "dW2", "db2", "delta1", "dW1", "db1"}
    np.testing.assert_array_equal(comparisons["delta2"].assignment, a.DELTA2)
    np.testing.assert_allclose(comparisons["db1"].difference,
                               comparisons["db1"].assignment - comparisons["db1"].consistent, rtol=1e-12)


def test_one_gradient_step_of_the_assignment_by_hand():
    """η = 0.5 with the report's gradients: W2 − 0.5·[[0.18, −0.27], [0.19, −0.285]] and so on."""
    step = a.gradient_step(a.solve(a.DEFAULT_INPUTS, "assignment"), lr=0.5)
    np.testing.assert_allclose(step.after.W2, [[0.41, 0.735], [0.605, 0.9425]], **EXACT)
    np.testing.assert_allclose(step.after.W1, [[0.11, 0.22], [0.315, 0.43]], **EXACT)
    np.testing.assert_allclose(step.after.b2, [-0.1, 0.15], **EXACT)
    np.testing.assert_allclose(step.after.b1, [0.505, 0.61], **EXACT)
    np.testing.assert_allclose(step.scaled["W2"], [[0.09, -0.135], [0.095, -0.1425]], **EXACT)
    # the loss by a full forward pass before (0.2998) and after the step: it falls
    assert step.loss_before == pytest.approx(0.29983, abs=1e-5)
    assert step.loss_after < step.loss_before and step.change < 0
    z2_after = bp.sigmoid(np.array([[2.0, 3.0]]) @ step.after.W1 + step.after.b1) @ step.after.W2 + step.after.b2
    np.testing.assert_allclose(step.forward_after.Z2, z2_after, rtol=1e-14)


@pytest.mark.parametrize("mode", list(a.MODES))
def test_the_step_and_the_steps_after_it(mode):
    sol = a.solve(a.DEFAULT_INPUTS, mode)
    step = a.gradient_step(sol, lr=0.5)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(getattr(step.after, name), getattr(step.before, name) - 0.5 * sol.grads[name],
                                   rtol=1e-14)
    more = a.more_steps(step, 5)
    assert more.losses[0] == step.loss_after and len(more.losses) == 6
    assert np.all(np.diff(more.losses) < 0)  # with η = 0.5 every step of this example lowers the loss
    with pytest.raises(ValueError, match="lr must be greater than 0"):
        a.gradient_step(sol, lr=0)


# --- rounding noise -----------------------------------------------------------------------------------


def test_rounding_noise_is_shown_as_zero_but_small_numbers_are_kept():
    from backprop.assignment import settle_rounding

    inputs = a.DEFAULT_INPUTS.with_values(X=[[1.0, 1.0]], W1=[[0.1, 0.2], [0.2, 0.1]], b1=[-0.3, -0.3])
    assert (1.0 * 0.1 + 1.0 * 0.2) - 0.3 != 0  # float64 leaves 5.6e-17
    sol = a.solve(inputs)
    np.testing.assert_array_equal(sol.Z1, [[0.0, 0.0]])
    np.testing.assert_array_equal(sol.A1_computed, [[0.5, 0.5]])
    tiny = a.DEFAULT_INPUTS.with_values(X=[[1e-9, 0.0]])
    assert a.solve(tiny).XW1[0, 0] == pytest.approx(1e-10)  # genuinely small, not noise
    np.testing.assert_array_equal(settle_rounding(np.array([1e-17, 1e-17]), np.array([0.3, 1e-16])), [0.0, 1e-17])
