"""Tests of backprop.reading: what a run did, read into the numbers its lesson quotes, and its curves."""
from dataclasses import replace

import numpy as np
import pytest

from backprop.reading import curves, read_run
from backprop.runs import TrainConfig, train_config
from tests.backprop._helpers import CONFIGS


def test_read_run_reads_the_history():
    run = train_config(CONFIGS["regression diverges"])
    r = read_run(run.history)
    losses = run.history.losses
    rises = np.flatnonzero(np.diff(losses) > 0)
    assert r.rises == rises.size > 0 and r.first_rise == rises[0] + 1
    assert r.diverged_at == run.history.diverged_at and r.final_loss == np.inf
    sums = {name: series.sum() for name, series in run.history.grad_norms.items()}
    assert r.first_to_last == pytest.approx(sums["W1"] / sums["W2"])
    assert r.best_test_loss == run.history.test_losses.min()
    assert r.best_test_epoch == int(np.argmin(run.history.test_losses))
    calm = train_config(TrainConfig(epochs=100))
    c = read_run(calm.history)
    assert c.rises == 0 and c.first_rise is None and c.loss_change < -0.5
    W0, W1 = calm.initial.Ws[0], calm.network.Ws[0]
    assert c.weight_change["W1"] == pytest.approx(np.linalg.norm(W1 - W0) / np.linalg.norm(W0))
    assert c.gap == pytest.approx(calm.history.final_test_loss - calm.history.final_loss)
    with pytest.raises(ValueError, match="no epochs"):
        read_run(replace(calm.history, losses=np.array([])))


def test_curves_end_with_the_trained_network():
    run = train_config(replace(TrainConfig(), epochs=30))
    c, h = curves(run.history), run.history
    np.testing.assert_array_equal(c.epochs, np.arange(31))
    np.testing.assert_array_equal(c.train_loss[:-1], h.losses)
    assert c.train_loss[-1] == h.final_loss and c.test_loss[-1] == h.final_test_loss
    assert c.train_accuracy[-1] == h.final_accuracy and c.test_accuracy[-1] == h.final_test_accuracy
    assert c.grad_norms["W2"][-1] == pytest.approx(np.linalg.norm(h.snapshots[-1].grads["W2"]))
    diverged = curves(train_config(CONFIGS["regression diverges"]).history)
    assert np.isnan(diverged.train_loss[-1]) and np.isfinite(diverged.train_loss[:-1]).all()
    assert diverged.train_accuracy is None
