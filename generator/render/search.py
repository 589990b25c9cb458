"""The search index: Pagefind, run over the finished pages.

Why Pagefind: it splits the index into small fragments that the browser fetches on demand, so a
query over 100,000 articles downloads a few hundred kilobytes instead of one multi-megabyte JSON
index (the lunr/Fuse approach); it needs no server, so it works on GitHub Pages; and it installs
from PyPI with its binary, so nothing is downloaded at build time. Only article pages are indexed
(`data-pagefind-body`). Event, source and month are stored as Pagefind *metadata* and filtered in
the browser, not as Pagefind filters: Pagefind writes its filter files in hash-map order, which
changes from run to run and would break byte-identical builds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.errors import BuildError

SEARCH_DIR = "pagefind"


def build_search_index(site: Path) -> None:
    """Index the site in place; writes `pagefind/` under it."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-subdir",
        SEARCH_DIR,
        # Only article pages carry `data-pagefind-body`; reading the rest would double the time.
        "--glob",
        "articles/**/*.html",
        "--silent",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"search index: could not run Pagefind ({error})") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BuildError(f"search index: Pagefind failed ({detail[-1] if detail else result.returncode})")
