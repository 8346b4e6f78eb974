"""Tests of backprop.datasets: shapes, balance, reproducibility, multi-class labels, regression targets, bad input."""
import numpy as np
import pytest

import backprop as bp


@pytest.mark.parametrize("name", sorted(bp.DATASETS))
def test_shapes_balance_and_reproducibility(name):
    data = bp.make_dataset(name, n_samples=101, noise=0.1, seed=3)
    assert data.X.shape == (101, 2) and data.y.shape == (101, 1)
    assert set(np.unique(data.y)) == {0.0, 1.0}
    assert abs(data.y.mean() - 0.5) < 0.02
    again = bp.make_dataset(name, n_samples=101, noise=0.1, seed=3)
    np.testing.assert_array_equal(data.X, again.X)
    other = bp.make_dataset(name, n_samples=101, noise=0.1, seed=4)
    assert not np.array_equal(data.X, other.X)


@pytest.mark.parametrize("name", sorted(bp.DATASETS))
def test_noise_moves_points(name):
    clean = bp.make_dataset(name, 40, noise=0.0, seed=0)
    noisy = bp.make_dataset(name, 40, noise=0.3, seed=0)
    spread = np.abs(noisy.X - clean.X).mean()
    assert 0.1 < spread < 0.5


def test_xor_labels_follow_the_signs():
    data = bp.make_dataset("xor", 200, noise=0.0, seed=0)
    np.testing.assert_array_equal(data.y[:, 0], (data.X[:, 0] * data.X[:, 1] < 0).astype(float))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name="swirl"), "unknown dataset 'swirl'"),
        (dict(name="xor", n_samples=0), "n_samples must be positive"),
        (dict(name="xor", n_samples=3), "at least 4"),
        (dict(name="xor", noise=-0.1), "noise must be at least 0"),
        (dict(name="xor", noise=float("nan")), "noise must be a finite number"),
        (dict(name="xor", seed=-1), "seed must be a non-negative whole number"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bp.make_dataset(**kwargs)


@pytest.mark.parametrize("name", sorted(bp.datasets.MULTICLASS))
@pytest.mark.parametrize("k", [2, 3, 5])
def test_multiclass_sets_have_balanced_integer_labels(name, k):
    data = bp.make_dataset(name, 100, 0.1, seed=0, n_classes=k)
    assert data.labels.dtype.kind == "i" and set(data.labels) == set(range(k))
    assert np.bincount(data.labels).max() - np.bincount(data.labels).min() <= 1
    assert data.n_classes == k
    assert data.y.shape == ((100, 1) if k == 2 else (100, k))


def test_the_regression_surface_has_real_targets():
    data = bp.make_dataset("surface", 50, 0.0, seed=0)
    assert data.labels is None and data.y.shape == (50, 1)
    np.testing.assert_allclose(data.y[:, 0], np.sin(np.pi * data.X[:, 0]) * np.cos(np.pi * data.X[:, 1] / 2))
