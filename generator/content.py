"""`content/articles/`: writing digests as Markdown with front matter, reading them back, keeping edits.

How a hand edit is detected: every file Broadsheet writes carries `output_hash`, a hash of its own
front matter (without that key) and body. When a file no longer matches its `output_hash`, a person
changed it, and Broadsheet never rewrites it again; if its raw input changes later, the new version
is written beside it as `<name>.md.incoming` and the build warns about the conflict. A file without
`output_hash` was written by hand and is equally left alone.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, tzinfo
from functools import cached_property
from pathlib import Path
from time import time_ns
from typing import Any, Literal

import frontmatter
import yaml

from generator import versions
from generator.errors import InputError
from generator.executor import fork_imap
from generator.fsutil import (
    atomic_write_all,
    atomic_write_bytes,
    atomic_write_text,
    file_system_clock_ns,
    is_inside,
    visible_files,
)
from generator.ingest.frontmatter import split_front_matter
from generator.ingest.hints import parse_date, publishers_from_value
from generator.model import (
    Article,
    CleanDocument,
    DateSource,
    Digest,
    Quote,
    article_digest,
    article_text_digest,
)
from generator.slugs import MAX_SLUG_LENGTH, is_safe_slug, slugify

INCOMING_SUFFIX = ".incoming"
_DATE_SOURCES: tuple[DateSource, ...] = ("given", "feed", "html-meta", "text", "file", "none")
_LIST_KEYS = ("tags", "people", "organizations", "places")
# libyaml's emitter, where PyYAML has it, for the same speed reason as the loader.
_SAFE_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
WriteOutcome = Literal["created", "updated", "unchanged", "kept-edit", "conflict"]


def format_date(value: datetime, zone: tzinfo) -> str:
    """A front-matter date: `YYYY-MM-DD` when the time is midnight in the site zone, else ISO 8601."""
    local = value.astimezone(zone)
    if local.time() == time(0, 0):
        return local.date().isoformat()
    return local.isoformat(timespec="seconds")


# `&` only where it would start an entity ("&amp;" in a text must stay five characters).
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<]|&(?=#?[A-Za-z0-9]+;))")
# "~~~" opens a code fence as "```" does (the backtick is escaped everywhere already).
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+\-=|~]|\d+[.)])")


# Most paragraphs have nothing to escape; finding that out with one character class is six times
# quicker than the substitution's alternation.
_MAY_NEED_ESCAPE = re.compile(r"[\\`*_\[\]<&]")


def paragraph_to_markdown(paragraph: str) -> str:
    """Escape a plain-text paragraph so that Markdown shows it as the same text."""
    escaped = paragraph.strip()
    if _MAY_NEED_ESCAPE.search(escaped):
        escaped = _MARKDOWN_INLINE.sub(r"\\\1", escaped)
    return _MARKDOWN_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    # Only punctuation can be escaped: "2025. The year" becomes "2025\. The year", not "\2025.".
    if marker[0].isdigit():
        return match.group(1) + marker[:-1] + "\\" + marker[-1]
    return match.group(1) + "\\" + marker


def output_hash(metadata: Mapping[str, Any], body: str) -> str:
    """The hash that tells an untouched generated file from an edited one."""
    canonical = {key: value for key, value in metadata.items() if key != "output_hash"}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, default=str) + "\n\n" + body.strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def article_date(doc: CleanDocument) -> tuple[datetime, DateSource]:
    """The date an article is filed under; the epoch (with `date_source: none`) when nothing is known."""
    if doc.date is None:
        return datetime(1970, 1, 1, tzinfo=UTC), "none"
    return doc.date, doc.date_source


def article_relpath(date: datetime, slug: str, zone: tzinfo) -> str:
    """Where an article lives under the articles directory: `YYYY/MM/<slug>.md`."""
    local = date.astimezone(zone)
    return f"{local.year:04d}/{local.month:02d}/{slug}.md"


def build_metadata(
    doc: CleanDocument, digest: Digest, slug: str, zone: tzinfo, event: str | None = None
) -> dict[str, Any]:
    """The front matter of a generated article, in a fixed, readable key order."""
    date, date_source = article_date(doc)
    metadata: dict[str, Any] = {
        "title": doc.title,
        "slug": slug,
        "date": format_date(date, zone),
        "date_source": date_source,
        "source": doc.source,
        "author": doc.author,
        "url": doc.url,
        "event": event or doc.event,
        "summary": " ".join(digest.summary),
        "tags": list(dict.fromkeys([*doc.tags, *digest.tags])),
        "people": list(digest.people),
        "organizations": list(digest.organizations),
        "places": list(digest.places),
        "quotes": [
            {"text": q.text, "speaker": q.speaker} if q.speaker else {"text": q.text} for q in digest.quotes
        ],
        "also_published": [
            {"source": p.source, "url": p.url} if p.url else {"source": p.source} for p in doc.also_published
        ]
        or None,
        "source_file": doc.source_file,
        "source_entry": doc.key.partition("#")[2] or None,
        "raw_hash": doc.content_hash,
        "pipeline": versions.PIPELINE_VERSION,
    }
    return {key: value for key, value in metadata.items() if value is not None}


def render_markdown_file(metadata: Mapping[str, Any], body: str) -> str:
    """Serialise front matter and body, stamping `output_hash` so that later edits can be seen."""
    return _render_stamped(_stamped(metadata, body), body)


def _stamped(metadata: Mapping[str, Any], body: str) -> dict[str, Any]:
    stamped = dict(metadata)
    stamped["output_hash"] = output_hash(metadata, body)
    return stamped


def _render_stamped(stamped: dict[str, Any], body: str) -> str:
    post = frontmatter.Post(body.strip() + "\n", **stamped)
    return frontmatter.dumps(post, Dumper=_SAFE_DUMPER, sort_keys=False, allow_unicode=True, width=100) + "\n"


def made_article(metadata: Mapping[str, Any], body: str, relpath: str) -> ArticleFile:
    """The generated article file as `parse_article_file` would read `article_text` of it back,
    made without parsing: reading the YAML again cost a millisecond per article, twice per
    article in a first build. Safe-dumped plain values (text, numbers, lists and mappings of
    them) load back equal; a property test holds the two ways to agreement."""
    made = ArticleFile(relpath=relpath, metadata=_stamped(metadata, body), body=body.strip())
    # Not edited, by construction: it carries the hash of these metadata and body. Known now, it
    # goes into the parsed-file cache with the file; worked out by the next build instead, it
    # was worked out by every build after, since the cache keeps only the shards that change.
    made.__dict__["edited"] = False
    return made


def article_text(made: ArticleFile) -> str:
    """The text of a generated file made by `made_article` (its metadata is already stamped)."""
    return _render_stamped(made.metadata, made.body)


def body_markdown(paragraphs: Iterable[str]) -> str:
    """The cleaned article as Markdown paragraphs."""
    return "\n\n".join(paragraph_to_markdown(p) for p in paragraphs if p.strip())


@dataclass(frozen=True)
class ArticleFile:
    """One Markdown file as found on disk."""

    relpath: str
    metadata: dict[str, Any]
    body: str

    # Cached: a build asks several times per file, and the parsed-file cache keeps the answer.
    @cached_property
    def edited(self) -> bool:
        """Whether a person changed (or wrote) the file since Broadsheet last wrote it."""
        stored = self.metadata.get("output_hash")
        return not isinstance(stored, str) or stored != output_hash(self.metadata, self.body)

    @property
    def source_key(self) -> str | None:
        """The raw input this file was made from, as a RawDocument key."""
        source_file = self.metadata.get("source_file")
        if not isinstance(source_file, str):
            return None
        entry = self.metadata.get("source_entry")
        return f"{source_file}#{entry}" if isinstance(entry, str) and entry else source_file


def parse_article_file(text: str, relpath: str) -> ArticleFile:
    """Split a Markdown file into front matter and body; InputError when the YAML is unusable."""
    metadata, body = split_front_matter(text, relpath)
    # Stripped once here: every reader strips it, and the Article then shares this string
    # (the parsed-file cache holds both).
    return ArticleFile(relpath=relpath, metadata=metadata, body=body.strip())


def _text_field(metadata: Mapping[str, Any], key: str, relpath: str) -> str | None:
    value = metadata.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(relpath, f"front matter key {key!r}: expected text, got {type(value).__name__}")
    return value.strip() or None


def _list_field(metadata: Mapping[str, Any], key: str, relpath: str) -> tuple[str, ...]:
    value = metadata.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [part for part in re.split(r"\s*,\s*", value) if part]
    if not isinstance(value, list):
        raise InputError(relpath, f"front matter key {key!r}: expected a list, got {type(value).__name__}")
    items = [str(item).strip() for item in value if isinstance(item, (str, int, float)) and str(item).strip()]
    return tuple(dict.fromkeys(items))


def _quotes_field(metadata: Mapping[str, Any], relpath: str) -> tuple[Quote, ...]:
    value = metadata.get("quotes")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError(relpath, "front matter key 'quotes': expected a list")
    quotes: list[Quote] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            quotes.append(Quote(text=item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip():
            speaker = item.get("speaker")
            quotes.append(
                Quote(
                    text=item["text"].strip(), speaker=speaker.strip() if isinstance(speaker, str) else None
                )
            )
    return tuple(quotes)


def article_from_file(file: ArticleFile, zone: tzinfo) -> Article:
    """Validate one front-matter file into an Article; InputError naming the key when it is unusable."""
    meta = file.metadata
    relpath = file.relpath
    stem = Path(relpath).name.removesuffix(".md")
    title = _text_field(meta, "title", relpath) or stem.replace("-", " ").strip().capitalize() or "Untitled"
    try:
        date = parse_date(meta.get("date"), zone)
    except ValueError as error:
        raise InputError(relpath, f"front matter key 'date': {error}") from None
    if date is None:
        raise InputError(relpath, "front matter key 'date' is missing; every article needs a date")
    date_source = meta.get("date_source", "given")
    if date_source not in _DATE_SOURCES:
        date_source = "given"
    given_slug = _text_field(meta, "slug", relpath)
    slug = given_slug if given_slug and is_safe_slug(given_slug) else slugify(given_slug or stem or title)
    event = _text_field(meta, "event", relpath)
    return Article(
        path=article_relpath(date, slug, zone),
        slug=slug,
        title=title,
        date=date,
        date_source=date_source,
        summary=_text_field(meta, "summary", relpath) or "",
        body=file.body.strip(),
        source=_text_field(meta, "source", relpath),
        author=_text_field(meta, "author", relpath),
        url=_text_field(meta, "url", relpath),
        tags=_list_field(meta, "tags", relpath),
        people=_list_field(meta, "people", relpath),
        organizations=_list_field(meta, "organizations", relpath),
        places=_list_field(meta, "places", relpath),
        quotes=_quotes_field(meta, relpath),
        also_published=publishers_from_value(meta["also_published"], relpath, "front matter")
        if meta.get("also_published") is not None
        else (),
        event=slugify(event) if event else None,
        source_file=_text_field(meta, "source_file", relpath),
        raw_hash=_text_field(meta, "raw_hash", relpath),
        edited=file.edited,
        file=file.relpath,
    )


def article_of(file: ArticleFile, zone: tzinfo) -> Article:
    """`article_from_file`, remembered on the file: the parsed-file cache then keeps the Article
    too, and an unchanged file is not validated again on the next build."""
    key = str(zone)
    memo = file.__dict__.get("_article")
    if memo is not None and memo[0] == key:
        return memo[1]  # type: ignore[no-any-return]
    article = article_from_file(file, zone)
    # Hashed now, so that the cache keeps the digests with the article and later builds do not
    # hash every unchanged article again (event keys, page fingerprints, search term weights).
    article_digest(article)
    article_text_digest(article)
    # A frozen dataclass: the memo goes into the instance dict, around the frozen __setattr__.
    file.__dict__["_article"] = (key, article)
    return article


# (size, mtime in ns, the parsed file) by path; see `ArticleStore.scan`.
KnownFile = tuple[int, int, "ArticleFile | None"]
# The cache entry that holds `trust_threshold` as the scan that filled it began. (A cache from
# before it held the wall clock under another name, "\0filled-at": its files are all read again.)
_TRUSTED_BEFORE = "\0trusted-before"
_TEXT_DIGEST = "_file_text_digest"
# Where the file system's clock cannot be read: a file modified less than this before a scan is
# read again by the next one (the coarsest common file-system clock, FAT's, ticks every 2 s).
RACY_SECONDS = 2


def trust_threshold(folder: Path) -> int:
    """The modification time, in ns, before which a file of `folder` read now can be known by its
    stamp (size, modification time) in a later scan.

    A file modified before the file system's present time was modified in an earlier tick of its
    clock, so any change after this reading gives it a new modification time, whatever the
    clock's resolution. One modified in the present tick could change again within it and keep
    its stamp: it is read again (Git's "racily clean" files, with the index file's own time as
    the present). Where the file system's clock cannot be read, the machine's, less `RACY_SECONDS`.
    """
    now = file_system_clock_ns(folder)
    return now if now is not None else time_ns() - RACY_SECONDS * 1_000_000_000


@dataclass
class ArticleStore:
    """The articles directory: finds the file made from each raw input and writes digests safely."""

    root: Path
    zone: tzinfo
    files: dict[str, ArticleFile] = field(default_factory=dict)
    by_source: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    known: dict[str, KnownFile] = field(default_factory=dict)
    """The parsed-file cache a build passes to `scan` (see there)."""
    read_from_disk: int = 0
    """How many files the build's scan read rather than took from `known`."""
    written: dict[str, tuple[str, ArticleFile]] = field(default_factory=dict)
    """Files this store wrote: a hash of the text and the file as made, for `scan(made=...)`."""
    defer_writes: bool = False
    """Keep generated files in memory until `flush`: a first build gives each new article its
    event right after digesting it, and would otherwise write (and render) every file twice."""
    pending: dict[str, tuple[Path, ArticleFile]] = field(default_factory=dict)
    """The files kept back, by relative path: where each goes (checked once) and what it holds."""
    _inside: dict[Path, bool] = field(default_factory=dict, repr=False)
    """Folders already checked to be inside the root, by path (see `_target`)."""

    def scan(
        self,
        display_prefix: str = "",
        known: dict[str, KnownFile] | None = None,
        made: Mapping[str, tuple[str, ArticleFile]] | None = None,
    ) -> int:
        """Read every `*.md` under the root; unreadable files are reported and left untouched.

        Returns how many files were read from disk (the others came from `known`).

        `known` remembers each file parsed, by size and modification time, across builds: a file
        whose stamp is unchanged is not read again. It is updated in place. A file modified
        in the file system's clock tick in which the scan that filled `known` began (see
        `trust_threshold`) is read anyway, since an edit within that tick could keep its stamp
        (Git's "racily clean" rule): a hand edit must never be mistaken for the generated file.

        `made` holds files a build just wrote (`ArticleStore.written`): one read back with exactly
        the text written is taken as made instead of being parsed again.
        """
        self.files.clear()
        self.by_source.clear()
        if not self.root.is_dir():
            return 0
        read = 0
        previous = dict(known or {})
        trusted_before = previous.pop(_TRUSTED_BEFORE, (0, 0, None))[0]
        if known is not None:
            known.clear()
            known[_TRUSTED_BEFORE] = (trust_threshold(self.root), 0, None)
        for relpath, stat in visible_files(self.root):
            if not relpath.endswith(".md"):
                continue
            try:
                cached = previous.get(relpath)
                same_stamp = cached[2] if cached and cached[:2] == (stat.st_size, stat.st_mtime_ns) else None
                trusted = stat.st_mtime_ns < trusted_before
                if same_stamp is not None and trusted:
                    file = same_stamp
                else:
                    read += 1
                    text = (self.root / relpath).read_text(encoding="utf-8")
                    digest = text_digest(text)
                    written = made.get(relpath) if made else None
                    if same_stamp is not None and same_stamp.__dict__.get(_TEXT_DIGEST) == digest:
                        # Racily clean (written in the tick the cache was filled) but the same
                        # text: not parsed again.
                        file = same_stamp
                    elif written is not None and written[0] == digest:
                        file = written[1]
                    else:
                        file = parse_article_file(text, relpath)
                    # Kept with the file in the cache, for the racy case above.
                    file.__dict__[_TEXT_DIGEST] = digest
                if known is not None:
                    known[relpath] = (stat.st_size, stat.st_mtime_ns, file)
            except OSError as error:
                self.errors.append(f"{display_prefix}{relpath}: cannot read ({error.strerror or error})")
                continue
            except UnicodeDecodeError:
                self.errors.append(f"{display_prefix}{relpath}: not UTF-8 text; skipped")
                continue
            except InputError as error:
                self.errors.append(f"{display_prefix}{relpath}: {error.reason}")
                continue
            self.files[relpath] = file
            key = file.source_key
            if key is not None:
                self.by_source.setdefault(key, relpath)
        return read

    def _free_relpath(self, date: datetime, slug: str, key: str) -> str:
        candidate = article_relpath(date, slug, self.zone)
        number = 2
        while candidate in self.files and self.files[candidate].source_key != key:
            # The suffix must fit in the slug's length limit, or the slug would not be read back as is.
            suffix = f"-{number}"
            candidate = article_relpath(
                date, slug[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix, self.zone
            )
            number += 1
        return candidate

    def current_outcome(self, key: str, content_hash: str) -> WriteOutcome | None:
        """ "unchanged" or "kept-edit" when the article made from this input needs no work."""
        relpath = self.by_source.get(key)
        if relpath is None:
            return None
        file = self.files[relpath]
        if file.metadata.get("raw_hash") != content_hash:
            return None
        if file.edited:
            return "kept-edit"
        return "unchanged" if file.metadata.get("pipeline") == versions.PIPELINE_VERSION else None

    def write_digest(self, doc: CleanDocument, digest: Digest) -> tuple[WriteOutcome, str]:
        """Write (or refresh) the article made from one raw input; never touch an edited file."""
        existing_rel = self.by_source.get(doc.key)
        if existing_rel is not None:
            existing = self.files[existing_rel]
            slug = str(existing.metadata.get("slug") or Path(existing_rel).stem)
            metadata = build_metadata(
                doc, digest, slug, self.zone, event=_as_str(existing.metadata.get("event"))
            )
            made = made_article(metadata, body_markdown(doc.paragraphs), existing_rel)
            if existing.edited:
                if existing.metadata.get("raw_hash") == doc.content_hash:
                    return "kept-edit", existing_rel
                self._write_incoming(existing_rel + INCOMING_SUFFIX, article_text(made))
                return "conflict", existing_rel
            fresh = existing.metadata.get("raw_hash") == doc.content_hash
            if fresh and existing.metadata.get("pipeline") == versions.PIPELINE_VERSION:
                return "unchanged", existing_rel
            self._write(made)
            return "updated", existing_rel
        date, _ = article_date(doc)
        relpath = self._free_relpath(date, slugify(doc.title, fallback_prefix="article"), doc.key)
        slug = Path(relpath).name.removesuffix(".md")
        self._write(
            made_article(build_metadata(doc, digest, slug, self.zone), body_markdown(doc.paragraphs), relpath)
        )
        self.by_source[doc.key] = relpath
        return "created", relpath

    def set_event(self, relpath: str, event: str, article: Article | None = None) -> bool:
        """Record an event slug in an unedited article so that its grouping stays stable.

        `article` is the caller's Article of the file with this event, if it has one: where it is
        what reading the new file would give, the new file carries it (see `article_of`)."""
        file = self.files.get(relpath)
        if file is None or file.edited or file.metadata.get("event") == event:
            return False
        metadata = {key: value for key, value in file.metadata.items() if key != "output_hash"}
        ordered: dict[str, Any] = {}
        for key, value in metadata.items():
            if key == "summary" and "event" not in metadata:
                ordered["event"] = event
            ordered[key] = event if key == "event" else value
        ordered.setdefault("event", event)
        made = made_article(ordered, file.body, relpath)
        known = file.__dict__.get("_article")
        if known is not None:
            # The new file differs from the old by its event alone, and so does its Article: not
            # validated again when the build caches the directory (a millisecond an article).
            zone_key, before = known
            after: Article = replace(before, event=slugify(event))
            if article is not None and article == after:
                after = article
            # Hashed as `article_of` hashes what it remembers, for the cache to keep; the words are
            # those of `before`, and so is their digest.
            article_digest(after)
            if "_text_digest" in before.__dict__:
                after.__dict__.setdefault("_text_digest", before.__dict__["_text_digest"])
            article_text_digest(after)
            made.__dict__["_article"] = (zone_key, after)
        self._write(made)
        return True

    def _write(self, made: ArticleFile) -> None:
        """Write a generated file (now, or at `flush` when deferring); it becomes the store's file."""
        target = self._target(made.relpath)
        self.files[made.relpath] = made
        if self.defer_writes:
            self.pending[made.relpath] = (target, made)
        else:
            self._write_now(target, made)

    def flush(self, workers: int = 1) -> int:
        """Write the files kept back by `defer_writes`, their texts made on `workers` forked
        processes; how many were written."""
        pending = list(self.pending.values())
        # Front matter is dumped a slice at a time in forked workers (a third of a millisecond an
        # article in one process) and each slice written as it comes, so that the texts of all
        # the files are never held at once.
        made_texts = fork_imap(
            _text_and_digest, [made for _, made in pending], workers, task="write: article files"
        )

        def files() -> Iterator[tuple[Path, bytes]]:
            for (target, made), (data, digest) in zip(pending, made_texts, strict=True):
                self.written[made.relpath] = (digest, made)
                yield target, data

        atomic_write_all(files())
        self.pending.clear()
        return len(pending)

    def _write_now(self, target: Path, made: ArticleFile) -> None:
        data, digest = _text_and_digest(made)
        atomic_write_bytes(target, data)
        self.written[made.relpath] = (digest, made)

    def _write_incoming(self, relpath: str, text: str) -> None:
        """The new version of an edited article, beside it for the user to merge: not an article."""
        atomic_write_text(self._target(relpath), text)

    def _target(self, relpath: str) -> Path:
        target = self.root / relpath
        # The folder decides where a file lands: the write replaces a link of that name rather than
        # following it. Resolving each file's path cost a third of a millisecond; a build writes
        # into a few dozen month folders.
        folder = target.parent
        inside = self._inside.get(folder)
        if inside is None:
            inside = self._inside[folder] = is_inside(folder, self.root)
        if not inside or target.name in ("", ".", ".."):
            raise InputError(relpath, "refusing to write outside the articles directory")
        return target


def _text_and_digest(made: ArticleFile) -> tuple[bytes, str]:
    """A generated file's bytes and the `text_digest` of its text, which `written` records."""
    text = article_text(made)
    return text.encode("utf-8"), text_digest(text)


def text_digest(text: str) -> str:
    """A hash of a file's text, to know it again without keeping it."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
