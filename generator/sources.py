"""`sources.toml` → the feeds a site follows; OPML import and export.

`sources.toml` sits next to `site.toml`. Each `[[source]]` is one feed, given by `url` (RSS or
Atom over http/https) or `file` (a feed file inside the project); a `[fetch]` table holds the
politeness settings shared by all of them. OPML is the format every feed reader imports and
exports, so a reader's subscriptions move in and out with one command.

Importing appends new `[[source]]` tables to the end of `sources.toml` as text rather than
rewriting the file, so the user's comments and layout survive.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from generator.errors import ConfigError
from generator.fsutil import atomic_write_text
from generator.slugs import slugify

SOURCES_FILE = "sources.toml"


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how much `broadsheet fetch` downloads (the `[fetch]` table)."""

    timeout: float = 20.0
    retries: int = 2
    per_host_interval: float = 1.0
    max_entries: int = 100
    respect_robots: bool = True
    contact: str = ""
    """An address or URL added to the User-Agent, so that a site's owner can reach you."""
    state_file: str = "content/fetch-state.json"
    inbox_folder: str = "fetched"
    """Where new files go, under the inbox."""


@dataclass(frozen=True)
class Source:
    """One feed the site follows."""

    name: str
    url: str = ""
    file: str = ""
    full_page: bool = False
    """Download each entry's web page and keep its main text, instead of the feed's own content."""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    language: str = ""
    site_url: str = ""

    @property
    def location(self) -> str:
        """The URL or project file the feed is read from."""
        return self.url or self.file

    @property
    def slug(self) -> str:
        """The source's folder name under the inbox."""
        return slugify(self.name, fallback_prefix="source")


@dataclass(frozen=True)
class SourceList:
    """Every followed feed, and the fetch settings."""

    sources: tuple[Source, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)


_SOURCE_TEXT = ("name", "url", "file", "language", "site_url")
_SOURCE_WORDS = ("include", "exclude")


def _bad(where: str, reason: str) -> ConfigError:
    return ConfigError(f"{SOURCES_FILE}: {where}: {reason}")


def _source_from_mapping(data: Any, number: int) -> Source:
    where = f"source {number}"
    if not isinstance(data, dict):
        raise _bad(where, "expected a [[source]] table")
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        where = f"source {number} ({name.strip()})"
    known = {f.name for f in fields(Source)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise _bad(where, f"{key}: unknown key (known: {', '.join(sorted(known))})")
        if key in _SOURCE_TEXT:
            if not isinstance(value, str):
                raise _bad(where, f"{key}: expected text, got {value!r}")
            values[key] = value.strip()
        elif key in _SOURCE_WORDS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
                raise _bad(where, f"{key}: expected a list of words, got {value!r}")
            values[key] = tuple(w.strip() for w in value)
        elif key == "full_page":
            if not isinstance(value, bool):
                raise _bad(where, f"full_page: expected true or false, got {value!r}")
            values[key] = value
    if not values.get("name"):
        raise _bad(where, "name: every source needs a name")
    if bool(values.get("url")) == bool(values.get("file")):
        raise _bad(where, "give either url (a feed on the web) or file (a feed file in the project)")
    if values.get("url"):
        parts = urlsplit(values["url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _bad(where, f"url: expected an http(s) URL, got {values['url']!r}")
    if values.get("file"):
        path = Path(values["file"])
        if path.is_absolute() or ".." in path.parts:
            raise _bad(where, f"file: must be a path inside the project, got {values['file']!r}")
    return Source(**values)


def _fetch_from_mapping(data: Any) -> FetchSettings:
    if not isinstance(data, dict):
        raise _bad("fetch", "expected a [fetch] table")
    settings = FetchSettings()
    known = {f.name: f for f in fields(FetchSettings)}
    ranges: dict[str, tuple[float, float]] = {
        "timeout": (1, 600),
        "retries": (0, 10),
        "per_host_interval": (0, 3600),
        "max_entries": (1, 100_000),
    }
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise _bad("fetch", f"{key}: unknown setting (known: {', '.join(sorted(known))})")
        expected = type(getattr(settings, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise _bad("fetch", f"{key}: expected {expected.__name__}, got {value!r}")
        if key in ranges and not ranges[key][0] <= value <= ranges[key][1]:
            low, high = ranges[key]
            raise _bad("fetch", f"{key}: must be between {low:g} and {high:g}, got {value}")
        if key in ("state_file", "inbox_folder"):
            path = Path(value)
            if not value or path.is_absolute() or ".." in path.parts:
                raise _bad("fetch", f"{key}: must be a relative path inside the project, got {value!r}")
        values[key] = value
    return replace(settings, **values)


def sources_from_mapping(data: dict[str, Any]) -> SourceList:
    """Validate a parsed `sources.toml`; raise ConfigError naming the source and key."""
    for key in data:
        if key not in ("source", "fetch"):
            raise _bad(key, "unknown table (expected [[source]] or [fetch])")
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        raise _bad("source", "write each feed as a [[source]] table")
    sources = tuple(_source_from_mapping(item, n) for n, item in enumerate(raw_sources, 1))
    seen: dict[str, str] = {}
    for source in sources:
        for key in (source.name.lower(), source.location):
            if key in seen:
                raise _bad(
                    f"source ({source.name})", f"repeats {seen[key]!r}: names and feeds must be unique"
                )
            seen[key] = source.name
    return SourceList(sources, _fetch_from_mapping(data.get("fetch", {})))


def load_sources(project_root: Path) -> SourceList | None:
    """Read `sources.toml` from the project root; None when there is none."""
    path = project_root / SOURCES_FILE
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{SOURCES_FILE}: not valid TOML: {error}") from None
    return sources_from_mapping(data)


# OPML --------------------------------------------------------------------------------------------


def sources_from_opml(data: bytes, name: str = "OPML file") -> list[Source]:
    """The feeds of an OPML subscription list: every `<outline>` with an `xmlUrl`, at any depth.

    defusedxml refuses entity expansion and external entities, which a file from elsewhere may
    carry.
    """
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise ConfigError(f"{name}: not a readable OPML file ({error})") from None
    if root.tag.lower() != "opml":
        raise ConfigError(f"{name}: not an OPML file (the root element is <{root.tag}>)")
    found: list[Source] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        title = (outline.get("title") or outline.get("text") or parts.netloc).strip()
        site = (outline.get("htmlUrl") or "").strip()
        language = (outline.get("language") or "").strip()
        found.append(Source(name=" ".join(title.split()), url=url, site_url=site, language=language))
    return found


def sources_to_opml(sources: Sequence[Source], title: str) -> str:
    """An OPML 2.0 subscription list of the web feeds (project files have no URL to share)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    body = ElementTree.SubElement(root, "body")
    for source in sources:
        if not source.url:
            continue
        attributes = {"type": "rss", "text": source.name, "title": source.name, "xmlUrl": source.url}
        if source.site_url:
            attributes["htmlUrl"] = source.site_url
        if source.language:
            attributes["language"] = source.language
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def source_to_toml(source: Source) -> str:
    """One `[[source]]` table, with only the keys that differ from the defaults."""
    lines = ["[[source]]", f"name = {_toml_string(source.name)}"]
    for key in ("url", "file", "site_url", "language"):
        value = getattr(source, key)
        if value:
            lines.append(f"{key} = {_toml_string(value)}")
    if source.full_page:
        lines.append("full_page = true")
    for key in _SOURCE_WORDS:
        words = getattr(source, key)
        if words:
            lines.append(f"{key} = [{', '.join(_toml_string(w) for w in words)}]")
    return "\n".join(lines) + "\n"


def merge_new_sources(existing: Sequence[Source], incoming: Iterable[Source]) -> list[Source]:
    """The incoming sources not already followed (same feed URL), with names made unique."""
    urls = {s.url for s in existing if s.url}
    names = {s.name.lower() for s in existing}
    added: list[Source] = []
    for source in incoming:
        if source.url in urls:
            continue
        name, number = source.name, 2
        while name.lower() in names:
            name, number = f"{source.name} ({number})", number + 1
        urls.add(source.url)
        names.add(name.lower())
        added.append(replace(source, name=name))
    return added


def append_sources(path: Path, sources: Sequence[Source]) -> None:
    """Add `[[source]]` tables at the end of `sources.toml`, keeping what the user wrote above."""
    if not sources:
        return
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    blocks = "\n".join(source_to_toml(s) for s in sources)
    new_text = text + ("\n" if text else "") + blocks
    # Parse before writing: a file that would no longer load is never written.
    sources_from_mapping(tomllib.loads(new_text))
    atomic_write_text(path, new_text)
