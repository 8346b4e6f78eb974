"""Toy 2-D data sets, generated with numpy's seeded RNG (no scikit-learn).

Classification sets (DATASETS): X (N, 2) and integer class labels, about as many of each class. With
two classes (XOR, moons, circles, and spirals and blobs by default) the Dataset's y is an (N, 1) column
of 0/1, for a sigmoid output; spirals and blobs take n_classes from 2 to 5, and then y is one-hot
(N, K), for a softmax output. A regression set (REGRESSION) has a real-valued y (N, 1). The same
(n_samples, noise, seed) always gives the same points.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop._checks import finite_float, positive_int, seed_value


@dataclass(frozen=True, eq=False)
class Dataset:
    """A named set of samples: X (N, D) inputs and y (N, C) targets.

    labels: (N,) integer classes 0 … K−1 for a classification set, None for regression.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None = None

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_classes(self) -> int | None:
        return None if self.labels is None else int(self.labels.max()) + 1

    def take(self, rows: np.ndarray) -> Dataset:
        """The samples at ``rows`` (an index array), in that order."""
        return Dataset(self.name, self.X[rows], self.y[rows], None if self.labels is None else self.labels[rows])

    def split(self, test_ratio: float, seed: int = 0) -> tuple[Dataset, Dataset]:
        """(train, test): a seeded shuffle, with round(test_ratio·N) samples held out for testing.

        test_ratio from 0 (nothing held out: test is empty) to 0.9; at least one sample stays for training.
        """
        ratio = finite_float("test_ratio", test_ratio, minimum=0.0)
        if ratio > 0.9:
            raise ValueError(f"test_ratio must be at most 0.9; got {ratio}")
        order = np.random.default_rng(seed_value("seed", seed)).permutation(self.n_samples)
        n_test = min(int(round(ratio * self.n_samples)), self.n_samples - 1)
        return self.take(np.sort(order[n_test:])), self.take(np.sort(order[:n_test]))


def _split(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def _labels(n0: int, n1: int) -> np.ndarray:
    return np.concatenate([np.zeros(n0), np.ones(n1)]).reshape(-1, 1)


def xor(n_samples: int = 200, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four clusters at the corners (±1, ±1); label 1 where the signs differ (x₁·x₂ < 0)."""
    rng = np.random.default_rng(seed)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    which = np.arange(n_samples) % 4
    X = corners[which] + noise * rng.standard_normal((n_samples, 2))
    y = (which >= 2).astype(np.float64).reshape(-1, 1)
    return X, y


def moons(n_samples: int = 200, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, centred on the origin."""
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples)
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) - np.array([0.5, 0.25])
    X += noise * rng.standard_normal(X.shape)
    return X, _labels(n0, n1)


def circles(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A ring of radius 1 (label 0) around a ring of radius 0.5 (label 1)."""
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples)
    t0 = np.linspace(0.0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * np.pi, n1, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = 0.5 * np.column_stack([np.cos(t1), np.sin(t1)])
    X = np.vstack([outer, inner]) + noise * rng.standard_normal((n0 + n1, 2))
    return X, _labels(n0, n1)


def _counts(n: int, k: int) -> list[int]:
    """n samples shared among k classes as evenly as possible (the last classes take the remainder)."""
    return [n // k + (1 if c >= k - n % k else 0) for c in range(k)]


def spirals(n_samples: int = 200, noise: float = 0.1, seed: int = 0, n_classes: int = 2,
            ) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms, one turn and a half each, scaled into [−1, 1]²; labels (N,)."""
    rng = np.random.default_rng(seed)
    arms, labels = [], []
    for label, n in enumerate(_counts(n_samples, n_classes)):
        t = np.linspace(0.25, 3 * np.pi, n)
        angle = t + label * 2 * np.pi / n_classes
        arms.append(np.column_stack([t * np.cos(angle), t * np.sin(angle)]) / (3 * np.pi))
        labels.append(np.full(n, label))
    X = np.vstack(arms) + noise * rng.standard_normal((n_samples, 2))
    return X, np.concatenate(labels)


def blobs(n_samples: int = 200, noise: float = 0.2, seed: int = 0, n_classes: int = 2,
          ) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` round clusters with centres evenly spaced on a circle of radius 1; labels (N,).

    noise is the standard deviation of each cluster around its centre.
    """
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes + np.pi / 4
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    labels = np.concatenate([np.full(n, c) for c, n in enumerate(_counts(n_samples, n_classes))])
    X = centres[labels] + noise * rng.standard_normal((n_samples, 2))
    return X, labels


def surface(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A regression target over the square [−1, 1]²: y = sin(πx₁)·cos(πx₂/2) plus noise; y (N, 1)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1] / 2) + noise * rng.standard_normal(n_samples)
    return X, y.reshape(-1, 1)


#: Classification sets: maker(n_samples, noise, seed[, n_classes]) → (X (N, 2), labels).
DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "xor": xor,
    "moons": moons,
    "circles": circles,
    "spirals": spirals,
    "blobs": blobs,
}
#: The sets that take n_classes (2 to MAX_CLASSES).
MULTICLASS = ("spirals", "blobs")
MAX_CLASSES = 5
#: Regression sets: maker(n_samples, noise, seed) → (X (N, 2), y (N, 1)).
REGRESSION: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {"surface": surface}


def make_dataset(name: str, n_samples: int = 200, noise: float = 0.2, seed: int = 0, n_classes: int = 2) -> Dataset:
    """The toy set called ``name`` as a Dataset: X (N, 2) and y, with labels for classification sets.

    - name: xor, moons, circles, spirals, blobs (DATASETS) or surface (REGRESSION)
    - n_classes: 2 to 5 for spirals and blobs (y is then one-hot (N, K) when K > 2); 2 for the others
    """
    if name in REGRESSION:
        maker = REGRESSION[name]
    else:
        try:
            maker = DATASETS[name]
        except (KeyError, TypeError):
            known = ", ".join([*DATASETS, *REGRESSION])
            raise ValueError(f"unknown dataset {name!r}; choose one of: {known}") from None
    n = positive_int("n_samples", n_samples)
    k = positive_int("n_classes", n_classes)
    if name in MULTICLASS:
        if not 2 <= k <= MAX_CLASSES:
            raise ValueError(f"n_classes must be from 2 to {MAX_CLASSES}; got {k}")
    elif k != 2:
        raise ValueError(f"{name} has two classes (or is a regression set): n_classes must be 2; got {k}")
    if n < 2 * k:
        raise ValueError(f"n_samples must be at least {2 * k} so that every class appears; got {n}")
    noise = finite_float("noise", noise, minimum=0.0)
    seed = seed_value("seed", seed)
    if name in REGRESSION:
        X, y = maker(n, noise, seed)
        return Dataset(name, X, y)
    X, labels = maker(n, noise, seed, k) if name in MULTICLASS else maker(n, noise, seed)
    labels = np.asarray(labels).reshape(-1).astype(np.intp)
    y = labels.astype(np.float64).reshape(-1, 1) if k == 2 else np.eye(k)[labels]
    return Dataset(name, X, y, labels)
