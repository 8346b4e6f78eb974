"""Tests of dashboard.practice.problems: the score, and quiz sheets whose keys parse back to the solutions."""
import csv
import io
import re

import numpy as np
import pytest

from backprop.practice import KINDS, Size, make_problem
from dashboard.practice import problems


def test_the_score_counts_first_complete_attempts():
    score = problems.Score().record(("a",), "Z1", True, 2)
    assert score.tried == 0  # one of its two answers is in
    score = score.record(("a",), "A1", True, 2).record(("b",), "dW2", True, 1).record(("a",), "Z1", False, 2)
    assert (score.tried, score.right_first_time, score.streak) == (2, 2, 2)
    score = score.record(("c",), "dW2", False, 1).record(("c",), "dW2", True, 1)  # the correction counts not
    assert (score.tried, score.right_first_time, score.streak) == (3, 2, 0)


# --- quiz sheets -----------------------------------------------------------------------------------

_MATRIX = re.compile(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", re.S)


def parse_tex_matrix(text: str) -> np.ndarray:
    rows = [[float(x.replace(r"\times 10^{", "e").replace("}", "").replace(" ", "")) for x in row.split("&")]
            for row in _MATRIX.search(text).group(1).split(r"\\")]
    return np.array(rows)


@pytest.mark.parametrize("kind", list(KINDS))
def test_quiz_sheets_have_every_variant_and_keys_that_parse_back(kind):
    variants = [make_problem(kind, Size(2, 2, 2, 2), seed) for seed in range(10, 16)]
    sheet = problems.quiz_markdown(variants, "https://example.org/practice")
    key = problems.key_markdown(variants, "https://example.org/practice")
    for number, problem in enumerate(variants, start=1):
        header = f"## Variant {number} · seed {problem.seed}"
        assert sheet.count(header) == 1 and key.count(header) == 1
        assert f"https://example.org/practice?{problem.link}" in sheet
    assert sheet.count("## Variant") == key.count("## Variant") == len(variants)
    assert "Worked solution" not in sheet and key.count("**Worked solution**") == len(variants)
    # each variant's answers in the key parse back to the generator's solution (4 significant digits)
    for problem, section in zip(variants, key.split("## Variant ")[1:], strict=True):
        answers_part = section.split("**Worked solution**")[0]
        blocks = re.findall(r"\$\$\n(.*?)\n\$\$", answers_part, re.S)
        assert len(blocks) == len(problem.answers)
        for block, expected in zip(blocks, problem.answers, strict=True):
            assert block.startswith(problems.ANSWER_SYMBOLS[expected.key] + " = ")
            np.testing.assert_allclose(parse_tex_matrix(block), expected.value, rtol=5e-4, atol=5e-5)
    rows = list(csv.DictReader(io.StringIO(problems.answers_csv(variants))))
    for problem_number, problem in enumerate(variants, start=1):
        for expected in problem.answers:
            cells = [r for r in rows if r["variant"] == str(problem_number) and r["matrix"] == expected.key]
            got = np.zeros(expected.value.shape)
            for r in cells:
                got[int(r["row"]) - 1, int(r["column"]) - 1] = float(r["value"])
            np.testing.assert_array_equal(got, expected.value)  # every digit
