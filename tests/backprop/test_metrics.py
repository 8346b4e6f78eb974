"""Tests of backprop.metrics: predicted classes, the confusion matrix and per-class accuracy."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop.metrics import class_accuracy, confusion_matrix, predicted_classes


def test_predicted_classes_count_as_the_labs_accuracy_does():
    np.testing.assert_array_equal(predicted_classes([[0.2], [0.5], [0.9]]), [0, 1, 1])
    np.testing.assert_array_equal(predicted_classes([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]), [1, 0])


@given(st.integers(2, 5).flatmap(lambda k: st.tuples(st.just(k), st.lists(
    st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), min_size=1, max_size=50))))
def test_the_confusion_matrix_counts_every_sample_once(case):
    k, pairs = case
    labels, predicted = (np.array(v) for v in zip(*pairs, strict=True))
    counts = confusion_matrix(labels, predicted, k)
    assert counts.sum() == len(pairs)
    np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(labels, minlength=k))
    assert np.trace(counts) == np.count_nonzero(labels == predicted)
    acc = class_accuracy(counts)
    for c in range(k):
        mine = labels == c
        assert np.isnan(acc[c]) if not mine.any() else acc[c] == np.mean(predicted[mine] == c)


def test_confusion_matrix_refuses_labels_outside_its_classes():
    with pytest.raises(ValueError, match="from 0 to 1"):
        confusion_matrix(np.array([0, 2]), np.array([0, 1]), 2)
