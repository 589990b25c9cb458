"""Fetch: bring new articles from the feeds in `sources.toml` into the inbox.

For each source: read the feed (a conditional request, so an unchanged feed costs one short
answer), take its newest entries, skip those handled before (the state file) or left out by the
source's include/exclude words, take each entry's text from the feed or from its web page, drop
the boilerplate with the cleaning stage, and write the text with a sidecar of what the feed said
(title, date, author, URL, source) into `content/inbox/<inbox_folder>/<source>/`. A text that
another feed already brought (same story, other URL) is not stored again: the first file's
sidecar gains the new publisher under `also_published`.

The state is saved after every source and every few entries, and each entry's file name comes
from the entry alone, so a run killed half-way loses nothing: the next run finds the files
already written and carries on. One failing source is reported and the others go on; when no
feed can be reached at all, the report says the machine is offline.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

from generator import __version__
from generator.clean import clean_document
from generator.errors import BroadsheetError, InputError
from generator.fetch.duplicates import find_copy, text_print, text_words
from generator.fetch.http import FetchError, FetchPolicy, HttpClient, Response
from generator.fetch.state import (
    EntryState,
    FeedState,
    FetchState,
    StateError,
    TextState,
    load_state,
    save_state,
)
from generator.fsutil import atomic_write_text
from generator.ingest.encoding import decode_bytes
from generator.ingest.feeds import read_feed
from generator.ingest.hints import SIDECAR_SUFFIX
from generator.model import Hints, RawDocument, RawKind
from generator.sources import FetchSettings, Source, SourceList

FEED_ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
# A page that failed this many runs in a row is given up on (a 404 rarely comes back).
MAX_ATTEMPTS = 3
# Copies arrive within days of the first report; older texts need not be compared.
TEXT_MEMORY = timedelta(days=90)
SAVE_EVERY = 20
# Tracking parameters make one article look like many URLs.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid)$", re.IGNORECASE)


class FetchStateError(BroadsheetError):
    """The state file cannot be read, so fetching could fetch entries twice."""


@dataclass
class SourceReport:
    """What one source gave in this run."""

    name: str
    status: str = "ok"
    """"ok", "not modified", "failed" or "offline"."""
    reason: str | None = None
    entries: int = 0
    new: int = 0
    duplicates: int = 0
    seen: int = 0
    filtered: int = 0
    empty: int = 0
    failed: int = 0


@dataclass
class FetchReport:
    """What a fetch run did: per source, the files written, the problems and the seconds taken."""

    sources: list[SourceReport] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    offline: bool = False
    seconds: float = 0.0
    requests: int = 0
    not_modified: int = 0
    bytes_read: int = 0

    def total(self, name: str) -> int:
        """The sum of one SourceReport counter over every source."""
        return sum(int(getattr(source, name)) for source in self.sources)


def user_agent(settings: FetchSettings) -> str:
    """Who is asking: the program, its version and, when given, how to reach the person running it."""
    contact = f"; {settings.contact}" if settings.contact else ""
    return f"Broadsheet/{__version__} (static news digest{contact})"


def policy_for(settings: FetchSettings) -> FetchPolicy:
    """The HTTP client's policy from the `[fetch]` settings."""
    return FetchPolicy(
        user_agent=user_agent(settings),
        timeout=settings.timeout,
        retries=settings.retries,
        per_host_interval=settings.per_host_interval,
        obey_robots=settings.respect_robots,
    )


def canonical_url(url: str | None) -> str | None:
    """An entry's URL without fragment and tracking parameters, with a lower-case host."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, ""))


def matches_words(text: str, words: Sequence[str]) -> bool:
    """Whether any of `words` occurs in `text` as a whole word or phrase, ignoring case."""
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) for word in words)


def wanted(source: Source, title: str, text: str) -> bool:
    """The source's include/exclude rules: any include word must appear, no exclude word may."""
    haystack = f"{title}\n{text}"
    if source.include and not matches_words(haystack, source.include):
        return False
    return not (source.exclude and matches_words(haystack, source.exclude))


def decode_page(response: Response, name: str) -> str:
    """A page's text: the charset the server declared, else the page's own declaration or a guess."""
    if response.charset:
        try:
            return response.body.decode(response.charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(response.body, name, markup=True)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class _Run:
    """One fetch run's shared parts."""

    project: Path
    inbox: Path
    settings: FetchSettings
    client: HttpClient
    state: FetchState
    state_path: Path
    report: FetchReport
    clock: Callable[[], datetime]
    since_save: int = 0

    def save(self, force: bool = False) -> None:
        self.since_save += 1
        if force or self.since_save >= SAVE_EVERY:
            save_state(self.state_path, self.state)
            self.since_save = 0


def fetch_sources(
    project: Path,
    source_list: SourceList,
    inbox: Path,
    client: HttpClient | None = None,
    clock: Callable[[], datetime] = _now,
    only: Sequence[str] = (),
) -> FetchReport:
    """Fetch every source (or those named in `only`) into `inbox`; never raises for one bad source.

    Raises FetchStateError when the state file is unreadable: fetching without it would store
    every entry again.
    """
    started = time.perf_counter()
    settings = source_list.fetch
    state_path = project / settings.state_file
    try:
        state = load_state(state_path)
    except StateError as error:
        raise FetchStateError(
            f"{settings.state_file}: cannot read the fetch state ({error}); fix or remove it"
        ) from None
    client = client or HttpClient(policy_for(settings))
    report = FetchReport()
    run = _Run(project, inbox, settings, client, state, state_path, report, clock)
    wanted_names = {name.lower() for name in only}
    network_failures = remote = 0
    for source in source_list.sources:
        if wanted_names and source.name.lower() not in wanted_names:
            continue
        source_report = _fetch_source(run, source)
        report.sources.append(source_report)
        if source.url:
            remote += 1
            network_failures += source_report.status == "offline"
        run.save(force=True)
    _forget_old_texts(state, clock())
    save_state(state_path, state)
    report.offline = remote > 0 and network_failures == remote
    report.requests = client.stats.requests
    report.not_modified = client.stats.not_modified
    report.bytes_read = client.stats.bytes_read
    report.seconds = time.perf_counter() - started
    return report


def _forget_old_texts(state: FetchState, now: datetime) -> None:
    cutoff = (now - TEXT_MEMORY).isoformat()
    for key in [k for k, text in state.texts.items() if text.when < cutoff]:
        del state.texts[key]


def _read_feed_bytes(run: _Run, source: Source, report: SourceReport) -> bytes | None:
    """The feed's bytes, or None (not modified, or failed: the report says which)."""
    if source.file:
        path = run.project / source.file
        try:
            return path.read_bytes()
        except OSError as error:
            report.status, report.reason = "failed", f"cannot read {source.file} ({error.strerror or error})"
            return None
    previous = run.state.feeds.get(source.url, FeedState())
    try:
        response = run.client.get(
            source.url, etag=previous.etag, last_modified=previous.last_modified, accept=FEED_ACCEPT
        )
    except FetchError as error:
        report.status = "offline" if error.kind == "network" else "failed"
        report.reason = str(error)
        run.state.feeds[source.url] = replace(previous, checked=run.clock().isoformat(), result=str(error))
        return None
    checked = run.clock().isoformat()
    if response.status == 304:
        report.status = "not modified"
        run.state.feeds[source.url] = replace(previous, checked=checked, result="not modified")
        return None
    run.state.feeds[source.url] = FeedState(
        etag=response.etag, last_modified=response.last_modified, checked=checked, result="ok"
    )
    return response.body


def _fetch_source(run: _Run, source: Source) -> SourceReport:
    report = SourceReport(source.name)
    data = _read_feed_bytes(run, source, report)
    if data is None:
        if report.reason:
            run.report.warnings.append(f"{source.name}: {report.reason}")
        return report
    label = source.location
    try:
        documents, warnings = read_feed(data, label)
    except InputError as error:
        report.status, report.reason = "failed", error.reason
        # The feed changed into something unreadable: forget its validators so the next run
        # asks for the whole feed again instead of being told "not modified".
        run.state.feeds.pop(source.url, None)
        run.report.warnings.append(f"{source.name}: {error}")
        return report
    run.report.warnings.extend(f"{source.name}: {w.removeprefix(label + ': ')}" for w in warnings)
    newest_first = sorted(
        documents, key=lambda d: d.hints.date or datetime.min.replace(tzinfo=UTC), reverse=True
    )
    for document in newest_first[: run.settings.max_entries]:
        report.entries += 1
        _fetch_entry(run, source, document, report)
    return report


def _entry_key(source: Source, document: RawDocument) -> str:
    return canonical_url(document.hints.url) or f"{source.location}#{document.entry_id}"


def _fetch_entry(run: _Run, source: Source, document: RawDocument, report: SourceReport) -> None:
    key = _entry_key(source, document)
    known = run.state.entries.get(key)
    if known and (known.outcome != "failed" or known.attempts >= MAX_ATTEMPTS):
        report.seen += 1
        return
    title = document.hints.title or ""
    if not wanted(source, title, re.sub(r"<[^>]+>", " ", document.content)):
        report.filtered += 1
        return
    relative = (
        f"{run.settings.inbox_folder}/{source.slug}/{hashlib.sha256(key.encode()).hexdigest()[:16]}.txt"
    )
    target = run.inbox / relative
    now = run.clock().isoformat()
    if target.exists():
        # Written by a run that stopped before saving its state: take it as it is.
        printed = text_print(text_words(target.read_text(encoding="utf-8").split("\n\n")))
        run.state.texts[relative] = TextState(relative, *printed, now)
        run.state.entries[key] = EntryState(source.name, "stored", relative, document.hints.url, now)
        report.seen += 1
        run.save()
        return
    hints = replace(document.hints, source=source.name)
    try:
        raw = _entry_document(run, source, document, hints, key)
    except (FetchError, InputError) as error:
        attempts = (known.attempts + 1) if known else 1
        run.state.entries[key] = EntryState(
            source.name, "failed", None, document.hints.url, now, attempts, str(error)
        )
        report.failed += 1
        give_up = " (given up)" if attempts >= MAX_ATTEMPTS else ""
        run.report.warnings.append(f"{source.name}: {error}{give_up}")
        run.save()
        return
    cleaned = clean_document(raw)
    paragraphs = [p for p in cleaned.paragraphs if p.strip()]
    if not paragraphs:
        run.state.entries[key] = EntryState(source.name, "empty", None, document.hints.url, now)
        report.empty += 1
        hint = "" if source.full_page else " (full_page = true would fetch its web page)"
        run.report.warnings.append(f"{source.name}: entry {title or key!r} has no text{hint}")
        run.save()
        return
    printed = text_print(text_words(paragraphs))
    copy_of = find_copy(printed, {k: (t.fingerprint, t.sketch) for k, t in run.state.texts.items()})
    if copy_of is not None:
        if _add_publisher(run.inbox / copy_of, source.name, cleaned.url):
            run.report.updated.append(copy_of + SIDECAR_SUFFIX)
        run.state.entries[key] = EntryState(source.name, "duplicate", copy_of, document.hints.url, now)
        report.duplicates += 1
        run.save()
        return
    sidecar = {
        "title": cleaned.title,
        "date": cleaned.date.isoformat() if cleaned.date else None,
        "source": source.name,
        "author": cleaned.author,
        "url": cleaned.url,
        "tags": list(cleaned.tags) or None,
        "language": source.language or None,
        "feed": source.location,
    }
    # The sidecar first: the text file is what marks the entry as done on disk.
    _write_sidecar(target, {k: v for k, v in sidecar.items() if v is not None})
    atomic_write_text(target, "\n\n".join(paragraphs) + "\n")
    run.state.texts[relative] = TextState(relative, *printed, now)
    run.state.entries[key] = EntryState(source.name, "stored", relative, document.hints.url, now)
    run.report.written.append(relative)
    report.new += 1
    run.save()


def _entry_document(run: _Run, source: Source, document: RawDocument, hints: Hints, key: str) -> RawDocument:
    """The entry as a raw document: its web page when the source asks for pages, else the feed's text."""
    if not (source.full_page and document.hints.url):
        return replace(document, hints=hints)
    response = run.client.get(document.hints.url, accept=PAGE_ACCEPT)
    if response.content_type and response.content_type not in _PAGE_TYPES:
        raise InputError(document.hints.url, f"not a web page ({response.content_type})")
    html = decode_page(response, document.hints.url)
    kind: RawKind = "text" if response.content_type == "text/plain" else "html"
    return RawDocument(path=key, kind=kind, content=html, content_hash="", hints=hints)


def _add_publisher(text_file: Path, name: str, url: str | None) -> bool:
    """Add a publisher to a stored text's sidecar; False when it is already listed there."""
    sidecar_path = text_file.with_name(text_file.name + SIDECAR_SUFFIX)
    try:
        data = yaml.safe_load(sidecar_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return False
    if not isinstance(data, dict) or data.get("source") == name:
        return False
    listed = data.get("also_published") or []
    if not isinstance(listed, list) or any(isinstance(p, dict) and p.get("source") == name for p in listed):
        return False
    listed.append({"source": name, "url": url} if url else {"source": name})
    data["also_published"] = listed
    _write_sidecar(text_file, data)
    return True


def _write_sidecar(text_file: Path, data: dict[str, Any]) -> None:
    """Write the `.meta.yaml` of a stored text, keys in the order given."""
    sidecar = text_file.with_name(text_file.name + SIDECAR_SUFFIX)
    atomic_write_text(sidecar, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


__all__ = ["FetchReport", "SourceReport", "canonical_url", "fetch_sources", "policy_for", "user_agent"]
