"""Ingest: read `content/inbox/` into RawDocuments, one reader per input kind.

Supported: `.txt` (scraped text), `.md`/`.markdown` (text with optional front matter),
`.html`/`.htm` (saved pages), `.xml`/`.rss`/`.atom` (feeds, one document per entry).
A `<file>.meta.yaml` sidecar next to any raw file supplies known metadata (see `hints.py`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import yaml

from generator.errors import InputError
from generator.fsutil import visible_files
from generator.ingest.encoding import decode_bytes
from generator.ingest.feeds import read_feed
from generator.ingest.frontmatter import load_yaml, split_front_matter
from generator.ingest.hints import SIDECAR_SUFFIX, hints_from_mapping
from generator.model import Hints, RawDocument, RawKind

TEXT_SUFFIXES: dict[str, RawKind] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
FEED_SUFFIXES = (".xml", ".rss", ".atom")
HTML_SUFFIXES = frozenset(suffix for suffix, kind in TEXT_SUFFIXES.items() if kind == "html")
# Larger files are not articles; reading them would only stall the build.
MAX_FILE_BYTES = 32 * 1024 * 1024


@dataclass
class IngestResult:
    """The documents read from the inbox and the one-line problems met on the way."""

    documents: list[RawDocument] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def inbox_listing(inbox: Path) -> list[tuple[str, os.stat_result]]:
    """Every visible file under the inbox, sidecars included, by path relative to it (sorted), with
    its `lstat`: see `fsutil.visible_files`."""
    return visible_files(inbox) if inbox.is_dir() else []


def inbox_files(inbox: Path) -> Iterator[Path]:
    """Every raw input file under the inbox, in a stable order; hidden files and sidecars skipped."""
    for relative, _ in inbox_listing(inbox):
        if not relative.endswith(SIDECAR_SUFFIX):
            yield inbox / relative


def read_document(
    data: bytes,
    rel_path: str,
    suffix: str,
    zone: tzinfo = UTC,
    sidecar: Hints | None = None,
    file_date: datetime | None = None,
    sidecar_bytes: bytes = b"",
) -> tuple[list[RawDocument], list[str]]:
    """Turn one raw file's bytes into documents (several for a feed) plus warnings.

    `sidecar_bytes` count in each document's hash: a changed sidecar is a changed input.
    Raises InputError when the file cannot be used at all.
    """
    suffix = suffix.lower()
    if not data.strip():
        raise InputError(rel_path, "empty file")
    if suffix in FEED_SUFFIXES:
        documents, warnings = read_feed(data, rel_path)
        documents = [
            replace(
                d,
                hints=_merge(sidecar, d.hints) if sidecar else d.hints,
                file_date=file_date,
                content_hash=_with_sidecar(d.content_hash.encode(), sidecar_bytes)
                if sidecar_bytes
                else d.content_hash,
            )
            for d in documents
        ]
        return documents, warnings
    kind = TEXT_SUFFIXES.get(suffix)
    if kind is None:
        raise InputError(
            rel_path, f"unsupported file type {suffix or '(none)'}; expected .txt, .md, .html or a feed"
        )
    text = decode_bytes(data, rel_path, markup=kind == "html")
    hints = sidecar or Hints()
    if kind == "markdown":
        text, front = _split_front_matter(text, rel_path, zone)
        hints = _merge(hints, front)
    if not text.strip():
        raise InputError(rel_path, "no text in file (only whitespace)")
    content_hash = _with_sidecar(data, sidecar_bytes) if sidecar_bytes else hashlib.sha256(data).hexdigest()
    document = RawDocument(
        path=rel_path, kind=kind, content=text, content_hash=content_hash, hints=hints, file_date=file_date
    )
    return [document], []


def _with_sidecar(data: bytes, sidecar_bytes: bytes) -> str:
    digest = hashlib.sha256(data)
    digest.update(b"\0sidecar\0" + sidecar_bytes)
    return digest.hexdigest()


def _split_front_matter(text: str, rel_path: str, zone: tzinfo) -> tuple[str, Hints]:
    metadata, body = split_front_matter(text, rel_path)
    return body, hints_from_mapping(metadata, rel_path, zone)


def _merge(primary: Hints, secondary: Hints) -> Hints:
    """Fields of `primary` win; empty ones are filled from `secondary`."""
    merged = {name: getattr(primary, name) or getattr(secondary, name) for name in Hints.__dataclass_fields__}
    if primary.date is None:
        merged["date_source"] = secondary.date_source
    return Hints(**merged)


def read_sidecar(path: Path, rel_path: str, zone: tzinfo) -> tuple[Hints | None, bytes]:
    """Read `<file>.meta.yaml` next to a raw file, if there is one: its hints and its bytes."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return None, b""
    rel_sidecar = rel_path + SIDECAR_SUFFIX
    raw = sidecar.read_bytes()
    try:
        data = load_yaml(decode_bytes(raw, rel_sidecar))
    except yaml.YAMLError as error:
        first = str(error).splitlines()[0]
        raise InputError(rel_sidecar, f"not valid YAML ({first})") from None
    if data is None:
        return None, raw
    if not isinstance(data, dict):
        raise InputError(rel_sidecar, "must be a mapping of keys to values")
    return hints_from_mapping(data, rel_sidecar, zone), raw


def read_file(path: Path, rel_path: str, zone: tzinfo = UTC) -> tuple[list[RawDocument], list[str]]:
    """Read one raw file (with its sidecar) into documents and warnings.

    Raises InputError, with the file named as `rel_path`, when it cannot be used.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                rel_path,
                f"file is {size // (1024 * 1024)} MiB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MiB",
            )
        sidecar, sidecar_bytes = read_sidecar(path, rel_path, zone)
        file_date = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        return read_document(
            path.read_bytes(), rel_path, path.suffix, zone, sidecar, file_date, sidecar_bytes
        )
    except OSError as error:
        raise InputError(rel_path, f"cannot read file ({error.strerror or error})") from None


def read_inbox(inbox: Path, project_root: Path, zone: tzinfo = UTC) -> IngestResult:
    """Read every file in the inbox; bad files are reported and skipped, never fatal."""
    result = IngestResult()
    for path in inbox_files(inbox):
        rel_path = (
            path.relative_to(project_root).as_posix() if path.is_relative_to(project_root) else path.name
        )
        try:
            documents, warnings = read_file(path, rel_path, zone)
        except InputError as error:
            result.errors.append(str(error))
            continue
        result.documents.extend(documents)
        result.warnings.extend(warnings)
    return result
