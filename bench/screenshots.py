"""Screenshots of the sample site's home, event and article pages at desktop and phone widths.

    python bench/screenshots.py [OUTPUT_DIR]     (default: docs/screenshots)

Builds the sample content into a temporary project, serves it on 127.0.0.1 under /broadsheet/,
and drives Debian's Chromium with Playwright (no browser download). The README embeds the PNGs.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import sync_playwright

from generator.config import load_config
from generator.pipeline import build
from generator.serve import serve

REPO = Path(__file__).resolve().parents[1]
# The flags this machine's Chromium needs headless and offline (as in tests/test_browser.py).
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PAGES = {
    "home": "",
    "event": "events/russia-sees-progress-in-ukraine-peace-talks-but-us-relations/",
    "article": "articles/2025/12/russia-resists-u-s-push-on-ukraine-peace-proposal/",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def main() -> None:
    """Build, serve, and photograph each page at each width."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output", nargs="?", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        project = Path(temporary) / "project"
        project.mkdir()
        for name in ("themes", "content"):
            shutil.copytree(REPO / name, project / name)
        shutil.copy(REPO / "site.toml", project / "site.toml")
        shutil.rmtree(project / "content" / "articles")
        with serve(project / "site", "/broadsheet/") as port:
            base_url = f"http://127.0.0.1:{port}/broadsheet/"
            build(project, replace(load_config(project), base_url=base_url))
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
                for width_name, (width, height) in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    for page_name, path in PAGES.items():
                        page.goto(base_url + path)
                        target = args.output / f"{page_name}-{width_name}.png"
                        page.screenshot(path=str(target))
                        print(f"{target} ({target.stat().st_size:,} bytes)")
                    page.close()
                browser.close()


if __name__ == "__main__":
    main()
