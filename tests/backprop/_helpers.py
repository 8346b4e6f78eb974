"""Helpers shared by the tests of several backprop modules. Numpy only, like everything under tests/backprop."""
import numpy as np

import backprop as bp
from backprop.runs import TrainConfig


def random_problem(N=3, D=2, H=3, C=2, seed=0):
    g = np.random.default_rng(seed)
    params = bp.Params(g.normal(size=(D, H)), g.normal(size=H), g.normal(size=(H, C)), g.normal(size=C))
    return params, g.normal(size=(N, D)), g.uniform(size=(N, C))


CONFIGS = {
    "default": TrainConfig(),
    "deep adam minibatch": TrainConfig(hidden_sizes=(8, 6), optimizer="adam", lr=0.01, batch_size=16, epochs=60),
    "softmax momentum l2": TrainConfig(dataset="blobs", n_classes=3, output="softmax", loss="ce", optimizer="momentum",
                                       lr=0.1, l2=0.001, epochs=40),
    "regression diverges": TrainConfig(dataset="surface", noise=0.1, output="identity", loss="mse", init_scale=None,
                                       lr=2.0, epochs=300),
    "assignment": TrainConfig(dataset="assignment", test_ratio=0.0, hidden_sizes=(2,), hidden="sigmoid", loss="mse",
                              lr=2.0, epochs=50),
}
