"""What a learner brings to the lab instead of its toy sets and seeded weights: their own data (GivenData), their
own starting weights (GivenWeights), and the standardisation the lab puts between raw data and the network (Scaling).

GivenData and GivenWeights are parts of a TrainConfig (backprop.runs), so they compare and hash by content (a
SHA-256 digest of their numbers) rather than by identity: equal data gives the same run and the same cache entry.
Shapes: X (N, D); class labels (N,) integers 0 … K−1; targets (N, C); W_l (sizes[l−1], sizes[l]), b_l (sizes[l],).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from backprop._checks import as_bias, as_matrix, check_inner
from backprop.datasets import MAX_CLASSES, Dataset

#: What the last column of a table means: class labels, a real number to fit, or targets between 0 and 1 for a
#: sigmoid output (the problem pages' examples, which have no classes).
KINDS = ("classes", "regression", "targets")


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr)
    arr.setflags(write=False)
    return arr


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(str(part.shape).encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"|")
    return h.hexdigest()


@dataclass(frozen=True, eq=False)
class GivenData:
    """A learner's table (equal to another with the same numbers, whatever its name): inputs X (N, D) and, per
    ``kind``, class labels (N,) (0 … K−1, K from 2 to MAX_CLASSES), a regression target (N, 1), or targets (N, C)
    between 0 and 1.

    - name: where it came from ("my_data.csv", "Problem 5's example"); columns: the names of X's columns and of
      the target's (D + 1 for classes and regression, D + C for targets)
    - label_values: for classes, the label each class stood for in the file (class k was label_values[k])
    - standardise: whether the lab standardises the inputs (and a regression target) before training (Scaling)
    """

    name: str
    kind: str
    X: np.ndarray
    values: np.ndarray
    columns: tuple[str, ...]
    label_values: tuple[float, ...] = ()
    standardise: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {self.kind!r}")
        X = as_matrix("X", self.X)
        if self.kind == "classes":
            labels = np.asarray(self.values)
            if labels.shape != (X.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
                raise ValueError(f"values: class labels must be whole numbers of shape ({X.shape[0]},); got shape "
                                 f"{labels.shape}, dtype {labels.dtype}")
            k = len(np.unique(labels))
            if not 2 <= k <= MAX_CLASSES or labels.min() != 0 or labels.max() != k - 1:
                raise ValueError(f"values: the labels must be the classes 0 … K−1 with K from 2 to {MAX_CLASSES}; "
                                 f"got {sorted(set(labels.tolist()))[:8]}")
            values = labels.astype(np.intp)
            if len(self.label_values) != k:
                raise ValueError(f"label_values: one per class ({k}); got {len(self.label_values)}")
        else:
            values = as_matrix("values", self.values)
            if values.shape[0] != X.shape[0] or (self.kind == "regression" and values.shape[1] != 1):
                raise ValueError(f"values has shape {values.shape}; X has {X.shape[0]} rows, and a regression "
                                 "target is one column")
        width = X.shape[1] + (1 if self.kind == "classes" else values.shape[1])
        if len(self.columns) != width:
            raise ValueError(f"columns: {width} names needed (inputs, then targets); got {len(self.columns)}")
        object.__setattr__(self, "X", _frozen(X))
        object.__setattr__(self, "values", _frozen(values))
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
        object.__setattr__(self, "label_values", tuple(float(v) for v in self.label_values))
        # the name is not part of what a run trains on: the same table through a link is the same run
        object.__setattr__(self, "digest", _digest(self.kind, self.X, self.values, self.columns, self.label_values,
                                                   self.standardise))

    def __eq__(self, other) -> bool:
        return isinstance(other, GivenData) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __reduce__(self):  # pickled (st.cache_data) without the derived digest, which __post_init__ makes again
        return (GivenData, (self.name, self.kind, np.array(self.X), np.array(self.values), self.columns,
                            self.label_values, self.standardise))

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_classes(self) -> int | None:
        """K for classes, else None."""
        return len(self.label_values) if self.kind == "classes" else None

    def dataset(self) -> Dataset:
        """The table as the Dataset a run trains on (unscaled): y is a 0/1 column for 2 classes, one-hot (N, K) for
        more, the target column(s) otherwise."""
        if self.kind != "classes":
            return Dataset(self.name, np.array(self.X), np.array(self.values, dtype=np.float64))
        k = self.n_classes
        labels = np.array(self.values)
        y = labels.astype(np.float64).reshape(-1, 1) if k == 2 else np.eye(k)[labels]
        return Dataset(self.name, np.array(self.X), y, labels)


@dataclass(frozen=True, eq=False)
class GivenWeights:
    """Starting weights for a run: Ws (W1, …, WL) and bs (b1, …, bL), W_l (sizes[l−1], sizes[l]), b_l (sizes[l],).
    Compared and hashed by content."""

    Ws: tuple[np.ndarray, ...]
    bs: tuple[np.ndarray, ...]

    def __post_init__(self):
        if not self.Ws or len(self.Ws) != len(self.bs):
            raise ValueError(f"one bias per weight matrix, at least one layer; got {len(self.Ws)} and {len(self.bs)}")
        Ws = [as_matrix(f"W{l}", W) for l, W in enumerate(self.Ws, start=1)]
        for l in range(1, len(Ws)):
            check_inner(f"W{l}", Ws[l - 1], f"W{l + 1}", Ws[l])
        bs = [as_bias(f"b{l}", b, W.shape[1], against=f"W{l} has {W.shape[1]} columns")
              for l, (W, b) in enumerate(zip(Ws, self.bs, strict=True), start=1)]
        object.__setattr__(self, "Ws", tuple(_frozen(np.asarray(W, dtype=np.float64)) for W in Ws))
        object.__setattr__(self, "bs", tuple(_frozen(np.asarray(b, dtype=np.float64)) for b in bs))
        object.__setattr__(self, "digest", _digest(*self.Ws, *self.bs))

    def __eq__(self, other) -> bool:
        return isinstance(other, GivenWeights) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __reduce__(self):
        return (GivenWeights, (tuple(np.array(W) for W in self.Ws), tuple(np.array(b) for b in self.bs)))

    @property
    def sizes(self) -> tuple[int, ...]:
        """(D, H1, …, C)."""
        return (self.Ws[0].shape[0], *(W.shape[1] for W in self.Ws))


@dataclass(frozen=True, eq=False)
class Scaling:
    """The standardisation between raw data and the network: x ↦ (x − x_mean) / x_std for the inputs, and for a
    regression target y ↦ (y − y_mean) / y_std (the network predicts the standardised target; y_mean and y_std are
    None when the target is not scaled). Means and stds (D,) and (C,), fitted on the training samples only."""

    x_mean: np.ndarray
    x_std: np.ndarray
    y_mean: np.ndarray | None = None
    y_std: np.ndarray | None = None

    @staticmethod
    def fit(X: np.ndarray, y: np.ndarray | None = None) -> Scaling:
        """The Scaling of training inputs X (N, D) (and of a regression target y (N, C)); a column that does not
        vary keeps std 1, so that it is only centred."""
        def stats(A):
            A = np.asarray(A, dtype=np.float64)
            std = A.std(axis=0)
            return _frozen(A.mean(axis=0)), _frozen(np.where(std > 0, std, 1.0))

        x_mean, x_std = stats(X)
        y_mean, y_std = stats(y) if y is not None else (None, None)
        return Scaling(x_mean, x_std, y_mean, y_std)

    def inputs(self, X) -> np.ndarray:
        """Raw inputs (N, D) → what the network reads."""
        return (np.asarray(X, dtype=np.float64) - self.x_mean) / self.x_std

    def targets(self, y) -> np.ndarray:
        """A raw regression target (N, C) → what the network is trained towards (unchanged when not scaled)."""
        y = np.asarray(y, dtype=np.float64)
        return y if self.y_mean is None else (y - self.y_mean) / self.y_std

    def outputs(self, A) -> np.ndarray:
        """The network's outputs (N, C) → the target's units (unchanged when the target is not scaled)."""
        A = np.asarray(A, dtype=np.float64)
        return A if self.y_mean is None else A * self.y_std + self.y_mean

    def as_dict(self) -> dict:
        """For JSON: {"inputs": {"mean", "std"}, "target": {"mean", "std"} or None}."""
        target = None if self.y_mean is None else {"mean": self.y_mean.tolist(), "std": self.y_std.tolist()}
        return {"inputs": {"mean": self.x_mean.tolist(), "std": self.x_std.tolist()}, "target": target}
