"""Tests of dashboard.solution: presenter mode cuts a worked solution into parts that fit their budgets."""
from dashboard import steps


def test_presenter_parts_fit_their_budgets_and_keep_every_row_in_order():
    from dashboard.solution import _parts
    tall = steps.aligned("S", *[f"{i}" for i in range(18)])
    lines = ["a = 1", tall, r"b = \begin{pmatrix} 1 \\ 2 \\ 3 \end{pmatrix}"]
    parts = _parts(lines, budget=450, last_budget=250)
    assert len(parts) > 1
    assert all(sum(map(steps.height_px, p)) <= 450 for p in parts[:-1])
    assert sum(map(steps.height_px, parts[-1])) <= 250 and parts[-1][-1] == lines[-1]
    rows = [r for p in parts for line in p for r in (steps.aligned_rows(line) or [line])]
    expected = ["a = 1", *steps.aligned_rows(tall), lines[-1]]
    assert [r.removeprefix("S ") for r in rows] == [r.removeprefix("S ") for r in expected]
    # a part never starts with a bare "= …": the block's left-hand side is written again
    starts = [(steps.aligned_rows(p[0]) or [p[0]])[0] for p in parts]
    assert not any(row.startswith("&") for row in starts)
    assert _parts(["a = 1"], budget=450, last_budget=250) == [["a = 1"]]


def test_presenter_parts_keep_an_operand_with_its_row():
    from dashboard.solution import _parts
    m = r"\begin{pmatrix} 1 \\ 2 \\ 3 \end{pmatrix}"
    block = steps.join_rows([f"D &= {m}", rf"&\qquad \ast {m}", f"&= {m}", rf"&\qquad + {m}", f"&= {m}"])
    for parts in (_parts([block], budget=150, last_budget=150), _parts([block], budget=250, last_budget=250)):
        rows = [r for p in parts for line in p for r in steps.aligned_rows(line)]
        assert not any(r.startswith(r"&\qquad") for r in (steps.aligned_rows(p[0])[0] for p in parts))
        assert len(rows) == 5 and len(parts) > 1
