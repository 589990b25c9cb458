"""Memory through the grouping stage: the resident size at each of its steps, on a built project.

The project's articles are loaded and their events removed (front matter and all), so the
grouping runs as in a first build: every article is grouped, and every article file is given
its event again (kept in memory, never written). Each step prints the process's resident memory
when it starts and ends; the peak on each line is the highest resident size since the line
before (`VmHWM`, reset at each line), so a step's own peak is on its closing line. Run by hand on a
project that `broadsheet build` (or bench/scale.py) has built, e.g.

    python bench/group_memory.py /tmp/broadsheet-scale/broadsheet-100000

Linux only (it reads /proc/self). The event of every article can be written to a file with
`--assignment FILE`, to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import functools
import gc
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator import events, pipeline
from generator.config import load_config
from generator.content import ArticleStore, made_article
from generator.report import Diagnostics

STEPS = (
    (events, "shared_passage_pairs"),
    (events, "term_vectors"),
    (events, "candidate_pairs"),
    (events, "_close_quoting_pairs"),
    (events, "_attach_lone_articles"),
    (events, "_merge_groups"),
    (events, "_slugs"),
    (pipeline, "assign_events"),
    (pipeline, "build_events"),
)


def memory_mib() -> tuple[int, int]:
    """(resident, peak resident since the last reset) of this process, in MiB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":")
            found[key] = int(value.split()[0]) // 1024
    return found["VmRSS"], found["VmHWM"]


def reset_peak() -> None:
    """Start the peak (`VmHWM`) again from the current resident size."""
    Path("/proc/self/clear_refs").write_text("5")


class Timeline:
    """Prints one line per checkpoint: seconds since the start, label, resident and peak MiB."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def mark(self, label: str) -> None:
        resident, peak = memory_mib()
        seconds = time.perf_counter() - self.start
        print(f"{seconds:8.1f} s  {label:34s} resident {resident:6d} MiB  peak {peak:6d} MiB", flush=True)
        reset_peak()

    def around(self, function: Callable[..., Any], name: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def step(*args: Any, **kwargs: Any) -> Any:
            self.mark(f"> {name}")
            result = function(*args, **kwargs)
            size = f" ({len(result):,})" if hasattr(result, "__len__") else ""
            self.mark(f"< {name}{size}")
            return result

        return step


def main() -> None:
    """Load the project, strip the events, group, and print the timeline."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--assignment", type=Path, help="write 'path<TAB>event' for every article here")
    options = parser.parse_args()
    timeline = Timeline()
    for module, name in STEPS:
        setattr(module, name, timeline.around(getattr(module, name), name))
    config = load_config(options.project)
    store = ArticleStore(options.project / config.paths.articles, config.zone, defer_writes=True)
    store.scan()
    for relpath, file in list(store.files.items()):
        metadata = {k: v for k, v in file.metadata.items() if k not in ("event", "output_hash")}
        store.files[relpath] = made_article(metadata, file.body, relpath)
    articles = [replace(a, event=None) for a in pipeline.load_articles(store, config, Diagnostics())]
    gc.collect()
    timeline.mark(f"loaded {len(articles):,} articles")
    summariser = pipeline.summariser_for(options.project, config)
    found = pipeline.group_events(articles, store, config, summariser, cache={})
    timeline.mark(f"grouped: {len(found):,} events")
    if options.assignment:
        with options.assignment.open("w", encoding="utf-8") as out:
            for event in found:
                for article in event.articles:
                    out.write(f"{article.path}\t{event.slug}\n")


if __name__ == "__main__":
    main()
