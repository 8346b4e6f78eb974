"""A learner's own data and code, in a real browser: a CSV uploaded in Chromium trains the lab on it, the
lr-too-large lesson's chart labels never overlap, and a problem page's network opens in the lab.

Each test opens a fresh tab (a new Streamlit session). See conftest.py for the server and the browser."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dashboard.lab.lessons import percent

pytestmark = pytest.mark.e2e

# The bounding boxes of the curves chart's tick labels per axis, and of its annotations (the panel titles and the
# epoch markers' labels), as drawn.
_BOXES_JS = """() => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (!(gd.data && gd.data.some(t => t.name === 'training loss'))) continue;
    const boxes = (sel) => Array.from(gd.querySelectorAll(sel)).filter(e => e.textContent.trim())
      .map(e => { const r = e.getBoundingClientRect(); return {text: e.textContent, x0: r.left, x1: r.right,
                                                                    y0: r.top, y1: r.bottom}; });
    return {x: boxes('.xtick text'), y: boxes('.ytick text'), y2: boxes('.y2tick text'), y3: boxes('.y3tick text'),
            notes: boxes('.annotation-text-g')};
  }
  return null;
}"""


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a["x1"] - 0.5 <= b["x0"] or b["x1"] - 0.5 <= a["x0"] or a["y1"] - 0.5 <= b["y0"] or \
                b["y1"] - 0.5 <= a["y0"]
            if not apart:
                out.append((a["text"], b["text"]))
    return out


def test_the_lr_too_large_lessons_labels_never_overlap(app, page):
    app.goto(page, "training?preset=lr-too-large", charts=3, timeout_s=90)
    assert not app.exceptions(page)
    page.wait_for_function("() => document.querySelectorAll('.y2tick text').length > 0")
    boxes = page.evaluate(_BOXES_JS)
    assert boxes is not None
    app.screenshot(page, "own-01-lr-too-large-curves")
    assert 2 <= len(boxes["y2"]) <= 6, [b["text"] for b in boxes["y2"]]
    for axis in ("x", "y", "y2", "y3", "notes"):
        assert overlapping(boxes[axis]) == [], (axis, overlapping(boxes[axis]))
    assert any("diverged at epoch" in b["text"] for b in boxes["notes"])


def blobs_csv(path) -> str:
    rng = np.random.default_rng(7)
    k = np.arange(150) % 3
    X = 20 + 4 * rng.standard_normal((150, 2)) + 9 * np.stack([np.cos(2 * k), np.sin(2 * k)], axis=1)
    rows = "\n".join(f"{a:.2f},{b:.2f},{c}" for (a, b), c in zip(X, k, strict=True))
    path.write_text("sepal,petal,species\n" + rows)
    return str(path)


def upload(app, page, path: str) -> None:
    """Open the Data box's CSV section once the page has settled, and give its uploader the file."""
    app.settle(page)
    page.get_by_text("Your own data (CSV)").click()
    field = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    field.wait_for(state="attached", timeout=30_000)
    field.set_input_files(path)


def test_an_uploaded_csv_trains_the_lab(app, page, tmp_path):
    app.goto(page, "training", charts=3, timeout_s=90)
    upload(app, page, blobs_csv(tmp_path / "flowers.csv"))
    page.wait_for_function("() => document.body.innerText.includes('150 rows of flowers.csv')", timeout=90_000)
    app.settle(page)
    app.wait_charts(page, 5)
    assert not app.exceptions(page), app.exceptions(page)
    app.screenshot(page, "own-02-uploaded-csv")
    text = page.inner_text("body")
    assert "3 classes" in text and "Output and loss switched from sigmoid + bce to softmax + ce" in text
    chosen = page.locator("[data-testid='stSelectbox']").filter(has_text="Data set").evaluate(
        "e => e.innerText + ' ' + Array.from(e.querySelectorAll('input')).map(i => i.value).join(' ')")
    assert "Your data: flowers.csv" in chosen, chosen
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
    assert "Confusion matrix, training samples" in titles and "Confusion matrix, test samples" in titles
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this run (JSON)").click()
    run = json.loads(Path(info.value.path()).read_text())
    assert run["data"]["name"] == "flowers.csv" and run["config"]["dataset"] == "csv" and run["layer_sizes"][-1] == 3
    shown = page.locator("[data-testid='stMetric']").filter(has_text="Training accuracy").inner_text()
    assert percent(run["train_accuracy"][-1]) in shown, (shown, run["train_accuracy"][-1])
    assert run["train_accuracy"][-1] >= 0.9, "the network learned the uploaded classes"


def test_a_refused_upload_names_the_row_and_keeps_the_run(app, page, tmp_path):
    app.goto(page, "training", charts=3, timeout_s=90)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,0\n3,4,1\n5,six,0\n7,8,1\n")
    upload(app, page, str(bad))
    try:
        page.wait_for_function("() => document.body.innerText.includes('Row 4, column 2 (b)')", timeout=90_000)
    finally:
        app.screenshot(page, "own-04-refused-upload")
    app.settle(page)
    text = page.inner_text("body")
    assert "“six” is not a number" in text and "The run on screen is unchanged" in text
    assert "Learn XOR" in text and not app.exceptions(page)


def test_a_problem_pages_network_opens_in_the_lab(app, page):
    app.goto(page, "weight-update?X=1,2;-1,0.5&W1=0.1,-0.2,0.3;0.4,0.5,-0.6&b1=0.1,0,-0.1&W2=0.2,-0.3;0.4,0.1;-0.5,0.6"
                   "&b2=0.05,-0.05&y=0.2,0.9;0.7,0.1&lr=0.8&mode=consistent", charts=2, timeout_s=90)
    page.get_by_role("button", name="Train this network in the lab").click()
    page.wait_for_url("**/training**", timeout=60_000)
    app.settle(page)
    app.wait_charts(page, 3)
    assert not app.exceptions(page), app.exceptions(page)
    assert "data=example" in page.url and "lr=0.8" in page.url
    assert "2 samples of the example of /weight-update" in page.inner_text("body")
    app.screenshot(page, "own-03-example-in-the-lab")
