"""Lighthouse scores of the sample site's home, event and article pages.

    python bench/lighthouse.py [--require-non-timing 95]

Builds the sample content into a temporary project, serves it on 127.0.0.1 under /broadsheet/,
and runs Lighthouse (npm package, `npm install` at the repository root) with Debian's Chromium
(CHROME_PATH=/usr/bin/chromium). Prints performance, accessibility, best practices and SEO for
each page. With --require-non-timing N it exits 1 if accessibility, best practices or SEO score
below N on any page; performance depends on the machine's speed, so it is printed, never required.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from generator.config import load_config
from generator.pipeline import build
from generator.serve import serve

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)
PAGES = {
    "home": "",
    "event": "events/russia-sees-progress-in-ukraine-peace-talks-but-us-relations/",
    "article": "articles/2025/12/russia-resists-u-s-push-on-ukraine-peace-proposal/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
NON_TIMING = ("accessibility", "best-practices", "seo")


def scores(url: str, report: Path) -> dict[str, int]:
    """Lighthouse's four category scores (0–100) for one URL."""
    command = [
        str(LIGHTHOUSE), url, "--quiet", f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={report}",
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=300, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"})
    categories = json.loads(report.read_text())["categories"]
    return {name: round(100 * (categories[name]["score"] or 0)) for name in CATEGORIES}


def main() -> None:
    """Build, serve, run Lighthouse on each page, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--require-non-timing", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `npm install` at the repository root")
    failures = []
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
            print(f"{'page':<8} " + " ".join(f"{c:>15}" for c in CATEGORIES))
            for page, path in PAGES.items():
                result = scores(base_url + path, Path(temporary) / f"{page}.json")
                print(f"{page:<8} " + " ".join(f"{result[c]:>15}" for c in CATEGORIES), flush=True)
                failures += [
                    f"{page} {c} {result[c]}" for c in NON_TIMING if result[c] < args.require_non_timing
                ]
    if failures:
        sys.exit("below the required score: " + ", ".join(failures))


if __name__ == "__main__":
    main()
