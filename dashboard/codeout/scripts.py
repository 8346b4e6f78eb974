"""The two scripts that run an exported network (backprop.export, schema backprop-network/1) on a CSV given on the
command line: one in numpy alone, one that builds the same network as a torch.nn.Sequential. Both print the
predictions and the accuracy (classes) or the mean squared error (a target), counted as the lab counts them, and can
write every prediction at full precision (--predictions FILE). Pure: the text of each script."""
from __future__ import annotations

_COMMON = '''
import argparse
import csv
import json


def read_table(path, D):
    """The CSV's rows as (inputs (N, D) as lists, last column or None): a header row (a first row that is not all
    numbers) is skipped; the first D columns are the inputs, the next one, when there is one, the label or target."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        sample = f.read(4096)
        f.seek(0)
        sep = "," if "," in sample.split("\\n", 1)[0] else ";" if ";" in sample.split("\\n", 1)[0] else "\\t"
        rows = [[c.strip().replace("\\u2212", "-") for c in r] for r in csv.reader(f, delimiter=sep) if any(r)]

    def number(text):
        try:
            return float(text)
        except ValueError:
            return None

    if rows and any(number(c) is None for c in rows[0]):
        rows = rows[1:]
    X = [[float(c) for c in r[:D]] for r in rows]
    last = [float(r[D]) for r in rows] if rows and len(rows[0]) > D else None
    return X, last


def report(net, outputs, last, out_path):
    """Print the predictions (the first 20) and how they compare with the file's last column; write them all."""
    classes = net.get("classes")
    C = len(outputs[0])
    if classes:  # the predicted class: P(class 1) >= 1/2 for one sigmoid output, else the largest output
        predicted = [int(row[0] >= 0.5) if C == 1 else max(range(C), key=row.__getitem__) for row in outputs]
    for n, row in enumerate(outputs[:20]):
        shown = ", ".join(f"{v:.6g}" for v in row)
        print(f"row {n + 1}: output ({shown})" + (f" -> class {predicted[n]}" if classes else ""))
    if len(outputs) > 20:
        print(f"... {len(outputs) - 20} more rows")
    if out_path:
        with open(out_path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([f"output{k + 1}" for k in range(C)])
            writer.writerows([[repr(float(v)) for v in row] for row in outputs])
    if last is None:
        return
    if classes:
        labels = net.get("label_values") or list(range(classes))
        index = {float(v): k for k, v in enumerate(labels)}
        truth = [index.get(v, -1) for v in last]
        right = sum(p == t for p, t in zip(predicted, truth))
        print(f"accuracy {right / len(truth):.0%} ({right} of {len(truth)} rows classified right)")
    else:
        errors = [(row[0] - y) ** 2 for row, y in zip(outputs, last)]
        print(f"mean squared error {sum(errors) / len(errors):.6g} (root {(sum(errors) / len(errors)) ** 0.5:.6g}), "
              "in the target's units")


def arguments(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("network", help="the network JSON downloaded from the app (backprop-network/1)")
    parser.add_argument("data", help="a CSV: the inputs first, then (optionally) the label or target")
    parser.add_argument("--predictions", help="write every prediction to this CSV, at full precision")
    args = parser.parse_args()
    with open(args.network, encoding="utf-8") as f:
        net = json.load(f)
    if net.get("schema") != "backprop-network/1":
        parser.error(f"{args.network} is not a network of schema backprop-network/1")
    return args, net
'''

NUMPY_SCRIPT = '''#!/usr/bin/env python3
"""Run a network exported by "Backpropagation from scratch" (backprop-network/1) with numpy alone.

    python predict_numpy.py network.json data.csv [--predictions predictions.csv]

The inputs are standardised as in training when the file says so, the network runs forward layer by layer
(Z = A·W + b, then its activation), and a standardised regression target is turned back into its own units.
"""
import numpy as np
''' + _COMMON + '''

def activation(name, Z):
    if name == "sigmoid":  # 1 / (1 + e^(-z)), without overflow
        e = np.exp(-np.abs(Z))
        return np.where(Z >= 0, 1.0, e) / (1.0 + e)
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(Z, 0.0)
    if name == "softmax":
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if name == "identity":
        return Z
    raise ValueError(f"unknown activation {name!r}")


def predict(net, X):
    """The network's outputs (N, C) for raw inputs X (N, D)."""
    A = np.asarray(X, dtype=np.float64)
    scaling = net.get("normalisation")
    if scaling:
        A = (A - np.array(scaling["inputs"]["mean"])) / np.array(scaling["inputs"]["std"])
    L = len(net["Ws"])
    for l, (W, b) in enumerate(zip(net["Ws"], net["bs"]), start=1):
        Z = A @ np.array(W, dtype=np.float64) + np.array(b, dtype=np.float64)
        A = activation(net["output"] if l == L else net["hidden"], Z)
    if scaling and scaling.get("target"):
        A = A * np.array(scaling["target"]["std"]) + np.array(scaling["target"]["mean"])
    return A


def main():
    args, net = arguments("Predictions of an exported network, in numpy.")
    X, last = read_table(args.data, net["layer_sizes"][0])
    report(net, predict(net, X).tolist(), last, args.predictions)


if __name__ == "__main__":
    main()
'''

TORCH_SCRIPT = '''#!/usr/bin/env python3
"""Build a network exported by "Backpropagation from scratch" (backprop-network/1) as a torch.nn.Sequential, load
its weights and run it, in float64.

    pip install torch
    python predict_torch.py network.json data.csv [--predictions predictions.csv]

torch.nn.Linear computes x·Wᵀ + b with W of shape (outputs, inputs): the app's W (inputs, outputs) goes in
transposed. The model is returned by build(net) for further training in PyTorch.
"""
import torch
''' + _COMMON + '''

ACTIVATIONS = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
               "identity": torch.nn.Identity, "softmax": lambda: torch.nn.Softmax(dim=1)}


def build(net):
    """The network as torch.nn.Sequential(Linear, activation, …, Linear, output activation), float64."""
    layers = []
    L = len(net["Ws"])
    for l, (W, b) in enumerate(zip(net["Ws"], net["bs"]), start=1):
        W = torch.tensor(W, dtype=torch.float64)
        linear = torch.nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(W.T)
            linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        layers += [linear, ACTIVATIONS[net["output"] if l == L else net["hidden"]]()]
    return torch.nn.Sequential(*layers)


def predict(net, model, X):
    """The model's outputs (N, C) for raw inputs X (N, D), standardised as in training when the file says so."""
    A = torch.tensor(X, dtype=torch.float64)
    scaling = net.get("normalisation")
    if scaling:
        A = (A - torch.tensor(scaling["inputs"]["mean"], dtype=torch.float64)) / torch.tensor(
            scaling["inputs"]["std"], dtype=torch.float64)
    with torch.no_grad():
        out = model(A)
    if scaling and scaling.get("target"):
        out = out * torch.tensor(scaling["target"]["std"], dtype=torch.float64) + torch.tensor(
            scaling["target"]["mean"], dtype=torch.float64)
    return out


def main():
    args, net = arguments("Predictions of an exported network, as a torch.nn.Sequential.")
    model = build(net)
    print(model)
    X, last = read_table(args.data, net["layer_sizes"][0])
    report(net, predict(net, model, X).tolist(), last, args.predictions)


if __name__ == "__main__":
    main()
'''
