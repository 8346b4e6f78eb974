"""A problem page's example as a lab run ("Train this network"): its X and targets y as the data, its W1, b1, W2 and
b2 as the starting weights, its loss and η, sigmoid units and plain full-batch gradient descent, so that the lab's
first update is Problem 5's step in the consistent mode. Pure: the page's button hands the result to the lab's
session."""
from __future__ import annotations

from backprop.assignment import Inputs
from backprop.given import GivenData, GivenWeights
from backprop.runs import TrainConfig

#: How long the lab trains an example unless told otherwise: 100 epochs keep a snapshot each (runs.TrainConfig's 101
#: snapshots), so that the player's Step goes one update at a time and its first lands on Problem 5's step. The
#: lab's Epochs control trains longer.
EPOCHS = 100


def example_table(inputs: Inputs, page: str) -> GivenData:
    """The example's samples: X (N, D) and targets y (N, C), used as they are (not standardised)."""
    D, C = inputs.X.shape[1], inputs.y.shape[1]
    return GivenData(f"the example of /{page}", "targets", inputs.X, inputs.y,
                     tuple(f"x{j + 1}" for j in range(D)) + tuple(f"y{j + 1}" for j in range(C)), standardise=False)


def example_config(inputs: Inputs, lr: float, loss: str, page: str, epochs: int = EPOCHS) -> TrainConfig:
    """The lab run of the example in ``inputs`` (the network W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)), trained with
    ``loss`` ("mse" or "bce") and learning rate ``lr`` for ``epochs`` epochs."""
    return TrainConfig(
        dataset="example", table=example_table(inputs, page), test_ratio=0.0,
        hidden_sizes=(inputs.W1.shape[1],), hidden="sigmoid", output="sigmoid", loss=loss,
        start=GivenWeights((inputs.W1, inputs.W2), (inputs.b1, inputs.b2)), init_scale=None,
        optimizer="sgd", lr=lr, batch_size=None, l2=0.0, epochs=epochs)
