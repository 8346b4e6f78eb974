"""Tests of backprop.export: a network written as JSON (backprop-network/1) loads back to the same numbers and
predictions."""
import json

import numpy as np
import pytest

import backprop as bp
from backprop.export import NETWORK_SCHEMA, load_network, network_json, predict_raw
from backprop.given import Scaling


def test_a_network_round_trips_exactly_with_its_scaling():
    net = bp.init_network((2, 5, 3, 4), hidden="tanh", output="softmax", seed=3)
    scaling = Scaling.fit(np.random.default_rng(0).normal(5, 3, (30, 2)))
    text = network_json(net, loss="ce", scaling=scaling, classes=4, label_values=(1, 2, 3, 7), columns=("a", "b", "c"))
    doc = json.loads(text)
    assert doc["schema"] == NETWORK_SCHEMA and doc["layer_sizes"] == [2, 5, 3, 4]
    assert (doc["hidden"], doc["output"], doc["loss"], doc["classes"]) == ("tanh", "softmax", "ce", 4)
    back, back_scaling, _ = load_network(text)
    for a, b in zip(net.Ws + net.bs, back.Ws + back.bs, strict=True):
        np.testing.assert_array_equal(a, b)
    X = np.random.default_rng(1).normal(5, 3, (7, 2))
    np.testing.assert_array_equal(predict_raw(back, back_scaling, X), predict_raw(net, scaling, X))
    np.testing.assert_array_equal(predict_raw(net, None, X), bp.predict(net, X))


def test_a_file_of_another_kind_is_refused_by_name():
    with pytest.raises(ValueError, match="schema must be 'backprop-network/1'"):
        load_network('{"schema": "backprop-training-run/1"}')
    with pytest.raises(ValueError, match="not JSON"):
        load_network("W1 = 3")
