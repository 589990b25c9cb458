"""Render: the static site from the articles and events — pages, feeds, sitemap, search index.

Everything is written into an empty staging folder that the pipeline swaps in when complete.
Output depends only on the content and settings (no clock, stable order), so the same input
gives byte-identical files.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.config import SiteConfig
from generator.model import Article, SiteContent
from generator.render import urls
from generator.render.feeds import atom_feed, digest_feed, json_feed, rss_feed
from generator.render.incremental import (
    Fingerprints,
    Output,
    make_outputs,
    remove_stale,
    reuse_identical,
    theme_fingerprint,
)
from generator.render.pages import build_index, make_environment, render_page, site_pages
from generator.render.search import SEARCH_DIR, build_search_index
from generator.render.sitemap import robots, sitemap


@dataclass(frozen=True)
class RenderReport:
    """What the site is made of, and what this render did.

    `files` is every file of the site, site-relative and sorted; `written` lists the outputs made
    again whose bytes changed (the rest were kept from the previous build).
    """

    pages: int
    files: tuple[str, ...]
    fingerprints: dict[str, str] = field(default_factory=dict)
    written: tuple[str, ...] = ()


def static_outputs(theme_dirs: Sequence[Path], theme_key: str) -> list[Output]:
    """Each theme's `static/` files; a file in an earlier folder wins."""
    found: dict[str, Path] = {}
    for theme in theme_dirs:
        static = theme / "static"
        if not static.is_dir():
            continue
        for source in sorted(static.rglob("*")):
            if source.is_file() and not source.is_symlink():
                found.setdefault("static/" + source.relative_to(static).as_posix(), source)
    return [
        Output(relative, theme_key, source.read_bytes, "static") for relative, source in sorted(found.items())
    ]


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


def site_outputs(
    content: SiteContent, config: SiteConfig, theme_dirs: Sequence[Path]
) -> tuple[list[Output], int]:
    """Every file of the site except the search index, with fingerprints; and the page count."""
    env = make_environment(theme_dirs, config)
    index = build_index(content, config)
    # How many processes render does not change what they write.
    theme_key = theme_fingerprint(theme_dirs, repr(replace(config, workers=0)))
    prints = Fingerprints(theme_key)
    outputs = static_outputs(theme_dirs, theme_key)
    pages = site_pages(content, index, config)
    for page in pages:
        fingerprint = prints.of("page", page.path, page.template, page.title, page.description, page.values)
        outputs.append(Output(urls.file_for(page.path), fingerprint, partial(render_page, env, page)))
    description = config.description
    for name, make_feed in {"feed.xml": rss_feed, "atom.xml": atom_feed, "feed.json": json_feed}.items():
        outputs.append(
            Output(
                name,
                prints.of("site-feed", name, content.articles[: config.feed_items]),
                partial(make_feed, content.articles, config, name, config.title, description),
                "feeds",
            )
        )
    # Readers follow one story, or one outlet.
    for event in content.events:
        path = urls.event_path(event.slug)
        title = f"{event.title} — {config.title}"
        outputs.append(
            Output(
                path + "feed.xml",
                prints.of("event-feed", event),
                partial(
                    rss_feed,
                    event.articles,
                    config,
                    path + "feed.xml",
                    title,
                    f"Reports on: {event.title}",
                    path,
                ),
                "feeds",
            )
        )
    for path, articles in sorted(index.by_source.items()):
        name = index.source_names[path]
        outputs.append(
            Output(
                path + "feed.xml",
                prints.of("source-feed", name, articles[: config.feed_items]),
                partial(
                    rss_feed,
                    articles,
                    config,
                    path + "feed.xml",
                    f"{name} — {config.title}",
                    f"Reports from {name}.",
                    path,
                ),
                "feeds",
            )
        )
    # The digest feed depends on the days it lists and nothing else: a new report on an older day
    # than the feed reaches leaves it alone.
    feed_days = index.digest_days[: config.feed_items]
    outputs.append(
        Output(
            urls.DIGEST_FEED_PATH,
            prints.of("digest-feed", feed_days),
            partial(
                digest_feed,
                feed_days,
                config,
                urls.DIGEST_FEED_PATH,
                f"Daily digest — {config.title}",
                f"What happened each day in {config.title}, event by event.",
                urls.DIGEST_PATH,
            ),
            "feeds",
        )
    )
    page_paths = [p.path for p in pages]
    outputs.append(
        Output(
            "sitemap.xml", prints.of("sitemap", page_paths), partial(sitemap, page_paths, config), "sitemap"
        )
    )
    outputs.append(Output("robots.txt", theme_key, partial(robots, config), "sitemap"))
    outputs.append(Output(".nojekyll", "", lambda: "", "static"))
    return outputs, len(pages)


def render_site(content: SiteContent, config: SiteConfig, theme_dirs: Sequence[Path], out_dir: Path,
                search: bool = True, previous: dict[str, str] | None = None,
                workers: int = 1, timings: dict[str, float] | None = None) -> RenderReport:  # fmt: skip
    """Bring `out_dir` to the site for `content`: make what changed since `previous`, drop the rest.

    `out_dir` is empty or a linked copy of the site that `previous` describes. `search=False`
    skips the Pagefind index. Seconds per part (pages, feeds, sitemap, search) are added to
    `timings` when given.
    """
    timings = timings if timings is not None else {}
    started = time.perf_counter()
    content = with_aware_dates(content, config.zone)
    outputs, page_count = site_outputs(content, config, theme_dirs)
    timings["render: plan"] = time.perf_counter() - started
    written: list[str] = []
    for kind in ("static", "page", "feeds", "sitemap"):
        started = time.perf_counter()
        written.extend(make_outputs([o for o in outputs if o.kind == kind], out_dir, previous or {}, workers))
        timings[f"render: {kind}s" if kind != "feeds" else "render: feeds"] = time.perf_counter() - started
    keep = {o.path for o in outputs}
    removed = remove_stale(out_dir, keep, under_kept_dirs=[SEARCH_DIR])
    files = sorted(keep)
    if search:
        index_dir = out_dir / SEARCH_DIR
        articles_changed = removed > 0 or any(p.startswith("articles/") for p in written)
        if articles_changed or not index_dir.is_dir():
            started = time.perf_counter()
            # Pagefind rewrites its whole folder: it starts empty (so the live site's linked files
            # are never written into), and files that come out the same are put back afterwards.
            previous_index = out_dir / f".{SEARCH_DIR}-previous"
            shutil.rmtree(previous_index, ignore_errors=True)
            if index_dir.is_dir():
                index_dir.rename(previous_index)
            build_search_index(out_dir)
            reuse_identical(index_dir, previous_index)
            timings["search index"] = time.perf_counter() - started
        files.extend(p.relative_to(out_dir).as_posix() for p in index_dir.rglob("*") if p.is_file())
    else:
        shutil.rmtree(out_dir / SEARCH_DIR, ignore_errors=True)
    return RenderReport(pages=page_count, files=tuple(sorted(files)),
                        fingerprints={o.path: o.fingerprint for o in outputs},
                        written=tuple(written))  # fmt: skip


__all__ = ["RenderReport", "render_site"]
