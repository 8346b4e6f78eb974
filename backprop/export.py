"""A trained network as a file other code can load: JSON of schema ``backprop-network/1`` (NETWORK_SCHEMA), and
predictions from raw data through it, as the exported numpy and PyTorch scripts make them.

Fields: ``schema``; ``layer_sizes`` [D, H1, …, C]; ``hidden`` and ``output`` (activation names); ``loss``;
``Ws`` (W_l as lists of rows, (sizes[l−1], sizes[l])) and ``bs`` (b_l as lists); ``normalisation`` (None, or
backprop.given.Scaling.as_dict: the inputs' mean and std and, for a regression target, the target's);
``classes`` (K, or None when the outputs are not classes); ``label_values`` (the label class k stood for in the
data); ``columns`` (the data's column names, inputs first). Floats are written with repr precision, so the file
loads back to exactly the same numbers.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from backprop.given import Scaling
from backprop.network import Network, network_forward

NETWORK_SCHEMA = "backprop-network/1"


def network_dict(net: Network, *, loss: str, scaling: Scaling | None = None, classes: int | None = None,
                 label_values: Sequence[float] = (), columns: Sequence[str] = ()) -> dict:
    """``net`` (with the standardisation its data went through) as a dict of schema NETWORK_SCHEMA."""
    return {
        "schema": NETWORK_SCHEMA,
        "layer_sizes": list(net.sizes),
        "hidden": net.hidden if isinstance(net.hidden, str) else net.hidden.name,
        "output": net.output if isinstance(net.output, str) else net.output.name,
        "loss": loss,
        "Ws": [W.tolist() for W in net.Ws],
        "bs": [b.tolist() for b in net.bs],
        "normalisation": None if scaling is None else scaling.as_dict(),
        "classes": classes,
        "label_values": [float(v) for v in label_values] or None,
        "columns": list(columns) or None,
    }


def network_json(net: Network, **meta) -> str:
    """network_dict as JSON text."""
    return json.dumps(network_dict(net, **meta), indent=1)


def load_network(text: str) -> tuple[Network, Scaling | None, dict]:
    """A network JSON (NETWORK_SCHEMA) back as (Network, Scaling or None, the whole dict); ValueError naming what is
    wrong with it."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != NETWORK_SCHEMA:
        raise ValueError(f"schema must be {NETWORK_SCHEMA!r}")
    net = Network(tuple(np.array(W, dtype=np.float64) for W in doc["Ws"]),
                  tuple(np.array(b, dtype=np.float64) for b in doc["bs"]), doc["hidden"], doc["output"])
    if list(net.sizes) != list(doc["layer_sizes"]):
        raise ValueError(f"layer_sizes {doc['layer_sizes']} disagree with the weights' {list(net.sizes)}")
    norm = doc.get("normalisation")
    scaling = None
    if norm:
        target = norm.get("target")
        scaling = Scaling(np.array(norm["inputs"]["mean"]), np.array(norm["inputs"]["std"]),
                          None if target is None else np.array(target["mean"]),
                          None if target is None else np.array(target["std"]))
    return net, scaling, doc


def predict_raw(net: Network, scaling: Scaling | None, X) -> np.ndarray:
    """The network's outputs (N, C) for raw inputs X (N, D): standardised as in training first, and a standardised
    regression target turned back into its own units."""
    if scaling is None:
        return network_forward(net, X).output
    return scaling.outputs(network_forward(net, scaling.inputs(X)).output)
