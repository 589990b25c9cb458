"""A build killed at any moment leaves the old site or the new one, whole, and no half-written article."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import make_project

ITERATIONS = 12


def digest(site: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        hasher.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def build(project: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "generator", "build", "--quiet"], cwd=project,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def retired_sites_go_away(project: Path, seconds: float = 20.0) -> bool:
    """The previous site is deleted in the background after a swap; it must be gone soon after."""
    deadline = time.monotonic() + seconds
    while list(project.glob(".site-old-*")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_sigkill_at_random_points_never_leaves_a_broken_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    settings = project / "site.toml"
    original = settings.read_text()
    titles = ["Edition A", "Edition B"]
    complete: dict[str, str] = {}
    for title in titles:  # the two complete sites a build can leave, old or new
        settings.write_text(original.replace('title = "Broadsheet"', f'title = "{title}"'))
        assert build(project).wait(timeout=300) == 0
        complete[title] = digest(project / "site")
    assert len(set(complete.values())) == 2
    started = time.perf_counter()
    assert build(project).wait(timeout=300) == 0
    duration = time.perf_counter() - started
    rng = random.Random(20261122)
    killed = 0
    for iteration in range(ITERATIONS):
        title = titles[iteration % 2]
        settings.write_text(original.replace('title = "Broadsheet"', f'title = "{title}"'))
        before = digest(project / "site")
        process = build(project)
        time.sleep(rng.uniform(0.0, duration))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait(timeout=60)
        after = digest(project / "site")
        assert after in complete.values(), f"iteration {iteration}: site/ is neither complete site"
        assert after in (before, complete[title])
        leftovers = [p for p in (project / "content" / "articles").rglob("*") if p.name.endswith(".tmp")]
        for article in (project / "content" / "articles").rglob("*.md"):
            assert article.read_text().startswith("---\n") and "output_hash:" in article.read_text()
        # A later build clears what the killed one left and completes.
        assert build(project).wait(timeout=300) == 0
        assert not [p for p in (project / "content" / "articles").rglob("*") if p.name.endswith(".tmp")]
        assert not list(project.glob(".site-new-*"))
        assert retired_sites_go_away(project)
        assert leftovers == [] or all(not p.exists() for p in leftovers)
    assert killed >= ITERATIONS // 2
