"""`sitemap.xml` (split into parts when the site is large) and `robots.txt`."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from xml.sax.saxutils import escape

from generator.config import SiteConfig

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The sitemap protocol's limit per file (sitemaps.org); crawlers ignore URLs past it.
MAX_URLS = 50_000
PARTS_DIR = "sitemaps"
_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def listed_pages(page_paths: Iterable[str]) -> list[str]:
    """The pages a sitemap lists: every page but the 404 page, sorted, once each."""
    return sorted({path for path in page_paths if not path.endswith("404.html")})


def sitemap(page_paths: Iterable[str], config: SiteConfig) -> bytes:
    """A sitemap listing every page (not the 404 page), in a stable order."""
    lines = [_DECLARATION, f'<urlset xmlns="{SITEMAP_NS}">\n']
    for path in listed_pages(page_paths):
        lines.append(f"  <url>\n    <loc>{escape(config.absolute_url(path))}</loc>\n  </url>\n")
    lines.append("</urlset>\n")
    return "".join(lines).encode("utf-8")


def split_pages(page_paths: Iterable[str], max_urls: int | None = None) -> dict[str, list[str]]:
    """The listed pages by sitemap file: all in `sitemap.xml` while one file can hold them, else
    in parts (`sitemaps/<n>.xml`), each page in the part its path hashes to.

    Hashing, rather than cutting the sorted list, keeps a page in the same part as the site
    grows: a new article changes the parts that list its pages, not every part after it. The
    number of parts is a power of two that leaves them about half full, doubled while uneven
    hashing still overfills one; empty parts are left out.
    """
    limit = MAX_URLS if max_urls is None else max_urls
    pages = listed_pages(page_paths)
    if len(pages) <= limit:
        return {"sitemap.xml": pages}
    hashes = [zlib.crc32(path.encode("utf-8")) for path in pages]
    count = 2
    while len(pages) / count > limit / 2:
        count *= 2
    while count <= len(pages):
        parts: dict[int, list[str]] = {}
        for path, value in zip(pages, hashes, strict=True):
            parts.setdefault(value % count, []).append(path)
        if max(len(listed) for listed in parts.values()) <= limit:
            return {f"{PARTS_DIR}/{n}.xml": parts[n] for n in sorted(parts)}
        count *= 2
    # Only a tiny limit with colliding hashes gets here: cut the sorted list instead.
    return {f"{PARTS_DIR}/{n // limit}.xml": pages[n : n + limit] for n in range(0, len(pages), limit)}


def sitemap_index(part_paths: Iterable[str], config: SiteConfig) -> bytes:
    """`sitemap.xml` for a split sitemap: the list of its parts."""
    lines = [_DECLARATION, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for path in sorted(part_paths, key=lambda p: (len(p), p)):
        lines.append(f"  <sitemap>\n    <loc>{escape(config.absolute_url(path))}</loc>\n  </sitemap>\n")
    lines.append("</sitemapindex>\n")
    return "".join(lines).encode("utf-8")


def robots(config: SiteConfig) -> str:
    """Allow everything and point crawlers at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n"
