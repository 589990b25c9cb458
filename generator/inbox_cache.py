"""Read only the inbox files that changed: what each file held, remembered by its size and mtime.

For every inbox file the cache keeps its stamp (size and modification time of the file and of its
sidecar), the identity and hash of each document in it, each document's boilerplate evidence
(source and normalised lines, see `generator.clean.document_evidence`) and the one-line problems
reading it raised. A file with the same stamp whose documents all have current articles is not
opened again; its evidence still counts, so a new article is cleaned against the whole inbox.

It sits beside the pipeline, not in `ingest/`, because it joins two stages: reading and the
cleaning evidence.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo
from pathlib import Path

from generator.clean import Evidence, document_evidence, document_lines
from generator.clean.html import load_extractor
from generator.errors import InputError
from generator.executor import fork_imap
from generator.ingest import HTML_SUFFIXES, inbox_listing, read_file
from generator.ingest.hints import SIDECAR_SUFFIX
from generator.model import FoundLines, RawDocument

Stamp = tuple[int, int, int, int]


@dataclass(frozen=True)
class CachedDocument:
    """One document of a file, as far as later builds need it without reading the file."""

    key: str
    content_hash: str
    evidence: Evidence


@dataclass(frozen=True)
class CachedFile:
    """One inbox file: its stamp, its documents and the problems reading it raised."""

    stamp: Stamp
    documents: tuple[CachedDocument, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PendingFile:
    """An inbox file some of whose documents need cleaning (`keys`).

    Where the files read add up to less than `KEEP_READ_BYTES`, the first reading's documents
    that need cleaning are kept (`documents`); otherwise they are not held until the cleaning
    (at 100,000 articles that was gigabytes of text) and `pending_documents` reads the file
    again when its turn comes.
    """

    path: Path
    rel_path: str
    keys: frozenset[str]
    documents: tuple[RawDocument, ...] | None = None


@dataclass
class InboxRead:
    """The files whose documents need work, the evidence of every document, and what to report."""

    pending: list[PendingFile] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    found_lines: dict[str, tuple[str, FoundLines]] = field(default_factory=dict)
    """Document key → (content hash, main text found) of pending HTML pages: finding it again
    when the page is cleaned was a tenth of the cleaning's time."""
    current: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _sidecar_stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _stamp(stat: os.stat_result, sidecar: os.stat_result | None) -> Stamp:
    """Size and modification time of a file and of its sidecar (zeros when there is none)."""
    side = (sidecar.st_size, sidecar.st_mtime_ns) if sidecar is not None else (0, 0)
    return stat.st_size, stat.st_mtime_ns, *side


@dataclass(frozen=True)
class _FileReading:
    """What reading one inbox file gave: its documents (without their text) or why it failed,
    and the main text found in each of its HTML pages (key, content hash, lines)."""

    documents: tuple[CachedDocument, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    found: tuple[tuple[str, str, FoundLines], ...] = ()
    kept: tuple[RawDocument, ...] = ()
    """The documents themselves, when asked to keep them, each HTML page with its main text."""


def _read_for_evidence(path: Path, rel_path: str, zone: tzinfo, keep: bool = False) -> _FileReading:
    """Read one file and gather each document's evidence. With `keep` the documents come back
    whole, for their cleaning; otherwise, of the text, only an HTML page's main text is kept
    (`InboxRead.found_lines`)."""
    try:
        documents, warnings = read_file(path, rel_path, zone)
    except InputError as error:
        return _FileReading(error=str(error))
    entries: list[CachedDocument] = []
    found: list[tuple[str, str, FoundLines]] = []
    kept: list[RawDocument] = []
    for document in documents:
        lines, find_block = document_lines(document)
        evidence = document_evidence(document, lines)
        entries.append(CachedDocument(document.key, document.content_hash, evidence))
        if keep:
            if document.kind == "html":
                document = replace(document, found_lines=(tuple(lines), find_block))
            kept.append(document)
        elif document.kind == "html":
            found.append((document.key, document.content_hash, (tuple(lines), find_block)))
    return _FileReading(tuple(entries), tuple(warnings), found=tuple(found), kept=tuple(kept))


KEEP_READ_BYTES = 128 * 1024 * 1024
"""Bytes of inbox files to read (sidecars included) below which their documents are kept from
the reading for the cleaning, rather than read again. Reading a file again (decoding it, parsing
a feed or a sidecar) took about 3 of the 120 CPU-seconds of a full build of 10,000 articles
(58 MB of files), on the build process that feeds the workers. Keeping them raised that build's
peak, all processes together, from 546 to 693 MiB; at 100,000 articles (about 580 MB) they would
add more than a gigabyte, so a larger inbox is read again."""

FOUND_LINES_LIMIT = 64 * 1024 * 1024
"""Characters of HTML pages' main text kept from the reading for the cleaning, at most: an
inbox of 1,000 pages in 10,000 articles keeps about 5 MB. Pages past it are read again."""


def read_inbox_incrementally(
    inbox: Path,
    project_root: Path,
    cache: dict[str, CachedFile],
    is_current: Callable[[str, str], bool],
    zone: tzinfo = UTC,
    workers: int = 1,
    keep_bytes: int = KEEP_READ_BYTES,
) -> InboxRead:
    """Read the inbox, opening only files that are new, changed, or hold a document without a
    current article (`is_current(key, content_hash)`). `cache` is updated in place, and left
    holding exactly the files of this inbox.

    The files to open are read on `workers` forked processes: finding the main text of an HTML
    page for its evidence is most of the cost of reading. Where they add up to less than
    `keep_bytes`, the documents to clean are kept (`PendingFile.documents`).
    """
    result = InboxRead()
    listing = inbox_listing(inbox)
    # The stamps come from the one directory listing; a sidecar is stat-ed only where the listing
    # has none under its name (a link, say), so that it still counts.
    stats = dict(listing)
    prefix = inbox.relative_to(project_root).as_posix() + "/" if inbox.is_relative_to(project_root) else ""
    # Every file in listing order, with its stamp and, when nothing in it needs work, its cache entry.
    files: list[tuple[str, str, Stamp, CachedFile | None]] = []
    for relative, stat in listing:
        if relative.endswith(SIDECAR_SUFFIX):
            continue
        rel_path = prefix + relative if prefix else relative.rpartition("/")[2]
        sidecar_name = relative + SIDECAR_SUFFIX
        sidecar = stats.get(sidecar_name) or _sidecar_stat(f"{inbox}/{sidecar_name}")
        stamp = _stamp(stat, sidecar)
        cached = cache.get(rel_path)
        if (
            cached is not None
            and cached.stamp == stamp
            and all(is_current(d.key, d.content_hash) for d in cached.documents)
        ):
            files.append((relative, rel_path, stamp, cached))
        else:
            files.append((relative, rel_path, stamp, None))
    to_read = [(inbox / relative, rel_path) for relative, rel_path, _, cached in files if cached is None]
    if any(path.suffix.lower() in HTML_SUFFIXES for path, _ in to_read):
        load_extractor()  # before the workers fork, which then share it
    # A stamp is the size and mtime of the file, then of its sidecar: [0] and [2] are the sizes.
    keep = sum(stamp[0] + stamp[2] for _, _, stamp, cached in files if cached is None) < keep_bytes
    readings = fork_imap(
        lambda file: _read_for_evidence(file[0], file[1], zone, keep),
        to_read,
        workers,
        task="ingest: reading the inbox",
    )
    kept_characters = 0
    for relative, rel_path, stamp, cached in files:
        if cached is not None:
            result.evidence.extend(d.evidence for d in cached.documents)
            result.current.extend(d.key for d in cached.documents)
            result.errors.extend(cached.errors)
            result.warnings.extend(cached.warnings)
            continue
        reading = next(readings)
        if reading.error is not None:
            cache[rel_path] = CachedFile(stamp, (), errors=(reading.error,))
            result.errors.append(reading.error)
            continue
        pending = []
        for document in reading.documents:
            result.evidence.append(document.evidence)
            if is_current(document.key, document.content_hash):
                result.current.append(document.key)
            else:
                pending.append(document.key)
        for key, content_hash, lines in reading.found:
            if key in pending and kept_characters < FOUND_LINES_LIMIT:
                result.found_lines[key] = (content_hash, lines)
                kept_characters += sum(map(len, lines[0]))
        if pending:
            waiting = frozenset(pending)
            kept = tuple(d for d in reading.kept if d.key in waiting) if keep else None
            result.pending.append(PendingFile(inbox / relative, rel_path, waiting, kept))
        cache[rel_path] = CachedFile(stamp, reading.documents, warnings=reading.warnings)
        result.warnings.extend(reading.warnings)
    seen = {rel_path for _, rel_path, _, _ in files}
    for gone in set(cache) - seen:
        del cache[gone]
    return result


def pending_documents(
    pending: list[PendingFile],
    zone: tzinfo,
    errors: list[str],
    found_lines: dict[str, tuple[str, FoundLines]] | None = None,
) -> Iterator[RawDocument]:
    """The documents that need cleaning, in inbox order: those kept from the first reading, or
    else each file read again as it is reached.

    The files are taken off `pending` as they are reached, so that the documents kept from the
    first reading are let go once the cleaning has them rather than held to the end of it. A
    document of `found_lines` (taken from it as it goes) carries the main text found at the
    first reading, where its content is still the same. A file that can no longer be read adds
    its error to `errors`. A file changed since the first reading gives its new documents; their
    new hashes make the next build read it again.
    """
    found_lines = {} if found_lines is None else found_lines
    pending.reverse()  # taken off the end, in inbox order
    while pending:
        file = pending.pop()
        if file.documents is not None:
            yield from file.documents
            continue
        try:
            documents, _ = read_file(file.path, file.rel_path, zone)
        except InputError as error:
            errors.append(str(error))
            continue
        for document in documents:
            if document.key not in file.keys:
                continue
            content_hash, lines = found_lines.pop(document.key, ("", None))
            if lines is not None and content_hash == document.content_hash:
                document = replace(document, found_lines=lines)
            yield document
