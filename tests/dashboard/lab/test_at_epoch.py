"""The lab's views at one epoch (dashboard.lab.at_epoch), built once and shared by every session: they are the
backward pass's numbers, and the run they are shared from cannot be changed by a session."""
import numpy as np
import plotly.io as pio
import pytest

import backprop as bp
from backprop.runs import TrainConfig, train_config
from dashboard.lab import at_epoch, controls
from dashboard.lab.session import read_only
from tests.apptest import plotly_array


@pytest.fixture(scope="module")
def run():
    return read_only(train_config(TrainConfig(epochs=100)))


def test_the_backward_views_are_the_backward_pass_at_that_epoch(run):
    grads = at_epoch.gradients(run, 40)
    expected = bp.network_gradients(run.network_at(40), run.data.X, run.data.y, run.config.loss)
    assert grads.loss == expected.loss
    view = at_epoch.layer(run, grads, 40, 2)
    np.testing.assert_array_equal(plotly_array(view.W.to_dict()["data"][0]["z"]), run.network_at(40).Ws[1])
    np.testing.assert_array_equal(plotly_array(view.dW.to_dict()["data"][0]["z"]), expected.dWs[1])
    delta = plotly_array(view.delta.to_dict()["data"][0]["z"])  # drawn in one unit, a power of ten
    unit = np.log10(np.abs(delta).max() / np.abs(expected.deltas[1]).max())
    assert unit == round(unit)
    np.testing.assert_allclose(delta, expected.deltas[1].T * 10 ** round(unit), rtol=1e-12)
    assert list(at_epoch.norms(grads, 40).table["‖∂L/∂W‖"]) == [f"{v:.3g}" for v in expected.norms]
    with pytest.raises(ValueError, match="layer 3 of a network with 2 layers"):
        at_epoch.layer(run, grads, 40, 3)


def test_a_shared_view_is_not_changed_by_being_sent(run):
    view = at_epoch.layer(run, at_epoch.gradients(run, 0), 0, 1)
    before = pio.to_json(view.W.to_dict(), validate=False)
    for _ in range(2):  # what st.plotly_chart does with it, for two sessions
        pio.to_json(view.W.to_dict(), validate=False)
    assert pio.to_json(view.W.to_dict(), validate=False) == before


def test_the_shared_run_refuses_writes(run):
    with pytest.raises(ValueError, match="read-only"):
        run.network_at(0).Ws[0][0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        run.data.X[0, 0] = 1.0
    assert at_epoch.gradients(run, 0).loss > 0, "reading it still works"


def test_the_confusion_view_counts_every_sample_once():
    run = read_only(train_config(controls.preset_config("Overfitting")))
    view = at_epoch.per_class(run, run.snapshot_epochs[-1])
    assert view is not None
    assert set(view.figures) == {"training", "test"}
    assert view.tables["training"]["samples"].sum() == run.data.n_samples
    assert view.tables["test"]["samples"].sum() == run.test.n_samples
    assert at_epoch.per_class(read_only(train_config(TrainConfig(dataset="assignment", epochs=5))), 0) is None
