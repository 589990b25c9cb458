"""`broadsheet fetch` end to end, against real HTTP on 127.0.0.1 (tests/fetch_server.py).

One local "internet" serves two good feeds (one honouring ETag, one whose entries carry their
text), their article pages (one in a legacy encoding, one disallowed by robots.txt, one copy of
another under a new URL) and the feeds that go wrong: slow, 404, 500, a redirect loop,
malformed XML and a huge feed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import feedparser
import pytest
import yaml

from generator.fetch import FetchReport, fetch_sources, policy_for
from generator.fetch.http import HttpClient
from generator.fetch.state import load_state
from generator.sources import load_sources

from .conftest import SEEDS, make_project
from .fetch_server import Cached, FetchServer, Redirect, Slow, Static, Status, closed_port_url, robots

NOW = datetime(2025, 12, 4, 12, 0, tzinfo=UTC)


def _article(path: Path) -> list[str]:
    """A real article as [headline, paragraph, ...]: the seed's first line of four or more words, then its
    prose lines (the seeds' scraped junk is left out, as a site's own page would not have it)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    title = next(line for line in lines if len(line.split()) >= 4)
    return [title, *(line for line in lines if len(line.split()) >= 12 and line != title)]


def article_page(title: str, paragraphs: list[str], charset: str = "utf-8") -> str:
    """A news page as sites serve them: navigation, cookie banner, the article, related links."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html><head><meta charset="{charset}"><title>{escape(title)} | Example News</title>
<meta property="og:site_name" content="Example News"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies</div>
<article><h1>{escape(title)}</h1><p class="byline">By Dana Reporter</p>{body}</article>
<aside><h2>Related Posts</h2><ul><li><a href="/x">Markets rally</a></li></ul></aside>
<footer>© 2025 Example News. All rights reserved.</footer></body></html>"""


def rss(title: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 feed; each item may have title, link, guid, description, pubDate, author."""
    parts = []
    for item in items:
        fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in item.items())
        parts.append(f"<item>{fields}</item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>https://example.org/</link><description>x</description>{''.join(parts)}</channel></rss>")  # fmt: skip


def date(days_ago: int) -> str:
    return format_datetime(NOW - timedelta(days=days_ago))


class World:
    """The local internet of one test, and the project that follows it."""

    def __init__(self, server: FetchServer, project: Path, troubles: bool = True) -> None:
        self.server = server
        self.project = project
        first, second, third = (_article(seed) for seed in SEEDS[2:5])
        self.first, self.second, self.third = first, second, third
        routes = server.routes
        routes["/robots.txt"] = robots("User-agent: *\nDisallow: /private/\n")
        # The wire: a feed of links whose text lives on the article pages.
        routes["/wire.xml"] = Cached(rss("The Wire", [
            {"title": "Kremlin says talks failed", "link": server.url("/news/talks.html"), "pubDate": date(1),
             "author": "desk@wire.example (Wire Desk)"},
            {"title": "Moscow resists push", "link": server.url("/news/resists.html?utm_source=rss"),
             "pubDate": date(2)},
            {"title": "Members only", "link": server.url("/private/members.html"), "pubDate": date(3)},
        ]), etag='"wire-1"')  # fmt: skip
        routes["/news/talks.html"] = Static(
            article_page(third[0], third[1:]), content_type="text/html; charset=utf-8"
        )
        # A page in a legacy encoding, declared only in the HTTP header.
        legacy_text = [*second[1:], "Le président a déclaré: «Nous sommes prêts», selon l’agence."]
        routes["/news/resists.html"] = Static(
            article_page(second[0], legacy_text, charset="windows-1252").encode("cp1252"),
            content_type="text/html; charset=windows-1252",
        )
        routes["/private/members.html"] = Static(article_page("Secret", first), content_type="text/html")
        # The desk: the text is in the feed. One entry is the wire's story under another URL.
        self.desk_items = [
            {"title": "Envoys leave Moscow without a deal", "link": "https://desk.example/a/envoys",
             "description": "<p>" + "</p><p>".join(map(escape, third[1:])) + "</p>", "pubDate": date(1)},
            {"title": "Peace plan: what we know", "link": "https://desk.example/a/plan",
             "description": "<p>" + "</p><p>".join(map(escape, first)) + "</p>", "pubDate": date(4)},
            {"title": "Cup final tonight", "link": "https://desk.example/a/cup",
             "description": "<p>The sport desk previews the cup final between the two best teams.</p>",
             "pubDate": date(2)},
        ]  # fmt: skip
        routes["/desk.xml"] = Static(rss("Desk", self.desk_items), content_type="application/rss+xml")
        routes["/slow.xml"] = Slow(5.0, Static(rss("Slow", [])))
        routes["/gone.xml"] = Status(404)
        routes["/broken.xml"] = Status(500)
        routes["/loop-a.xml"] = Redirect("/loop-b.xml")
        routes["/loop-b.xml"] = Redirect("/loop-a.xml")
        routes["/malformed.xml"] = Static(
            "<rss><channel><title>Oops<item><title>x</ite", content_type="text/xml"
        )
        huge = [{"title": f"Brief {n}", "link": f"https://huge.example/{n}", "pubDate": date(n % 300),
                 "description": f"Brief number {n} reports on item {n} of the huge wire in several plain words."}
                for n in range(6000)]  # fmt: skip
        routes["/huge.xml"] = Static(rss("Huge", huge), content_type="application/rss+xml")
        good = f"""
[fetch]
timeout = 1
retries = 1
per_host_interval = 0
max_entries = 30

[[source]]
name = "The Wire"
url = "{server.url("/wire.xml")}"
full_page = true

[[source]]
name = "Desk"
url = "{server.url("/desk.xml")}"
exclude = ["sport"]
"""
        bad = "".join(
            f'\n[[source]]\nname = "{name}"\nurl = "{server.url(path)}"\n'
            for name, path in [("Slow", "/slow.xml"), ("Gone", "/gone.xml"), ("Broken", "/broken.xml"),
                               ("Loop", "/loop-a.xml"), ("Malformed", "/malformed.xml"), ("Huge", "/huge.xml")]
        )  # fmt: skip
        (project / "sources.toml").write_text(good + (bad if troubles else ""), encoding="utf-8")

    def fetch(self) -> FetchReport:
        sources = load_sources(self.project)
        assert sources is not None
        client = HttpClient(replace(policy_for(sources.fetch), backoff=0.01))
        return fetch_sources(self.project, sources, self.project / "content" / "inbox", client, lambda: NOW)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """The whole local internet, good feeds and bad."""
    with FetchServer() as server:
        yield World(server, make_project(tmp_path / "project", with_inbox=False))


@pytest.fixture
def good_world(tmp_path: Path) -> Iterator[World]:
    """Only the two good feeds, for tests about runs that follow each other."""
    with FetchServer() as server:
        yield World(server, make_project(tmp_path / "project", with_inbox=False), troubles=False)


def by_name(report: FetchReport) -> dict[str, object]:
    return {s.name: s for s in report.sources}


def test_fetch_stores_new_articles_and_reports_every_failure(world: World) -> None:
    report = world.fetch()
    sources = {s.name: s for s in report.sources}
    wire, desk = sources["The Wire"], sources["Desk"]
    assert (wire.status, wire.new, wire.failed) == ("ok", 2, 1)  # members page: robots.txt says no
    assert world.server.count("/private/members.html") == 0
    assert (desk.new, desk.duplicates, desk.filtered) == (1, 1, 1)  # a copy of the wire, a sport item
    assert sources["Slow"].status == "failed" and "no answer within 1 s" in str(sources["Slow"].reason)
    assert sources["Gone"].status == "failed" and "404" in str(sources["Gone"].reason)
    assert sources["Broken"].status == "failed" and world.server.count("/broken.xml") == 2  # retried once
    assert sources["Loop"].status == "failed" and "redirect" in str(sources["Loop"].reason).lower()
    assert sources["Malformed"].status == "failed" and "not a readable RSS/Atom feed" in str(
        sources["Malformed"].reason
    )
    huge = sources["Huge"]
    assert (huge.entries, huge.new) == (30, 30)  # max_entries: the newest 30 of 6,000
    assert not report.offline
    # Every problem is one line naming the source.
    assert all("\n" not in w and w.split(": ")[0] in sources for w in report.warnings)
    assert any(w.startswith("Huge: feed has 6000 entries") for w in report.warnings)

    inbox = world.project / "content" / "inbox"
    written = {path: yaml.safe_load((inbox / (path + ".meta.yaml")).read_text()) for path in report.written}
    assert len(written) == 33
    talks = next(meta for meta in written.values() if meta["title"] == "Kremlin says talks failed")
    assert talks["source"] == "The Wire" and talks["url"].endswith("/news/talks.html")
    assert talks["author"] == "desk@wire.example (Wire Desk)" and talks["date"].startswith("2025-12-03")
    # The syndicated copy is stored once, with both publishers.
    assert talks["also_published"] == [{"source": "Desk", "url": "https://desk.example/a/envoys"}]
    talks_file = next(inbox / p for p, meta in written.items() if meta is talks)
    text = talks_file.read_text(encoding="utf-8")
    assert world.third[2] in text
    assert (
        "Accept all cookies" not in text and "Related Posts" not in text and "All rights reserved" not in text
    )
    # The legacy page decoded from windows-1252, and the tracking parameter dropped from its URL.
    resists = next(p for p, meta in written.items() if meta["title"] == "Moscow resists push")
    assert "«Nous sommes prêts», selon l’agence" in (inbox / resists).read_text(encoding="utf-8")
    assert written[resists]["url"].endswith("/news/resists.html?utm_source=rss")


def test_a_second_run_fetches_nothing_new_and_a_changed_feed_gives_only_its_new_entry(
    good_world: World,
) -> None:
    world = good_world
    first = world.fetch()
    inbox = world.project / "content" / "inbox"
    before = {p: p.stat().st_mtime_ns for p in inbox.rglob("*")}
    page_requests = world.server.count("/news/talks.html")

    second = world.fetch()
    assert second.written == [] and second.updated == []
    assert by_name(second)["The Wire"].status == "not modified"  # type: ignore[attr-defined]
    wire_requests = world.server.requests("/wire.xml")
    assert wire_requests[-1].headers.get("if-none-match") == '"wire-1"'
    assert world.server.count("/news/talks.html") == page_requests
    assert {p: p.stat().st_mtime_ns for p in inbox.rglob("*")} == before
    assert first.total("new") == 3 and second.total("new") == 0
    assert second.total("seen") == 2  # the desk's stored entry and its copy of the wire's story

    world.desk_items.insert(0, {"title": "Ceasefire talks to resume", "link": "https://desk.example/a/resume",
                                "description": "<p>" + "</p><p>".join(world.first[:6]) + "</p>", "pubDate": date(0)})  # fmt: skip
    world.server.routes["/desk.xml"] = Static(
        rss("Desk", world.desk_items), content_type="application/rss+xml"
    )
    third = world.fetch()
    assert [s.new for s in third.sources if s.new] == [1] and len(third.written) == 1
    assert (
        yaml.safe_load((inbox / (third.written[0] + ".meta.yaml")).read_text())["title"]
        == "Ceasefire talks to resume"
    )


def test_a_run_killed_half_way_resumes_without_fetching_twice(good_world: World) -> None:
    world = good_world

    class Crash(BaseException):
        pass

    sources = load_sources(world.project)
    assert sources is not None
    client = HttpClient(replace(policy_for(sources.fetch), backoff=0.01))
    real_get = client.get

    def crashing_get(url: str, **kwargs: object) -> object:
        if url.endswith("/news/resists.html?utm_source=rss"):
            raise Crash  # the process dies between two entries
        return real_get(url, **kwargs)  # type: ignore[arg-type]

    client.get = crashing_get  # type: ignore[assignment,method-assign]
    with pytest.raises(Crash):
        fetch_sources(world.project, sources, world.project / "content" / "inbox", client, lambda: NOW)
    inbox = world.project / "content" / "inbox"
    kept = {p: p.stat().st_mtime_ns for p in inbox.rglob("*.txt")}
    assert len(kept) == 1  # the talks page was stored before the crash

    report = world.fetch()
    after = {p: p.stat().st_mtime_ns for p in inbox.rglob("*.txt")}
    assert all(after[p] == mtime for p, mtime in kept.items())  # not fetched or written again
    assert len(after) == 1 + report.total("new")
    assert world.server.count("/news/talks.html") == 1
    state = load_state(world.project / "content" / "fetch-state.json")
    stored = [e.file for e in state.entries.values() if e.outcome == "stored"]
    assert len(stored) == len(set(stored)) == len(after)


def test_offline_fetch_says_so_and_build_fetch_still_builds(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    (project / "sources.toml").write_text(
        f'[fetch]\ntimeout = 1\nretries = 0\n\n[[source]]\nname = "Nowhere"\nurl = "{closed_port_url("/feed.xml")}"\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--fetch"],
        cwd=project, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "offline: no feed could be reached" in result.stderr
    assert "Traceback" not in result.stderr
    assert "built site/: 5 articles" in result.stderr
    strict = subprocess.run(
        [sys.executable, "-m", "generator", "fetch", "--strict"],
        cwd=project, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert strict.returncode == 3 and "Nowhere: " in strict.stderr


def test_fetched_articles_build_into_a_site_with_every_publisher(good_world: World) -> None:
    world = good_world
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--fetch"],
        cwd=world.project, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "fetched 3 new articles from 2 sources" in result.stderr
    site = world.project / "site"
    page = next(
        p for p in (site / "articles").rglob("index.html") if "Kremlin says talks failed" in p.read_text()
    )
    html = page.read_text()
    assert "Also published by" in html and 'href="https://desk.example/a/envoys"' in html
    desk_feed = feedparser.parse((site / "sources" / "desk" / "feed.xml").read_bytes())
    assert desk_feed.entries and not desk_feed.bozo


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def test_fetch_command_reports_each_source_and_a_rerun_fetches_nothing(good_world: World) -> None:
    first = _cli(good_world.project, "fetch")
    assert first.returncode == 0, first.stderr
    assert "  The Wire: 2 new" in first.stderr and "  Desk: 1 new, 1 copies, 1 filtered out" in first.stderr
    assert "fetched 3 new articles from 2 sources" in first.stderr
    again = _cli(good_world.project, "fetch", "--source", "desk")
    assert "  Desk: 2 seen before, 1 filtered out" in again.stderr and "The Wire" not in again.stderr
    assert "fetched 0 new articles from 1 source " in again.stderr
    unknown = _cli(good_world.project, "fetch", "--source", "Nobody")
    assert unknown.returncode == 2 and "no source named 'Nobody'" in unknown.stderr


def test_opml_import_and_export_through_the_command_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", with_inbox=False)
    opml = tmp_path / "reader.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>Reader</title></head><body>
<outline text="News"><outline type="rss" text="Wire" xmlUrl="https://wire.example/rss"/>
<outline type="rss" text="Daily" xmlUrl="https://daily.example/atom" htmlUrl="https://daily.example/"/></outline>
</body></opml>""")
    imported = _cli(project, "sources", "import", str(opml))
    assert imported.returncode == 0 and "added 2 of 2 feeds to sources.toml" in imported.stdout
    again = _cli(project, "sources", "import", str(opml))
    assert "added 0 of 2 feeds to sources.toml (2 already followed)" in again.stdout
    listed = _cli(project, "sources", "list")
    assert listed.stdout.splitlines() == [
        "Wire\thttps://wire.example/rss",
        "Daily\thttps://daily.example/atom",
    ]
    exported = _cli(project, "sources", "export", "-o", str(tmp_path / "out.opml"))
    assert exported.returncode == 0
    out = (tmp_path / "out.opml").read_text()
    assert 'xmlUrl="https://daily.example/atom"' in out and 'htmlUrl="https://daily.example/"' in out
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline")
    failed = _cli(project, "sources", "import", str(broken))
    assert failed.returncode == 2 and failed.stderr.startswith("error: ") and "Traceback" not in failed.stderr
