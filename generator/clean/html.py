"""HTML input: the main content as lines, and the metadata the page declares.

Main-content extraction uses trafilatura, the best-measured extractor on our dev set (F1 .958,
see `shared/eval/clean/README.md`), as one part: its text is then passed through our own line
classifier, which removes the residue it leaves (share prompts, credits, "read more" lines).
Where trafilatura finds nothing, every block of the page is classified instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
from lxml import etree

# trafilatura and htmldate log every page they find odd; those are not the user's problems.
for _noisy in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head")
_BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
        "header hr li main nav ol p pre section table td th tr ul br"
    ).split()
)


@dataclass(frozen=True)
class PageMetadata:
    """What a page says about itself in its head (meta tags, JSON-LD, <title>)."""

    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    date: datetime | None = None
    url: str | None = None


def _clean_title(title: str | None, sitename: str | None) -> str | None:
    if not title:
        return None
    title = " ".join(title.split())
    parts = re.split(r"\s+[|–—-]\s+|\s+::\s+", title)
    if len(parts) > 1:
        # The site's name hangs off one end of the <title>; the headline is the longest part.
        candidates = [p for p in parts if not sitename or p.strip().lower() != sitename.strip().lower()]
        title = max(candidates or parts, key=len)
    return title.strip() or None


def load_extractor() -> None:
    """Import trafilatura now, in this process, rather than at the first page.

    It is imported on first use, for a build that reads no page would spend 0.2 s on it. A
    build about to read pages on forked workers calls this first: each forked worker imported it
    again on its own, 16 times over in a build's reading of the inbox, and the workers that
    clean once more.
    """
    import trafilatura  # noqa: F401


def page_metadata(html: str) -> PageMetadata:
    """Title, author, site name, date and canonical URL declared by a page."""
    try:
        import trafilatura

        found = trafilatura.extract_metadata(html)
    except (ValueError, TypeError, etree.ParserError):
        found = None
    if found is None:
        return PageMetadata()
    date = None
    if found.date:
        try:
            date = datetime.fromisoformat(str(found.date)[:10]).replace(tzinfo=UTC)
        except ValueError:
            date = None
    url = found.url if isinstance(found.url, str) and found.url.startswith(("http://", "https://")) else None
    sitename = found.sitename.strip() if isinstance(found.sitename, str) and found.sitename.strip() else None
    author = found.author.strip() if isinstance(found.author, str) and found.author.strip() else None
    return PageMetadata(_clean_title(found.title, sitename), author, sitename, date, url)


def main_content_lines(html: str) -> list[str]:
    """The page's main content, one line per block, as trafilatura extracts it (empty if none)."""
    import trafilatura

    try:
        text = trafilatura.extract(html, output_format="txt", include_comments=False, include_tables=True,
                                   include_images=False, deduplicate=False)  # fmt: skip
    except (ValueError, TypeError, etree.ParserError, RecursionError):
        text = None
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def block_lines(html: str) -> list[str]:
    """Every visible block of text in a fragment or page, one line per block element."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return [line.strip() for line in re.sub(r"<[^>]+>", "\n", html).splitlines() if line.strip()]
    for element in list(root.iter(*_DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    pieces: list[str] = []

    def walk(element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _BLOCK_TAGS:
            pieces.append("\n")
        if element.text and isinstance(element.tag, str):
            pieces.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
        if tag in _BLOCK_TAGS:
            pieces.append("\n")

    walk(root)
    lines = ("".join(pieces)).splitlines()
    return [" ".join(line.split()) for line in lines if line.strip()]
