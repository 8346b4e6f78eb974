"""Tests of dashboard.demos: the sentence that reads a deep stack's gradient norms."""
import numpy as np

from backprop import deep


def test_the_exploding_sentence_quotes_the_number_that_exploded():
    """relu at scale 2, 10 layers: every layer's norm is large, yet the first is below the last; the sentence
    must not leave the reader with only "0.32 × the output layer's" as the reason for "exploding"."""
    from dashboard.demos import norms_reading_text
    from dashboard.numbers import short

    reading = deep.read_norms(deep.deep_gradient_norms(10, 16, "relu", 2.0, seed=0))
    assert reading.verdict == "exploding" and reading.ratio < 1e2 and reading.largest > 1e3
    text = norms_reading_text(reading, "relu")
    assert f"the largest layer's gradient norm is {short(reading.largest, 2)}" in text
    steep = deep.read_norms(np.array([1e3, 1.0]))
    assert norms_reading_text(steep, "relu").startswith("The first layer's gradient is 1e3 × the output layer's. "
                                                       "It is exploding. Try")
