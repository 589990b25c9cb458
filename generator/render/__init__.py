"""Render: the static site from the articles and events — pages, feeds, sitemap, search index.

Everything is written into a folder that holds the previous site (or nothing) and that the
pipeline swaps in when complete.
Output depends only on the content and settings (no clock, stable order), so the same input
gives byte-identical files.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.collector import made_out_of_sight, unfrozen_after
from generator.config import SiteConfig
from generator.executor import ForkedCall, can_fork
from generator.memory import release_free_memory
from generator.model import Article, SiteContent
from generator.render import digest, urls
from generator.render.feeds import atom_feed, digest_feed, json_feed, rss_feed
from generator.render.incremental import (
    Fingerprints,
    Output,
    make_outputs,
    remove_stale,
    theme_fingerprint,
)
from generator.render.pages import (
    PeriodLink,
    SiteIndex,
    build_index,
    compile_templates,
    format_date,
    make_environment,
    make_list_items,
    page_reads,
    render_page,
    site_pages,
)
from generator.render.search import SearchDocument, plain_text
from generator.render.search_files import SearchCache, search_outputs
from generator.render.sitemap import robots, sitemap, sitemap_index, split_pages


@dataclass(frozen=True)
class RenderReport:
    """What the site is made of, and what this render did.

    `files` is every file of the site, site-relative and sorted; `written` lists the outputs made
    again whose bytes changed (the rest were kept from the previous build), and `removed` the
    files of the previous site that the new one no longer has.
    """

    pages: int
    files: tuple[str, ...]
    fingerprints: dict[str, str] = field(default_factory=dict)
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class PlanBasis:
    """What the plan of every output starts from: the site's indexes, the hash of the theme and
    settings, and the fingerprints made from them."""

    index: SiteIndex
    theme_key: str
    prints: Fingerprints


def plan_basis(content: SiteContent, config: SiteConfig, theme_dirs: Sequence[Path]) -> PlanBasis:
    """Index the content and hash the theme and settings, once for all outputs."""
    # How many processes render does not change what they write.
    theme_key = theme_fingerprint(theme_dirs, repr(replace(config, workers=0)))
    prints = Fingerprints(theme_key, plain=(digest.Report, digest.Story, digest.PeriodDigest, PeriodLink))
    return PlanBasis(build_index(content, config), theme_key, prints)


def site_outputs(
    content: SiteContent,
    config: SiteConfig,
    theme_dirs: Sequence[Path],
    search_cache: SearchCache | None = None,
    workers: int = 1,
    basis: PlanBasis | None = None,
) -> tuple[list[Output], int]:
    """Every file of the site, with fingerprints; and the page count.

    The search index is left out when `search_cache` is None; otherwise what it keeps is used
    and refreshed (see `search_files.SearchCache`).
    """
    basis = basis or plan_basis(content, config, theme_dirs)
    index, theme_key, prints = basis.index, basis.theme_key, basis.prints
    env = make_environment(theme_dirs, config)
    outputs = static_outputs(theme_dirs, theme_key)
    pages = site_pages(content, index, config)
    compile_templates(env)

    for page in pages:
        fingerprint = prints.of("page", page.path, page.template, page.title, page.description, page.values)
        listed = page.values.get("articles") if page.template == "list.html" else None
        prepare = partial(make_list_items, env, listed) if listed else None
        outputs.append(
            Output(
                urls.file_for(page.path),
                fingerprint,
                partial(render_page, env, page),
                prepare=prepare,
                reads=page_reads(page),
            )
        )
    description = config.description
    # A feed is given only the articles it can show (the lists are newest first): one given them
    # all sorted every article of the site, in a forked worker, which copied the memory pages of
    # every article (the three site feeds' worker held 21 MiB of its own at 10,000 articles, 5 MiB
    # when given the newest only).
    newest = content.articles[: config.feed_items]
    for name, make_feed in {"feed.xml": rss_feed, "atom.xml": atom_feed, "feed.json": json_feed}.items():
        outputs.append(
            Output(
                name,
                prints.of("site-feed", name, newest),
                partial(make_feed, newest, config, name, config.title, description),
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
                    articles[: config.feed_items],
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
    parts = split_pages(p.path for p in pages)
    for name, listed in parts.items():
        outputs.append(
            Output(name, prints.of("sitemap", listed), partial(sitemap, listed, config), "sitemap")
        )
    if len(parts) > 1:
        outputs.append(
            Output("sitemap.xml", prints.of("sitemap-index", list(parts)),
                   partial(sitemap_index, list(parts), config), "sitemap")
        )  # fmt: skip
    outputs.append(Output("robots.txt", theme_key, partial(robots, config), "sitemap"))
    outputs.append(Output(".nojekyll", "", lambda: "", "static"))
    if search_cache is not None:
        outputs.extend(search_index_outputs(content, config, basis, search_cache, workers))
    return outputs, len(pages)


def search_index_outputs(
    content: SiteContent, config: SiteConfig, basis: PlanBasis, search_cache: SearchCache, workers: int = 1
) -> list[Output]:
    """The files of the search index (see `search_files.search_outputs`)."""
    index, prints = basis.index, basis.prints

    def describe(article: Article) -> SearchDocument:
        event = index.event_of.get(article.path)
        return SearchDocument(
            url=urls.link(config, urls.article_path(article)),
            title=article.title,
            event=event.title if event else None,
            source=article.source,
            date=format_date(article.date, config),
            month=article.date.astimezone(config.zone).strftime("%Y-%m"),
            text=plain_text(article),
        )

    def fingerprint_document(article: Article) -> str:
        event = index.event_of.get(article.path)
        return prints.of("search-document", article, event.title if event else None)

    return search_outputs(content.articles, describe, fingerprint_document, search_cache, workers)


@dataclass(frozen=True)
class SearchFiles:
    """What making the search index's files did: every file's fingerprint, the files whose bytes
    changed, and the seconds its plan and its files took."""

    fingerprints: dict[str, str]
    written: tuple[str, ...]
    plan_seconds: float
    make_seconds: float


def make_search_files(
    content: SiteContent,
    config: SiteConfig,
    basis: PlanBasis,
    search_cache: SearchCache,
    out_dir: Path,
    previous: dict[str, str],
    workers: int,
) -> SearchFiles:
    """Plan the search index, save what it keeps between builds, and make its files in `out_dir`."""
    started = time.perf_counter()
    with made_out_of_sight():
        outputs = search_index_outputs(content, config, basis, search_cache, workers)
    planned = time.perf_counter()
    # The index files need the assembled index, not the term weights it was made of: stored
    # and let go first. A render-only build of 100,000 articles peaked at 3,832-3,857 MiB, all
    # its processes together, while the files were made with the weights still held; 3,718 MiB
    # with them let go first.
    search_cache.save_and_let_go()
    release_free_memory()
    written = make_outputs(outputs, out_dir, previous, workers, PARTS["search"])
    return SearchFiles(
        {o.path: o.fingerprint for o in outputs}, written, planned - started, time.perf_counter() - planned
    )


# The kinds of output, in the order they are made, and the timing each is reported under. The
# search index's files are made apart (`make_search_files`): before the others, or alongside them.
PARTS = {
    "static": "render: statics",
    "search": "search index",
    "page": "render: pages",
    "feeds": "render: feeds",
    "sitemap": "render: sitemaps",
}

# Up to this many articles a site brought up to date has its search index made in a forked
# process while this one makes the pages (see `render_site`). Past it, one after the other, so
# that the index's memory is let go before the pages' workers fork: at 100,000 articles the
# index and the term weights it is made of took the build from 2.7 to 3.5 GiB.
SEARCH_ALONGSIDE_MOST = 20_000


def render_site(content: SiteContent, config: SiteConfig, theme_dirs: Sequence[Path], out_dir: Path,
                search: bool = True, previous: dict[str, str] | None = None,
                workers: int = 1, timings: dict[str, float] | None = None,
                search_cache: SearchCache | None = None) -> RenderReport:  # fmt: skip
    """Bring `out_dir` to the site for `content`: make what changed since `previous`, drop the rest.

    `out_dir` is empty or a linked copy of the site that `previous` describes; a changed file
    replaces its name there, never writes into the linked file. `search=False`
    leaves out the search index; `search_cache` is what the index keeps between builds, read,
    refreshed and saved here once the index is assembled, before its files are made (by default
    nothing is kept: made afresh in memory).
    With several `workers`, a site brought up to date (`previous` given) has its search index
    made by a forked process while this one plans and makes the pages: neither needs the other,
    and this process alone would leave the second core idle through the plan of every page. A
    site made from nothing makes them one after the other: there the pages' workers keep both
    cores busy, and the index's term weights, computed on workers forked from the forked
    process, cost more than on the fork server; a first build of 10,000 articles rendered in
    26.5 s one after the other and 26.0 s alongside.
    Seconds per part (plan, pages, feeds, sitemap, search index) are added to `timings` when given.
    """
    timings = timings if timings is not None else {}
    started = time.perf_counter()
    content = with_aware_dates(content, config.zone)
    previous = previous or {}
    # A folder empty at the start holds only what this render makes: nothing in it is stale, and
    # walking the files of a large site to find that out took a second at 10,000 articles.
    started_empty = not previous and _is_empty(out_dir)
    if search and search_cache is None:
        search_cache = SearchCache()
    alongside: ForkedCall[SearchFiles] | None = None
    searched: SearchFiles | None = None
    # The plan's millions of objects live until the pages are written (see `generator.collector`):
    # collecting while they were made took the plan of a 100,000-article site from 31 s to 42 s.
    with unfrozen_after():
        with made_out_of_sight():
            basis = plan_basis(content, config, theme_dirs)
        make_search = (
            partial(make_search_files, content, config, basis, search_cache, out_dir, previous, workers)
            if search_cache is not None
            else None
        )
        try:
            if (
                make_search is not None
                and previous
                and workers > 1
                and can_fork()
                and len(content.articles) <= SEARCH_ALONGSIDE_MOST
            ):
                alongside = ForkedCall(make_search, "search index")
            with made_out_of_sight():
                outputs, page_count = site_outputs(content, config, theme_dirs, None, workers, basis)
            timings["render: plan"] = time.perf_counter() - started
            if make_search is not None and alongside is None:
                searched = make_search()
                release_free_memory()  # what the index held, before the pages' workers fork
            fingerprints = {o.path: o.fingerprint for o in outputs}
            written: list[str] = []
            for kind, label in PARTS.items():
                if kind != "search":
                    started = time.perf_counter()
                    chosen = [o for o in outputs if o.kind == kind]
                    written.extend(make_outputs(chosen, out_dir, previous, workers, label))
                    timings[label] = time.perf_counter() - started
            if alongside is not None:
                searched = alongside.result()
        finally:
            if alongside is not None:
                alongside.cancel()
        if searched is not None:
            # Timed apart: the render stage proper is the plan, pages, feeds and sitemap.
            timings["search index: plan"] = searched.plan_seconds
            timings[PARTS["search"]] = searched.make_seconds
            fingerprints.update(searched.fingerprints)
            written.extend(searched.written)
        removed = [] if started_empty else remove_stale(out_dir, set(fingerprints), previous)
        return RenderReport(pages=page_count, files=tuple(sorted(fingerprints)), fingerprints=fingerprints,
                            written=tuple(written), removed=tuple(removed))  # fmt: skip


def _is_empty(folder: Path) -> bool:
    """Whether `folder` is missing or holds nothing."""
    if not folder.is_dir():
        return True
    with os.scandir(folder) as entries:
        return next(entries, None) is None


__all__ = ["RenderReport", "render_site"]
