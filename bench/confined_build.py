"""A full `broadsheet build` confined to a memory limit for all its processes together.

The build forks workers; each one's resident size counts the pages it shares with the build
process, and `/usr/bin/time` reports only the largest process. What a machine (or a CI runner)
must provide is the memory of all of them together: this runs the build in a memory cgroup
with a hard limit, so that going past the limit gets the build OOM-killed, and samples the
cgroup's anonymous memory (all processes' own pages, each page counted once) every half
second. Run as root on Linux (cgroup v1 or v2), on a copy of a project, e.g.

    cp -a /tmp/broadsheet-scale/broadsheet-100000 /tmp/confined
    python bench/confined_build.py /tmp/confined --limit-mib 4096

It prints the peak of anonymous memory, the largest sample within each stage (placed by the
stage times the build prints at its end, laid end to end), and whether the kernel killed
anything in the group. Page cache is charged to the group too, but reclaimed before anything is
killed, so the limit is on what cannot be freed; the kernel's own memory for the files the build
creates (inodes, directory entries) is charged as well. What a group was charged stays charged
after its processes end, so every build gets a new group, removed after it: a group kept from
build to build held 475 MiB of kernel memory with no process left in it, and a 100,000-article
build in it had been killed at its 4 GiB limit with 3,614 MiB of its own and no page cache.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import select
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

V1 = Path("/sys/fs/cgroup/memory")
V2 = Path("/sys/fs/cgroup")
GROUP = "broadsheet-confined"
_GROUP_NUMBERS = itertools.count()


class Group:
    """A new memory cgroup (v1 or v2) with a hard limit; `remove` it once its processes ended."""

    def __init__(self, limit: int) -> None:
        self.v1 = (V1 / "memory.limit_in_bytes").exists()
        self.path = (V1 if self.v1 else V2) / f"{GROUP}-{os.getpid()}-{next(_GROUP_NUMBERS)}"
        self.path.mkdir()
        if self.v1:
            (self.path / "memory.limit_in_bytes").write_text(str(limit))
        else:
            (self.path / "memory.max").write_text(str(limit))
            (self.path / "memory.swap.max").write_text("0")

    def charged(self) -> int:
        """Bytes the group is charged for now (anonymous, page cache and kernel memory)."""
        name = "memory.usage_in_bytes" if self.v1 else "memory.current"
        return int((self.path / name).read_text())

    def remove(self) -> None:
        """Delete the group; its processes must have ended (a moment after, for the kernel)."""
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)

    def join(self) -> None:
        """Move the calling process into the group (run in the child before exec)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def anonymous(self) -> int:
        """Bytes of anonymous memory of every process in the group."""
        wanted = "total_rss" if self.v1 else "anon"
        for line in (self.path / "memory.stat").read_text().splitlines():
            key, value = line.split()
            if key == wanted:
                return int(value)
        return 0

    def oom_kills(self) -> int:
        """How many processes the kernel killed in the group for want of memory."""
        name = "memory.oom_control" if self.v1 else "memory.events"
        for line in (self.path / name).read_text().splitlines():
            key, value = line.split()
            if key == "oom_kill":
                return int(value)
        return 0


STAGE_LINE = re.compile(r"^\s*([a-z+ ]+): ([0-9.]+) s$")


def stage_ends(output: str) -> list[tuple[str, float]]:
    """(stage, seconds from the start when it ended) for the build's top-level stages."""
    ends = []
    elapsed = 0.0
    for line in output.splitlines():
        found = STAGE_LINE.match(line)
        # "render: pages" and "search index: ..." are parts of the render stage.
        if found and ":" not in found[1] and not found[1].startswith("search index"):
            elapsed += float(found[2])
            ends.append((found[1].strip(), elapsed))
    return ends


@dataclass
class SampledBuild:
    """One `broadsheet build -v` process: what it printed, how long it ran, how it ended, the
    peak RSS of its largest process (KiB, from `wait4`), and the group's anonymous memory in
    bytes every half second, with the seconds since the start."""

    output: str
    seconds: float
    exit_code: int
    max_rss_kib: int
    samples: list[tuple[float, int]]
    oom_kills: int = 0


def run_sampled(project: Path, limit: int | None, every: float = 0.5) -> SampledBuild:
    """Run `broadsheet build -v` in `project`, in a new memory group with a hard limit of `limit`
    bytes and sampling it when one is given."""
    group = Group(limit) if limit else None
    try:
        return _run_in(project, group, every)
    finally:
        if group:
            group.remove()


def _run_in(project: Path, group: Group | None, every: float) -> SampledBuild:
    if group and group.charged() > 0:
        raise SystemExit(f"{group.path}: a new memory group is already charged {group.charged():,} bytes")
    started = time.monotonic()
    samples: list[tuple[float, int]] = []
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "build", "-v"],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=group.join if group else None,
        )
        # The build's end is awaited on a descriptor for its process (Linux), so the time taken
        # is its own: checked between samples instead, every time came out rounded up to the next
        # `every` seconds (a build with nothing to do read 0.52 s).
        exited = select.poll()
        handle = os.pidfd_open(process.pid)
        exited.register(handle, select.POLLIN)
        try:
            while True:
                if group:
                    samples.append((time.monotonic() - started, group.anonymous()))
                if exited.poll(every * 1000):
                    break
            seconds = time.monotonic() - started
        finally:
            os.close(handle)
        # wait4 rather than wait: the children's peak RSS comes with the exit status.
        _, status, usage = os.wait4(process.pid, 0)
        log.seek(0)
        output = log.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    kills = group.oom_kills() if group else 0
    return SampledBuild(output, seconds, process.returncode, usage.ru_maxrss, samples, kills)


def main() -> None:
    """Run the build confined, print the peak and whether it was killed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--limit-mib", type=int, default=4096)
    options = parser.parse_args()
    build = run_sampled(options.project, options.limit_mib * 1024 * 1024)
    text, samples = build.output, build.samples
    print(text, end="")
    peak_at, peak = max(samples, key=lambda sample: sample[1], default=(0.0, 0))
    print(f"\nlimit {options.limit_mib:,} MiB; exit status {build.exit_code}; {build.seconds:,.1f} s")
    print(f"peak anonymous memory, all processes together: {peak / 2**20:,.0f} MiB at {peak_at:,.0f} s")
    print(f"OOM kills in the group: {build.oom_kills}")
    begin = 0.0
    for stage, end in stage_ends(text):
        within = [value for at, value in samples if begin <= at < end]
        if within:
            print(f"  {stage:20s} {begin:8,.0f} – {end:8,.0f} s  peak {max(within) / 2**20:7,.0f} MiB")
        begin = end


if __name__ == "__main__":
    main()
