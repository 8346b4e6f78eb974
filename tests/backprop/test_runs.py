"""Tests of backprop.runs: runs described by a TrainConfig, trained at once or a few epochs at a time (Play, Step).

Also: split into training and test data, seeded, started from the assignment's weights, and refused when impossible."""
from dataclasses import replace

import numpy as np
import pytest

import backprop as bp
from backprop.runs import MAX_SNAPSHOTS, TrainConfig, advance, check_config, join, start_run, train_config
from tests.backprop._helpers import CONFIGS


def assert_same_history(a: bp.History, b: bp.History) -> None:
    for name in ("losses", "accuracies", "test_losses", "test_accuracies"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            np.testing.assert_array_equal(x, y, err_msg=name)
    for name in a.grad_norms:
        np.testing.assert_array_equal(a.grad_norms[name], b.grad_norms[name], err_msg=name)
    assert a.final_loss == b.final_loss or (np.isnan(a.final_loss) and np.isnan(b.final_loss))
    assert a.diverged_at == b.diverged_at
    for W, V in zip(a.params.Ws, b.params.Ws, strict=True):
        np.testing.assert_array_equal(W, V)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS)
@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_training_a_few_epochs_at_a_time_is_one_run(config, chunk):
    """Play and Step advance a run by a few epochs each time: epoch by epoch the numbers of one uninterrupted run
    (optimiser moments, mini-batch shuffles and all)."""
    if chunk == 1:
        config = replace(config, epochs=min(config.epochs, 40))
    full = train_config(config)
    run = start_run(config)
    assert run.history is None and run.epochs_done == 0 and run.snapshot_epochs == [0]
    while not run.finished:
        before = run.epochs_done
        run = advance(run, chunk)
        assert run.epochs_done == min(before + chunk, config.epochs) or run.history.diverged_at is not None
        assert run.snapshot_epochs[-1] == run.epochs_done
    assert_same_history(full.history, run.history)
    assert run.snapshot_epochs[0] == 0 and len(run.snapshot_epochs) <= MAX_SNAPSHOTS
    assert advance(run, 5) is run, "a finished run stays as it is"


def test_a_diverged_run_is_finished_where_it_diverged():
    run = train_config(CONFIGS["regression diverges"])
    assert run.finished and run.history.diverged_at is not None
    assert run.epochs_done == run.history.diverged_at < run.config.epochs


def test_join_needs_consecutive_histories_and_thins_snapshots_evenly():
    config = replace(TrainConfig(), epochs=300)
    run = start_run(config)
    first = advance(run, 10).history
    with pytest.raises(ValueError, match="starts at epoch 0, but first ends at epoch 10"):
        join(first, first)
    run = start_run(config)
    for _ in range(300):
        run = advance(run, 1)
    epochs = run.snapshot_epochs
    assert len(epochs) <= MAX_SNAPSHOTS and epochs[0] == 0 and epochs[-1] == 300
    ideal = 300 / (MAX_SNAPSHOTS - 1)
    assert max(np.diff(epochs)) <= 3 * ideal, f"the kept epochs are not spread evenly: {epochs}"


def test_start_run_splits_the_data_and_seeds_the_network():
    run = start_run(TrainConfig(n_samples=200, test_ratio=0.3, hidden_sizes=(5, 4), seed=3, init_scale=None))
    assert run.data.n_samples == 140 and run.test.n_samples == 60
    assert not set(map(tuple, run.data.X)) & set(map(tuple, run.test.X))
    expected = bp.init_network((2, 5, 4, 1), hidden="tanh", output="sigmoid", seed=3, scale=None)
    for W, V in zip(run.initial.Ws, expected.Ws, strict=True):
        np.testing.assert_array_equal(W, V)
    assert start_run(TrainConfig(test_ratio=0.0)).test is None
    softmax = start_run(TrainConfig(dataset="spirals", n_classes=4, output="softmax", loss="ce"))
    assert softmax.initial.sizes == (2, 8, 4) and softmax.targets(softmax.data).ndim == 1


@pytest.mark.parametrize("changes, field", [
    ({"dataset": "mnist"}, "dataset"),
    ({"output": "softmax", "loss": "mse"}, "output and loss"),
    ({"n_classes": 3}, "n_classes"),
    ({"dataset": "surface"}, "output"),
    ({"dataset": "blobs", "n_classes": 3}, "output"),
    ({"hidden_sizes": (8, 0)}, r"hidden_sizes\[1\]"),
    ({"optimizer": "rmsprop"}, "optimizer"),
    ({"lr": 0.0}, "lr"),
    ({"batch_size": 0}, "batch_size"),
])
def test_impossible_configs_are_refused_naming_the_setting(changes, field):
    with pytest.raises(ValueError, match=field):
        check_config(replace(TrainConfig(), **changes))


def test_assignment_example_trains_towards_its_target():
    run = train_config(bp.TrainConfig(dataset="assignment", hidden_sizes=(2,), hidden="sigmoid",
                                      output="sigmoid", loss="mse", lr=2.0, epochs=300))
    h = run.history
    assert h.losses[-1] < 0.2 * h.losses[0]
    assert run.test is None and run.data.n_samples == 1
    np.testing.assert_array_equal(run.initial.Ws[0], bp.assignment.W1)
    np.testing.assert_array_equal(run.initial.bs[0], bp.assignment.b1)
    np.testing.assert_array_equal(run.initial.Ws[1], bp.assignment.W2)
