"""The network drawn as a Graphviz graph: forward values on the nodes, gradients on the edges.

Plain DOT text for st.graphviz_chart (drawn in the browser; no Graphviz binary is needed).
"""
from __future__ import annotations

import numpy as np

from backprop.assignment import Solution
from dashboard.figures import DIVERGING
from dashboard.numbers import short


def _hex(rgb: str) -> str:
    """'rgb(33,102,172)' → '#2166ac' (Graphviz does not read CSS rgb())."""
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1:-1].split(","))
    return f"#{r:02x}{g:02x}{b:02x}"


NEGATIVE, POSITIVE = _hex(DIVERGING[1][1]), _hex(DIVERGING[-2][1])


def _edge(src: str, dst: str, weight: float, grad: float | None, largest: float) -> str:
    if grad is None:  # the gradients are not to be shown: the weight alone, in grey
        return f'  {src} -> {dst} [label="w {short(weight)}", color="#888888", fontcolor="#444444", penwidth=1.5];'
    colour = NEGATIVE if grad < 0 else POSITIVE
    width = 1.0 + 5.0 * abs(grad) / largest if largest > 0 else 1.0
    label = f"w {short(weight)}\\n∂ {short(grad)}"
    return (f'  {src} -> {dst} [label="{label}", color="{colour}", fontcolor="{colour}", '
            f"penwidth={width:.2f}];")


def network_dot(sol: Solution, reveal: bool = True) -> str:
    """DOT for the D-H-C network of ``sol``, showing sample 1's forward values on the nodes and the
    batch's weight gradients ∂L/∂W1 and ∂L/∂W2 on the edges (colour = sign, width = size).

    With ``reveal`` False only what the problems give is shown (inputs, weights, δ2): no answers."""
    X, W1, W2 = sol.inputs.X, sol.inputs.W1, sol.inputs.W2
    D, H = W1.shape
    C = W2.shape[1]
    largest = float(max(np.abs(sol.dW1).max(), np.abs(sol.dW2).max()))
    lines = [
        "digraph mlp {",
        '  rankdir=LR; splines=line; nodesep=0.6; ranksep=3.2; bgcolor="transparent";',
        '  node [shape=circle, fixedsize=true, width=1.5, fontname="Helvetica", fontsize=18, style=filled];',
        '  edge [fontname="Helvetica", fontsize=17, arrowsize=0.7, labelfloat=false];',
    ]
    for i in range(D):
        lines.append(f'  x{i} [label="x{i + 1}\\n{short(X[0, i])}", fillcolor="#eeeeee"];')
    for j in range(H):
        values = f"\\nz {short(sol.Z1[0, j])}\\na {short(sol.A1[0, j])}" if reveal else "\\nz ?\\na ?"
        lines.append(f'  h{j} [label="h{j + 1}{values}", fillcolor="#e8e0f4"];')
    for k in range(C):
        lines.append(f'  o{k} [label="out {k + 1}\\nδ2 {short(sol.delta2[0, k])}", fillcolor="#fdf0e0"];')
    for i in range(D):
        for j in range(H):
            lines.append(_edge(f"x{i}", f"h{j}", W1[i, j], sol.dW1[i, j] if reveal else None, largest))
    for j in range(H):
        for k in range(C):
            lines.append(_edge(f"h{j}", f"o{k}", W2[j, k], sol.dW2[j, k] if reveal else None, largest))
    lines.append("}")
    return "\n".join(lines)
