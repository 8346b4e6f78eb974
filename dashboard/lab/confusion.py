"""The lab's per-class view of a classifier: its confusion matrix as a heatmap with the count in every cell, and the
same counts and each class's accuracy as tables. Pure builders (backprop.metrics computes the numbers)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from backprop.metrics import class_accuracy
from dashboard.figures import DIVERGING, base_layout

#: Counts from none (white) to the most (dark blue): the blue half of the app's RdBu scale, colour-blind safe.
COUNTS = [[0.0, DIVERGING[5][1]], [0.5, DIVERGING[2][1]], [1.0, DIVERGING[0][1]]]


def class_names(label_values: Sequence[float], K: int) -> list[str]:
    """'class 0', … or, for a learner's table, the labels as they were written ('class 3' for label 3)."""
    values = list(label_values) or list(range(K))
    return [f"class {int(v) if float(v).is_integer() else v}" for v in values]


def confusion_figure(counts: np.ndarray, *, title: str, names: Sequence[str]) -> go.Figure:
    """counts (K, K), rows the true class and columns the predicted one, with each count printed in its cell."""
    counts = np.asarray(counts)
    K = counts.shape[0]
    text = [[str(int(v)) for v in row] for row in counts]
    heat = go.Heatmap(z=counts, x=list(names), y=list(names), text=text, texttemplate="%{text}",
                      textfont={"size": 18}, colorscale=COUNTS, zmin=0, zmax=max(int(counts.max()), 1), xgap=2, ygap=2,
                      colorbar={"thickness": 12, "title": {"text": "samples"}},
                      hovertemplate="true %{y}, predicted %{x}: %{z} samples<extra></extra>")
    return go.Figure(heat, layout=base_layout(
        title, 150 + 60 * K, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": "predicted class", "type": "category", "side": "bottom", "fixedrange": True},
        yaxis={"title": "true class", "type": "category", "autorange": "reversed", "fixedrange": True}))


def confusion_frame(counts: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
    """The confusion matrix as a table: a row per true class, a column per predicted one, and the row's total."""
    frame = pd.DataFrame(np.asarray(counts, dtype=int), columns=[f"predicted {n}" for n in names])
    frame.insert(0, "true class", list(names))
    frame["samples"] = frame.iloc[:, 1:].sum(axis=1)
    return frame


def accuracy_frame(train: np.ndarray, test: np.ndarray | None, names: Sequence[str]) -> pd.DataFrame:
    """Each class's accuracy (the share of its samples classified right) on the training and the test samples, with
    the counts behind it ("—" for a class without samples)."""
    rows = []
    for k, name in enumerate(names):
        row = {"class": name}
        for which, counts in (("training", train), ("test", test)):
            if counts is None:
                continue
            acc = class_accuracy(counts)[k]
            size = int(counts[k].sum())
            row[f"{which} accuracy"] = "—" if np.isnan(acc) else f"{acc:.0%} ({int(counts[k, k])} of {size})"
        rows.append(row)
    return pd.DataFrame(rows)
