"""A page's numbers and worked solution as downloadable files: CSV, JSON and Markdown with LaTeX.

Pure functions; the files parse back to exactly the numbers on the page (floats written with repr
precision).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence

import numpy as np

from dashboard.latex import Step


def numbers_json(numbers: Mapping[str, np.ndarray], **meta) -> str:
    """{"meta": {...}, "matrices": {name: [[...], ...]}}; 1-D arrays are written as one row."""
    matrices = {name: np.atleast_2d(np.asarray(M, dtype=np.float64)).tolist() for name, M in numbers.items()}
    return json.dumps({"meta": meta, "matrices": matrices}, indent=2)


def numbers_csv(numbers: Mapping[str, np.ndarray]) -> str:
    """Long format, one entry per line: matrix,row,column,value (rows and columns 1-based)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["matrix", "row", "column", "value"])
    for name, M in numbers.items():
        M = np.atleast_2d(np.asarray(M, dtype=np.float64))
        for (r, c), value in np.ndenumerate(M):
            writer.writerow([name, r + 1, c + 1, repr(float(value))])
    return out.getvalue()


def steps_markdown(title: str, steps: Sequence[Step], preamble: str = "") -> str:
    """The worked solution as Markdown: a heading per step, display math in $$ … $$, the note beneath."""
    lines = [f"# {title}", ""]
    if preamble:
        lines += [preamble, ""]
    for i, step in enumerate(steps, start=1):
        lines += [f"## Step {i}: {step.title}", ""]
        for eq in step.equations:
            lines += ["$$", eq, "$$", ""]
        if step.note:
            lines += [step.note, ""]
    return "\n".join(lines)


def history_csv(history) -> str:
    """A training History as CSV: epoch, loss, the gradient norms per layer and, if any, accuracy."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    layers = list(history.grad_norms)
    header = ["epoch", "loss", *[f"grad_norm_{name}" for name in layers]]
    if history.accuracies is not None:
        header.append("accuracy")
    writer.writerow(header)
    for e in range(history.epochs_run):
        row = [e, repr(float(history.losses[e])), *[repr(float(history.grad_norms[n][e])) for n in layers]]
        if history.accuracies is not None:
            row.append(repr(float(history.accuracies[e])))
        writer.writerow(row)
    return out.getvalue()
