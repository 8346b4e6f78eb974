"""Refresh the README's three pictures from the browser suite's own screenshots.

The suite (tests/e2e/test_browser.py) saves a full-page screenshot of every page at 1400 px wide in
tests/e2e/screenshots/page-<page>.png. This keeps the top of three of them (what a visitor sees first), scaled to
half size, as docs/images/<page>.png:

    .venv/bin/python -m pytest tests/e2e/test_browser.py     # writes the screenshots
    .venv/bin/python docs/update_screenshots.py               # copies the top of three into docs/images/
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
IMAGES = ROOT / "docs" / "images"
#: The README's pictures: page (as in the screenshot's name) → the height in screenshot pixels to keep.
PAGES = {"overview": 1100, "hidden-gradient": 1100, "training": 2000}


def picture(shot: Path, height: int, scale: float = 0.5) -> Image.Image:
    """The top ``height`` pixels of a screenshot, scaled by ``scale``."""
    with Image.open(shot) as full:
        top = full.convert("RGB").crop((0, 0, full.width, min(height, full.height)))
    return top.resize((round(top.width * scale), round(top.height * scale)), Image.Resampling.LANCZOS)


def main() -> int:
    missing = [page for page in PAGES if not (SHOTS / f"page-{page}.png").exists()]
    if missing:
        print(f"no screenshot of {', '.join(missing)} in {SHOTS}: run the browser suite first "
              "(.venv/bin/python -m pytest tests/e2e/test_browser.py)", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    for page, height in PAGES.items():
        out = IMAGES / f"{page}.png"
        picture(SHOTS / f"page-{page}.png", height).save(out, optimize=True)
        print(f"{out.relative_to(ROOT)} ← page-{page}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
