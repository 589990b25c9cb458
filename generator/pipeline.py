"""The build: ingest → clean → summarise → write → load → group → render, and the file system around it.

The digest half (`digest_inbox`) turns the inbox into `content/articles/`; the site half
(`build_site`) turns those Markdown files into `site/`. The site is rendered into a folder beside
`site/` and swapped in only when complete (`generator.publish`), so a failed or killed build leaves
the previous site as it was.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from generator import publish
from generator.caches import load_cache, save_cache
from generator.clean import CleaningContext, Evidence, build_context, clean_document, context_from_evidence
from generator.config import SiteConfig
from generator.content import ArticleFile, ArticleStore, KnownFile, article_of
from generator.errors import BuildError, ConfigError, InputError
from generator.events import EventParts, GroupingSettings, assign_events, build_events, neighbourhood
from generator.executor import (
    ForkedCall,
    can_fork,
    chunk_size,
    fork_map,
    local_executor,
    shared_with_forks,
    worker_lost,
)
from generator.freshness import InputsSeen, LastBuild, inputs_seen, record_last_build
from generator.inbox_cache import CachedFile, pending_documents, read_inbox_incrementally
from generator.memory import release_free_memory
from generator.model import Article, CleanDocument, Digest, Event, RawDocument, SiteContent
from generator.render import render_site
from generator.render.incremental import read_manifest, write_manifest
from generator.render.search_files import SearchCache
from generator.report import (
    STATE_DIR,
    BuildReport,
    Diagnostics,
    peak_memory_mib,
    project_lock,
    up_to_date_report,
)
from generator.summarise import summarise
from generator.summarise.llm import LLMSummariser, Summariser, make_summariser
from generator.summarise.text import stop_words

ProgressCallback = Callable[[str, int, int], None]
RENDER_MANIFEST = "render-manifest.json"
EVENT_CACHE = "cache/events"
INBOX_CACHE = "cache/inbox"
ARTICLE_CACHE = "cache/articles"
SEARCH_CACHE = "cache/search-terms"
SEARCH_INDEX_CACHE = "cache/search-index"
EVENT_SUMMARY_WORDS = 120


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@contextlib.contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + time.perf_counter() - start
        report.stage_peaks.append((stage, peak_memory_mib()))


@dataclass(frozen=True)
class DigestedDocument:
    """One raw document after cleaning and summarising, or the reason it was skipped."""

    key: str
    cleaned: CleanDocument | None
    digest: Digest | None
    error: str | None = None
    # Seconds the worker spent on each half, for the build's timings only: the two run as one
    # task per document, so the stage's wall time alone cannot tell them apart.
    clean_seconds: float = 0.0
    summarise_seconds: float = 0.0


def digest_document(document: RawDocument, context: CleaningContext, sentences: int) -> DigestedDocument:
    """Clean and summarise one document: a pure function of its inputs (but for the seconds it
    reports taking), so any executor can run it."""
    started = time.perf_counter()
    try:
        cleaned = clean_document(document, context)
    except (ValueError, RecursionError) as error:
        return DigestedDocument(
            document.key,
            None,
            None,
            f"{document.key}: could not be cleaned ({type(error).__name__}: {error})",
            clean_seconds=time.perf_counter() - started,
        )
    cleaning_done = time.perf_counter()
    if not cleaned.paragraphs:
        return DigestedDocument(
            document.key,
            None,
            None,
            f"{document.key}: no article text found after removing boilerplate; skipped",
            clean_seconds=cleaning_done - started,
        )
    digest = summarise(cleaned, sentences)
    # The per-line decisions are for `broadsheet explain`, not the build: sent back with every
    # result they doubled what the build process unpickled (13 MB per 1,000 articles, 6 without;
    # 0.26 s to load, 0.02 s without).
    return DigestedDocument(
        document.key,
        replace(cleaned, decisions=()),
        digest,
        clean_seconds=cleaning_done - started,
        summarise_seconds=time.perf_counter() - cleaning_done,
    )


# The timings of the two halves of "clean+summarise": seconds of work in the workers, all added up.
WORKER_CLEAN = "clean: in workers"
WORKER_SUMMARISE = "summarise: in workers"

DIGEST_BATCH = 1024
"""Documents handed to the workers at a time; the next batch is queued while one is written."""


def digest_documents(
    documents: Iterable[RawDocument],
    config: SiteConfig,
    executor: Executor | None = None,
    evidence: list[Evidence] | None = None,
    count: int | None = None,
) -> Iterator[DigestedDocument]:
    """Clean and summarise documents with cross-document evidence: from the documents themselves,
    or from `evidence` gathered beforehand from every document of the inbox. Results come in the
    order of `documents`.

    With `evidence`, `documents` may be an iterator (of `count` documents), taken a batch at a
    time: a raw document is made, cleaned and let go while the caller uses the results before
    it, so that the documents of a 100,000-article inbox are never all held. Runs on
    `executor`, or on a local process pool sized by `config.workers`.
    """
    if evidence is None:
        documents = list(documents)
        context = build_context(documents)
    else:
        context = context_from_evidence(evidence)
    if count is None:
        documents = list(documents)
        count = len(documents)
    if count == 0:
        return
    work = partial(digest_document, context=context, sentences=config.summary_sentences)
    workers = config.process_count
    pool = executor or local_executor(workers, count)
    chunk = chunk_size(min(count, DIGEST_BATCH), workers)
    source = iter(documents)

    def next_batch() -> Iterator[DigestedDocument] | None:
        batch = list(itertools.islice(source, DIGEST_BATCH))
        return pool.map(work, batch, chunksize=chunk) if batch else None

    try:
        with shared_with_forks():
            running = next_batch()
            while running is not None:
                # The workers go on with the next batch while this one's results are used.
                following = next_batch()
                yield from running
                running = following
    except BrokenProcessPool:
        raise worker_lost("clean and summarise") from None
    finally:
        if executor is None:
            pool.shutdown()


def digest_inbox(
    root: Path,
    config: SiteConfig,
    report: BuildReport,
    summariser: Summariser,
    progress: ProgressCallback = _no_progress,
    executor: Executor | None = None,
    defer_writes: bool = False,
) -> ArticleStore:
    """Ingest, clean, summarise and write every new or changed inbox file into the articles directory.

    With `defer_writes`, the articles are written by the caller (`ArticleStore.flush`).
    """
    diagnostics = report.diagnostics
    store = ArticleStore(root / config.paths.articles, config.zone, defer_writes=defer_writes)
    with _timed(report, "load"):
        store.known = load_cache(root / STATE_DIR / ARTICLE_CACHE)
        store.read_from_disk = store.scan(display_prefix=config.paths.articles + "/", known=store.known)
    cache_path = root / STATE_DIR / INBOX_CACHE
    with _timed(report, "ingest"):
        cache: dict[str, CachedFile] = load_cache(cache_path)
        # Documents whose article is already made from the same bytes by this pipeline version
        # are not read or cleaned again; their boilerplate evidence still counts.
        inbox = read_inbox_incrementally(
            root / config.paths.inbox,
            root,
            cache,
            lambda key, content_hash: store.current_outcome(key, content_hash) is not None,
            config.zone,
            workers=config.process_count,
        )
    for message in inbox.errors:
        diagnostics.error(message)
    for message in inbox.warnings:
        diagnostics.warn(message)
    for key in inbox.current:
        relpath = store.by_source[key]
        report.written["kept-edit" if store.files[relpath].edited else "unchanged"] += 1
    # Each result is written (held as its article file, see `ArticleStore.flush`) as it comes,
    # so the stages overlap: the time spent writing is counted apart from cleaning.
    total = sum(len(file.keys) for file in inbox.pending)
    started, writing = time.perf_counter(), 0.0
    unreadable: list[str] = []
    documents = pending_documents(inbox.pending, config.zone, unreadable, inbox.found_lines)
    results = digest_documents(documents, config, executor, evidence=inbox.evidence, count=total)
    cleaning = summarising = 0.0
    for number, result in enumerate(results, start=1):
        begin = time.perf_counter()
        cleaning += result.clean_seconds
        summarising += result.summarise_seconds
        _write_result(result, store, config, summariser, report)
        progress("summarise", number, total)
        writing += time.perf_counter() - begin
    for stage, seconds in (("clean+summarise", time.perf_counter() - started - writing), ("write", writing)):
        report.stage_seconds[stage] = report.stage_seconds.get(stage, 0.0) + seconds
        report.stage_peaks.append((stage, peak_memory_mib()))
    if total:
        # Summed over the workers, so on several cores more than the wall time above.
        report.stage_seconds[WORKER_CLEAN] = cleaning
        report.stage_seconds[WORKER_SUMMARISE] = summarising
    for message in unreadable:
        diagnostics.error(message)
    save_cache(cache_path, cache)
    return store


def _write_result(
    result: DigestedDocument,
    store: ArticleStore,
    config: SiteConfig,
    summariser: Summariser,
    report: BuildReport,
) -> None:
    """Turn one cleaned and summarised document into its article file, or report why not."""
    diagnostics = report.diagnostics
    if result.cleaned is None or result.digest is None:
        diagnostics.error(result.error or f"{result.key}: skipped")
        return
    cleaned, digest = result.cleaned, result.digest
    if config.llm.enabled:
        digest = replace(digest, summary=summariser.article_summary(cleaned, config.summary_sentences))
    try:
        outcome, relpath = store.write_digest(cleaned, digest)
    except InputError as error:
        diagnostics.error(str(error))
        return
    report.written[outcome] += 1
    if outcome == "conflict":
        diagnostics.warn(
            f"{config.paths.articles}/{relpath}: you edited this article and its raw file "
            f"{cleaned.source_file} changed; your edit is kept and the new version is in "
            f"{Path(relpath).name}.incoming"
        )


def load_articles(store: ArticleStore, config: SiteConfig, diagnostics: Diagnostics) -> list[Article]:
    """Every article in the articles directory as typed values; unusable files are reported."""
    for message in store.errors:
        diagnostics.error(message)
    store.errors.clear()
    articles: list[Article] = []
    taken: dict[str, str] = {}
    for relpath, file in store.files.items():
        try:
            article = article_of(file, config.zone)
        except InputError as error:
            diagnostics.error(f"{config.paths.articles}/{error}")
            continue
        # Two files that claim one page (same slug in one month) must not overwrite each other.
        if article.path in taken:
            number = 2
            while f"{article.path[:-3]}-{number}.md" in taken:
                number += 1
            slug = f"{article.slug}-{number}"
            diagnostics.warn(
                f"{config.paths.articles}/{relpath}: slug {article.slug!r} is used by "
                f"{taken[article.path]} too; this one is published as {slug!r}"
            )
            article = replace(article, slug=slug, path=f"{article.path[:-3]}-{number}.md")
        taken[article.path] = relpath
        articles.append(article)
    return articles


def group_events(
    articles: list[Article],
    store: ArticleStore | None,
    config: SiteConfig,
    summariser: Summariser,
    summary_words: int = EVENT_SUMMARY_WORDS,
    cache: dict[str, EventParts] | None = None,
) -> tuple[Event, ...]:
    """Group articles into events; with a store, pin each unedited article to its event's slug.

    Only articles without an event, and those near them in time, are grouped again: an article
    already pinned keeps its event, so adding one article costs the articles of its weeks, not
    the whole site.
    """
    settings = GroupingSettings(window_days=config.event_window_days)
    assignment = [a.event or "" for a in articles]
    subset = neighbourhood(articles, settings.window_days)
    if subset:
        chosen = set(subset)
        taken = frozenset(a.event for i, a in enumerate(articles) if a.event and i not in chosen)
        slugs = assign_events(
            [articles[i] for i in subset], stop_words(), settings, taken, workers=config.process_count
        )
        for index, slug in zip(subset, slugs, strict=True):
            assignment[index] = slug
        release_free_memory()  # the grouping's pairs and vectors, before the event summaries
    pinned = []
    for article, slug in zip(articles, assignment, strict=True):
        # An article already pinned stays the same object, with the digest it carries from the
        # parse cache (see `model.article_digest`).
        now = article if article.event == slug else replace(article, event=slug)
        if store is not None and article.event != slug and article.file is not None:
            # The file's new Article is this one where they agree: hashed once, for the render.
            store.set_event(article.file, slug, now)
        pinned.append(now)
    return build_events(
        pinned,
        assignment,
        summariser.event_title,
        functools.partial(summariser.event_summary, words=summary_words),
        cache,
        # An LLM summariser keeps one answer cache in this process: it runs here.
        None
        if isinstance(summariser, LLMSummariser)
        else lambda function, groups: fork_map(
            function, groups, config.process_count, task="group: event titles and summaries"
        ),
    )


# Up to this many articles, a build that uses several processes caches the articles directory
# (`remember_articles`) in a forked process while this one plans the render, which it does on
# one core: at 10,000 articles the two took 1.2-1.9 s and 1.4-2.5 s one after the other. Past
# it, before the render, as the cache's memory is let go before the plan is made: the fork would
# hold a copy of every page of the articles it pickles while the plan of 100,000 is made.
REMEMBER_ALONGSIDE_MOST = 20_000


def remember_articles(
    root: Path,
    config: SiteConfig,
    known: dict[str, KnownFile],
    stale: bool,
    made: Mapping[str, tuple[str, ArticleFile]] | None = None,
) -> None:
    """Cache the articles directory as the build leaves it, so the next build reads only what
    changes after this one. A file written by this build is read back here, once, and taken as
    made (`made`, not parsed again) when its text is exactly what the build wrote.

    `stale` says the build's own scan read files the cache did not hold: the cache is written
    then even when this scan reads nothing new (the cache was missing, or from another version).
    """
    after = ArticleStore(root / config.paths.articles, config.zone)
    try:
        read = after.scan(known=known, made=made)
        # Files read or made by this build carry their Article (and its digest) into the cache, so
        # the next build neither validates nor hashes them again; bad files are the next build's
        # to report.
        for file in after.files.values():
            with contextlib.suppress(InputError):
                article_of(file, config.zone)
        if read or stale:
            save_cache(root / STATE_DIR / ARTICLE_CACHE, known)
    except OSError:
        pass  # only a cache: the next build reads the files instead


def summariser_for(root: Path, config: SiteConfig) -> Summariser:
    """The configured summariser; LLM answers are cached under `.broadsheet/`."""
    return make_summariser(config.llm, root / STATE_DIR / "llm-cache.json")


def load_events(
    root: Path, config: SiteConfig, summary_words: int = EVENT_SUMMARY_WORDS
) -> tuple[Event, ...]:
    """The events of the articles as they are now, without digesting the inbox or writing anything."""
    store = ArticleStore(root / config.paths.articles, config.zone)
    store.scan(display_prefix=config.paths.articles + "/")
    articles = load_articles(store, config, Diagnostics())
    return group_events(articles, None, config, summariser_for(root, config), summary_words)


def theme_dirs(root: Path, config: SiteConfig) -> list[Path]:
    """Template and static folders, first wins: project overrides, the chosen theme, the default theme."""
    themes = root / config.paths.themes
    chosen = themes / config.theme
    if not chosen.is_dir():
        raise ConfigError(f"theme: no folder {config.paths.themes}/{config.theme} in the project")
    candidates = [root / config.paths.templates, chosen, themes / "default"]
    ordered: list[Path] = []
    for candidate in candidates:
        if candidate.is_dir() and candidate not in ordered:
            ordered.append(candidate)
    return ordered


def build_site(
    root: Path, config: SiteConfig, articles: list[Article], events: tuple[Event, ...], report: BuildReport
) -> None:
    """Render the site into a folder beside the output and swap it in when complete.

    The folder is the spare copy of the site kept from the last swap, brought up to date, so
    only what changed is made again and the swap is one rename (see `generator.publish` and
    `generator.render.incremental`). The render manifest is removed before the swap and written
    after it, so a build killed in between renders everything next time.
    """
    output = root / config.paths.output
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise BuildError(f"{output.name}: exists and is not a directory; remove it or set paths.output")
    state = root / STATE_DIR
    manifest = state / RENDER_MANIFEST
    with _timed(report, "render: prepare folder"):
        work = publish.workspace(output, state, manifest, config.process_count)
    try:
        previous = read_manifest(manifest) if output.is_dir() else {}
        content = SiteContent(
            articles=tuple(sorted(articles, key=lambda a: (a.date, a.path), reverse=True)),
            events=events,
        )
        search_cache = SearchCache(terms=state / SEARCH_CACHE, index=state / SEARCH_INDEX_CACHE)
        with _timed(report, "render"):
            rendered = render_site(
                content, config, theme_dirs(root, config), work, previous=previous,
                workers=config.process_count, timings=report.stage_seconds,
                search_cache=search_cache,
            )  # fmt: skip
        report.pages = rendered.pages
        report.files_written = len(rendered.written)
        with _timed(report, "publish"):
            manifest.unlink(missing_ok=True)
            publish.put_in_place(work, output)
            write_manifest(manifest, rendered.fingerprints)
            publish.record_spare(
                state, manifest, output, rendered.written, rendered.removed, config.process_count
            )
    except BaseException:
        if work != publish.spare_folder(output):  # a first build's folder: nothing to keep
            shutil.rmtree(work, ignore_errors=True)
        raise


def remove_leftovers(root: Path, config: SiteConfig) -> None:
    """Clear what a killed build left behind: staging sites and half-written temporary files.

    Called under the project lock, so no other build is using them.
    """
    output = root / config.paths.output
    if output.parent.is_dir():
        for leftover in output.parent.glob(f".{output.name}-[no][el][wd]-*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
    articles = root / config.paths.articles
    if articles.is_dir():
        for temporary in articles.rglob(".*.tmp"):
            if temporary.is_file() and not temporary.is_symlink():
                temporary.unlink(missing_ok=True)


def build(
    root: Path,
    config: SiteConfig,
    progress: ProgressCallback = _no_progress,
    executor: Executor | None = None,
) -> BuildReport:
    """The whole build: digest the inbox, then group and render everything in the articles directory.

    When no input changed since the last successful build, nothing is done and that build's
    report (warnings included) is returned again. `executor` runs the per-article stages (see
    `generator.executor`); by default a local process pool.
    """
    started = time.perf_counter()
    with project_lock(root):
        seen = inputs_seen(root, config)
        replayed = up_to_date_report(root, config, started, seen)
        if replayed is not None:
            return replayed
        return build_changed(root, config, started, progress, executor, seen=seen)


def build_changed(
    root: Path,
    config: SiteConfig,
    started: float,
    progress: ProgressCallback = _no_progress,
    executor: Executor | None = None,
    *,
    seen: InputsSeen,
) -> BuildReport:
    """The stages of `build`, for a caller that holds the project lock and has found that the
    inputs changed since the last build (`up_to_date_report` returned None). `started` is when
    the build began, for its duration; `seen` the inputs as walked for that check, recorded as
    what this build was made from.
    """
    # The spare's files are read into memory meanwhile, for the render's look at them.
    warmer = publish.SpareWarmer.start(root / config.paths.output, root / STATE_DIR)
    try:
        return _build_stages(root, config, started, progress, executor, seen)
    finally:
        warmer.stop()
        # Loaded caches and the render plan are frozen for the build (see `generator.collector`); a
        # process that builds again (`broadsheet serve`) must get their memory back, and any garbage
        # frozen with them.
        gc.unfreeze()


def _build_stages(
    root: Path,
    config: SiteConfig,
    started: float,
    progress: ProgressCallback,
    executor: Executor | None,
    seen: InputsSeen,
) -> BuildReport:
    state = root / STATE_DIR
    report = BuildReport()
    remove_leftovers(root, config)
    summariser = summariser_for(root, config)
    store = digest_inbox(root, config, report, summariser, progress, executor, defer_writes=True)
    try:
        with _timed(report, "load"):
            articles = load_articles(store, config, report.diagnostics)
        with _timed(report, "group"):
            event_cache = load_cache(state / EVENT_CACHE)
            events = group_events(articles, store, config, summariser, cache=event_cache)
            save_cache(state / EVENT_CACHE, event_cache)
    finally:
        # Each new or changed article is written once, with its event (and still written when
        # grouping fails: the digest is done).
        with _timed(report, "write"):
            store.flush(config.process_count)
    if isinstance(summariser, LLMSummariser):
        summariser.save()
    for message in summariser.warnings:
        report.diagnostics.warn(message)
    articles = [a for e in events for a in e.articles]
    # The articles directory is final once the writes are done, so it is cached before the
    # render, or while the render plan is made (see `REMEMBER_ALONGSIDE_MOST`): the store's files
    # (each article's front matter, about 7 KB besides its body in a 1,000-article digest) and the
    # parsed-file cache then go from this process before the render plan is made.
    remember = partial(remember_articles, root, config, store.known, stale=store.read_from_disk > 0,
                       made=store.written)  # fmt: skip
    remembering: ForkedCall[None] | None = None
    with _timed(report, "remember articles"):
        if config.process_count > 1 and can_fork() and len(articles) <= REMEMBER_ALONGSIDE_MOST:
            remembering = ForkedCall(remember, "remember articles")
        else:
            remember()
    del store, remember
    release_free_memory()
    try:
        build_site(root, config, articles, events, report)
    except BaseException:
        if remembering is not None:
            # The render's failure is the one to report; the cache is left whole or as it was.
            with contextlib.suppress(Exception):
                remembering.result()
        raise
    if remembering is not None:
        with _timed(report, "remember articles"):
            remembering.result()
    report.articles = len(articles)
    report.events = len(events)
    # The inputs as the build found them, but for the articles directory, which the build writes
    # into itself: taken again now (see `generator.freshness`).
    record_last_build(state, LastBuild(
        signature=seen.with_folder_walked_again(root, config.paths.articles).signature,
        articles=report.articles, events=report.events,
        pages=report.pages, warnings=tuple(report.diagnostics.warnings),
        errors=tuple(report.diagnostics.errors),
    ))  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report
