"""Scale benchmark: Broadsheet on 1k/10k/100k generated articles, with Pelican and Hugo alongside.

For each N: generate a seeded corpus (bench/corpus.py), then time, each as a separate
`broadsheet build -v` process (so imports and start-up count, as for a user):

- full: a clean build from the raw inbox (digest + site);
- no change: the same build again;
- add one: one more raw article in the inbox;
- edit one: a hand edit to one article's Markdown;
- render only: the site half alone (articles → HTML, feeds, sitemap) with the caches and the
  previous site removed, which is what Pelican and Hugo do on every build;

and read the per-stage times the build prints, its peak memory (`wait4`), the output size and
how many files the incremental builds rewrote. Then Pelican and Hugo render the same Markdown
(bench/compare.py). Run by hand, e.g.

    python bench/scale.py --sizes 1000,10000

With `--limit-mib N` (root, Linux) every build runs in a memory cgroup with that hard limit, as
`bench/confined_build.py` does, and the peak of all its processes together is reported too: a
forked worker's resident size counts the pages it shares with the build, so no one process's
peak says what the machine must provide.

Figures depend on the machine; the script prints its CPU and core count.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import compare  # noqa: E402
import corpus  # noqa: E402
from confined_build import run_sampled  # noqa: E402

STAGE_LINE = re.compile(r"^\s*([a-z+: ]+?):\s+([0-9.]+) s$")
MEMORY_LINE = re.compile(r"peak memory: this process (\d+) MiB, largest child process (\d+) MiB")
RISES_LINE = re.compile(r"peak memory rose in: (.+ MiB)$", re.MULTILINE)


@dataclass
class Run:
    """One `broadsheet build` process."""

    seconds: float
    peak_mib: float
    stages: dict[str, float] = field(default_factory=dict)
    summary: str = ""
    own_mib: float = 0.0
    """The build process alone; `peak_mib` also counts its children (the render and grouping workers)."""
    child_mib: float = 0.0
    memory_rises: str = ""
    """The stages after which the build process's peak memory had grown, as the build printed them."""
    group_mib: float | None = None
    """All the build's processes together (anonymous memory, sampled), when run in a memory cgroup."""


def settle(project: Path, limit: float = 600.0) -> None:
    """Wait until the disk is quiet: the previous build's retired site deleted, writes flushed.

    A build may delete a site it replaced in the background; tens of thousands of unlinks would
    otherwise slow the next timed run. (What the benchmark itself replaces is moved aside, not
    deleted: see `compare.set_aside`.)
    """
    deadline = time.monotonic() + limit
    while any(project.glob(".site-old-*")) and time.monotonic() < deadline:
        time.sleep(1.0)
    os.sync()
    time.sleep(2.0)


# Set by --limit-mib: the hard limit, in bytes, of the memory group each build runs in.
LIMIT: list[int] = []


def run_build(project: Path) -> Run:
    """Run `broadsheet build -v` in `project`; wall time, peak RSS and the stage lines it printed."""
    settle(project)
    build = run_sampled(project, LIMIT[0] if LIMIT else None)
    seconds, output = build.seconds, build.output
    group_peak = max((value for _, value in build.samples), default=0)
    if build.exit_code != 0:
        kills = f" ({build.oom_kills} OOM kills in its memory group)" if LIMIT else ""
        raise SystemExit(f"build failed in {project}{kills}:\n{output[-3000:]}")
    stages = {}
    for line in output.splitlines():
        match = STAGE_LINE.match(line.split("] ")[-1] if "] " in line else line)
        if match:
            stages[match.group(1).strip()] = float(match.group(2))
    summary = next((line for line in reversed(output.splitlines()) if "site/" in line), "")
    memory = MEMORY_LINE.search(output)
    # ru_maxrss is in KiB on Linux; it covers the build process, the largest of the tree.
    own, child = (float(memory.group(1)), float(memory.group(2))) if memory else (0.0, 0.0)
    rises = RISES_LINE.search(output)
    return Run(
        seconds,
        build.max_rss_kib / 1024,
        stages,
        summary.strip(),
        own,
        child,
        rises.group(1) if rises else "",
        group_peak / 2**20 if LIMIT else None,
    )


def tree_size(path: Path) -> tuple[int, float]:
    """(files, MiB) under a folder."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 2**20


def changed_files(site: Path, before: dict[str, int]) -> int:
    """How many files of the site are new or have a new inode/mtime since `before`."""
    return sum(1 for path, stamp in snapshot(site).items() if before.get(path) != stamp)


def snapshot(site: Path) -> dict[str, int]:
    """Site path → modification time in ns, for every file."""
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def make_project(target: Path, articles: int, seed: int) -> Path:
    """A fresh project: the default theme and settings, a generated inbox, no articles yet."""
    compare.set_aside(target, target.parent / compare.ASIDE)
    target.mkdir(parents=True)
    shutil.copytree(REPO / "themes", target / "themes")
    shutil.copy(REPO / "site.toml", target / "site.toml")
    (target / "content" / "articles").mkdir(parents=True)
    corpus.generate(target / "content" / "inbox", articles, seed)
    return target


def edit_one_article(project: Path) -> None:
    """A hand edit: a sentence added to the body of one article."""
    article = sorted((project / "content" / "articles").rglob("*.md"))[
        len(list((project / "content" / "articles").rglob("*.md"))) // 2
    ]
    article.write_text(
        article.read_text(encoding="utf-8") + "\nAn editor's note added by hand.\n", encoding="utf-8"
    )


def announce(articles: int, label: str, run: Run) -> None:
    """One run's time and memory as soon as it ends: a 100,000-article size runs for an hour."""
    together = "" if run.group_mib is None else f", all processes together {run.group_mib:.0f} MiB"
    print(f"[{articles} articles] {label}: {run.seconds:.2f} s, peak {run.peak_mib:.0f} MiB{together} "
          f"({run.memory_rises or 'no memory line'}); {run.summary}", flush=True)  # fmt: skip
    print("    " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in run.stages.items()), flush=True)


def bench_size(articles: int, seed: int, work: Path, tools: list[str]) -> dict[str, object]:
    """Every measurement for one corpus size."""
    project = make_project(work / f"broadsheet-{articles}", articles, seed)
    results: dict[str, object] = {"articles": articles}
    full = run_build(project)
    announce(articles, "full", full)
    results["full"] = full
    site = project / "site"
    results["output"] = tree_size(site)
    before = snapshot(site)
    results["no change"] = run = run_build(project)
    announce(articles, "no change", run)
    results["no change rewrote"] = changed_files(site, before)
    name, text, sidecar = corpus.one_article(seed + 1, articles + 1)
    inbox = project / "content" / "inbox"
    (inbox / name).write_text(text, encoding="utf-8")
    if sidecar:
        (inbox / f"{name}.meta.yaml").write_text(sidecar, encoding="utf-8")
    before = snapshot(site)
    results["add one"] = run = run_build(project)
    announce(articles, "add one", run)
    results["add one rewrote"] = changed_files(site, before)
    edit_one_article(project)
    before = snapshot(site)
    results["edit one"] = run = run_build(project)
    announce(articles, "edit one", run)
    results["edit one rewrote"] = changed_files(site, before)
    # The site half alone, from scratch, as the other generators always build: the inbox is moved
    # aside so that only Markdown → site is measured.
    shutil.move(str(inbox), str(project / "inbox-aside"))
    inbox.mkdir()
    # The site, its spare copy and the caches are moved out of the project, not deleted, until
    # the benchmark ends (see `compare.set_aside`); the spare too, since a build that finds no
    # site deletes it in the background.
    for name in ("site", ".site-spare", ".broadsheet"):
        compare.set_aside(project / name, work / compare.ASIDE)
    results["render only"] = run = run_build(project)
    announce(articles, "render only", run)
    if tools:
        others = work / f"others-{articles}"
        results["others"] = compare.compare(project, tools, 1, others, work / compare.ASIDE)
    return results


def print_results(all_results: list[dict[str, object]]) -> None:
    """Plain lines per size, then a Markdown table."""
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for results in all_results:
        n = results["articles"]
        print(f"\n== {n} articles ==")
        for key in ("full", "no change", "add one", "edit one", "render only"):
            run = results[key]
            assert isinstance(run, Run)
            together = "" if run.group_mib is None else f", all processes together {run.group_mib:.0f}"
            print(f"{key:>12}: {run.seconds:7.2f} s  peak {run.peak_mib:7.0f} MiB (build process "
                  f"{run.own_mib:.0f}, largest child {run.child_mib:.0f}{together})"
                  f"  | {run.summary}")  # fmt: skip
            print("              " + ", ".join(f"{stage} {secs:.2f}" for stage, secs in run.stages.items()))
            if run.memory_rises:
                print(f"              peak memory rose in: {run.memory_rises}")
        output = results["output"]
        assert isinstance(output, tuple)
        print(f"      output: {output[0]} files, {output[1]:.1f} MiB")
        for key in ("no change rewrote", "add one rewrote", "edit one rewrote"):
            print(f"{key:>18}: {results[key]} files")
        for other in results.get("others", []):  # type: ignore[attr-defined]
            print(
                f"{other.tool:>12}: {other.seconds:7.2f} s  peak {other.peak_rss_mb:7.0f} MiB  "
                f"{other.files} files {other.output_mb:.1f} MB ({other.version})"
            )


def main() -> None:
    """Command line: sizes, seed, work folder, which other generators to run."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/broadsheet-scale"))
    parser.add_argument("--tools", default="pelican,hugo", help="other generators to time ('' for none)")
    parser.add_argument("--tools-up-to", type=int, default=10_000, help="skip the others above this size")
    parser.add_argument(
        "--limit-mib", type=int, help="run every build in a memory cgroup with this hard limit"
    )
    args = parser.parse_args()
    if args.limit_mib:
        LIMIT.append(args.limit_mib * 2**20)
    tools = [t for t in args.tools.split(",") if t]
    all_results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results = bench_size(size, args.seed, args.work, tools if size <= args.tools_up_to else [])
        all_results.append(results)
        print_results([results])
        sys.stdout.flush()
    shutil.rmtree(args.work / compare.ASIDE, ignore_errors=True)


if __name__ == "__main__":
    main()
