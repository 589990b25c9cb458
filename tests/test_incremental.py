"""Incremental builds: nothing changed means nothing written; one new article rewrites only its pages."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.caches import load_cache
from generator.cli import rebuild_if_changed
from generator.config import load_config
from generator.content import ArticleFile, ArticleStore, KnownFile, trust_threshold
from generator.executor import fork_imap
from generator.fsutil import file_system_clock_ns
from generator.model import SiteContent, article_digest, article_text_digest
from generator.pipeline import ARTICLE_CACHE, build
from generator.publish import SpareWarmer
from generator.render import render_site, urls
from generator.render.digest import Report, Story
from generator.render.incremental import Fingerprints, write_if_changed

from .conftest import SEEDS, make_project
from .test_render import THEME, _article, make_config, make_content


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    """Site path → (inode, mtime in ns): a file rewritten in any way changes one of them."""
    return {
        p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in site.rglob("*")
        if p.is_file()
    }


def contents(site: Path) -> dict[str, bytes]:
    """Site path → bytes."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def drop_seed(seed: Path, inbox: Path) -> None:
    """Put a sample article (and its sidecar, if it has one) into an inbox."""
    for companion in (seed, seed.with_name(seed.name + ".meta.yaml")):
        if companion.exists():
            (inbox / companion.name).write_bytes(companion.read_bytes())


def full_build_of_articles(project: Path, target: Path) -> dict[str, bytes]:
    """The site a first build makes in a new project holding `project`'s articles and no inbox."""
    fresh = make_project(target, with_inbox=False)
    articles = project / "content" / "articles"
    for source in articles.rglob("*.md"):
        copy = fresh / "content" / "articles" / source.relative_to(articles)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
    build(fresh, load_config(fresh))
    return contents(fresh / "site")


def test_unchanged_project_is_up_to_date_writes_nothing_and_repeats_its_warnings(project: Path) -> None:
    (project / "content" / "inbox" / "empty.txt").write_text("")
    config = load_config(project)
    first = build(project, config)
    before = stamps(project / "site")
    second = build(project, config)
    assert second.up_to_date and not first.up_to_date
    assert stamps(project / "site") == before
    assert second.diagnostics.errors == first.diagnostics.errors != []
    assert (second.articles, second.events, second.pages) == (first.articles, first.events, first.pages)


def test_a_changed_setting_is_not_up_to_date(project: Path) -> None:
    config = load_config(project)
    build(project, config)
    report = build(project, replace(config, title="Another title"))
    assert not report.up_to_date
    assert "Another title" in (project / "site" / "index.html").read_text()


@pytest.mark.parametrize("watched", [False, True])
def test_a_file_dropped_into_the_inbox_during_a_build_is_built_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watched: bool
) -> None:
    # A build records the inputs it saw; one that recorded the inbox as it was at its end would
    # call the next build up to date, and a file dropped in while it ran would never be built.
    import generator.pipeline

    project = make_project(tmp_path / "project", with_inbox=False)
    inbox = project / "content" / "inbox"
    for seed in SEEDS[:4]:
        drop_seed(seed, inbox)
    group = generator.pipeline.group_events

    def group_then_drop_a_file(*args: object, **kwargs: object) -> object:
        drop_seed(SEEDS[4], inbox)
        return group(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.pipeline, "group_events", group_then_drop_a_file)
    config = load_config(project)
    if watched:
        # `broadsheet serve` rebuilds when the inputs change: the one after the build that
        # missed the file still sees a change.
        last = rebuild_if_changed(project, config, "")
        assert len(list((project / config.paths.articles).rglob("*.md"))) == 4
        monkeypatch.undo()
        last = rebuild_if_changed(project, config, last)
        assert len(list((project / config.paths.articles).rglob("*.md"))) == 5
        assert rebuild_if_changed(project, config, last) == last
        assert build(project, config).up_to_date
        return
    assert build(project, config).articles == 4
    monkeypatch.undo()
    second = build(project, config)
    assert not second.up_to_date and second.articles == 5
    assert build(project, config).up_to_date


def test_one_new_article_rewrites_only_the_pages_that_show_it(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", with_inbox=False)
    inbox = project / "content" / "inbox"
    for seed in SEEDS[:4]:
        drop_seed(seed, inbox)
    config = load_config(project)
    build(project, config)
    site = project / "site"
    before = stamps(site)
    drop_seed(SEEDS[4], inbox)
    report = build(project, config)
    after = stamps(site)
    rewritten = {path for path, stamp in after.items() if before.get(path) != stamp}
    new_articles = {p for p in after if p.startswith("articles/") and p not in before}
    assert len(new_articles) == 1
    assert report.files_written == len(rewritten)
    # The search index changes where the new article's words fall, not as a whole.
    index_files = [p for p in after if p.startswith("search/data/")]
    rewritten_index = [p for p in rewritten if p.startswith("search/data/")]
    assert "search/data/meta.json" in rewritten_index
    # A result shows an article's event title: only articles whose page changed can change there.
    article_pages = sum(p.startswith("articles/") for p in rewritten)
    assert 1 <= sum(p.startswith("search/data/d/") for p in rewritten_index) <= article_pages
    assert len(rewritten_index) < len(index_files) / 2
    # Pages of the other articles did not change, unless they share the new article's event.
    event_pages = {p for p in rewritten if p.startswith("events/")}
    untouched = [p for p in before if p.startswith("articles/") and p not in rewritten]
    assert untouched, "every article page was rewritten"
    assert len(event_pages) <= 4
    # Static files and the 404 page never change for new content.
    assert not {p for p in rewritten if p.startswith("static/") or p == "404.html"}
    assert (site / next(iter(new_articles))).is_file()


def test_incremental_site_equals_a_full_build_of_the_same_content(tmp_path: Path) -> None:
    project = make_project(tmp_path / "a")
    config = load_config(project)
    build(project, config)
    article = sorted((project / "content" / "articles").rglob("*.md"))[0]
    article.write_text(article.read_text() + "\nA paragraph added by hand.\n")
    build(project, config)
    incremental = contents(project / "site")
    assert full_build_of_articles(project, tmp_path / "b") == incremental


def test_any_concurrent_futures_executor_runs_the_per_article_stages(tmp_path: Path) -> None:
    default = make_project(tmp_path / "default")
    threads = make_project(tmp_path / "threads")
    config = replace(load_config(default), workers=2)
    build(default, config)
    with ThreadPoolExecutor(max_workers=2) as executor:
        report = build(threads, config, executor=executor)
    assert report.articles == 5
    assert contents(threads / "site") == contents(default / "site")


def file_system_clock_at(monkeypatch: pytest.MonkeyPatch, present: Callable[[], int]) -> None:
    """Make the file system's present time, as the article scans read it, `present()`: a clock
    whose tick ends at that time."""
    monkeypatch.setattr("generator.content.file_system_clock_ns", lambda folder: present())


def test_article_files_are_read_again_only_when_changed_and_racy_edits_are_never_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = make_project(tmp_path / "p") / "content" / "articles"
    for number, seed in enumerate(SEEDS):
        (articles / f"a{number}.md").write_text(
            f"---\ntitle: Article {number}\ndate: 2025-04-0{number + 1}\n---\n\n{seed.read_text()}\n"
        )
    old = time.time_ns() - 10 * 1_000_000_000  # written well before any scan: trusted once cached
    for path in articles.glob("*.md"):
        os.utime(path, ns=(old, old))
    known: dict[str, KnownFile] = {}
    assert ArticleStore(articles, UTC).scan(known=known) == 5
    assert ArticleStore(articles, UTC).scan(known=known) == 0
    # A hand edit changes the stamp: that file alone is read again. The scan is made in the tick
    # of the edit (its file system's clock reads no later than the file's time), as on a coarse
    # clock.
    edited = articles / "a2.md"
    edited.write_text(edited.read_text().replace("title: Article 2", "title: Edited 2"))
    stamp = edited.stat()
    file_system_clock_at(monkeypatch, lambda: stamp.st_mtime_ns)
    store = ArticleStore(articles, UTC)
    assert store.scan(known=known) == 1 and store.files["a2.md"].metadata["title"] == "Edited 2"
    # Another change within that tick keeps the modification time, and so the whole stamp; the
    # file is read again by the next scan all the same, which sees the change.
    edited.write_text(edited.read_text().replace("Edited 2", "Edited 3"))
    os.utime(edited, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert edited.stat().st_size == stamp.st_size
    store = ArticleStore(articles, UTC)
    assert store.scan(known=known) == 1 and store.files["a2.md"].metadata["title"] == "Edited 3"
    # Once a scan is made in a later tick, the file is known by its stamp.
    file_system_clock_at(monkeypatch, lambda: stamp.st_mtime_ns + 1)
    assert ArticleStore(articles, UTC).scan(known=known) == 1
    assert ArticleStore(articles, UTC).scan(known=known) == 0


def test_the_file_system_clock_is_read_where_the_articles_are_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    written = tmp_path / "a.md"
    written.write_text("text")
    now = file_system_clock_ns(tmp_path)
    assert now is not None and now >= written.stat().st_mtime_ns
    assert [path.name for path in tmp_path.iterdir()] == ["a.md"]
    # Where no file can be made, the machine's clock stands in, less the coarsest tick.
    assert file_system_clock_ns(tmp_path / "missing") is None
    before = time.time_ns()
    assert before - 3_000_000_000 < trust_threshold(tmp_path / "missing") <= time.time_ns() - 2_000_000_000


def test_the_build_leaves_every_article_cached_for_the_next_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(project)
    # On a clock whose ticks are shorter than the build (as on Linux's file systems), a scan with
    # the cache the build left reads nothing from disk: the first build after a full one does not
    # read 10,000 files again.
    file_system_clock_at(monkeypatch, lambda: time.time_ns() + 1)
    build(project, config)
    known = load_cache(project / ".broadsheet" / ARTICLE_CACHE)
    store = ArticleStore(project / config.paths.articles, config.zone)
    assert store.scan(known=known) == 0 and len(store.files) == 5
    # Each comes with its Article and the Article's digest, as the build made them: the next build
    # neither validates nor hashes an unchanged article again.
    for file in store.files.values():
        memo = file.__dict__.get("_article")
        assert memo is not None and memo[1].event
        article = memo[1]
        assert article.__dict__["_digest"] == article_digest(replace(article))
        assert article.__dict__["_text_digest"] == article_text_digest(replace(article, event="other"))
        assert article_digest(replace(article, title=article.title + ".")) != article_digest(article)


def test_a_lost_article_cache_is_written_again_even_when_no_article_changes(project: Path) -> None:
    config = load_config(project)
    build(project, config)
    cache = project / ".broadsheet" / ARTICLE_CACHE
    shutil.rmtree(cache)
    # Articles written long ago: the build's second look at the folder trusts their stamps.
    for article in (project / config.paths.articles).rglob("*.md"):
        os.utime(article, (time.time() - 3600, time.time() - 3600))
    build(project, replace(config, title="Another title"))  # not up to date, yet no article is written
    store = ArticleStore(project / config.paths.articles, config.zone)
    assert store.scan(known=load_cache(cache)) == 0 and len(store.files) == 5


@pytest.mark.parametrize("workers", [1, 2])
def test_the_article_cache_is_written_even_when_the_render_fails(
    project: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    # With two processes the cache is written by a forked one while the render is planned: the
    # build waits for it, and the render's own failure is the one raised.
    import generator.pipeline

    def broken_render(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the render broke")

    monkeypatch.setattr(generator.pipeline, "build_site", broken_render)
    config = replace(load_config(project), workers=workers)
    with pytest.raises(RuntimeError, match="the render broke"):
        build(project, config)
    known = load_cache(project / ".broadsheet" / ARTICLE_CACHE)
    articles = project / config.paths.articles
    on_disk = {p.relative_to(articles).as_posix(): p.stat() for p in articles.rglob("*.md")}
    assert len(on_disk) == 5
    for relpath, stat in on_disk.items():
        size, modified, file = known[relpath]
        assert (size, modified) == (stat.st_size, stat.st_mtime_ns) and file is not None


def test_a_removed_article_leaves_no_file_or_empty_folder_behind(tmp_path: Path) -> None:
    full = make_content()
    first = render_site(full, make_config(), [THEME], tmp_path)
    dropped = full.articles[-1]
    rest = SiteContent(
        articles=full.articles[:-1],
        events=tuple(
            replace(e, articles=tuple(a for a in e.articles if a is not dropped)) for e in full.events
        ),
    )
    # The site folder is reused in place, as the build does with its linked copy.
    second = render_site(rest, make_config(), [THEME], tmp_path, previous=first.fingerprints)
    on_disk = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk == list(second.files)
    assert not [p for p in tmp_path.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert set(first.files) - set(second.files) >= {f"{urls.article_path(dropped)}index.html"}


def test_the_site_and_its_spare_take_turns_and_each_build_equals_a_full_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = load_config(project)
    site, spare = project / "site", project / ".site-spare"
    articles = project / "content" / "articles"
    build(project, config)
    assert contents(spare) == contents(site)  # the first build leaves a spare for the next one
    for raw in (project / "content" / "inbox").iterdir():
        raw.unlink()  # the articles stay; removing one then removes it from the site
    build(project, config)
    sites = [contents(site)]
    folders = [site.stat().st_ino]
    assert contents(spare) == sites[0]

    def edit() -> None:
        article = sorted(articles.rglob("*.md"))[1]
        article.write_text(article.read_text() + "\nA paragraph added by hand.\n")

    def remove() -> None:
        sorted(articles.rglob("*.md"))[0].unlink()

    for change in (edit, remove, edit):
        change()
        assert not build(project, config).up_to_date
        sites.append(contents(site))
        folders.append(site.stat().st_ino)
        # The retired site is kept whole as the spare, and the new one is what a full build makes.
        assert contents(spare) == sites[-2]
        assert full_build_of_articles(project, tmp_path / f"fresh-{len(sites)}") == sites[-1]
    assert len({len(s) for s in sites}) > 1 and len({str(s) for s in sites}) == len(sites)
    # Two folders take turns: the spare is brought up to date, not copied again.
    assert folders[0] == folders[2] and folders[1] == folders[3] and folders[0] != folders[1]


@pytest.mark.parametrize("with_cp", [True, False], ids=["cp processes", "python loop"])
def test_a_linked_tree_is_every_file_of_the_source_hard_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_cp: bool
) -> None:
    from generator import fsutil

    source = tmp_path / "site"
    for relative in ("index.html", ".nojekyll", "a/index.html", "a/b/c/page.html", "b/x.json", "b/y/z.css"):
        (source / relative).parent.mkdir(parents=True, exist_ok=True)
        (source / relative).write_text(relative)
    (source / "empty").mkdir()
    if not with_cp:
        monkeypatch.setattr(shutil, "which", lambda name: None)
    target = tmp_path / "spare"
    fsutil.link_tree(source, target, workers=2)
    made = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    assert made == sorted(p.relative_to(source).as_posix() for p in source.rglob("*"))
    for path in source.rglob("*"):
        if path.is_file():
            assert (target / path.relative_to(source)).stat().st_ino == path.stat().st_ino


def test_a_spare_the_build_cannot_vouch_for_is_made_again(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = load_config(project)
    build(project, config)
    article = sorted((project / "content" / "articles").rglob("*.md"))[0]
    article.write_text(article.read_text() + "\nA first hand edit.\n")
    build(project, config)
    # As if a build had died after touching the spare: the spare is wrong, the record gone.
    spare = project / ".site-spare"
    (spare / "index.html").write_text("stale")
    (spare / "junk.html").write_text("junk")
    (project / ".broadsheet" / "spare.json").unlink()
    article.write_text(article.read_text() + "\nA second hand edit.\n")
    build(project, config)
    site = contents(project / "site")
    assert b"A second hand edit." in b"".join(site.values())
    assert site["index.html"] != b"stale" and "junk.html" not in site


def test_files_deleted_by_hand_from_the_site_are_made_again_and_stay(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    config = load_config(project)
    site = project / "site"
    build(project, config)
    articles = sorted((project / "content" / "articles").rglob("*.md"))

    def edit(number: int) -> None:
        articles[number].write_text(articles[number].read_text() + f"\nHand edit {number}.\n")
        assert not build(project, config).up_to_date

    edit(0)
    # Every file the last build wrote (the next build links those into its spare from the live
    # site) and one it did not (the spare holds that already, but the live site, which becomes
    # the spare after the next swap, will not).
    written = set(json.loads((project / ".broadsheet" / "spare.json").read_text())["written"])
    kept = next(name for name in sorted(contents(site)) if name.endswith(".html") and name not in written)
    deleted = [*sorted(written), kept]
    for name in deleted:
        (site / name).unlink()
    # The next changes are to other articles: most of those files are not made again for them.
    # The two folders take turns, so the deleted files must come back in both.
    for number in (-1, 1, -1):
        edit(number)
        assert [name for name in deleted if not (site / name).is_file()] == []
    assert contents(site) == full_build_of_articles(project, tmp_path / "fresh")


def test_the_spare_is_read_ahead_only_for_a_build_that_uses_it_and_never_outlives_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "project")
    config = load_config(project)
    site, state = project / "site", project / ".broadsheet"
    assert not SpareWarmer.start(site, state).started  # no site, no spare yet
    build(project, config)
    warmer = SpareWarmer.start(site, state)
    assert warmer.started
    warmer.stop()
    assert not warmer.running
    # Without its record the spare is linked afresh from the site, which reads it anyway.
    record = (state / "spare.json").read_bytes()
    (state / "spare.json").unlink()
    assert not SpareWarmer.start(site, state).started
    (state / "spare.json").write_bytes(record)
    # A reading still going when the build ends is stopped then.
    slow = tmp_path / "find"
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(slow))
    warmer = SpareWarmer.start(site, state)
    assert warmer.running
    begun = time.monotonic()
    warmer.stop()
    assert not warmer.running and time.monotonic() - begun < 10


def test_a_second_article_naming_a_person_links_the_first_one_to_their_new_page(tmp_path: Path) -> None:
    day = datetime(2025, 6, 2, 9, tzinfo=UTC)
    first_report = _article("2025/06/dam.md", "Dam opens", day, people=("Ada Quill",))
    alone = render_site(SiteContent((first_report,), ()), make_config(), [THEME], tmp_path, search=False)
    page = tmp_path / "articles/2025/06/dam/index.html"
    assert "people/ada-quill/" not in page.read_text() and not (tmp_path / "people/ada-quill").exists()
    second_report = _article("2025/06/flood.md", "Flood warning", day, people=("Ada Quill",))
    both = SiteContent((second_report, first_report), ())
    render_site(both, make_config(), [THEME], tmp_path, search=False, previous=alone.fingerprints)
    assert "people/ada-quill/" in page.read_text()
    assert (tmp_path / "people/ada-quill/index.html").is_file()


def test_plain_values_are_fingerprinted_whole_and_must_show_every_field() -> None:
    when = datetime(2025, 4, 18, 9, tzinfo=UTC)
    report = Report("Dam bursts", "articles/2025/04/dam/", "Wire", when, ("Echo",))
    story = Story("dam", "Dam bursts", when, when, ("A dam burst.",), (report,), earlier=0, later=1)
    prints = Fingerprints("salt", plain=(Report, Story))
    base = prints.of("page", [story], ("Ann", "Bob"))
    # A change deep inside a plain value, or in a row of names, changes the fingerprint.
    nested = replace(story, reports=(replace(report, also=("Other",)),))
    assert prints.of("page", [nested], ("Ann", "Bob")) != base
    assert prints.of("page", [story], ("Ann", "Bo")) != base
    assert prints.of("page", [story], ("Ann", "Bob")) == base

    @dataclass(frozen=True)
    class Hidden:
        shown: str
        hidden: str = field(default="", repr=False)

    @dataclass(frozen=True)
    class HandWritten:
        text: str

        def __repr__(self) -> str:
            return "HandWritten"

    for kind in (Hidden, HandWritten):
        with pytest.raises(TypeError):
            Fingerprints("salt", plain=(kind,))


def test_forked_results_stream_back_complete_and_in_order() -> None:
    parent = os.getpid()

    def square(number: int) -> tuple[int, int]:  # a closure: inherited by the forks, not pickled
        return number * number, os.getpid()

    streamed = list(fork_imap(square, list(range(300)), workers=2))
    assert [value for value, _ in streamed] == [number * number for number in range(300)]
    assert {pid for _, pid in streamed} - {parent}, "the work ran on forked processes"


def test_files_written_just_before_the_cache_are_read_again_but_not_parsed_unless_changed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.content

    config = load_config(project)
    # A clock so coarse that every file the build wrote is of the tick in which it cached them.
    file_system_clock_at(monkeypatch, lambda: 0)
    build(project, config)
    parsed: list[str] = []
    parse = generator.content.parse_article_file

    def counted(text: str, relpath: str) -> ArticleFile:
        parsed.append(relpath)
        return parse(text, relpath)

    monkeypatch.setattr(generator.content, "parse_article_file", counted)
    # So each is read again, and taken from the cache as its text is the same.
    known = load_cache(project / ".broadsheet" / ARTICLE_CACHE)
    store = ArticleStore(project / config.paths.articles, config.zone)
    assert store.scan(known=dict(known)) == 5 and parsed == [] and len(store.files) == 5
    # An edit that keeps the size and modification time is still seen.
    target = sorted((project / config.paths.articles).rglob("*.md"))[0]
    stat = target.stat()
    text = target.read_text(encoding="utf-8")
    start = text.index("\ntitle: ") + len("\ntitle: ")
    assert text[start] != "X"
    target.write_text(text[:start] + "X" + text[start + 1 :], encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert target.stat().st_size == stat.st_size
    store = ArticleStore(project / config.paths.articles, config.zone)
    store.scan(known=dict(known))
    relpath = target.relative_to(project / config.paths.articles).as_posix()
    assert parsed == [relpath] and store.files[relpath].metadata["title"].startswith("X")


def test_writing_an_output_never_changes_a_file_linked_from_the_live_site(tmp_path: Path) -> None:
    live, spare = tmp_path / "site", tmp_path / "spare"
    (live / "events").mkdir(parents=True)
    (live / "events" / "page.html").write_bytes(b"old page")
    spare.mkdir()
    (spare / "events").mkdir()
    os.link(live / "events" / "page.html", spare / "events" / "page.html")
    before = (spare / "events" / "page.html").stat()

    # The same bytes: nothing is written, the linked file keeps its inode and time.
    assert not write_if_changed(str(spare / "events" / "page.html"), b"old page")
    kept = (spare / "events" / "page.html").stat()
    assert (kept.st_ino, kept.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    # New bytes replace the name in the spare; the live site's file is left as it was.
    assert write_if_changed(str(spare / "events" / "page.html"), b"new page")
    assert (spare / "events" / "page.html").read_bytes() == b"new page"
    assert (live / "events" / "page.html").read_bytes() == b"old page"
    assert (spare / "events" / "page.html").stat().st_ino != before.st_ino

    # A name that does not exist yet, in a folder that does not either, is made.
    assert write_if_changed(str(spare / "tags" / "new" / "index.html"), b"a new page")
    assert (spare / "tags" / "new" / "index.html").read_bytes() == b"a new page"
    assert not (live / "tags").exists()
