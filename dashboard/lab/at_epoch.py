"""What the training lab draws about one kept epoch of a run, below the player: the backward pass (every layer's
gradient norm, and one layer's W, ∂L/∂W and δ) and, for a classifier, the confusion matrices. Pure builders: the
numbers come from backprop, the figures from dashboard.figures, dashboard.lab.plots and dashboard.lab.confusion.

The lab's session builds each once per run, epoch and layer and shares it with every session showing it (a class
opening the lab together asks for the same one), so nothing may change what these return: the figures are
dashboard.figures.SharedFigure, sent without a copy per session."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

import backprop as bp
from backprop.metrics import confusion_matrix, predicted_classes
from dashboard import claims, figures, tables
from dashboard.lab import confusion, plots

#: The norms chart's height in pixels.
NORMS_HEIGHT = 300


def gradients(run: bp.runs.Run, epoch: int) -> bp.network.LayerGradients:
    """One backward pass through the network kept at ``epoch``, on the training samples (loss, dWs, dbs, deltas)."""
    net = run.network_at(epoch)
    return bp.network_gradients(net, run.data.X, run.targets(run.data), run.config.loss, l2=run.config.l2)


def layer_names(depth: int) -> dict[int, str]:
    """The segmented control's name for each layer l = 1 … depth: "hidden layer 1 (W1)", …, "output layer (WL)"."""
    return {l: ("output layer" if l == depth else f"hidden layer {l}") + f" (W{l})" for l in range(1, depth + 1)}


@dataclass(frozen=True, eq=False)
class Norms:
    """Every layer's gradient norm at one epoch: the chart, its numbers as a table, and the caption that says why a
    layer has no dot (empty when every norm is drawn)."""

    figure: go.Figure
    table: pd.DataFrame
    caption: str


def norms(grads: bp.network.LayerGradients, epoch: int) -> Norms:
    """The norms view of ``grads`` (the backward pass at ``epoch``)."""
    fig = figures.layer_norms_figure(grads.norms, title=f"Gradient norm ‖∂L/∂W‖ of each layer at epoch {epoch}")
    fig.layout.height = NORMS_HEIGHT
    return Norms(figures.shared(fig), tables.layer_norms_frame(grads.norms),
                 claims.undrawn_norms_caption(grads.norms, epoch))


@dataclass(frozen=True, eq=False)
class Layer:
    """One layer's matrices at one epoch as heatmaps: W_l, ∂L/∂W_l, and δ_lᵀ (one row per unit, one column per
    training sample)."""

    W: go.Figure
    dW: go.Figure
    delta: go.Figure


def layer(run: bp.runs.Run, grads: bp.network.LayerGradients, epoch: int, l: int) -> Layer:
    """Layer ``l`` (1 … L) of the network kept at ``epoch``, with ``grads`` the backward pass there."""
    depth = len(grads.dWs)
    if not 1 <= l <= depth:
        raise ValueError(f"l: layer {l} of a network with {depth} layers (1 … {depth})")
    net = run.network_at(epoch)
    below = "input" if l == 1 else f"hidden {l - 1} unit"
    here = "output" if l == depth else f"hidden {l} unit"
    W = figures.matrix_heatmap(net.Ws[l - 1], title=f"W{l} at epoch {epoch}", row_name=below, col_name=here,
                               symbol=f"W{l}", compact=True)
    dW = figures.matrix_heatmap(grads.dWs[l - 1], title=f"∂L/∂W{l}", row_name=below, col_name=here,
                                symbol=f"∂L/∂W{l}", compact=True)
    delta = plots.delta_heatmap(grads.deltas[l - 1], layer=l, unit_name=here)
    return Layer(figures.shared(W), figures.shared(dW), figures.shared(delta))


@dataclass(frozen=True, eq=False)
class PerClass:
    """A classifier's confusion matrices at one epoch, by part ("training", and "test" when samples are held out):
    each as a heatmap and a table, and every class's accuracy in one table."""

    figures: dict[str, go.Figure]
    tables: dict[str, pd.DataFrame]
    accuracy: pd.DataFrame


def per_class(run: bp.runs.Run, epoch: int) -> PerClass | None:
    """The confusion view of the network kept at ``epoch``; None when the run is not a classifier."""
    K = run.config.classes
    if K is None:
        return None
    net = run.network_at(epoch)
    names = confusion.class_names(run.config.table.label_values if run.config.table is not None else (), K)
    counts = {}
    for which, part in (("training", run.data), ("test", run.test)):
        if part is not None:
            counts[which] = confusion_matrix(part.labels, predicted_classes(bp.predict(net, part.X)), K)
    return PerClass(
        {which: figures.shared(confusion.confusion_figure(c, title=f"Confusion matrix, {which} samples",
                                                          names=names)) for which, c in counts.items()},
        {which: confusion.confusion_frame(c, names) for which, c in counts.items()},
        confusion.accuracy_frame(counts["training"], counts.get("test"), names))
