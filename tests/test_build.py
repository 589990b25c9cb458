"""The whole build on the sample content: articles, events, the site, edits, failure and determinism."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from generator import pipeline
from generator.clean import build_context
from generator.config import load_config
from generator.content import parse_article_file
from generator.errors import LockedError
from generator.model import RawDocument
from generator.pipeline import DigestedDocument, build
from generator.report import project_lock

from .conftest import make_project

BASE_URL = "https://example.org/broadsheet/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project built once under a GitHub-Pages-like sub-path."""
    project = make_project(tmp_path_factory.mktemp("built") / "project")
    config = replace(load_config(project), base_url=BASE_URL)
    report = build(project, config)
    assert report.diagnostics.errors == [] and report.diagnostics.warnings == []
    return project


def articles_by_seed(project: Path) -> dict[str, dict[str, object]]:
    found = {}
    for path in (project / "content" / "articles").rglob("*.md"):
        file = parse_article_file(path.read_text(), path.name)
        found[Path(str(file.metadata["source_file"])).name[:3]] = file.metadata | {"body": file.body}
    return found


def test_every_seed_becomes_an_article_with_full_front_matter(built: Path) -> None:
    articles = articles_by_seed(built)
    assert sorted(articles) == ["000", "001", "002", "003", "004"]
    required = {"title", "slug", "date", "date_source", "source_file", "raw_hash", "summary"}
    required |= {"tags", "people", "organizations", "places", "quotes", "event"}
    for seed, meta in articles.items():
        assert required <= set(meta), seed
        assert meta["date_source"] == "given"
        assert str(meta["source_file"]).startswith("content/inbox/")
    assert articles["004"]["author"] == "Dakir Madiha"
    assert articles["001"]["date"] == "2025-03-13"


def test_seed_events_come_out_as_the_news_does(built: Path) -> None:
    events = {seed: meta["event"] for seed, meta in articles_by_seed(built).items()}
    # Kremlin/Medvedev reaction to the US threat to walk away from the talks:
    assert events["000"] == events["002"]
    # the US 28-point plan and the Witkoff/Kushner Moscow talks:
    assert events["003"] == events["004"]
    # Ushakov rejecting the 30-day ceasefire stands alone:
    assert len({events["000"], events["003"], events["001"]}) == 3


def test_boilerplate_is_gone_from_articles_and_pages(built: Path) -> None:
    articles = articles_by_seed(built)
    for meta in articles.values():
        body = str(meta["body"])
        for junk in (
            "cookies",
            "Related Posts",
            "Legal Disclaimer",
            "Advertising",
            "Read more",
            "Source link",
        ):
            assert junk not in body
    assert "Kremlin spokesman Dmitry Peskov told reporters" in str(articles["002"]["body"])
    assert "Load More Posts" not in (built / "site" / "index.html").read_text()


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def site_target(site: Path, url: str) -> Path | None:
    """The file a same-site URL points at, or None for links elsewhere."""
    parts = urlsplit(url)
    if parts.scheme and not url.startswith(BASE_URL):
        return None
    path = parts.path
    base_path = urlsplit(BASE_URL).path
    if not path.startswith("/"):
        return None
    assert path.startswith(base_path), f"internal link {url} misses the base path {base_path}"
    target = site / path[len(base_path) :]
    return target / "index.html" if path.endswith("/") else target


def test_no_internal_link_is_broken_under_a_sub_path(built: Path) -> None:
    site = built / "site"
    pages = list(site.rglob("*.html"))
    assert len(pages) > 15
    checked = 0
    for page in pages:
        collector = LinkCollector()
        collector.feed(page.read_text())
        for link in collector.links:
            if link.startswith(("#", "mailto:")):
                continue
            target = site_target(site, link)
            if target is not None:
                assert target.is_file(), f"{page.relative_to(site)} links to missing {link}"
                checked += 1
    assert checked > 100


def test_feed_parses_back_and_every_item_links_to_a_page(built: Path) -> None:
    site = built / "site"
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 5
        for entry in feed.entries:
            target = site_target(site, entry.link)
            assert target is not None and target.is_file(), entry.link
            assert entry.get("summary")
    rss = (site / "feed.xml").read_text()
    assert f'<atom:link href="{BASE_URL}feed.xml" rel="self"' in rss or f'href="{BASE_URL}feed.xml"' in rss


def test_site_has_the_hosting_files(built: Path) -> None:
    site = built / "site"
    for name in ("404.html", "sitemap.xml", "robots.txt", ".nojekyll", "search/index.html"):
        assert (site / name).exists(), name
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (site / "robots.txt").read_text()
    home = (site / "index.html").read_text()
    assert 'rel="alternate"' in home and "Content-Security-Policy" in home


def tree_digest(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def test_builds_are_byte_identical_across_directories_and_time_zones(built: Path, tmp_path: Path) -> None:
    other = make_project(tmp_path / "elsewhere")
    env = {**os.environ, "TZ": "Asia/Tokyo", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--base-url", BASE_URL, "--quiet"],
        cwd=other, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert tree_digest(other / "site") == tree_digest(built / "site")


def test_rebuild_keeps_hand_edits_and_writes_nothing_new(project: Path) -> None:
    config = load_config(project)
    build(project, config)
    article = next((project / "content" / "articles").rglob("*.md"))
    edited = article.read_text().replace("title: ", "title: EDITED ", 1)
    article.write_text(edited)
    report = build(project, config)
    assert article.read_text() == edited
    assert report.written["kept-edit"] == 1 and report.written["unchanged"] == 4
    assert "EDITED" in (project / "site" / "index.html").read_text() or any(
        "EDITED" in p.read_text() for p in (project / "site" / "articles").rglob("index.html")
    )


def test_failed_render_leaves_the_previous_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(project)
    build(project, config)
    before = tree_digest(project / "site")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("generator.pipeline.render_site", broken)
    with pytest.raises(RuntimeError):
        build(project, replace(config, title="A changed title, so the build has work to do"))
    assert tree_digest(project / "site") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site-new-")]


def test_second_build_at_the_same_time_is_refused(project: Path) -> None:
    with project_lock(project), pytest.raises(LockedError):
        build(project, load_config(project))


def test_syndicated_copy_is_shown_once_with_all_its_publishers(project: Path) -> None:
    inbox = project / "content" / "inbox"
    original = (inbox / "002_a8df553f480df407.txt").read_text()
    (inbox / "wire-copy.txt").write_text(original.replace("by · The Sun News · Join", "By Wire Staff"))
    (inbox / "wire-copy.txt.meta.yaml").write_text("date: 2025-04-18T12:00:00Z\nsource: Example Wire\n")
    build(project, load_config(project))
    event_pages = list((project / "site" / "events").glob("*/index.html"))
    page = next(p.read_text() for p in event_pages if "Example Wire" in p.read_text())
    assert "Also published by: <a" in page and "Example Wire</a>" in page
    assert page.count("Russia sees progress in Ukraine peace talks but US relations strained</a></h3>") == 1


def test_a_new_article_never_renames_existing_events(project: Path) -> None:
    config = load_config(project)
    build(project, config)
    before = {seed: meta["event"] for seed, meta in articles_by_seed(project).items()}
    inbox = project / "content" / "inbox"
    (inbox / "later.txt").write_text(
        "Kremlin says Witkoff and Kushner talks on the 28-point plan will continue\n"
        "Kremlin aide Yuri Ushakov said on Thursday that talks with US envoys Steve Witkoff and Jared Kushner "
        "on the revised 28-point peace plan would continue next week in Moscow.\n"
        "Ushakov said Russia still objected to several points of the plan, including security guarantees "
        "offered by European nations, but that the two sides had narrowed their differences.\n"
    )
    (inbox / "later.txt.meta.yaml").write_text("date: 2025-12-04\n")
    build(project, config)
    after = articles_by_seed(project)
    assert {seed: after[seed]["event"] for seed in before} == before
    assert after["lat"]["event"] == before["003"]


def test_edit_survives_a_new_pipeline_version_and_a_deleted_raw_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(project)
    build(project, config)
    article = next((project / "content" / "articles").rglob("*.md"))
    edited = article.read_text().replace("summary: ", "summary: Hand-written summary. ", 1)
    article.write_text(edited)
    monkeypatch.setattr("generator.versions.PIPELINE_VERSION", "999")
    build(project, config)
    assert article.read_text() == edited
    # Unedited articles were refreshed by the new version; the edited one was not.
    others = [p for p in (project / "content" / "articles").rglob("*.md") if p != article]
    assert all("pipeline: '999'" in p.read_text() for p in others)
    for raw in (project / "content" / "inbox").glob("*.txt"):
        raw.unlink()
    report = build(project, config)
    assert article.read_text() == edited
    assert report.articles == 5


def test_two_builds_at_once_one_is_refused_with_a_message(project: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "generator", "build"]
    first = subprocess.Popen(command, cwd=project, env=env, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, cwd=project, env=env, stderr=subprocess.PIPE, text=True)
    outputs = [(p.wait(timeout=300), p.communicate()[1]) for p in (first, second)]
    codes = sorted(code for code, _ in outputs)
    assert codes in ([0, 0], [0, 4])
    if codes == [0, 4]:
        refused = next(err for code, err in outputs if code == 4)
        assert "another broadsheet build is running" in refused and "Traceback" not in refused
    assert build(project, load_config(project)).articles == 5


def test_a_changed_sidecar_remakes_its_article_and_also_published_reaches_the_pages(project: Path) -> None:
    config = load_config(project)
    build(project, config)
    sidecar = project / "content" / "inbox" / "002_a8df553f480df407.txt.meta.yaml"
    sidecar.write_text(
        sidecar.read_text()
        + "also_published:\n  - {source: Example Wire, url: 'https://wire.example/story'}\n  - Radio Nowhere\n"
    )
    report = build(project, config)
    assert report.written["updated"] == 1
    [article] = [
        p for p in (project / "content" / "articles").rglob("*.md") if "Example Wire" in p.read_text()
    ]
    assert parse_article_file(article.read_text(), "a.md").metadata["also_published"] == [
        {"source": "Example Wire", "url": "https://wire.example/story"},
        {"source": "Radio Nowhere"},
    ]
    site = project / "site"
    pages = {
        p.relative_to(site).parts[0]: p.read_text()
        for p in site.rglob("index.html")
        if "Radio Nowhere" in p.read_text()
    }
    assert (
        '<a href="https://wire.example/story" rel="noopener noreferrer">Example Wire</a>, Radio Nowhere.'
        in pages["articles"]
    )
    assert "Also published by: " in pages["events"] and "Radio Nowhere</p>" in pages["events"]
    assert (site / "sources" / "radio-nowhere" / "index.html").is_file()  # listed under every publisher
    assert "Radio Nowhere</a>" in pages["digest"]  # the day's digest names every publisher too


def test_documents_are_handed_out_in_batches_and_build_the_same_site(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raw documents are read (again) and go to the workers a batch at a time, so they are never
    all held, and the articles and site are those of one big batch."""
    whole = make_project(tmp_path / "whole")
    build(whole, load_config(whole))
    original = pipeline.digest_documents
    drawn_when_used: list[int] = []

    def watched(documents: Iterable[RawDocument], *given: Any, **named: Any) -> Iterator[DigestedDocument]:
        drawn = 0

        def counted() -> Iterator[RawDocument]:
            nonlocal drawn
            for document in documents:
                drawn += 1
                yield document

        for result in original(counted(), *given, **named):
            drawn_when_used.append(drawn)
            yield result

    monkeypatch.setattr(pipeline, "DIGEST_BATCH", 2)
    monkeypatch.setattr(pipeline, "digest_documents", watched)
    build(project, load_config(project))
    # Two batches are out at a time: the first two results come while one document is unread.
    assert drawn_when_used == [4, 4, 5, 5, 5]
    for folder in ("content/articles", "site"):
        assert tree_digest(project / folder) == tree_digest(whole / folder)


def test_a_build_times_the_cleaning_and_the_summarising_apart(project: Path) -> None:
    """They run as one task per document on the workers; each half's seconds come back with its
    result and are added up, and a build that digests nothing reports neither."""
    report = build(project, load_config(project))
    assert report.stage_seconds[pipeline.WORKER_CLEAN] > 0
    assert report.stage_seconds[pipeline.WORKER_SUMMARISE] > 0
    (project / "content" / "articles" / "extra.md").write_text(
        "---\ntitle: A note written by hand\ndate: 2024-05-01\n---\nA note written by hand.\n",
        encoding="utf-8",
    )
    again = build(project, load_config(project))
    assert again.written.get("created", 0) == 0
    assert pipeline.WORKER_CLEAN not in again.stage_seconds
    assert pipeline.WORKER_SUMMARISE not in again.stage_seconds


def test_a_document_with_no_text_left_reports_cleaning_time_only() -> None:
    empty = RawDocument(path="empty.txt", kind="text", content="Accept cookies\n", content_hash="x")
    result = pipeline.digest_document(empty, build_context([empty]), sentences=3)
    assert result.error is not None and result.digest is None
    assert result.clean_seconds > 0 and result.summarise_seconds == 0
