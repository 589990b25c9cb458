"""RSS and Atom files: one RawDocument per entry, parsed with feedparser."""

from __future__ import annotations

import calendar
import hashlib
from datetime import UTC, datetime
from typing import Any

import feedparser

from generator.errors import InputError
from generator.model import Hints, RawDocument

# A feed file of this many entries is almost certainly not a news feed someone saved by hand;
# past it we keep the newest entries and warn rather than flooding the site.
MAX_ENTRIES = 5000


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _entry_content(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return best if len(best) >= len(summary) else summary


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def read_feed(data: bytes, path: str) -> tuple[list[RawDocument], list[str]]:
    """Parse a feed file into one RawDocument per entry; return them with warnings.

    Raises InputError when the file is not a feed at all.
    """
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries = list(parsed.get("entries", []))
    if not entries:
        if parsed.get("bozo"):
            reason = str(parsed.get("bozo_exception", "malformed XML")).splitlines()[0]
            raise InputError(path, f"not a readable RSS/Atom feed ({reason})")
        raise InputError(path, "feed has no entries")
    warnings: list[str] = []
    if len(entries) > MAX_ENTRIES:
        warnings.append(f"{path}: feed has {len(entries)} entries; only the first {MAX_ENTRIES} are read")
        entries = entries[:MAX_ENTRIES]
    feed_title = _text(parsed.get("feed", {}).get("title"))
    documents: list[RawDocument] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        content = _entry_content(entry)
        title = _text(entry.get("title"))
        if not content.strip() and not title:
            warnings.append(f"{path}: entry {index + 1} has neither title nor text; skipped")
            continue
        link = _text(entry.get("link"))
        identity = _text(entry.get("id")) or link or f"{title}|{index}"
        entry_id = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
        if entry_id in seen:
            warnings.append(f"{path}: entry {index + 1} repeats an earlier entry's id; skipped")
            continue
        seen.add(entry_id)
        date = _entry_date(entry)
        hints = Hints(
            title=title,
            date=date,
            date_source="feed" if date else None,
            source=feed_title,
            url=link if link and link.startswith(("http://", "https://")) else None,
            author=_text(entry.get("author")),
            tags=tuple(t for t in (_text(tag.get("term")) for tag in entry.get("tags", []) or []) if t),
        )
        digest = hashlib.sha256("\x1f".join([identity, title or "", content, str(date)]).encode()).hexdigest()
        documents.append(
            RawDocument(
                path=path,
                kind="feed-entry",
                content=content,
                content_hash=digest,
                hints=hints,
                entry_id=entry_id,
            )
        )
    if not documents and parsed.get("bozo"):
        reason = str(parsed.get("bozo_exception", "malformed XML")).splitlines()[0]
        raise InputError(path, f"not a readable RSS/Atom feed ({reason})")
    return documents, warnings
