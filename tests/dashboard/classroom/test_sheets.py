"""Tests of the quiz sheets (dashboard.classroom.sheets), their print-ready pages (handout) and the Moodle quiz (lms):
sheets safe to hand out, keys and answer tables that parse back to the generator's solutions, and every export
read back to each variant's givens, answers and tolerances."""
import csv
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pytest

from backprop.practice import KINDS, Size, make_problem
from backprop.tolerance import RULE_TEXT, allowed, key_value, right
from dashboard import steps
from dashboard.classroom import handout, lms, sheets
from dashboard.practice import problems

_MATRIX = re.compile(r"\\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", re.S)


def parse_tex_matrix(text: str) -> np.ndarray:
    rows = [[float(x.replace(r"\times 10^{", "e").replace("}", "").replace(" ", "")) for x in row.split("&")]
            for row in _MATRIX.search(text).group(1).split(r"\\")]
    return np.array(rows)


TWO_SAMPLES = Size(2, 2, 2, 2)


def variants(kind, size=TWO_SAMPLES, seeds=range(10, 16)):
    return [make_problem(kind, size, seed) for seed in seeds]


def key_answers(key: str) -> list[list[np.ndarray]]:
    """Each variant's answers as the key prints them."""
    out = []
    for section in key.split("## Variant ")[1:]:
        blocks = re.findall(r"\$\$\n(.*?)\n\$\$", section.split("**Worked solution**")[0], re.S)
        out.append([parse_tex_matrix(block) for block in blocks])
    return out


# --- the sheet ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_sheet_has_a_title_a_name_line_the_rule_and_a_grid_of_the_right_shape_for_every_answer(kind):
    batch = variants(kind, Size(3, 2, 3, 2))
    sheet = sheets.quiz_markdown(batch)
    assert sheet.startswith(f"# Quiz: {KINDS[kind]}\n") and "Practice:" not in sheet
    assert "Name: ____" in sheet and RULE_TEXT in sheet and "3 significant figures" in sheet
    for number, problem in enumerate(batch, start=1):
        section = sheet.split(f"## Variant {number} · seed {problem.seed}")[1].split("## Variant")[0]
        for answer in problem.answers:
            rows, cols = np.atleast_2d(answer.value).shape
            assert f"{answer.symbol} ({rows} × {cols}: {answer.row_name} × {answer.col_name})" in section
            grid = section.split(f"{answer.symbol} ({rows} × {cols}")[1].split("\n\n")[1].splitlines()
            assert len(grid) == rows + 2 and all(line.count("|") == cols + 2 for line in grid), grid
        # the givens parse back, each line narrow enough for a printed column
        lines = re.findall(r"\$\$\n(.*?)\n\$\$", section, re.S)
        assert all(steps.visible_width(line) <= sheets.PRINT_FITS or r",\qquad" not in line for line in lines)
        shown = [parse_tex_matrix(part) for line in lines for part in line.split(r",\qquad ") if "pmatrix" in part]
        for got, expected in zip(shown, problem.givens.values(), strict=True):
            np.testing.assert_allclose(got, np.atleast_2d(expected), rtol=5e-4)
    assert "Worked solution" not in sheet


def test_a_sheet_has_no_practice_links_unless_asked_for():
    batch = variants("update", Size(), (1, 2))
    for text in (sheets.quiz_markdown(batch), sheets.key_markdown(batch), handout.sheet_html(batch),
                 handout.key_html(batch), lms.moodle_xml(batch)):
        assert "practice?" not in text and "http" not in text.replace("http://www.w3.org/1998/Math/MathML", "")
    linked = sheets.quiz_markdown(batch, "https://backprop.example.org/practice")
    assert linked.count("https://backprop.example.org/practice?kind=update&seed=") == 2
    assert "https://backprop.example.org/practice?kind=update&amp;seed=1" in handout.sheet_html(
        batch, "https://backprop.example.org/practice")


def test_the_public_address_comes_from_the_setting_or_links_are_left_out(monkeypatch):
    from dashboard.classroom.views import PUBLIC_URL, public_practice_url

    monkeypatch.delenv(PUBLIC_URL, raising=False)
    assert public_practice_url() is None
    monkeypatch.setenv(PUBLIC_URL, "https://backprop.example.org/")
    assert public_practice_url() == "https://backprop.example.org/practice"
    monkeypatch.setenv(PUBLIC_URL, "javascript:alert(1)")
    assert public_practice_url() is None


# --- the key and the answers table --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_csv_holds_exactly_the_keys_values_with_the_apps_tolerance(kind):
    batch = variants(kind)
    key = sheets.key_markdown(batch)
    printed = key_answers(key)
    rows = list(csv.DictReader(io.StringIO(sheets.answers_csv(batch))))
    assert list(rows[0]) == ["variant", "seed", "matrix", "row", "column", "value", "tolerance", "exact"]
    for number, (problem, answers) in enumerate(zip(batch, printed, strict=True), start=1):
        assert len(answers) == len(problem.answers)
        for expected, shown in zip(problem.answers, answers, strict=True):
            cells = [r for r in rows if r["variant"] == str(number) and r["matrix"] == expected.key]
            assert len(cells) == expected.value.size
            for r in cells:
                i, j = int(r["row"]) - 1, int(r["column"]) - 1
                exact = expected.value[i, j]
                assert float(r["value"]) == shown[i, j] == key_value(exact), "the CSV's value is the key's"
                assert len(r["value"].lstrip("-").replace(".", "").lstrip("0")) <= 3, f"no float noise: {r['value']}"
                assert float(r["tolerance"]) == pytest.approx(allowed(exact), rel=1e-2)
                assert float(r["exact"]) == pytest.approx(exact, rel=1e-9)
                assert right(float(r["value"]), exact), "the key's value is right under the rule"


def test_the_key_has_every_variant_and_its_worked_solution():
    batch = variants("hidden")
    key = sheets.key_markdown(batch)
    assert key.count("## Variant") == len(batch) and key.count("**Worked solution**") == len(batch)
    assert RULE_TEXT in key
    for problem, answers in zip(batch, key_answers(key), strict=True):
        for expected, shown in zip(problem.answers, answers, strict=True):
            assert right(shown, expected.value).all()


def test_noise_in_a_float_never_reaches_the_table():
    # 3.9999999999999996, as 0.1 * 3 * ... leaves it, is printed and tabled as 4
    assert sheets.key_values([[3.9999999999999996, 0.30000000000000004]]).tolist() == [[4.0, 0.3]]


# --- Moodle XML -------------------------------------------------------------------------------------------------

_CELL = re.compile(r"\{1:NUMERICAL:=(-?[0-9.]+):([0-9.]+)\}")


def read_moodle(text: str):
    """[(name, question html, feedback html)] of the file's cloze questions, and its category."""
    root = ET.fromstring(text.encode())
    assert root.tag == "quiz"
    categories = root.findall("question[@type='category']")
    questions = [(q.findtext("name/text"), q.findtext("questiontext/text"), q.findtext("generalfeedback/text"))
                 for q in root.findall("question[@type='cloze']")]
    assert len(categories) == 1 and len(questions) == len(root) - 1
    return categories[0].findtext("category/text"), questions


@pytest.mark.parametrize("kind", list(KINDS))
def test_moodle_xml_has_one_question_per_variant_that_reads_back_to_its_givens_answers_and_tolerances(kind):
    batch = variants(kind, Size(2, 3, 2, 2))
    category, questions = read_moodle(lms.moodle_xml(batch))
    assert category.startswith("$course$/top/Backprop quiz: ") and len(questions) == len(batch)
    for (name, text, feedback), problem in zip(questions, batch, strict=True):
        assert f"seed {problem.seed}" in name and RULE_TEXT.replace("'", "&#x27;") in text
        # the givens, as TeX for Moodle's MathJax filter
        tex = [part for line in re.findall(r"\$\$ (.*?) \$\$", text) for part in line.split(r",\qquad ")]
        matrices = [parse_tex_matrix(part.replace("&amp;", "&")) for part in tex if "pmatrix" in part]
        assert len(matrices) == len(problem.givens)
        for got, expected in zip(matrices, problem.givens.values(), strict=True):
            np.testing.assert_allclose(got, np.atleast_2d(expected), rtol=5e-4)
        # every answer cell, in a table of the answer's shape, with the app's own tolerance
        tables = re.findall(r'<table class="answer" data-matrix="(\w+)">(.*?)</table>', text, re.S)
        assert [key for key, _ in tables] == [a.key for a in problem.answers]
        for (_, table), answer in zip(tables, problem.answers, strict=True):
            rows = re.findall(r"<tr><th>[^<]+</th>(.*?)</tr>", table)
            cells = np.array([[tuple(map(float, _CELL.search(td).groups())) for td in re.findall(r"<td>(.*?)</td>", r)]
                              for r in rows])
            assert cells.shape[:2] == answer.value.shape
            np.testing.assert_allclose(cells[..., 0], answer.value, rtol=1e-9)
            np.testing.assert_allclose(cells[..., 1], allowed(answer.value), rtol=1e-2)
            # what Moodle will accept is what the app accepts: the key's 3 figures in, 2 % off out
            for (value, tol), exact in zip(cells.reshape(-1, 2), answer.value.reshape(-1), strict=True):
                assert abs(key_value(exact) - value) <= tol and abs(1.02 * exact - value) > tol
        assert len(_CELL.findall(text)) == sum(a.value.size for a in problem.answers)
        assert all(problems.ANSWER_SYMBOLS[a.key] in feedback for a in problem.answers)


# --- print-ready pages --------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.sources = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_print_ready_pages_are_self_contained_with_their_math_as_mathml(kind):
    batch = variants(kind, Size(2, 2, 2, 2), (3, 4))
    for page in (handout.sheet_html(batch), handout.key_html(batch)):
        parsed = _Tags()
        parsed.feed(page)
        assert parsed.sources == [] and "script" not in parsed.tags, "nothing is fetched or run"
        assert "math" in parsed.tags and "$$" not in page and r"\begin" not in page
        assert "@page { size: A4" in page
    sheet = handout.sheet_html(batch)
    assert sheet.count('class="variant"') == len(batch) and "Name: ____" in sheet
    assert sheet.count('<table class="grid"') == len(batch) * len(batch[0].answers)
