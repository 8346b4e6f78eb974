"""Tests of dashboard.lab.handoff: a problem page's example trained in the lab takes Problem 5's step first."""
import numpy as np
import pytest

from backprop.assignment import DEFAULT_INPUTS, gradient_step, solve
from backprop.runs import advance, start_run, train_config
from dashboard.lab import controls
from dashboard.lab.handoff import example_config


@pytest.mark.parametrize("loss, lr, grow", [("mse", 0.5, None), ("bce", 2.0, None), ("mse", 0.7, (3, 3, 3, 2))])
def test_the_labs_first_update_is_problem_5s_step(loss, lr, grow):
    inputs = DEFAULT_INPUTS if grow is None else DEFAULT_INPUTS.resized(*grow)
    step = gradient_step(solve(inputs, "consistent", loss), lr)
    config, notes = controls.settle(example_config(inputs, lr, loss, "weight-update"))
    assert notes == [] and config.lr == lr
    run = advance(start_run(config), 1)
    after = run.network
    for mine, page in zip((*after.Ws, *after.bs), (step.after.W1, step.after.W2, step.after.b1, step.after.b2),
                          strict=True):
        np.testing.assert_allclose(mine, page, rtol=1e-13, atol=1e-15)
    assert run.history.losses[0] == pytest.approx(step.loss_before, rel=1e-13)
    assert train_config(config).history.final_loss < step.loss_before
