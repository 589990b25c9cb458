"""What a build reports, the project lock, and the up-to-date check: the part of a build that
needs none of its stages.

Kept apart from `generator.pipeline` so that a build with nothing to do (checked here) does not
import the cleaning, grouping and rendering code: that import is most of its time.
"""

from __future__ import annotations

import contextlib
import fcntl
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import LockedError
from generator.freshness import InputsSeen, last_build_if_current

STATE_DIR = ".broadsheet"


@dataclass
class Diagnostics:
    """Warnings and errors met during a build, each one line naming the file and the reason."""

    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Record a problem the build worked around."""
        self.warnings.append(message)

    def error(self, message: str) -> None:
        """Record an input the build had to skip."""
        self.errors.append(message)


@dataclass
class BuildReport:
    """What a build did, for the summary line and for tests."""

    articles: int = 0
    events: int = 0
    pages: int = 0
    seconds: float = 0.0
    written: Counter[str] = field(default_factory=Counter)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    stage_peaks: list[tuple[str, float]] = field(default_factory=list)
    """The build process's peak memory (MiB) as each stage ended, in order: a stage after which it
    rose is one that raised it (what a large site needs memory for)."""
    up_to_date: bool = False
    files_written: int = 0


def peak_memory_mib(children: bool = False) -> float:
    """The peak resident memory of this process (or of the largest finished child), in MiB."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF)
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    return usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)


def memory_rises(peaks: Iterable[tuple[str, float]], at_least: float = 1.0) -> list[tuple[str, float]]:
    """The stages after which the peak memory had risen by `at_least` MiB or more, with the new peak."""
    rises = []
    before = 0.0
    for stage, peak in peaks:
        if peak - before >= at_least:
            rises.append((stage, peak))
        before = max(before, peak)
    return rises


@contextlib.contextmanager
def project_lock(root: Path, job: str = "build") -> Iterator[None]:
    """Hold the project's lock for one job (build, fetch); a second one at once fails clearly."""
    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    handle = (state / f"{job}.lock").open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another broadsheet {job} is running in {root} (lock: {STATE_DIR}/{job}.lock)"
            ) from None
        yield
    finally:
        handle.close()


def up_to_date_report(root: Path, config: SiteConfig, started: float, seen: InputsSeen) -> BuildReport | None:
    """The last build's report again (warnings included) when no input changed since; else None.

    Call it holding the project lock. `started` is when the build began, for its duration;
    `seen` the inputs as walked now (`freshness.inputs_seen`).
    """
    last = last_build_if_current(root, config, root / STATE_DIR, seen.signature)
    if last is None:
        return None
    report = BuildReport(up_to_date=True, articles=last.articles, events=last.events, pages=last.pages)
    report.diagnostics.warnings.extend(last.warnings)
    report.diagnostics.errors.extend(last.errors)
    report.seconds = time.perf_counter() - started
    return report
