"""Toy 2-D classification sets, generated with numpy's seeded RNG (no scikit-learn).

Every maker returns a Dataset with X (N, 2) and y (N, 1) of 0/1 labels, about half of each class.
The same (n_samples, noise, seed) always gives the same points.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from backprop._checks import finite_float, positive_int, seed_value


@dataclass(frozen=True, eq=False)
class Dataset:
    """A named set of samples: X (N, D) inputs and y (N, C) targets."""

    name: str
    X: np.ndarray
    y: np.ndarray

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]


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


def spirals(n_samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms, one turn and a half each, scaled into [−1, 1]²."""
    rng = np.random.default_rng(seed)
    n0, n1 = _split(n_samples)
    arms = []
    for label, n in ((0, n0), (1, n1)):
        t = np.linspace(0.25, 3 * np.pi, n)
        angle = t + label * np.pi
        arms.append(np.column_stack([t * np.cos(angle), t * np.sin(angle)]) / (3 * np.pi))
    X = np.vstack(arms) + noise * rng.standard_normal((n0 + n1, 2))
    return X, _labels(n0, n1)


DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "xor": xor,
    "moons": moons,
    "circles": circles,
    "spirals": spirals,
}


def make_dataset(name: str, n_samples: int = 200, noise: float = 0.2, seed: int = 0) -> Dataset:
    """The toy set called ``name`` (xor, moons, circles, spirals) as a Dataset: X (N, 2), y (N, 1)."""
    try:
        maker = DATASETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}") from None
    n = positive_int("n_samples", n_samples)
    if n < 4:
        raise ValueError(f"n_samples must be at least 4 so that every class appears; got {n}")
    noise = finite_float("noise", noise, minimum=0.0)
    X, y = maker(n, noise, seed_value("seed", seed))
    return Dataset(name, X, y)
