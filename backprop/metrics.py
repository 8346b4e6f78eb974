"""How a classifier's answers fall per class: the predicted class of each output row, the confusion matrix and each
class's accuracy. Labels (N,) are integers 0 … K−1; outputs A (N, C) are a network's (C = 1 for a sigmoid's
P(class 1), C = K for a softmax)."""
from __future__ import annotations

import numpy as np

from backprop._checks import as_matrix, positive_int


def predicted_classes(A) -> np.ndarray:
    """The class each row of outputs A (N, C) stands for: (A ≥ ½) for one sigmoid output, else the largest output
    (argmax). The lab's accuracy counts the same way. Returns (N,) integers."""
    A = as_matrix("A", A)
    return (A[:, 0] >= 0.5).astype(np.intp) if A.shape[1] == 1 else A.argmax(axis=1).astype(np.intp)


def confusion_matrix(labels, predicted, K: int) -> np.ndarray:
    """counts[i, j]: how many samples of true class i were predicted as class j.

    - labels, predicted: (N,) integers 0 … K−1; K: the number of classes
    Returns (K, K) integers; row sums are the classes' sizes, the diagonal the samples classified right.
    """
    K = positive_int("K", K)
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if labels.shape != predicted.shape or labels.ndim != 1:
        raise ValueError(f"labels and predicted must be (N,) of one length; got {labels.shape} and {predicted.shape}")
    for name, v in (("labels", labels), ("predicted", predicted)):
        if v.size and (not np.issubdtype(v.dtype, np.integer) or v.min() < 0 or v.max() >= K):
            raise ValueError(f"{name} must be whole numbers from 0 to {K - 1}; got values from {v.min()} to {v.max()}")
    counts = np.zeros((K, K), dtype=np.intp)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def class_accuracy(counts) -> np.ndarray:
    """Each true class's share classified right: diag / row sum (K,); NaN for a class without samples."""
    counts = np.asarray(counts)
    sizes = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sizes > 0, np.diag(counts) / np.maximum(sizes, 1), np.nan)
