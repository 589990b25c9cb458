"""The plain data passed between pipeline stages.

Each stage takes one of these and returns the next; nothing here does I/O or imports
another module of the package, so every stage can be called in a test with plain values.

    RawDocument  --clean-->  CleanDocument  --summarise-->  Digest
    Article (one front-matter file)  --group-->  Event
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Literal

RawKind = Literal["text", "markdown", "html", "feed-entry"]
DateSource = Literal["given", "feed", "html-meta", "text", "file", "none"]
LineRole = Literal["body", "title", "byline", "dateline", "boilerplate", "blank"]


@dataclass(frozen=True)
class Publisher:
    """Another outlet that published the same text (a syndicated copy stored once)."""

    source: str
    url: str | None = None


@dataclass(frozen=True)
class Hints:
    """Metadata known before cleaning: from a sidecar, inbox front matter or a feed entry."""

    title: str | None = None
    date: datetime | None = None
    date_source: DateSource | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    event: str | None = None
    tags: tuple[str, ...] = ()
    also_published: tuple[Publisher, ...] = ()


FoundLines = tuple[tuple[str, ...], bool]


@dataclass(frozen=True)
class RawDocument:
    """One article as read from the inbox, before any cleaning.

    `path` is relative to the project root with forward slashes; for a feed entry it is the
    feed's path and `entry_id` tells the entries apart.
    """

    path: str
    kind: RawKind
    content: str
    content_hash: str
    hints: Hints = field(default_factory=Hints)
    entry_id: str | None = None
    file_date: datetime | None = None
    found_lines: FoundLines | None = None
    """The lines of the page's main text and whether its text block is still to be found, where
    they were worked out already, while the inbox was read for its evidence: finding an HTML
    page's main text is most of the cost of cleaning it (see `generator.clean.document_lines`)."""

    @property
    def key(self) -> str:
        """A stable identity for this input: the file, plus the entry for feeds."""
        return self.path if self.entry_id is None else f"{self.path}#{self.entry_id}"


@dataclass(frozen=True)
class LineDecision:
    """Whether one line of the raw text was kept, and the evidence that decided it."""

    number: int
    text: str
    keep: bool
    reason: str
    role: LineRole = "body"


@dataclass(frozen=True)
class CleanDocument:
    """An article with its boilerplate removed and its metadata pulled out."""

    key: str
    source_file: str
    content_hash: str
    title: str
    paragraphs: tuple[str, ...]
    author: str | None = None
    source: str | None = None
    url: str | None = None
    date: datetime | None = None
    date_source: DateSource = "none"
    event: str | None = None
    tags: tuple[str, ...] = ()
    also_published: tuple[Publisher, ...] = ()
    decisions: tuple[LineDecision, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A quoted passage and, where the text attributes it, who said it."""

    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class Digest:
    """What the summariser makes of one article."""

    summary: tuple[str, ...]
    tags: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class Article:
    """A typed view of one `content/articles/**.md` file: the source of truth for the site.

    `path` is the canonical `YYYY/MM/<slug>.md` the site's URL is made from; `date` is timezone-aware.
    """

    path: str
    slug: str
    title: str
    date: datetime
    date_source: DateSource
    summary: str
    body: str
    source: str | None = None
    author: str | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    also_published: tuple[Publisher, ...] = ()
    event: str | None = None
    source_file: str | None = None
    raw_hash: str | None = None
    edited: bool = False
    file: str | None = None
    """The Markdown file this came from, relative to the articles directory (`path` is canonical)."""


@dataclass(frozen=True, slots=True)
class ArticleText:
    """The words of an article that its grouping terms and search weights are made from, as
    sent to a worker process (see `executor.sent_imap`).

    It pickles its text as UTF-8 bytes. Pickling a `str` itself makes CPython keep a UTF-8 copy
    of any non-ASCII string inside the string, for as long as the string lives: sending the
    articles' own strings left the build process holding a second copy of most bodies.
    """

    title: str
    summary: str
    body: str
    people: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()

    @classmethod
    def of(cls, article: Article) -> ArticleText:
        """The article's text, sharing its strings."""
        return cls(
            article.title,
            article.summary,
            article.body,
            article.people,
            article.organizations,
            article.places,
        )

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _article_text_from_utf8, (
            *(_utf8(text) for text in (self.title, self.summary, self.body)),
            *(
                tuple(_utf8(name) for name in names)
                for names in (self.people, self.organizations, self.places)
            ),
        )


def _utf8(text: str) -> bytes:
    # `str.encode` makes new bytes and leaves no copy in the string.
    return text.encode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _article_text_from_utf8(
    title: bytes,
    summary: bytes,
    body: bytes,
    people: tuple[bytes, ...],
    organizations: tuple[bytes, ...],
    places: tuple[bytes, ...],
) -> ArticleText:
    return ArticleText(
        _text(title),
        _text(summary),
        _text(body),
        tuple(map(_text, people)),
        tuple(map(_text, organizations)),
        tuple(map(_text, places)),
    )


def article_digest(article: Article) -> bytes:
    """A hash of every field of an article, remembered on the object.

    Each text field goes in as its length and its UTF-8 bytes; any other field (a date, a flag,
    tuples of names, quotes and publishers: plain values whose repr names every part) as its
    repr. Hashing the repr of the whole article cost twice as long, most of it spent escaping
    the body. The digest is kept in the instance's `__dict__` (next to the frozen fields): an
    unchanged article comes back from the parse cache as the same object, digest included, and
    is not hashed again by the next build.
    """
    found: bytes | None = article.__dict__.get("_digest")
    if found is None:
        digest = hashlib.blake2b(digest_size=16)
        for name in _ARTICLE_FIELDS:
            value = getattr(article, name)
            if type(value) is str:
                data = value.encode("utf-8", "surrogatepass")
                digest.update(b"s%d:" % len(data))
                digest.update(data)
            else:
                # A repr holds no NUL (a text's repr escapes it), so the NUL ends it.
                digest.update(b"r" + repr(value).encode("utf-8", "surrogatepass") + b"\0")
        found = digest.digest()
        article.__dict__["_digest"] = found
    return found


_ARTICLE_FIELDS = tuple(item.name for item in fields(Article))


def article_text_digest(article: Article) -> bytes:
    """A hash of an article's words alone (title, summary and body), remembered on the object
    like `article_digest`: what is computed from the text and nothing else (the search index's
    term weights) is keyed by it, so a new event or tag does not make it again."""
    found: bytes | None = article.__dict__.get("_text_digest")
    if found is None:
        digest = hashlib.blake2b(digest_size=16)
        for text in (article.title, article.summary, article.body):
            digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
        found = article.__dict__["_text_digest"] = digest.digest()
    return found


@dataclass(frozen=True)
class Event:
    """Several articles that report one real-world happening."""

    slug: str
    title: str
    articles: tuple[Article, ...]
    summary: tuple[str, ...] = ()
    # (copy's path, original's path) for articles that carry another's text: syndicated copies.
    copies: tuple[tuple[str, str], ...] = ()

    @property
    def originals(self) -> tuple[Article, ...]:
        """The articles that are not copies of another one in the event, in date order."""
        copied = {copy for copy, _ in self.copies}
        return tuple(a for a in self.articles if a.path not in copied)

    def copies_of(self, article: Article) -> tuple[Article, ...]:
        """The other publications of an article's text ("also published by")."""
        paths = {copy for copy, original in self.copies if original == article.path}
        return tuple(a for a in self.articles if a.path in paths)

    def original_of(self, article: Article) -> Article | None:
        """The article this one copies, if it is a syndicated copy."""
        original = next((o for copy, o in self.copies if copy == article.path), None)
        return next((a for a in self.articles if a.path == original), None)

    @property
    def start(self) -> datetime:
        """The date of the earliest article."""
        return min(a.date for a in self.articles)

    @property
    def end(self) -> datetime:
        """The date of the latest article."""
        return max(a.date for a in self.articles)

    @property
    def sources(self) -> tuple[str, ...]:
        """The distinct outlets covering the event, in order of first report (syndicating ones too)."""
        seen: dict[str, None] = {}
        for article in sorted(self.articles, key=lambda a: (a.date, a.slug)):
            if article.source:
                seen.setdefault(article.source, None)
            for publisher in article.also_published:
                seen.setdefault(publisher.source, None)
        return tuple(seen)


@dataclass(frozen=True)
class SiteContent:
    """Everything the render stage needs: articles newest first, events by latest article first."""

    articles: tuple[Article, ...]
    events: tuple[Event, ...]
