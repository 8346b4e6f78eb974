"""Tests of backprop.given and of runs on given data and weights: a learner's table and starting weights in a
TrainConfig, compared by content, standardised on the training rows, and trained as the lab's own data is."""
from dataclasses import replace

import numpy as np
import pytest

from backprop.export import predict_raw
from backprop.given import GivenData, GivenWeights, Scaling
from backprop.runs import TrainConfig, start_run, train_config


def blobs_table(n=60, seed=0, k=3) -> GivenData:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % k
    X = 100 + 30 * rng.standard_normal((n, 2)) + 80 * np.stack([np.cos(labels), np.sin(labels)], axis=1)
    return GivenData("blobs.csv", "classes", X, labels, ("a", "b", "c"), tuple(float(v) for v in range(k)))


def test_given_data_and_weights_compare_by_content():
    a, b = blobs_table(), blobs_table()
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != blobs_table(seed=1)
    w = GivenWeights((np.ones((2, 3)), np.ones((3, 1))), (np.zeros(3), np.zeros(1)))
    assert w == GivenWeights((np.ones((2, 3)), np.ones((3, 1))), (np.zeros(3), [0.0]))
    assert TrainConfig(dataset="csv", table=a, n_classes=3) == TrainConfig(dataset="csv", table=b, n_classes=3)
    import pickle

    assert pickle.loads(pickle.dumps(a)) == a and pickle.loads(pickle.dumps(w)) == w


def test_given_data_refuses_what_is_not_a_table():
    with pytest.raises(ValueError, match="classes 0 … K−1"):
        GivenData("t", "classes", np.zeros((4, 2)), np.array([0, 0, 2, 2]), ("a", "b", "c"), (0.0, 2.0))
    with pytest.raises(ValueError, match="columns"):
        GivenData("t", "regression", np.zeros((4, 2)), np.zeros((4, 1)), ("a", "b"))
    with pytest.raises(ValueError, match="b2"):
        GivenWeights((np.ones((2, 3)), np.ones((3, 1))), (np.zeros(3), np.zeros(2)))


def test_a_table_run_standardises_on_its_training_rows_and_holds_out_a_share():
    table = blobs_table()
    config = TrainConfig(dataset="csv", table=table, n_classes=3, output="softmax", loss="ce", test_ratio=0.25,
                         init_scale=None, epochs=200, optimizer="adam", lr=0.03)
    run = start_run(config)
    assert run.data.n_samples == 45 and run.test.n_samples == 15
    np.testing.assert_allclose(run.data.X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(run.data.X.std(axis=0), 1, atol=1e-12)
    assert abs(run.test.X.mean()) > 1e-6, "test rows are scaled with the training rows' statistics"
    raw_train = table.X[np.isin(np.arange(60), np.sort(np.random.default_rng(0).permutation(60)[15:]))]
    np.testing.assert_allclose(run.scaling.inputs(raw_train), run.data.X)
    trained = train_config(config)
    assert trained.history.final_accuracy >= 0.9


def test_a_regression_table_standardises_its_target_and_predicts_in_its_units():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (80, 2))
    y = 1000 + 300 * np.sin(2 * X[:, :1])
    table = GivenData("t.csv", "regression", X, y, ("u", "v", "price"))
    config = TrainConfig(dataset="csv", table=table, output="identity", loss="mse", test_ratio=0.0, lr=0.1,
                         init_scale=None, epochs=300)
    assert config.regression and config.classes is None
    run = train_config(config)
    np.testing.assert_allclose(run.data.y.mean(), 0, atol=1e-12)
    predicted = predict_raw(run.network, run.scaling, X)
    assert np.sqrt(np.mean((predicted - y) ** 2)) < 60, "the fit is in the target's own units"


def test_given_weights_start_the_run_and_must_fit_its_sizes():
    table = blobs_table(k=2)
    Ws = (np.full((2, 3), 0.1), np.full((3, 1), -0.2))
    bs = (np.zeros(3), np.array([0.3]))
    config = TrainConfig(dataset="csv", table=table, hidden_sizes=(3,), start=GivenWeights(Ws, bs))
    run = start_run(config)
    for mine, given in zip(run.initial.Ws + run.initial.bs, Ws + bs, strict=True):
        np.testing.assert_array_equal(mine, given)
    with pytest.raises(ValueError, match=r"start: the weights are for layer sizes \(2, 3, 1\); this run's network "
                                         r"has \(2, 4, 1\)"):
        start_run(replace(config, hidden_sizes=(4,)))
    with pytest.raises(ValueError, match="needs its table"):
        start_run(TrainConfig(dataset="csv"))


def test_scaling_fits_and_inverts():
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    s = Scaling.fit(X, np.array([[10.0], [20.0]]))
    np.testing.assert_array_equal(s.inputs(X), [[-1.0, 0.0], [1.0, 0.0]])  # a constant column is only centred
    np.testing.assert_array_equal(s.outputs(s.targets([[10.0], [20.0]])), [[10.0], [20.0]])
