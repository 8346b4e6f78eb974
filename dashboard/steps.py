"""LaTeX for the worked solutions: matrices, written-out products and the steps of each problem.

Every function takes numbers computed by `backprop` (a Solution and its product terms) and only
formats them. A Step is one stage of a worked solution; presenter mode shows one Step at a time.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

import numpy as np

from backprop.assignment import Solution, Update
from dashboard.claims import loss_change
from dashboard.numbers import short, tex, tex_factor


@dataclass(frozen=True)
class Step:
    """One stage of a worked solution.

    - title: a short heading ("Multiply X by W1")
    - equations: LaTeX strings, each rendered on its own
    - note: one or two plain sentences on why (no user text ever reaches it)
    - focus: (matrix name, cells) that this step computes, for highlighting in a heatmap
    - question: the equations to show while the result is hidden (presenter mode's "let the class guess
      first"): the step without its result; None when the step computes nothing to guess
    - narrow: the equations laid out for a phone, where they differ from ``equations`` (see for_screens)
    """

    title: str
    equations: tuple[str, ...]
    note: str = ""
    focus: tuple[str, tuple[tuple[int, int], ...]] | None = None
    key: str = field(default="", compare=False)
    question: tuple[str, ...] | None = None
    narrow: tuple[str, ...] | None = field(default=None, compare=False)


def matrix(M, digits: int = 4) -> str:
    """A pmatrix of ``M`` (a 1-D array is one row), numbers rounded like the tables."""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    rows = [" & ".join(tex(v, digits) for v in row) for row in M]
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


def text_matrix(cells: list[list[str]]) -> str:
    """A pmatrix whose entries are already LaTeX (such as written-out sums)."""
    return r"\begin{pmatrix} " + r" \\ ".join(" & ".join(row) for row in cells) + r" \end{pmatrix}"


def shape(M) -> str:
    M = np.atleast_2d(np.asarray(M))
    return rf"{M.shape[0]} \times {M.shape[1]}"


def cells_of(M) -> tuple[tuple[int, int], ...]:
    M = np.atleast_2d(np.asarray(M))
    return tuple((i, j) for i in range(M.shape[0]) for j in range(M.shape[1]))


def product_sum(left: np.ndarray, right: np.ndarray) -> str:
    """'a₁ × b₁ + a₂ × b₂ + …' for one entry, from its factors (left[k], right[k])."""
    return " + ".join(rf"{tex(a) if k == 0 else tex_factor(a)} \times {tex_factor(b)}"
                      for k, (a, b) in enumerate(zip(left, right, strict=True)))


def expanded_product(A: np.ndarray, B: np.ndarray) -> str:
    """A·B written out entry by entry: each entry the sum of its products."""
    A, B = np.atleast_2d(A), np.atleast_2d(B)
    return text_matrix([[product_sum(A[r], B[:, s]) for s in range(B.shape[1])] for r in range(A.shape[0])])


def summed_terms(terms: np.ndarray) -> str:
    """Each entry's products already multiplied out: (0.2 + 0.9), from terms (R, S, K)."""
    return text_matrix([[" + ".join(tex_factor(t) if k else tex(t) for k, t in enumerate(terms[r, s]))
                         for s in range(terms.shape[1])] for r in range(terms.shape[0])])


#: About how many characters fit across the page once typeset; a written-out product wider than this is
#: listed entry by entry instead of as one matrix, so that nothing runs off the screen.
FITS = 60
#: The same on a phone (a 390-px screen): the narrow form of each step is built with it (see for_screens).
PHONE_FITS = 20
_fits: ContextVar[int] = ContextVar("fits", default=FITS)


def fits() -> int:
    """How many characters the steps being built may put on one line (FITS, or PHONE_FITS inside for_screens)."""
    return _fits.get()


def for_screens(build: Callable[..., list[Step]], *args, **kwargs) -> list[Step]:
    """``build(*args, **kwargs)``'s steps, each carrying in ``narrow`` its equations laid out for a phone where they
    differ (one '=' per line, givens one per line, products entry by entry): the page shows one form or the other
    by the screen's width, so that a result is never off a phone's screen."""
    wide = build(*args, **kwargs)
    token = _fits.set(PHONE_FITS)
    try:
        narrow = build(*args, **kwargs)
    finally:
        _fits.reset(token)
    return [replace(w, narrow=n.equations) if n.equations != w.equations and n.key == w.key else w
            for w, n in zip(wide, narrow, strict=True)]


def built_at(width: int, build: Callable[..., list[Step]], *args, **kwargs) -> list[Step]:
    """``build(*args, **kwargs)``'s steps laid out for lines of ``width`` characters (a projector's, whose larger
    math holds fewer than a wide page)."""
    token = _fits.set(int(width))
    try:
        return build(*args, **kwargs)
    finally:
        _fits.reset(token)


def visible_width(latex_text: str) -> int:
    """A rough count of the characters ``latex_text`` shows across the page: a matrix counts as its widest
    row, a command (\\times, \\sigma) as one character, braces and sub/superscript marks as none."""
    def plain(text: str) -> int:
        return len(re.sub(r"[{}&_^ ]", "", re.sub(r"\\[a-zA-Z]+", "x", text)))

    def widest_row(match: re.Match) -> str:
        # columns of a matrix are set about two characters apart, and the parentheses take one each
        return "x" * (2 + max(plain(row) + 2 * row.count("&") for row in match.group(1).split("\\\\")))

    return plain(re.sub(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", widest_row, latex_text))


def rows_of(latex_text: str) -> int:
    """How many rows an equation sets: one, or one per line of an aligned block (a matrix's own rows are
    inside its line)."""
    if "aligned" not in latex_text:
        return 1
    body = re.sub(r"\\begin\{pmatrix\}.*?\\end\{pmatrix\}", "M", latex_text)
    return body.count(r"\\") + 1


_BEGIN, _END = r"\begin{aligned} ", r" \end{aligned}"
_ENVIRONMENT = re.compile(r"\\(begin|end)\{[a-z*]+\}|\\\\")


def aligned_rows(latex_text: str) -> list[str] | None:
    """The rows of an equation that is one aligned block (as aligned() and its kin write it), split at its own
    line breaks only (a matrix's rows stay inside their row); None for any other equation."""
    if not (latex_text.startswith(_BEGIN) and latex_text.endswith(_END)):
        return None
    body = latex_text[len(_BEGIN):-len(_END)]
    rows, depth, start = [], 0, 0
    for match in _ENVIRONMENT.finditer(body):
        if match.group(1) == "begin":
            depth += 1
        elif match.group(1) == "end":
            depth -= 1
        elif depth == 0:
            rows.append(body[start:match.start()].strip())
            start = match.end()
    if depth != 0:
        return None
    return rows + [body[start:].strip()]


def _gathered_rows(latex_text: str) -> list[str] | None:
    """The rows of a gathered block (the walk-through's formulas stack their lines so), as aligned_rows splits them."""
    begin, end = r"\begin{gathered} ", r" \end{gathered}"
    if not (latex_text.startswith(begin) and latex_text.endswith(end)):
        return None
    return aligned_rows(_BEGIN + latex_text[len(begin):-len(end)] + _END)


def join_rows(rows: Sequence[str]) -> str:
    """Rows back into one aligned block."""
    return _BEGIN + r" \\ ".join(rows) + _END


def height_px(latex_text: str) -> int:
    """About how tall an equation is in pixels at \\large in the app (measured in Chromium: a line of scalars
    about 37 px per row, a row holding 3-row matrices about 97, a row with a displayed fraction, sum or brace about
    70, plus the display's margins)."""
    rows = aligned_rows(latex_text) or _gathered_rows(latex_text) or [latex_text]

    def row_px(row: str) -> int:
        inner = [m.count("\\\\") + 1 for m in re.findall(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", row)]
        tallest = max(inner, default=1)
        stacked = 70 if re.search(r"\\(frac|sum|underbrace)", row) else 37
        return max(stacked, 25 + 24 * tallest if tallest > 1 else 0)

    return 18 + sum(row_px(row) for row in rows)


def aligned(lhs: str, *rhs: str) -> str:
    """lhs = rhs[0] = rhs[1] = …, one '=' per line so that long sums never run off the screen."""
    rows = [rf"{lhs} &= {rhs[0]}"] + [rf"&= {r}" for r in rhs[1:]]
    return r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}"


def chain(lhs: str, *rhs: str) -> str:
    """lhs = rhs[0] = rhs[1] = … on one line if it fits, else one '=' per line (lhs on a line of its own when it is
    followed by a single long right-hand side)."""
    one_line = " = ".join((lhs, *rhs))
    if visible_width(one_line) <= fits():
        return one_line
    if len(rhs) == 1:  # lhs, then "= rhs" beneath it: as wide as the wider of the two
        return join_rows([rf"& {lhs}", rf"& \quad = {rhs[0]}"])
    return aligned(lhs, *rhs)


def for_screen_sizes(build: Callable, *args):
    """(wide, phone): ``build(*args)`` (an equation, or lines of them) as a wide screen and as a phone lay it out
    (see for_screens)."""
    wide = build(*args)
    token = _fits.set(PHONE_FITS)
    try:
        return wide, build(*args)
    finally:
        _fits.reset(token)


def operation(lhs: str, definition: str | None, left: str, op: str, right: str, result: str | None) -> str:
    """lhs = definition = left op right = result, on one line if it fits; else one '=' per line, and if
    ``left op right`` alone is too wide, ``op right`` on a line of its own."""
    rhs = [r for r in (definition, rf"{left} {op} {right}", result) if r is not None]
    text = chain(lhs, *rhs)
    if "aligned" not in text or visible_width(rf"{left} {op} {right}") <= fits():
        return text
    rows = [rf"{lhs} &= {definition}"] if definition is not None else []
    rows += [rf"{'&=' if rows else lhs + ' &='} {left}", rf"&\qquad {op} {right}"]
    if result is not None:
        rows.append(rf"&= {result}")
    return r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}"


#: What side_by_side puts between parts on one line (presenter mode's larger math splits there again).
SEP = r",\qquad "


def side_by_side(*parts: str, sep: str = SEP, width: int | None = None) -> tuple[str, ...]:
    """The parts on as few lines as fit: each line holds as many consecutive parts as fit across the page
    (``width`` characters, see visible_width; by default what fits() gives)."""
    width = fits() if width is None else width
    lines: list[str] = []
    for part in parts:
        if lines and visible_width(lines[-1] + sep + part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return tuple(lines)


def beside(main: str, note: str) -> tuple[str, ...]:
    """``main`` with ``note`` beside it (a \\quad apart) when both fit on one line, else the note on a line of its
    own."""
    return side_by_side(main, note, sep=r"\quad ")


def comparison(assignment, consistent, difference) -> tuple[str, ...]:
    """A quantity as the assignment has it, as every step propagates it, and the difference."""
    return side_by_side(rf"\underbrace{{{matrix(assignment)}}}_{{\text{{as in the assignment}}}}",
                        rf"\underbrace{{{matrix(consistent)}}}_{{\text{{consistent}}}}",
                        rf"\underbrace{{{matrix(difference)}}}_{{\text{{difference}}}}", sep=r"\quad ")


def product_lines(lhs: str, A: np.ndarray, B: np.ndarray, terms: np.ndarray, result: np.ndarray,
                  entry: str) -> tuple[str, ...]:
    """lhs = A·B, written out: the factors, the products (and their values when an entry has several), then
    the result. Too wide for one matrix, the products are listed entry by entry as entry[r, s] = …"""
    A, B = np.atleast_2d(A), np.atleast_2d(B)
    lines = [operation(lhs, None, matrix(A), r"\cdot", matrix(B), None)]
    expanded, summed = expanded_product(A, B), summed_terms(terms)
    if visible_width(expanded) <= fits():
        lines.append(rf"= {expanded}")
        if terms.shape[-1] > 1:
            lines.append(rf"= {summed}")
    else:
        rows = []
        for r in range(A.shape[0]):
            for c in range(B.shape[1]):
                products = " + ".join(tex_factor(t) if k else tex(t) for k, t in enumerate(terms[r, c]))
                head = rf"{entry}[{r + 1},{c + 1}] &= "
                written = head + product_sum(A[r], B[:, c])
                if visible_width(written) > fits():  # a long sum of small numbers: its products on two lines
                    half = (A.shape[1] + 1) // 2
                    second = " + ".join(rf"{tex_factor(a)} \times {tex_factor(b)}"
                                        for a, b in zip(A[r, half:], B[half:, c], strict=True))
                    written = rf"{head}{product_sum(A[r, :half], B[:half, c])} \\ &\qquad + {second}"
                rest = rf"{products} = {tex(result[r, c])}"
                # one line per entry while it fits, else the products' values on a line of their own
                rows.append(rf"{written} = {rest}" if visible_width(written + rest) <= fits() else
                            rf"{written} \\ &= {rest}")
        lines.append(r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}")
    lines.append(rf"{lhs} = {matrix(result)}" if "aligned" in lines[-1] else rf"= {matrix(result)}")
    return tuple(lines)


def product_question(lines: tuple[str, ...]) -> tuple[str, ...]:
    """A written-out product (product_lines) without its values: the factors, and each entry's sum of products
    while they fit as one matrix."""
    return lines[:2] if len(lines) > 2 and "aligned" not in lines[1] else lines[:1]


# --- Problem 2: the forward pass ---------------------------------------------------------------


def forward_steps(sol: Solution) -> list[Step]:
    """Z1 = X·W1 + b1 and A1 = σ(Z1), step by step, with the assignment's assumed A1 beside σ(Z1)."""
    x, w1, b1 = sol.inputs.X, sol.inputs.W1, sol.inputs.b1
    N, D = x.shape
    H = w1.shape[1]
    z_cells = ("Z1", cells_of(sol.Z1))
    sigma_calls = [[r"\sigma(" + tex(z) + ")" for z in row] for row in sol.Z1]
    sigma_fractions = [[r"\dfrac{1}{1 + " + tex(e) + "}" for e in row] for row in sol.exp_neg_Z1]
    steps = [
        Step("The inputs", side_by_side(
            rf"X = {matrix(x)}_{{\,{shape(x)}}}", rf"W_1 = {matrix(w1)}_{{\,{shape(w1)}}}",
            rf"b_1 = {matrix(b1)}_{{\,1 \times {H}}}",
        ), f"Each row of X is one sample ({N} here) with D = {D} inputs; each column of W1 feeds one of "
           f"the H = {H} hidden units.", key="z1_given"),
        Step("Check the shapes", (
            rf"\underbrace{{X}}_{{{shape(x)}}} \cdot \underbrace{{W_1}}_{{{shape(w1)}}} "
            rf"\;\to\; \underbrace{{X W_1}}_{{{N} \times {H}}}",
        ), f"The inner sizes agree (D = {D}), so the product is defined: each row of X (a sample) meets "
           f"each column of W1 (a hidden unit), giving one number per sample and hidden unit.", key="z1_shapes"),
        Step("Multiply X by W1: row times column", (product := product_lines(
            r"X \cdot W_1", x, w1, sol.XW1_terms, sol.XW1, r"(X W_1)")),
             "Entry (n, j) is the sum over the inputs i of X[n, i]·W1[i, j].", focus=("XW1", cells_of(sol.XW1)),
             key="z1_product", question=product_question(product)),
        Step("Add the bias", (
            operation(r"Z_1", r"X W_1 + b_1", matrix(sol.XW1), "+", matrix(b1), matrix(sol.Z1)),
        ), "b1 has one entry per hidden unit and is added to every row, that is, to every sample.",
           focus=z_cells, key="z1_bias",
           question=(operation(r"Z_1", r"X W_1 + b_1", matrix(sol.XW1), "+", matrix(b1), None),)),
        Step("Apply the sigmoid, entry by entry", (
            r"A_1 = \sigma(Z_1),\qquad \sigma(z) = \frac{1}{1 + e^{-z}}",
            chain(r"\sigma(Z_1)", text_matrix(sigma_calls), text_matrix(sigma_fractions), matrix(sol.A1_computed)),
        ), "σ squashes each pre-activation into (0, 1); it acts on each entry separately, so A1 has "
           "Z1's shape.", focus=("A1", cells_of(sol.A1_computed)), key="a1_sigmoid",
           question=(r"A_1 = \sigma(Z_1),\qquad \sigma(z) = \frac{1}{1 + e^{-z}}",
                     chain(r"\sigma(Z_1)", text_matrix(sigma_calls), text_matrix(sigma_fractions)))),
    ]
    diff = sol.A1_gap
    if sol.mode == "assignment":
        steps.append(Step("What the assignment assumes next", (
            *side_by_side(rf"A_1^{{\text{{assumed}}}} = {matrix(sol.inputs.A1_given)}",
                          rf"\sigma(Z_1) = {matrix(sol.A1_computed)}"),
            rf"A_1^{{\text{{assumed}}}} - \sigma(Z_1) = {matrix(diff)}",
        ), "The assignment uses the rounder A1 for Problems 3 and 4 to keep the arithmetic simple; "
           "switch to consistent mode to carry σ(Z1) forward instead.", key="a1_assumed"))
    else:
        steps.append(Step("Carried forward", (
            rf"A_1 = \sigma(Z_1) = {matrix(sol.A1_computed)}",
            *side_by_side(rf"A_1^{{\text{{assumed}}}} = {matrix(sol.inputs.A1_given)}",
                          rf"A_1^{{\text{{assumed}}}} - \sigma(Z_1) = {matrix(diff)}"),
        ), "In consistent mode Problems 3 and 4 use this A1, so every later number follows from X, W1 "
           "and b1.", key="a1_assumed"))
    return steps


def z1_cell(sol: Solution, n: int, j: int) -> str:
    """Z1[n, j] = Σᵢ X[n, i]·W1[i, j] + b1[j], with the numbers (indices shown 1-based)."""
    x, w1, b1 = sol.inputs.X, sol.inputs.W1, sol.inputs.b1
    return aligned(rf"Z_1[{n + 1},{j + 1}]", rf"\sum_i X[{n + 1},i]\,W_1[i,{j + 1}] + b_1[{j + 1}]",
                   rf"{product_sum(x[n], w1[:, j])} + {tex_factor(b1[j])}", tex(sol.Z1[n, j]))


# --- Problem 3: the output layer's gradient ----------------------------------------------------


def _a1_source(sol: Solution) -> str:
    return ("the value the assignment assumes" if sol.mode == "assignment"
            else "σ(Z1) from the forward pass")


def _entries_sum(M: np.ndarray) -> str:
    """'a + b + c' over every entry of M (negative entries in parentheses after the first)."""
    flat = np.asarray(M, dtype=np.float64).reshape(-1)
    return " + ".join(tex(v) if i == 0 else tex_factor(v) for i, v in enumerate(flat))


def bias_lines(lhs: str, delta_symbol: str, delta: np.ndarray, db: np.ndarray) -> tuple[str, ...]:
    """lhs = Σₙ delta[n, :], written out: with one sample the row itself, else each column's sum."""
    delta = np.atleast_2d(delta)
    if delta.shape[0] == 1:
        return (chain(lhs, rf"\sum_n {delta_symbol}[n,:]", rf"{delta_symbol}[1,:]", matrix(db)),)
    columns = [" + ".join(tex(v) if n == 0 else tex_factor(v) for n, v in enumerate(delta[:, k]))
               for k in range(delta.shape[1])]
    sums = text_matrix([columns])
    if visible_width(sums) <= fits():
        return (chain(lhs, rf"\sum_n {delta_symbol}[n,:]", sums, matrix(db)),)
    # too wide for one row: one line per entry, then the vector
    entry = lhs[:-1]  # \frac{…}{\partial b_2} → …{\partial b_2[k]}
    rows = [rf"{entry}[{k + 1}]}} &= {columns[k]} = {tex(db[k])}" for k in range(len(columns))]
    return (rf"{lhs} = \sum_n {delta_symbol}[n,:]", r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}",
            rf"{lhs} = {matrix(db)}")


def bias_question(lhs: str, delta_symbol: str, delta: np.ndarray) -> tuple[str, ...]:
    """bias_lines without the result: the sum to do."""
    delta = np.atleast_2d(delta)
    if delta.shape[0] == 1:
        return (chain(lhs, rf"\sum_n {delta_symbol}[n,:]", rf"{delta_symbol}[1,:]"),)
    return (rf"{lhs} = \sum_n {delta_symbol}[n,:]",)


def _bias_note(layer: str, delta: str, N: int) -> str:
    return (f"b{layer} is added to every sample's row, so ∂Z{layer}[n, k]/∂b{layer}[k] = 1 for every sample n and "
            f"the gradient adds up {delta} over the samples" + (f" — with one sample it is {delta} itself." if N == 1
                                                                 else f" ({N} of them)."))


def output_layer_steps(sol: Solution) -> list[Step]:
    """Where δ2 comes from: the output layer forward (Z2 = A1·W2 + b2, A2 = σ(Z2)), the loss against y, then
    δ2 = ∂L/∂A2 ∗ σ′(Z2), step by step, from A1 = σ(Z1)."""
    a1, w2, b2, y = sol.A1_computed, sol.inputs.W2, sol.inputs.b2, sol.inputs.y
    N, C = y.shape
    mse = sol.loss == "mse"
    sigma_calls = [[r"\sigma(" + tex(z) + ")" for z in row] for row in sol.Z2]
    if mse:
        loss_def = r"L = \frac{1}{2N}\sum_{n,k}\big(A_2 - y\big)_{nk}^2"
        terms_line = rf"(A_2 - y)^2 = {matrix(sol.loss_terms)}"
        squares = " + ".join(rf"{tex_factor(v)}^2" for v in sol.A2_minus_y.reshape(-1))
        value_parts = [rf"\frac{{1}}{{2 \cdot {N}}}\big({squares}\big)"] if N * C <= 4 else []
        grad_def = r"\frac{\partial L}{\partial A_2} = \frac{1}{N}(A_2 - y)"
        grad_line = chain(r"\frac{\partial L}{\partial A_2}", rf"\frac{{1}}{{{N}}}{matrix(sol.A2_minus_y)}",
                          matrix(sol.dA2))
        grad_note = ("The square's 2 cancels the ½, and 1/N comes from the mean over N samples: each output's "
                     "error pushes the loss by how far A2 is from y.")
    else:
        loss_def = (r"L = -\frac{1}{N}\sum_{n,k}\big[y\log A_2 + (1 - y)\log(1 - A_2)\big]_{nk}")
        terms_line = rf"-\big[y\log A_2 + (1 - y)\log(1 - A_2)\big] = {matrix(sol.loss_terms)}"
        value_parts = []
        grad_def = r"\frac{\partial L}{\partial A_2} = \frac{1}{N}\,\frac{A_2 - y}{A_2 \ast (1 - A_2)}"
        grad_line = chain(r"\frac{\partial L}{\partial A_2}", matrix(sol.dA2))
        grad_note = ("Cross-entropy punishes a confident wrong output steeply: its slope grows as A2 nears 0 or 1 "
                     "on the wrong side.")
    total = rf"\frac{{1}}{{{tex(sol.loss_divisor)}}}\big({_entries_sum(sol.loss_terms)}\big)" if N * C <= 4 else None
    value_line = chain("L", *value_parts, *([total] if total else []), tex(sol.L))
    delta_note = ("The chain rule through the sigmoid: how L changes with A2, times how A2 changes with Z2."
                  + ("" if mse else " For cross-entropy the two A2(1 − A2) cancel, leaving δ2 = (A2 − y)/N."))
    return [
        Step("The inputs of the output layer", side_by_side(
            rf"A_1 = \sigma(Z_1) = {matrix(a1)}_{{\,{shape(a1)}}}", rf"W_2 = {matrix(w2)}_{{\,{shape(w2)}}}",
            rf"b_2 = {matrix(b2)}_{{\,1 \times {C}}}", rf"y = {matrix(y)}_{{\,{shape(y)}}}",
        ), "A1 comes from the forward pass; W2 and b2 are the output layer's weights and bias; y holds the target "
           "for each of the C = " + f"{C} outputs of each sample.", key="output_given"),
        Step("Run the output layer forward: A1·W2", (product := product_lines(
            r"A_1 \cdot W_2", a1, w2, sol.A1W2_terms, sol.A1W2, r"(A_1 W_2)")),
             "The same row-times-column product as Z1 = X·W1, one layer up.", focus=("A1W2", cells_of(sol.A1W2)),
             key="output_product", question=product_question(product)),
        Step("Add the bias b2", (
            operation(r"Z_2", r"A_1 W_2 + b_2", matrix(sol.A1W2), "+", matrix(b2), matrix(sol.Z2)),
        ), "b2 has one entry per output and is added to every sample.", focus=("Z2", cells_of(sol.Z2)),
           key="output_bias", question=(operation(r"Z_2", r"A_1 W_2 + b_2", matrix(sol.A1W2), "+", matrix(b2), None),)),
        Step("Apply the sigmoid: the network's output", (
            chain(r"A_2 = \sigma(Z_2)", text_matrix(sigma_calls), matrix(sol.A2)),
        ), "A2 is what the network predicts; the loss compares it with the target y.", focus=("A2", cells_of(sol.A2)),
           key="output_sigmoid", question=(chain(r"A_2 = \sigma(Z_2)", text_matrix(sigma_calls)),)),
        Step("The loss", (loss_def, operation(r"A_2 - y", None, matrix(sol.A2), "-", matrix(y),
                                              matrix(sol.A2_minus_y)), terms_line, value_line),
             f"One number for the whole batch: a mean over the N = {N} sample{'s' if N > 1 else ''}. "
             "Backpropagation finds how it changes with every weight.", key="loss",
             question=(loss_def, operation(r"A_2 - y", None, matrix(sol.A2), "-", matrix(y), None))),
        Step("How the loss changes with A2", (grad_def, grad_line), grad_note, focus=("dA2", cells_of(sol.dA2)),
             key="dA2", question=(grad_def,)),
        Step("The sigmoid's slope at Z2", (
            operation(r"\sigma'(Z_2)", r"A_2 \ast (1 - A_2)", matrix(sol.A2), r"\ast", matrix(sol.one_minus_A2),
                      matrix(sol.sigma_prime2)),
        ), "As for σ′(Z1): the derivative at the pre-activation, written through σ(Z2) = A2.",
           focus=("sigma_prime2", cells_of(sol.sigma_prime2)), key="sigma_prime2",
           question=(operation(r"\sigma'(Z_2)", r"A_2 \ast (1 - A_2)", matrix(sol.A2), r"\ast",
                               matrix(sol.one_minus_A2), None),)),
        Step("δ2 = ∂L/∂Z2: chain the two", (
            operation(r"\delta_2", r"\frac{\partial L}{\partial A_2} \ast \sigma'(Z_2)", matrix(sol.dA2), r"\ast",
                      matrix(sol.sigma_prime2), matrix(sol.delta2_computed)),
        ), delta_note, focus=("delta2", cells_of(sol.delta2_computed)), key="delta2",
           question=(operation(r"\delta_2", r"\frac{\partial L}{\partial A_2} \ast \sigma'(Z_2)", matrix(sol.dA2),
                               r"\ast", matrix(sol.sigma_prime2), None),)),
    ]


def given_delta2_step(sol: Solution) -> Step:
    """The assignment's δ2 beside the one the output layer gives for the targets y."""
    loss = "mean squared error" if sol.loss == "mse" else "binary cross-entropy"
    return Step("Where δ2 comes from", (
        *side_by_side(rf"\delta_2^{{\text{{given}}}} = {matrix(sol.inputs.delta2)}",
                      rf"\delta_2^{{\text{{from }} y}} = {matrix(sol.delta2_computed)}"),
        rf"\delta_2^{{\text{{given}}}} - \delta_2^{{\text{{from }} y}} = {matrix(sol.delta2_gap)}",
    ), "The assignment gives δ2 without the target or loss behind it, and this mode uses it as given. With the "
       f"target y = {_row_text(sol.inputs.y)} and the {loss}, the output layer (run forward from A1 = σ(Z1)) "
       "gives the second value: switch to consistent mode to derive it step by step.", key="given_delta2")


def _row_text(M) -> str:
    M = np.atleast_2d(M)
    rows = ["(" + ", ".join(short(v) for v in row) + ")" for row in M]
    return rows[0] if len(rows) == 1 else "[" + "; ".join(rows) + "]"


def output_gradient_steps(sol: Solution) -> list[Step]:
    """∂L/∂W2 = A1ᵀ·δ2 and ∂L/∂b2 = Σₙ δ2 step by step; in consistent mode δ2 is derived first."""
    a1, d2 = sol.A1, sol.delta2
    N, H = a1.shape
    C = d2.shape[1]
    cells = ("dW2", cells_of(sol.dW2))
    sum_note = (" With one sample the product is an outer product: every hidden activation times every "
                "output error." if N == 1 else
                f" With N = {N} samples each entry is a sum of {N} products, one per sample: the "
                "gradient adds up what every sample asks of that weight.")
    if sol.mode == "consistent":
        steps = output_layer_steps(sol)
        steps.append(Step("The inputs of the gradient", side_by_side(
            rf"A_1 = {matrix(a1)}_{{\,{shape(a1)}}}", rf"\delta_2 = {matrix(d2)}_{{\,{shape(d2)}}}",
        ), f"A1 is {_a1_source(sol)}; δ2 = ∂L/∂Z2 is the error signal just derived at the {C} outputs.",
            key="dW2_given"))
    else:
        steps = [Step("The inputs", side_by_side(
            rf"A_1 = {matrix(a1)}_{{\,{shape(a1)}}}", rf"\delta_2 = {matrix(d2)}_{{\,{shape(d2)}}}",
        ), f"A1 is {_a1_source(sol)}; δ2 = ∂L/∂Z2 is the error signal arriving at the {C} outputs, as the "
           "assignment gives it.", key="dW2_given"), given_delta2_step(sol)]
    return steps + [
        Step("Why A1 is transposed", beside(
            rf"\underbrace{{A_1^T}}_{{{H} \times {N}}} \cdot \underbrace{{\delta_2}}_{{{N} \times {C}}} "
            rf"\;\to\; \underbrace{{\frac{{\partial L}}{{\partial W_2}}}}_{{{H} \times {C}}}",
            r"(\text{the shape of } W_2)",
        ), "The gradient must have W2's shape (one number per weight). Transposing A1 puts hidden units "
           "on the rows and lines the samples up with δ2's rows, so the product sums over samples.",
           key="dW2_shapes"),
        Step("Transpose A1", (rf"A_1^T = {matrix(a1.T)}",), "Rows become columns.", key="dW2_transpose"),
        Step("Multiply: row of A1ᵀ times column of δ2", (product := product_lines(
            r"\frac{\partial L}{\partial W_2}", a1.T, d2, sol.dW2_terms, sol.dW2, r"\frac{\partial L}{\partial W_2}")),
             "Entry (j, k) is Σₙ A1[n, j]·δ2[n, k]: activation of hidden unit j times the error at "
           "output k." + sum_note, focus=cells, key="dW2_product", question=product_question(product)),
        Step("The bias gradient: sum δ2 over the samples",
             bias_lines(r"\frac{\partial L}{\partial b_2}", r"\delta_2", d2, sol.db2),
             _bias_note("2", "δ2", N), focus=("db2", cells_of(sol.db2)), key="db2_sum",
             question=bias_question(r"\frac{\partial L}{\partial b_2}", r"\delta_2", d2)),
    ]


def dW2_cell(sol: Solution, j: int, k: int) -> str:
    """∂L/∂W2[j, k] = Σₙ A1[n, j]·δ2[n, k] with the numbers (indices 1-based)."""
    return aligned(rf"\frac{{\partial L}}{{\partial W_2[{j + 1},{k + 1}]}}",
                   rf"\sum_n A_1[n,{j + 1}]\,\delta_2[n,{k + 1}]",
                   product_sum(sol.A1[:, j], sol.delta2[:, k]), tex(sol.dW2[j, k]))


# --- Problem 4: the hidden layer's gradient ----------------------------------------------------


def hidden_gradient_steps(sol: Solution) -> list[Step]:
    """δ1 = (δ2·W2ᵀ) ∗ σ′(Z1), then ∂L/∂W1 = Xᵀ·δ1, step by step."""
    x, d2, w2 = sol.inputs.X, sol.delta2, sol.inputs.W2
    N, D = x.shape
    H, C = w2.shape
    d1 = sol.delta1
    steps = [
        Step("The inputs", side_by_side(
            rf"\delta_2 = {matrix(d2)}_{{\,{shape(d2)}}}", rf"W_2 = {matrix(w2)}_{{\,{shape(w2)}}}",
            rf"X = {matrix(x)}_{{\,{shape(x)}}}", rf"Z_1 = {matrix(sol.Z1)}",
        ), "δ2 is the error at the outputs; W2 carries it back to the hidden layer; Z1 comes from the "
           "forward pass.", key="delta1_given"),
        Step("Send the error back through W2", (
            shapes := rf"\underbrace{{\delta_2}}_{{{N} \times {C}}} \cdot \underbrace{{W_2^T}}_{{{C} \times {H}}} "
            rf"\;\to\; {N} \times {H}",
            *(back := product_lines(r"\delta_2 W_2^T", d2, w2.T, sol.dA1_terms, sol.dA1, r"(\delta_2 W_2^T)")),
        ), "W2 maps hidden → output, so going back uses its transpose: hidden unit j collects "
           "Σₖ δ2[n, k]·W2[j, k] from every output it feeds.", focus=("dA1", cells_of(sol.dA1)), key="delta1_back",
           question=(shapes, *product_question(back))),
        Step("The sigmoid's slope at Z1", (
            operation(r"\sigma'(Z_1)", r"\sigma(Z_1) \ast (1 - \sigma(Z_1))", matrix(sol.A1_computed), r"\ast",
                      matrix(sol.one_minus_A1_computed), matrix(sol.sigma_prime)),
        ), "The derivative is taken at the pre-activation Z1 (written through σ(Z1), not through an "
           "assumed A1).", focus=("sigma_prime", cells_of(sol.sigma_prime)), key="delta1_sigma_prime",
           question=(operation(r"\sigma'(Z_1)", r"\sigma(Z_1) \ast (1 - \sigma(Z_1))", matrix(sol.A1_computed),
                               r"\ast", matrix(sol.one_minus_A1_computed), None),)),
        Step("Multiply element-wise", (
            operation(r"\delta_1", r"(\delta_2 W_2^T) \ast \sigma'(Z_1)", matrix(sol.dA1), r"\ast",
                      matrix(sol.sigma_prime), matrix(sol.delta1_computed)),
        ), "∗ is entry by entry (Hadamard): each hidden unit's error is scaled by how sensitive that "
           "unit was.", focus=("delta1_computed", cells_of(sol.delta1_computed)), key="delta1_hadamard",
           question=(operation(r"\delta_1", r"(\delta_2 W_2^T) \ast \sigma'(Z_1)", matrix(sol.dA1), r"\ast",
                               matrix(sol.sigma_prime), None),)),
    ]
    if sol.mode == "assignment":
        steps.append(Step("What the assignment gives instead", (
            *side_by_side(rf"\delta_1^{{\text{{given}}}} = {matrix(sol.inputs.delta1_given)}",
                          rf"\delta_1^{{\text{{propagated}}}} = {matrix(sol.delta1_computed)}"),
            chain(r"\delta_1^{\text{given}} - \delta_1^{\text{propagated}}", matrix(sol.delta1_gap)),
        ), "The assignment supplies a simpler δ1 so that the last step is easy to do by hand; the "
           "solution report uses it, and so does this mode.", key="dW1_given_delta1"))
    steps += [
        Step("Why X is transposed", beside(
            rf"\underbrace{{X^T}}_{{{D} \times {N}}} \cdot \underbrace{{\delta_1}}_{{{N} \times {H}}} "
            rf"\;\to\; \underbrace{{\frac{{\partial L}}{{\partial W_1}}}}_{{{D} \times {H}}}",
            r"(\text{the shape of } W_1)",
        ), "As for W2: the gradient has W1's shape, and transposing X lines the samples up with δ1's "
           "rows so the product sums over samples.", key="dW1_shapes"),
        Step("Multiply: row of Xᵀ times column of δ1", (product := product_lines(
            r"\frac{\partial L}{\partial W_1}", x.T, d1, sol.dW1_terms, sol.dW1, r"\frac{\partial L}{\partial W_1}")),
             "Entry (i, j) is Σₙ X[n, i]·δ1[n, j]: input i times the error of hidden unit j.",
           focus=("dW1", cells_of(sol.dW1)), key="dW1_product", question=product_question(product)),
        Step("The bias gradient: sum δ1 over the samples",
             bias_lines(r"\frac{\partial L}{\partial b_1}", r"\delta_1", d1, sol.db1),
             _bias_note("1", "δ1", N), focus=("db1", cells_of(sol.db1)), key="db1_sum",
             question=bias_question(r"\frac{\partial L}{\partial b_1}", r"\delta_1", d1)),
    ]
    return steps


def delta1_cell(sol: Solution, n: int, j: int) -> str:
    """δ1[n, j] = (Σₖ δ2[n, k]·W2[j, k])·σ′(Z1[n, j]) with the numbers (indices 1-based)."""
    d2, w2 = sol.delta2, sol.inputs.W2
    lhs = rf"\delta_1[{n + 1},{j + 1}]"
    rule = (rf"\Big(\sum_k \delta_2[{n + 1},k]\,W_2[{j + 1},k]\Big)", rf"\sigma'(Z_1[{n + 1},{j + 1}])")
    numbers = (rf"({product_sum(d2[n], w2[j])})", rf"{tex_factor(sol.sigma_prime[n, j])}")
    if fits() < FITS:  # a phone: each product over two lines
        return join_rows([rf"{lhs} &= {rule[0]}", rf"&\qquad \cdot {rule[1]}", rf"&= {numbers[0]}",
                          rf"&\qquad \times {numbers[1]}", rf"&= {tex(sol.delta1_computed[n, j])}"])
    return aligned(lhs, rf"{rule[0]}\,{rule[1]}", rf"{numbers[0]} \times {numbers[1]}", tex(sol.delta1_computed[n, j]))


def dW1_cell(sol: Solution, i: int, j: int) -> str:
    """∂L/∂W1[i, j] = Σₙ X[n, i]·δ1[n, j] with the numbers (indices 1-based)."""
    return aligned(rf"\frac{{\partial L}}{{\partial W_1[{i + 1},{j + 1}]}}",
                   rf"\sum_n X[n,{i + 1}]\,\delta_1[n,{j + 1}]",
                   product_sum(sol.inputs.X[:, i], sol.delta1[:, j]), tex(sol.dW1[i, j]))


def db_cell(sol: Solution, layer: int, k: int) -> str:
    """∂L/∂b_layer[k] = Σₙ δ_layer[n, k]·1 with the numbers (k 1-based on screen)."""
    delta, db = (sol.delta1, sol.db1) if layer == 1 else (sol.delta2, sol.db2)
    column = delta[:, k]
    return aligned(rf"\frac{{\partial L}}{{\partial b_{layer}[{k + 1}]}}",
                   rf"\sum_n \delta_{layer}[n,{k + 1}] \cdot 1",
                   " + ".join(tex(v) if n == 0 else tex_factor(v) for n, v in enumerate(column)), tex(db[k]))


# --- Problem 5: one step of gradient descent ---------------------------------------------------

#: Problem 5's parameters with their LaTeX names and the order the worked solution takes them in (the
#: output layer first, as backpropagation reaches it first).
UPDATE_ORDER = (("W2", "W_2"), ("b2", "b_2"), ("W1", "W_1"), ("b1", "b_1"))


def update_gradients_note(update: Update) -> str:
    """Which gradients the step uses, in words."""
    if update.mode == "assignment":
        return ("This step uses the gradients as in the assignment: ∂L/∂W2 from its assumed A1 and given δ2, "
                "∂L/∂W1 from its given δ1, and the bias gradients Σₙ δ2 and Σₙ δ1 of those given deltas.")
    return ("This step uses the gradients backpropagation gives: δ2 from the target y and the loss, δ1 propagated "
            "from it, A1 = σ(Z1).")


def parameter_update_step(name: str, before, grad, scaled, after, lr: float) -> Step:
    """θ_new = θ − η·∂L/∂θ for one parameter (``name`` W1, b1, W2 or b2), written out with the numbers:
    ``scaled`` is η·∂L/∂θ and ``after`` the new value, both as the package computed them."""
    sym = dict(UPDATE_ORDER)[name]
    lhs, rule = rf"{sym}^{{\text{{new}}}}", rf"{sym} - \eta\,\frac{{\partial L}}{{\partial {sym}}}"
    numbers = rf"{matrix(before)} - {tex(lr)} \cdot {matrix(grad)}"
    if fits() < FITS and visible_width(numbers) > fits():  # a phone: each difference over two lines
        written = operation(lhs, rule, matrix(before), "-", rf"{tex(lr)} \cdot {matrix(grad)}", None)
        rows = [*aligned_rows(written), rf"&= {matrix(before)}", rf"&\qquad - {matrix(scaled)}",
                rf"&= {matrix(after)}"]
        equation = join_rows(rows)
    else:
        equation = chain(lhs, rule, numbers, rf"{matrix(before)} - {matrix(scaled)}", matrix(after))
    return Step(f"Update {name}", (equation,), f"Each entry of {name} moves against its own gradient, by η times "
                "it: a positive gradient makes the weight smaller, a negative one larger.",
                focus=(f"{name}_new", cells_of(after)), key=f"update_{name}", question=(chain(lhs, rule, numbers),))


def update_steps(update: Update) -> list[Step]:
    """W ← W − η·∂L/∂W for each parameter, then the loss before and after by a forward pass each."""
    lr = tex(update.lr)
    grads = [rf"\frac{{\partial L}}{{\partial {sym}}} = {matrix(update.grads[name])}" for name, sym in UPDATE_ORDER]
    steps = [Step("The gradients and the learning rate", (rf"\eta = {lr}", *side_by_side(*grads)),
                  update_gradients_note(update), key="grads")]
    for name, _ in UPDATE_ORDER:
        steps.append(parameter_update_step(name, getattr(update.before, name), update.grads[name],
                                           update.scaled[name], getattr(update.after, name), update.lr))
    fb, fa = update.forward_before, update.forward_after
    steps += [
        Step("The loss before the step", (
            chain(r"A_2", r"\sigma\big(\sigma(X W_1 + b_1)\,W_2 + b_2\big)", matrix(fb.A2)),
            *side_by_side(rf"y = {matrix(update.inputs.y)}", rf"L = {tex(update.loss_before)}"),
        ), "A full forward pass with A1 = σ(Z1), in either mode: the assumed A1 is no network's real activation.",
           key="loss_before"),
        Step("A second forward pass with the new parameters", (
            chain(r"Z_1^{\text{new}}", r"X W_1^{\text{new}} + b_1^{\text{new}}", matrix(fa.Z1)),
            chain(r"A_1^{\text{new}}", r"\sigma(Z_1^{\text{new}})", matrix(fa.A1)),
            chain(r"Z_2^{\text{new}}", r"A_1^{\text{new}} W_2^{\text{new}} + b_2^{\text{new}}", matrix(fa.Z2)),
            chain(r"A_2^{\text{new}}", r"\sigma(Z_2^{\text{new}})", matrix(fa.A2)),
        ), "The same forward pass as Problem 2 and Problem 3, with every parameter replaced.", key="forward_after"),
        Step("The loss after the step", (
            rf"L^{{\text{{new}}}} = {tex(update.loss_after)}, \qquad L = {tex(update.loss_before)}",
            rf"L^{{\text{{new}}}} - L = {tex(update.change)}",
        ), loss_change(update.loss_before, update.loss_after), key="loss_after",
           question=(rf"L = {tex(update.loss_before)}, \qquad L^{{\text{{new}}}} = \;?",)),
    ]
    return steps
