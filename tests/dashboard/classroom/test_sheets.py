"""Tests of dashboard.classroom.sheets: quiz sheets, answer keys and answer tables that parse back to the
generator's solutions."""
import csv
import io
import re

import numpy as np
import pytest

from backprop.practice import KINDS, Size, make_problem
from dashboard.classroom import sheets
from dashboard.practice import problems

# --- quiz sheets -----------------------------------------------------------------------------------

_MATRIX = re.compile(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", re.S)


def parse_tex_matrix(text: str) -> np.ndarray:
    rows = [[float(x.replace(r"\times 10^{", "e").replace("}", "").replace(" ", "")) for x in row.split("&")]
            for row in _MATRIX.search(text).group(1).split(r"\\")]
    return np.array(rows)


@pytest.mark.parametrize("kind", list(KINDS))
def test_quiz_sheets_have_every_variant_and_keys_that_parse_back(kind):
    variants = [make_problem(kind, Size(2, 2, 2, 2), seed) for seed in range(10, 16)]
    sheet = sheets.quiz_markdown(variants, "https://example.org/practice")
    key = sheets.key_markdown(variants, "https://example.org/practice")
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
    rows = list(csv.DictReader(io.StringIO(sheets.answers_csv(variants))))
    for problem_number, problem in enumerate(variants, start=1):
        for expected in problem.answers:
            cells = [r for r in rows if r["variant"] == str(problem_number) and r["matrix"] == expected.key]
            got = np.zeros(expected.value.shape)
            for r in cells:
                got[int(r["row"]) - 1, int(r["column"]) - 1] = float(r["value"])
            np.testing.assert_array_equal(got, expected.value)  # every digit


def test_a_sheet_has_no_practice_links_unless_asked_for():
    variants = [make_problem("update", Size(), seed) for seed in (1, 2)]
    sheet, key = sheets.quiz_markdown(variants), sheets.key_markdown(variants)
    assert "practice?" not in sheet and "Link:" not in sheet and "practice?" not in key
