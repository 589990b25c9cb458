"""Where a build leaves a core idle: each stage's and step's span, and how busy the cores were.

Runs `broadsheet build -v` in this process on PROJECT, with the start and end of each stage and
of the grouping's, render's and publishing's main steps noted, while a separate process samples
the whole machine's CPU use (`/proc/stat`, Linux) every quarter second. Then prints each span
longer than 0.3 s with the cores' average use over it (200% = both of two cores busy), and the
core-seconds left idle over the whole build. Run by hand on an idle machine, on a copy of a
project (a full build: remove `site/`, `.broadsheet/` and `content/articles/` first), e.g.

    python bench/trace_build.py /tmp/p10k

A step that runs in the build process alone shows as about 100%: there the other core waits.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# A sampler that prints "seconds busy-percent" lines: the share of all cores' time (all cores
# busy = 100 × cores) spent on anything but idle and I/O wait.
SAMPLER = """
import os, sys, time
cores = os.cpu_count() or 1
def read():
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)
start = time.perf_counter()
busy, total = read()
while True:
    time.sleep(0.25)
    now_busy, now_total = read()
    share = (now_busy - busy) / max(now_total - total, 1)
    print(f"{time.perf_counter() - start:.3f} {100 * cores * share:.0f}", flush=True)
    busy, total = now_busy, now_total
"""

STEPS = {
    "generator.events": ("shared_passage_pairs", "term_vectors", "candidate_pairs", "_close_quoting_pairs",
                         "_attach_lone_articles", "_merge_groups", "_slugs"),
    "generator.pipeline": ("assign_events", "build_events", "remember_articles"),
    "generator.render": ("plan_basis", "site_outputs", "make_search_files", "make_outputs", "remove_stale"),
    "generator.publish": ("workspace", "put_in_place", "record_spare"),
}  # fmt: skip


def main() -> None:
    """Command line: the project to build."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", type=Path)
    args = parser.parse_args()
    marks: list[tuple[float, str]] = []
    started = time.perf_counter()

    def mark(label: str) -> None:
        marks.append((time.perf_counter() - started, label))

    _note_steps(mark)
    sampler = subprocess.Popen([sys.executable, "-c", SAMPLER], stdout=subprocess.PIPE, text=True)
    os.chdir(args.project)
    from generator.cli import cli

    try:
        cli(["build", "-v"], prog_name="broadsheet", standalone_mode=False)
    finally:
        sampler.terminate()
        samples = [tuple(map(float, line.split())) for line in sampler.communicate()[0].splitlines()]
    _report(marks, samples)


def _note_steps(mark: Callable[[str], None]) -> None:
    """Wrap the build's stages and steps so that each notes its start and end."""
    import importlib

    from generator import pipeline

    timed = pipeline._timed

    @contextlib.contextmanager
    def noted(report: Any, stage: str) -> Iterator[None]:
        mark(f"start stage {stage}")
        with timed(report, stage):
            yield
        mark(f"end stage {stage}")

    pipeline._timed = noted
    for module_name, names in STEPS.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, _noting(getattr(module, name), name, mark))


def _noting(function: Callable[..., Any], name: str, mark: Callable[[str], None]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(f"start {name}")
        try:
            return function(*args, **kwargs)
        finally:
            mark(f"end {name}")

    return wrapper


def _report(marks: list[tuple[float, str]], samples: list[tuple[float, ...]]) -> None:
    cores = os.cpu_count() or 1

    def average(begin: float, end: float) -> float:
        inside = [use for at, use in samples if begin <= at < end]
        return sum(inside) / len(inside) if inside else float("nan")

    print(f"\nspans over 0.3 s, with the cores' average use ({100 * cores}% = all {cores} busy):")
    for (begin, label), (end, _) in itertools.pairwise(marks):
        if end - begin > 0.3:
            use = average(begin, end)
            print(f"{begin:8.2f} - {end:8.2f} s ({end - begin:6.2f} s) {use:4.0f}%  after: {label}")
    idle = sum((100 * cores - use) / 100 * 0.25 for _, use in samples)
    print(f"idle core-seconds: {idle:.1f} in {samples[-1][0] if samples else 0.0:.1f} s")


if __name__ == "__main__":
    main()
