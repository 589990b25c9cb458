"""The `broadsheet` command: parse arguments, call the pipeline, report, map errors to exit codes.

Exit codes: 0 success; 1 the build failed; 2 bad settings or usage; 3 `--strict` and the build
reported warnings or skipped files; 4 another build holds the project lock.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator.config import SiteConfig, load_config, normalise_base_url
from generator.errors import BroadsheetError, InputError, StrictModeError
from generator.freshness import input_signature, inputs_seen, read_last_build
from generator.model import CleanDocument, RawDocument
from generator.report import (
    STATE_DIR,
    BuildReport,
    memory_rises,
    peak_memory_mib,
    project_lock,
    up_to_date_report,
)
from generator.sources import (
    SOURCES_FILE,
    append_sources,
    load_sources,
    merge_new_sources,
    sources_from_opml,
    sources_to_opml,
)

if TYPE_CHECKING:
    from generator.fetch import FetchReport

# The stages (cleaning, fetching, rendering) are imported by the commands that use them: a build
# with nothing to do then starts in a fraction of the time.
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("broadsheet")


class DeduplicatingHandler(logging.Handler):
    """Print each distinct message once; repeats of one kind of problem are counted, not repeated."""

    def __init__(self, limit_per_kind: int = 5) -> None:
        super().__init__()
        self.limit_per_kind = limit_per_kind
        self.seen: set[str] = set()
        self.per_kind: dict[str, int] = {}
        self.suppressed = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message in self.seen:
            return
        self.seen.add(message)
        # "path: reason" — the reason is the kind; many files with one reason are summarised.
        kind = f"{record.levelname}:{message.partition(': ')[2]}"
        count = self.per_kind.get(kind, 0) + 1
        self.per_kind[kind] = count
        if count > self.limit_per_kind:
            self.suppressed += 1
            return
        colour = {"ERROR": "red", "WARNING": "yellow"}.get(record.levelname)
        prefix = click.style(record.levelname.lower(), fg=colour) + ": " if colour else ""
        click.echo(prefix + message, err=True)


def _setup_logging(verbose: int, quiet: bool) -> DeduplicatingHandler:
    handler = DeduplicatingHandler()
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO)
    return handler


def _project_option(function: F) -> F:
    return click.option(
        "-C",
        "--project",
        "project",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The project folder (holding site.toml and content/).",
    )(function)


def _handle_errors(function: F) -> F:
    """Turn expected failures into one-line messages with their exit codes, never a traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except BroadsheetError as error:
            click.echo(click.style("error: ", fg="red") + str(error), err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; the previous site is left as it was", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _config(project: Path, base_url: str | None) -> SiteConfig:
    config = load_config(project)
    if base_url:
        config = replace(config, base_url=normalise_base_url(base_url, "--base-url"))
    return config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="broadsheet", prog_name="broadsheet")
def cli() -> None:
    """Broadsheet turns raw scraped articles into a clean, searchable static news site."""


def _run_build(project: Path, config: SiteConfig, show_progress: bool) -> BuildReport:
    started = time.perf_counter()
    with project_lock(project):
        # Checked before the stages are imported: a build with nothing to do needs none of them.
        seen = inputs_seen(project, config)
        replayed = up_to_date_report(project, config, started, seen)
        if replayed is not None:
            return replayed
        from generator.pipeline import build_changed

        if not show_progress:
            return build_changed(project, config, started, seen=seen)
        bars: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if total < 50:
                return
            bar = bars.get(stage)
            if bar is None:
                bar = click.progressbar(length=total, label=f"{stage:>10}", file=sys.stderr)
                bar.__enter__()
                bars[stage] = bar
            bar.update(1)
            if done == total:
                bar.__exit__(None, None, None)

        return build_changed(project, config, started, progress, seen=seen)


@cli.command("build")
@_project_option
@click.option("--base-url", help="Override site.toml's base_url, e.g. https://user.github.io/repo/.")
@click.option("--strict", is_flag=True, help="Exit with code 3 if any warning or skipped file was reported.")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.option("-v", "--verbose", count=True, help="Print more detail (per-stage times and peak memory).")
@click.option("--fetch", "fetch_first", is_flag=True, help="First fetch new articles from sources.toml.")
@_handle_errors
def build_command(
    project: Path, base_url: str | None, strict: bool, quiet: bool, verbose: int, fetch_first: bool
) -> None:
    """Digest content/inbox/ into content/articles/ and render the site into site/."""
    handler = _setup_logging(verbose, quiet)
    config = _config(project, base_url)
    fetch_problems = 0
    if fetch_first:
        fetched = _run_fetch(project, config, ())
        fetch_problems = len(fetched.warnings) if fetched else 0
    report = _run_build(project, config, show_progress=not quiet and sys.stderr.isatty())
    for message in report.diagnostics.errors:
        log.error(message)
    for message in report.diagnostics.warnings:
        log.warning(message)
    if handler.suppressed:
        log.info(f"({handler.suppressed} similar messages not shown)")
    if verbose:
        for stage, seconds in report.stage_seconds.items():
            log.debug(f"{stage:>16}: {seconds:.2f} s")
        # The children are the worker processes.
        own, child = peak_memory_mib(), peak_memory_mib(children=True)
        log.debug(f"     peak memory: this process {own:.0f} MiB, largest child process {child:.0f} MiB")
        rises = memory_rises(report.stage_peaks)
        if rises:
            log.debug("     peak memory rose in: " + ", ".join(f"{s} to {m:.0f}" for s, m in rises) + " MiB")
    written = ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.written.items()))
    problems = len(report.diagnostics.errors) + len(report.diagnostics.warnings) + fetch_problems
    log.info(
        ("up to date" if report.up_to_date else "built")
        + f" {config.paths.output}/: {report.articles} articles, {report.events} events, "
        f"{report.pages} pages, {problems} warnings, {report.seconds:.1f} s"
        + (f" (articles: {written})" if written else "")
    )
    if strict and problems:
        raise StrictModeError(f"--strict: {problems} warnings or skipped files")


def _run_fetch(project: Path, config: SiteConfig, only: tuple[str, ...]) -> FetchReport | None:
    """Fetch and report; None when the project follows no sources."""
    from generator.fetch import fetch_sources

    sources = load_sources(project)
    if sources is None or not sources.sources:
        log.info(f"no sources to fetch (add feeds to {SOURCES_FILE}; see the README)")
        return None
    known = {s.name.lower() for s in sources.sources}
    for name in only:
        if name.lower() not in known:
            raise click.BadParameter(f"no source named {name!r} in {SOURCES_FILE}", param_hint="--source")
    with project_lock(project, "fetch"):
        report = fetch_sources(project, sources, project / config.paths.inbox, only=only)
    for message in report.warnings:
        log.warning(message)
    for source in report.sources:
        if source.status in ("failed", "offline"):
            continue
        counts = {
            "new": source.new,
            "copies": source.duplicates,
            "seen before": source.seen,
            "filtered out": source.filtered,
            "without text": source.empty,
            "failed": source.failed,
        }
        detail = ", ".join(f"{n} {label}" for label, n in counts.items() if n) or "nothing new"
        # One line per source, always: the repeat filter would fold "not modified" lines together.
        if log.isEnabledFor(logging.INFO):
            click.echo(f"  {source.name}: {source.status if source.status != 'ok' else detail}", err=True)
    if report.offline:
        log.warning("offline: no feed could be reached; nothing was fetched, the inbox is as it was")
    failed = sum(1 for s in report.sources if s.status in ("failed", "offline"))
    log.info(
        f"fetched {report.total('new')} new articles from {len(report.sources)} "
        f"source{'s' if len(report.sources) != 1 else ''} "
        f"({report.total('duplicates')} copies of stored texts, {report.total('seen')} seen before, "
        f"{report.total('filtered')} filtered out, {report.total('failed') + report.total('empty')} skipped, "
        f"{failed} sources failed); {report.requests} requests, {report.bytes_read / 1024:.0f} KiB, "
        f"{report.seconds:.1f} s"
    )
    return report


@cli.command("fetch")
@_project_option
@click.option("--source", "only", multiple=True, help="Fetch only the source of this name (repeatable).")
@click.option("--strict", is_flag=True, help="Exit with code 3 if any source or entry failed.")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@_handle_errors
def fetch_command(project: Path, only: tuple[str, ...], strict: bool, quiet: bool) -> None:
    """Fetch new articles from the feeds in sources.toml into content/inbox/."""
    _setup_logging(0, quiet)
    config = load_config(project)
    report = _run_fetch(project, config, only)
    if strict and report and report.warnings:
        raise StrictModeError(f"--strict: {len(report.warnings)} problems while fetching")


@cli.group("sources")
def sources_group() -> None:
    """List the feeds in sources.toml, or move them in and out as OPML."""


@sources_group.command("list")
@_project_option
@_handle_errors
def sources_list_command(project: Path) -> None:
    """Print each followed feed: name, address and settings."""
    sources = load_sources(project)
    if sources is None:
        click.echo(f"no {SOURCES_FILE} in {project}")
        return
    for source in sources.sources:
        extras = [word for word, on in (("full page", source.full_page),) if on]
        extras += [f"include {', '.join(source.include)}"] if source.include else []
        extras += [f"exclude {', '.join(source.exclude)}"] if source.exclude else []
        click.echo(f"{source.name}\t{source.location}" + (f"\t({'; '.join(extras)})" if extras else ""))


@sources_group.command("import")
@_project_option
@click.argument("opml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_handle_errors
def sources_import_command(project: Path, opml: Path) -> None:
    """Add the feeds of an OPML file (exported by a feed reader) to sources.toml."""
    existing = load_sources(project)
    incoming = sources_from_opml(opml.read_bytes(), str(opml))
    added = merge_new_sources(existing.sources if existing else (), incoming)
    append_sources(project / SOURCES_FILE, added)
    already = len(incoming) - len(added)
    click.echo(f"added {len(added)} of {len(incoming)} feeds to {SOURCES_FILE}"
               + (f" ({already} already followed)" if already else ""))  # fmt: skip


@sources_group.command("export")
@_project_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of printing.")  # fmt: skip
@_handle_errors
def sources_export_command(project: Path, output: Path | None) -> None:
    """Print (or write) the followed feeds as OPML, for a feed reader."""
    sources = load_sources(project)
    config = load_config(project)
    text = sources_to_opml(sources.sources if sources else (), f"{config.title}: sources")
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@cli.command("serve")
@_project_option
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--no-watch", is_flag=True, help="Do not rebuild when content or themes change.")
@_handle_errors
def serve_command(project: Path, port: int, no_watch: bool) -> None:
    """Build, then serve site/ on 127.0.0.1 and rebuild when inputs change."""
    import http.server
    import threading

    from generator.pipeline import build
    from generator.serve import site_handler

    _setup_logging(0, False)
    config = load_config(project)
    config = replace(config, base_url=f"http://127.0.0.1:{port}{config.base_path}")
    report = build(project, config)
    log.info(f"built {report.articles} articles, {report.events} events in {report.seconds:.1f} s")
    output = (project / config.paths.output).resolve()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), site_handler(output, config.base_path))
    log.info(f"serving at http://127.0.0.1:{port}{config.base_path} (Ctrl+C to stop)")
    if not no_watch:
        threading.Thread(target=_watch_and_rebuild, args=(project, config), daemon=True).start()
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _watch_and_rebuild(project: Path, config: SiteConfig) -> None:
    last = input_signature(project, config)
    while True:
        time.sleep(1.0)
        last = rebuild_if_changed(project, config, last)


def rebuild_if_changed(project: Path, config: SiteConfig, last: str) -> str:
    """Build when the inputs' signature is no longer `last`; the signature to watch for next."""
    from generator.pipeline import build

    if input_signature(project, config) == last:
        return last
    try:
        report = build(project, config)
    except BroadsheetError as error:
        log.error(str(error))
        # Not again until something changes: the state after the failed build.
        return input_signature(project, config)
    log.info(f"rebuilt: {report.articles} articles, {report.events} events in {report.seconds:.1f} s")
    # What the build was made from, its own writes included: a file dropped in while it ran is
    # not, so it is built next time round.
    recorded = read_last_build(project / STATE_DIR)
    return recorded.signature if recorded is not None else input_signature(project, config)


def _read_paths(paths: tuple[Path, ...], project: Path, config: SiteConfig) -> Iterator[RawDocument | str]:
    """Raw documents from the given files or folders; a string is an error line for one file."""
    from generator.ingest import inbox_files, read_file

    for given in paths:
        files = list(inbox_files(given)) if given.is_dir() else [given]
        for path in files:
            try:
                documents, warnings = read_file(path, path.as_posix(), config.zone)
            except InputError as error:
                yield str(error)
                continue
            yield from warnings
            yield from documents


def _document_record(document: CleanDocument, sentences: int) -> dict[str, Any]:
    from generator.summarise import summarise

    digest = summarise(document, sentences)
    return {
        "path": document.key,
        "title": document.title,
        "author": document.author,
        "date": document.date.isoformat() if document.date else None,
        "date_source": document.date_source,
        "source": document.source,
        "url": document.url,
        "summary": " ".join(digest.summary),
        "people": list(digest.people),
        "organizations": list(digest.organizations),
        "places": list(digest.places),
        "tags": list(digest.tags),
        "quotes": [{"text": q.text, "speaker": q.speaker} for q in digest.quotes],
        "body": "\n\n".join(document.paragraphs),
    }


@cli.command("extract")
@_project_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Readable text, or one JSON object per line.",
)
@_handle_errors
def extract_command(project: Path, paths: tuple[Path, ...], output_format: str) -> None:
    """Print what the digest makes of raw files: title, author, date, source, summary, body."""
    from generator.clean import build_context, clean_document

    config = load_config(project)
    items = list(_read_paths(paths, project, config))
    documents = [item for item in items if isinstance(item, RawDocument)]
    context = build_context(documents)
    failures = 0
    for item in items:
        if isinstance(item, str):
            click.echo(click.style("error: ", fg="red") + item, err=True)
            failures += 1
            continue
        record = _document_record(clean_document(item, context), config.summary_sentences)
        if output_format == "json":
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        click.echo(click.style(record["title"], bold=True))
        for key in ("path", "author", "source", "url", "date", "date_source"):
            if record[key]:
                click.echo(f"  {key}: {record[key]}")
        click.echo(f"  summary: {record['summary']}")
        click.echo("")
        click.echo(record["body"])
        click.echo("")
    if failures and not documents:
        sys.exit(1)


@cli.command("explain")
@_project_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_handle_errors
def explain_command(project: Path, path: Path) -> None:
    """Show each line of a raw file with keep/drop and the evidence that decided it."""
    from generator.clean import build_context, clean_document

    config = load_config(project)
    inbox = project / config.paths.inbox
    neighbours = (
        [item for item in _read_paths((inbox,), project, config) if isinstance(item, RawDocument)]
        if inbox.is_dir()
        else []
    )
    targets = [item for item in _read_paths((path,), project, config)]
    for target in targets:
        if isinstance(target, str):
            raise InputError(path.as_posix(), target.partition(": ")[2] or target)
    documents = [t for t in targets if isinstance(t, RawDocument)]
    # The inbox gives the cross-document evidence (lines repeated across one site's articles).
    known = {d.content_hash for d in documents}
    context = build_context(documents + [d for d in neighbours if d.content_hash not in known])
    for document in documents:
        cleaned = clean_document(document, context)
        click.echo(click.style(f"{document.key}: title {cleaned.title!r}", bold=True))
        for decision in cleaned.decisions:
            mark = click.style("keep", fg="green") if decision.keep else click.style("drop", fg="red")
            text = decision.text if len(decision.text) <= 90 else decision.text[:87] + "..."
            click.echo(f"{decision.number:>4} {mark} {decision.role:<11} {decision.reason:<38} | {text}")


@cli.command("event")
@_project_option
@click.argument("slug", required=False)
@click.option("--words", default=250, show_default=True, type=click.IntRange(20, 2000),
              help="Length of the summary in words.")  # fmt: skip
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Readable text, or JSON.")  # fmt: skip
@_handle_errors
def event_command(project: Path, slug: str | None, words: int, output_format: str) -> None:
    """List the events, or print one event's summary at a chosen length (from content/articles/)."""
    from generator.pipeline import load_events

    config = load_config(project)
    events = load_events(project, config, summary_words=words if slug else 60)
    if slug is None:
        for event in events:
            start, end = event.start.date().isoformat(), event.end.date().isoformat()
            record = {"slug": event.slug, "title": event.title, "articles": len(event.articles),
                      "start": start, "end": end}  # fmt: skip
            if output_format == "json":
                click.echo(json.dumps(record, ensure_ascii=False))
            else:
                span = f"{record['start']}..{record['end']}, {len(event.articles)} articles"
                click.echo(f"{event.slug}  ({span})  {event.title}")
        return
    found = next((event for event in events if event.slug == slug), None)
    if found is None:
        raise InputError(slug, "no such event (run `broadsheet event` to list them)")
    summary = " ".join(found.summary)
    if output_format == "json":
        record = {"slug": found.slug, "title": found.title, "sources": list(found.sources),
                  "summary": summary, "words": len(summary.split())}  # fmt: skip
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    click.echo(click.style(found.title, bold=True))
    click.echo(f"{found.start.date().isoformat()} to {found.end.date().isoformat()}; sources: "
               f"{', '.join(found.sources) or 'unknown'}")  # fmt: skip
    click.echo("")
    click.echo("\n".join(found.summary))


def main() -> None:
    """Entry point of the `broadsheet` console script."""
    cli(prog_name="broadsheet")
