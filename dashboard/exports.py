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

from dashboard.steps import Step


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
    return "\n".join(lines + step_lines(steps, "##"))


def step_lines(steps: Sequence[Step], heading: str = "##") -> list[str]:
    """Markdown lines for worked steps: a ``heading`` per step, display math in $$ … $$, the note beneath."""
    lines = []
    for i, step in enumerate(steps, start=1):
        lines += [f"{heading} Step {i}: {step.title}", ""]
        for eq in step.equations:
            lines += ["$$", eq, "$$", ""]
        if step.note:
            lines += [step.note, ""]
    return lines


def _listed(series) -> list | None:
    """A series as a JSON list, NaN (a value that was not finite) as null."""
    if series is None:
        return None
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(series, dtype=np.float64)]


#: Names a downloaded run's schema; bump when its fields change meaning.
RUN_SCHEMA = "backprop-training-run/1"


def run_config(run) -> dict:
    """What a run used, setting by setting (TrainConfig's fields, for a learner's table without it): a setting the
    run did not use is null — the assignment's sample and a table have no noise and their own number of samples, a
    run without a held-out share no split seed, weights not drawn at random no initial scale."""
    from backprop.runs import uses_assignment_weights

    c = run.config
    config = {name: (list(value) if isinstance(value, tuple) else value) for name, value in vars(c).items()
              if name not in ("table", "start")}
    if c.dataset == "assignment" or c.table is not None:
        config["n_samples"] = run.data.n_samples + (0 if run.test is None else run.test.n_samples)
        config["noise"] = None
        config["n_classes"] = c.classes
        if not c.test_ratio:
            config["data_seed"] = None
    if c.start is not None or uses_assignment_weights(c):
        config["init_scale"] = None
        if c.batch_size is None:
            config["seed"] = None  # nothing drawn, nothing shuffled
    return config


def initial_weights(run) -> str:
    """Where a run's starting weights came from: "seeded" (drawn with init_scale and seed), "assignment" (the
    assignment's W1, b1, W2 and b2 = 0) or "given" (pasted, or a problem page's example)."""
    from backprop.runs import uses_assignment_weights

    return "given" if run.config.start is not None else "assignment" if uses_assignment_weights(run.config) \
        else "seeded"


def _table(run) -> dict | None:
    """A learner's table as the run JSON holds it: its rows as in the file, and how it was read."""
    table = run.config.table
    if table is None:
        return None
    return {"name": table.name, "kind": table.kind, "columns": list(table.columns),
            "X": table.X.tolist(), "values": table.values.tolist(), "label_values": list(table.label_values) or None,
            "standardised": table.standardise}


def run_json(run, lesson: dict | None = None) -> str:
    """A training run as JSON (schema RUN_SCHEMA, documented in docs/lab.md): what it used (run_config, where its
    starting weights came from, a learner's table and its standardisation), the layer sizes and every curve the page
    plots, one value per epoch 0 … epochs (index e is epoch e; the last is the trained network), and, for a
    lesson's run, ``lesson``: its name, paragraph and the numbers the paragraph quotes. ``run`` is a
    backprop.runs.Run that has trained at least one epoch."""
    from backprop.reading import curves

    c = curves(run.history)
    return json.dumps({
        "schema": RUN_SCHEMA,
        "config": run_config(run),
        "initial_weights": initial_weights(run),
        "data": _table(run),
        "scaling": None if run.scaling is None else run.scaling.as_dict(),
        "layer_sizes": list(run.initial.sizes),
        "epochs": run.epochs_done,
        "train_loss": _listed(c.train_loss),
        "test_loss": _listed(c.test_loss),
        "train_accuracy": _listed(c.train_accuracy),
        "test_accuracy": _listed(c.test_accuracy),
        "grad_norms": {name: _listed(series) for name, series in c.grad_norms.items()},
        "diverged_at": run.history.diverged_at,
        "lesson": lesson,
    }, indent=1, default=_plain)


def _plain(value):
    """numpy scalars and arrays (a lesson's numbers) as JSON's numbers and lists; a value that is not finite as
    null."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()] if value.ndim else _plain(value.item())
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def curves_csv(c) -> str:
    """A run's curves (backprop.reading.Curves) as CSV: one row per epoch with the training loss, the test loss,
    the accuracies (the columns a run has) and ‖∂L/∂W_l‖ per layer; a value that was not finite is empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [(name, series) for name, series in (("train_loss", c.train_loss), ("test_loss", c.test_loss),
                                                   ("train_accuracy", c.train_accuracy),
                                                   ("test_accuracy", c.test_accuracy)) if series is not None]
    columns += [(f"grad_norm_{name}", series) for name, series in c.grad_norms.items()]
    writer.writerow(["epoch", *(name for name, _ in columns)])
    for i, epoch in enumerate(c.epochs):
        writer.writerow([int(epoch), *("" if not np.isfinite(s[i]) else repr(float(s[i])) for _, s in columns)])
    return out.getvalue()


def run_network_json(run, epoch: int) -> str:
    """The lab run's network at ``epoch`` as JSON of schema backprop-network/1 (backprop.export), with the
    standardisation its data went through, its classes and, for a learner's table, the labels and column names."""
    from backprop.export import network_json

    table = run.config.table
    return network_json(run.network_at(epoch), loss=run.config.loss, scaling=run.scaling, classes=run.config.classes,
                        label_values=table.label_values if table is not None else (),
                        columns=table.columns if table is not None else ())
