"""Render: the static site from the articles and events — pages, feeds, sitemap, search index.

Everything is written into an empty staging folder that the pipeline swaps in when complete.
Output depends only on the content and settings (no clock, stable order), so the same input
gives byte-identical files.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.config import SiteConfig
from generator.model import Article, SiteContent
from generator.render import urls
from generator.render.feeds import atom_feed, json_feed, rss_feed
from generator.render.pages import build_index, make_environment, render_page, site_pages
from generator.render.search import build_search_index
from generator.render.sitemap import robots, sitemap


@dataclass(frozen=True)
class RenderReport:
    """What was written: the number of HTML pages and every file, site-relative and sorted."""

    pages: int
    files: tuple[str, ...]


def copy_static(theme_dirs: Sequence[Path], out_dir: Path) -> list[str]:
    """Copy each theme's `static/` into the site; a file in an earlier folder wins."""
    written: dict[str, Path] = {}
    for theme in theme_dirs:
        static = theme / "static"
        if not static.is_dir():
            continue
        for source in sorted(static.rglob("*")):
            if source.is_file() and not source.is_symlink():
                written.setdefault("static/" + source.relative_to(static).as_posix(), source)
    for relative, source in sorted(written.items()):
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return sorted(written)


def with_aware_dates(content: SiteContent, zone: ZoneInfo) -> SiteContent:
    """Read any naive article date as site time, so output never depends on the build machine's zone."""

    def fix(article: Article) -> Article:
        return article if article.date.tzinfo else replace(article, date=article.date.replace(tzinfo=zone))

    if all(a.date.tzinfo for a in content.articles) and all(
        a.date.tzinfo for e in content.events for a in e.articles
    ):
        return content
    events = tuple(replace(e, articles=tuple(fix(a) for a in e.articles)) for e in content.events)
    return SiteContent(articles=tuple(fix(a) for a in content.articles), events=events)


def _write(out_dir: Path, relative: str, data: bytes | str) -> str:
    target = out_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return relative


def render_site(content: SiteContent, config: SiteConfig, theme_dirs: Sequence[Path], out_dir: Path,
                search: bool = True) -> RenderReport:  # fmt: skip
    """Write the whole static site into `out_dir`; `search=False` skips the Pagefind index."""
    content = with_aware_dates(content, config.zone)
    env = make_environment(theme_dirs, config)
    index = build_index(content, config)
    files = copy_static(theme_dirs, out_dir)
    pages = site_pages(content, index, config)
    for page in pages:
        files.append(_write(out_dir, urls.file_for(page.path), render_page(env, page)))
    description = config.description
    site_feeds = {"feed.xml": rss_feed, "atom.xml": atom_feed, "feed.json": json_feed}
    for name, make_feed in site_feeds.items():
        files.append(
            _write(out_dir, name, make_feed(content.articles, config, name, config.title, description))
        )
    # Readers follow one story, or one outlet.
    for event in content.events:
        path = urls.event_path(event.slug)
        title = f"{event.title} — {config.title}"
        feed = rss_feed(event.articles, config, path + "feed.xml", title, f"Reports on: {event.title}", path)
        files.append(_write(out_dir, path + "feed.xml", feed))
    for path, articles in sorted(index.by_source.items()):
        name = index.source_names[path]
        feed = rss_feed(
            articles, config, path + "feed.xml", f"{name} — {config.title}", f"Reports from {name}.", path
        )
        files.append(_write(out_dir, path + "feed.xml", feed))
    files.append(_write(out_dir, "sitemap.xml", sitemap((p.path for p in pages), config)))
    files.append(_write(out_dir, "robots.txt", robots(config)))
    files.append(_write(out_dir, ".nojekyll", ""))
    if search:
        build_search_index(out_dir)
        files.extend(
            p.relative_to(out_dir).as_posix() for p in (out_dir / "pagefind").rglob("*") if p.is_file()
        )
    return RenderReport(pages=len(pages), files=tuple(sorted(files)))


__all__ = ["RenderReport", "render_site"]
