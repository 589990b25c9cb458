"""The render stage: a small hand-made site, rendered into a temp folder and checked file by file."""

from __future__ import annotations

import dataclasses
import html
import importlib
import json
import multiprocessing
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import feedparser
import pytest
from jinja2 import FileSystemLoader

from generator import render
from generator.caches import load_cache
from generator.config import SiteConfig
from generator.model import Article, Event, Quote, SiteContent
from generator.render import RenderReport, render_site, site_outputs
from generator.render.incremental import Output, make_outputs
from generator.render.search import term_weights, weights_key
from generator.render.search_files import SearchCache

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "themes" / "default"
BASE_URL = "https://example.org/broadsheet/"
BASE_PATH = "/broadsheet/"
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
HOSTILE_TITLE = 'Minister <script>alert("title")</script> resigns'
HOSTILE_BODY = 'First paragraph.\n\n<script>alert("body")</script>\n\n<img src=x onerror="alert(1)">\n'


def _article(path: str, title: str, day: datetime, **fields: object) -> Article:
    values: dict[str, object] = {
        "path": path,
        "slug": path.rsplit("/", 1)[-1].removesuffix(".md"),
        "title": title,
        "date": day,
        "date_source": "given",
        "summary": f"Summary of {title}.",
        "body": f"Body of the report.\n\nSecond paragraph about {title}.\n",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def make_content() -> SiteContent:
    """Four articles in two events, with hostile text and non-ASCII names."""
    a1 = _article(
        "2025/04/talks-open.md", "Talks open in Geneva", datetime(2025, 4, 18, 9, tzinfo=UTC),
        source="Daily Planet", author="Lois Lane", url="https://planet.example/talks",
        tags=("diplomacy", "Genève", "GENEVE"), people=("Zoë Ñandú",), organizations=("UN",), places=("Geneva",),
        quotes=(Quote("We are hopeful.", "Zoë Ñandú"), Quote("No comment.")), event="geneva-talks",
    )  # fmt: skip
    a2 = _article(
        "2025/04/talks-stall.md", "Talks stall on day two", datetime(2025, 4, 19, 23, 30, tzinfo=UTC),
        source="Le Monde Diplomatique", url="http://lemonde.example/stall", tags=("diplomacy",),
        people=("Zoë Ñandú", "東京"), event="geneva-talks",
    )  # fmt: skip
    a3 = _article(
        "2025/05/minister-resigns.md", HOSTILE_TITLE, datetime(2025, 5, 2, 12, tzinfo=UTC),
        source="<b>Evil</b> News", url="javascript:alert(document.cookie)", body=HOSTILE_BODY,
        tags=("<script>",), summary="He left <script>alert('summary')</script> today.", event="resignation",
    )  # fmt: skip
    a4 = _article(
        "2025/05/minister-replaced.md", "Minister replaced", datetime(2025, 5, 3, 8, tzinfo=UTC),
        source="Daily Planet", event="resignation",
    )  # fmt: skip
    talks = Event("geneva-talks", "Geneva talks", (a1, a2), ("Talks opened.", "Then they stalled."))
    resignation = Event("resignation", "Minister <script>x</script> resigns", (a3, a4), ("He resigned.",))
    return SiteContent(articles=(a4, a3, a2, a1), events=(resignation, talks))


def make_config(**changes: object) -> SiteConfig:
    """The test site's settings: under a sub-path, so that base-path mistakes show."""
    return dataclasses.replace(SiteConfig(), base_url=BASE_URL, title="Test Sheet", **changes)  # type: ignore[arg-type]


class _Collector(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def site_file(site: Path, url: str) -> Path:
    """The output file a root-relative or absolute site URL points at."""
    path = urlsplit(url).path
    assert path.startswith(BASE_PATH), f"{url} is not under the base path"
    relative = path[len(BASE_PATH) :]
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return site / relative


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def all_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RenderReport]:
    out = tmp_path_factory.mktemp("site")
    # Every name gets a page here, so that the pages of names are all checked.
    report = render_site(make_content(), make_config(name_page_min_articles=1), [THEME], out)
    return out, report


@pytest.fixture(scope="module")
def site(rendered: tuple[Path, RenderReport]) -> Path:
    return rendered[0]


def test_the_documented_layout_is_written(site: Path) -> None:
    expected = [
        "index.html", "404.html", "search/index.html", "sitemap.xml", "robots.txt", ".nojekyll",
        "feed.xml", "atom.xml", "static/css/site.css", "static/js/search.js",
        "events/geneva-talks/index.html", "events/geneva-talks/feed.xml", "events/resignation/index.html",
        "articles/2025/04/talks-open/index.html", "articles/2025/05/minister-resigns/index.html",
        "archive/index.html", "archive/2025/04/index.html", "archive/2025/04/18/index.html",
        "sources/index.html", "sources/daily-planet/index.html", "tags/index.html", "tags/diplomacy/index.html",
        "tags/geneve/index.html", "people/index.html", "people/zoe-nandu/index.html", "search/data/meta.json",
    ]  # fmt: skip
    missing = [name for name in expected if not (site / name).is_file()]
    assert missing == []


def test_report_lists_exactly_the_files_written(rendered: tuple[Path, RenderReport]) -> None:
    site, report = rendered
    on_disk = sorted(all_files(site))
    assert list(report.files) == on_disk
    assert report.pages == len([f for f in on_disk if f.endswith(".html")])


def test_every_internal_link_resolves_to_a_written_file(site: Path) -> None:
    broken: list[str] = []
    checked = 0
    for page in html_pages(site):
        for tag, attrs in parse(page).tags:
            for name in ("href", "src", "action"):
                value = attrs.get(name)
                if not value or value.startswith(("#", "mailto:")):
                    continue
                parts = urlsplit(value)
                if parts.scheme in ("http", "https") and parts.netloc != "example.org":
                    continue  # the original reports, outside the site
                checked += 1
                if parts.scheme == "" and not value.startswith(BASE_PATH):
                    broken.append(f"{page.relative_to(site)}: <{tag} {name}={value}> is not root-relative")
                elif not site_file(site, value).is_file():
                    broken.append(f"{page.relative_to(site)}: <{tag} {name}={value}> has no file")
    assert checked > 100
    assert broken == []


def test_every_page_has_the_head_a_browser_and_a_crawler_need(site: Path) -> None:
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!doctype html>"), page
        tags = parse(page).tags
        metas = [attrs for tag, attrs in tags if tag == "meta"]
        links = [attrs for tag, attrs in tags if tag == "link"]
        assert ("html", {"lang": "en"}) in tags
        assert any(
            m.get("http-equiv") == "Content-Security-Policy" and m.get("content") == CSP for m in metas
        )
        assert any("charset" in m for m in metas) and any(m.get("name") == "viewport" for m in metas)
        assert any(m.get("name") == "description" and m.get("content") for m in metas)
        canonical = [link["href"] for link in links if link.get("rel") == "canonical"]
        assert len(canonical) == 1 and str(canonical[0]).startswith(BASE_URL)
        types = {link.get("type") for link in links if link.get("rel") == "alternate"}
        assert {"application/rss+xml", "application/atom+xml"} <= types
        names = {tag for tag, _ in tags}
        assert {"header", "nav", "main", "footer", "title"} <= names
        assert any(tag == "a" and a.get("href") == "#content" for tag, a in tags)
        assert any(tag == "form" and a.get("role") == "search" for tag, a in tags)
        # The CSP forbids inline script and inline style: the theme must not rely on them.
        assert all(a.get("src") for tag, a in tags if tag == "script")
        assert not any("style" in a or any(k.startswith("on") for k in a) for _, a in tags)


def test_hostile_text_is_escaped_and_unsafe_urls_are_not_links(site: Path) -> None:
    for page in html_pages(site):
        collected = parse(page)
        assert collected.script_text == [], page
        assert [a["src"] for t, a in collected.tags if t == "script"] in (
            [],
            [f"{BASE_PATH}static/js/search.js"],
        )
        assert not any(t == "img" for t, _ in collected.tags)
        for _, attrs in collected.tags:
            for value in attrs.values():
                assert not (value or "").strip().lower().startswith("javascript:"), page
    article = (site / "articles/2025/05/minister-resigns/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in article
    assert "<script>alert" not in article
    assert "javascript:alert(document.cookie)" in article  # shown as text, so a reader can see it
    for feed in ("feed.xml", "atom.xml"):
        hrefs = _hrefs_in_feed_html(site / feed)
        assert "https://planet.example/talks" in hrefs
        assert not any(href.lower().startswith("javascript:") for href in hrefs)


def _hrefs_in_feed_html(path: Path) -> list[str]:
    """The links inside the HTML descriptions of a feed's items, read raw (feedparser would sanitise)."""
    hrefs: list[str] = []
    for element in ET.parse(path).getroot().iter():
        if element.tag.rsplit("}", 1)[-1] in ("description", "summary") and element.text:
            collector = _Collector()
            collector.feed(element.text)
            hrefs += [str(a.get("href")) for tag, a in collector.tags if tag == "a"]
    return hrefs


def test_original_report_is_linked_only_for_http_urls(site: Path) -> None:
    hrefs = [
        a.get("href") for t, a in parse(site / "articles/2025/04/talks-open/index.html").tags if t == "a"
    ]
    assert "https://planet.example/talks" in hrefs
    assert f"{BASE_PATH}events/geneva-talks/" in hrefs
    assert f"{BASE_PATH}people/zoe-nandu/" in hrefs


@pytest.mark.parametrize("feed_name", ["feed.xml", "atom.xml", "events/geneva-talks/feed.xml"])
def test_feeds_parse_and_point_at_generated_pages(site: Path, feed_name: str) -> None:
    parsed = feedparser.parse((site / feed_name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    self_links = [link["href"] for link in parsed.feed.links if link.get("rel") == "self"]
    assert self_links == [BASE_URL + feed_name]
    expected_count = 2 if feed_name.startswith("events/") else 4
    assert len(parsed.entries) == expected_count
    ids = [entry.id for entry in parsed.entries]
    assert len(set(ids)) == len(ids)
    for entry in parsed.entries:
        assert site_file(site, entry.link).is_file()
        assert entry.id == entry.link
        assert entry.published_parsed is not None
    dates = [entry.published_parsed for entry in parsed.entries]
    assert dates == sorted(dates, reverse=True)


def test_rss_has_the_channel_fields_and_content_dates(site: Path) -> None:
    channel = ET.parse(site / "feed.xml").getroot().find("channel")
    assert channel is not None
    for name in ("title", "link", "description", "language", "lastBuildDate"):
        assert channel.findtext(name), name
    # The newest article, not the clock, dates the feed.
    assert channel.findtext("lastBuildDate") == "Sat, 03 May 2025 08:00:00 GMT"
    guids = channel.findall("item/guid")
    assert {g.get("isPermaLink") for g in guids} == {"true"}
    atom = ET.parse(site / "atom.xml").getroot()
    assert atom.findtext("{http://www.w3.org/2005/Atom}updated") == "2025-05-03T08:00:00Z"


def test_feeds_keep_only_the_newest_items(tmp_path: Path) -> None:
    render_site(make_content(), make_config(feed_items=2), [THEME], tmp_path, search=False)
    parsed = feedparser.parse((tmp_path / "feed.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Minister replaced", HOSTILE_TITLE]


def test_sitemap_and_robots_use_absolute_urls(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [loc.text or "" for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{BASE_URL}events/geneva-talks/" in locs and BASE_URL in locs
    assert all(site_file(site, loc).is_file() for loc in locs)
    assert not any(loc.endswith("404.html") for loc in locs)
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_a_sitemap_too_long_for_one_file_is_split_into_parts_under_an_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = tmp_path / "whole"
    render_site(make_content(), make_config(), [THEME], whole, search=False)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    every = [loc.text for loc in ET.parse(whole / "sitemap.xml").getroot().iter(namespace + "loc")]
    limit = 4
    assert len(every) > 2 * limit
    # The package exports the function `sitemap`, which hides the module of the same name.
    monkeypatch.setattr(importlib.import_module("generator.render.sitemap"), "MAX_URLS", limit)
    split = tmp_path / "split"
    render_site(make_content(), make_config(), [THEME], split, search=False)
    index = ET.parse(split / "sitemap.xml").getroot()
    assert index.tag == namespace + "sitemapindex"
    listed: list[str | None] = []
    parts = [loc.text or "" for loc in index.iter(namespace + "loc")]
    assert len(parts) >= 2
    for part in parts:
        urls_in_part = [
            loc.text for loc in ET.parse(site_file(split, part)).getroot().iter(namespace + "loc")
        ]
        assert 0 < len(urls_in_part) <= limit
        listed.extend(urls_in_part)
    assert sorted(listed, key=str) == sorted(every, key=str)


def test_every_article_is_indexed_for_search_and_nothing_else(site: Path) -> None:
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in (site / "search/data/d").glob("*.json")]
    article_pages = {p.relative_to(site).parent.as_posix() + "/" for p in site.glob("articles/**/index.html")}
    assert {d["url"].removeprefix(BASE_PATH) for d in documents} == article_pages
    talks = next(d for d in documents if d["url"].endswith("/talks-open/"))
    assert set(talks["meta"]) == {"event", "source", "date", "month"}
    assert talks["meta"]["month"] == "2025-04"
    search = [a for t, a in parse(site / "search/index.html").tags if t == "script"]
    assert search == [{"type": "module", "src": f"{BASE_PATH}static/js/search.js"}]


def test_dates_are_shown_in_the_site_time_zone(tmp_path: Path) -> None:
    render_site(make_content(), make_config(timezone="Asia/Tokyo"), [THEME], tmp_path, search=False)
    # 23:30 UTC on 19 April is already 20 April in Tokyo.
    assert (tmp_path / "archive/2025/04/20/index.html").is_file()
    event = (tmp_path / "events/geneva-talks/index.html").read_text(encoding="utf-8")
    assert "18–20 April 2025" in event and "20 April 2025" in event


def test_home_page_is_limited_and_lists_events_newest_first(tmp_path: Path) -> None:
    render_site(make_content(), make_config(home_events=1), [THEME], tmp_path, search=False)
    home = parse(tmp_path / "index.html")
    event_links = [a["href"] for t, a in home.tags if t == "a" and "/events/" in str(a.get("href"))]
    assert event_links == [f"{BASE_PATH}events/resignation/"]


def test_an_earlier_theme_folder_overrides_templates_and_static_files(tmp_path: Path) -> None:
    user = tmp_path / "user"
    (user / "templates").mkdir(parents=True)
    (user / "static" / "css").mkdir(parents=True)
    (user / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Lost at sea</h1>{% endblock %}', encoding="utf-8"
    )
    (user / "static" / "css" / "site.css").write_text("body { color: red; }\n", encoding="utf-8")
    out = tmp_path / "out"
    render_site(make_content(), make_config(), [user, THEME], out, search=False)
    assert "Lost at sea" in (out / "404.html").read_text(encoding="utf-8")
    assert (out / "static/css/site.css").read_text(encoding="utf-8") == "body { color: red; }\n"
    assert (out / "static/js/search.js").is_file()  # still from the default theme


def test_an_empty_site_still_renders(tmp_path: Path) -> None:
    report = render_site(SiteContent((), ()), make_config(), [THEME], tmp_path, search=False)
    assert "index.html" in report.files and "feed.xml" in report.files
    assert not feedparser.parse((tmp_path / "feed.xml").read_bytes()).bozo


def test_two_renders_are_byte_identical_including_the_search_index(site: Path, tmp_path: Path) -> None:
    render_site(make_content(), make_config(name_page_min_articles=1), [THEME], tmp_path)
    first, second = all_files(site), all_files(tmp_path)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_a_hand_made_path_cannot_escape_the_site(tmp_path: Path) -> None:
    evil = _article("../../outside.md", "Escape", datetime(2025, 4, 1, tzinfo=UTC) + timedelta(hours=1))
    out = tmp_path / "out"
    report = render_site(SiteContent((evil,), ()), make_config(), [THEME], out, search=False)
    assert not (tmp_path / "outside").exists()
    assert all(not name.startswith("..") and "/../" not in name for name in report.files)


def test_spellings_that_share_a_slug_share_one_page_listing_each_article_once(site: Path) -> None:
    page = parse(site / "tags/geneve/index.html")
    article_links = [a["href"] for t, a in page.tags if t == "a" and "/articles/" in str(a.get("href"))]
    assert article_links == [f"{BASE_PATH}articles/2025/04/talks-open/"]


def test_a_name_in_fewer_articles_than_the_setting_has_no_page_and_no_link(tmp_path: Path) -> None:
    render_site(make_content(), make_config(), [THEME], tmp_path, search=False)
    # In two articles: a page, listed, and linked from each article. In one: none of these.
    assert (tmp_path / "people/zoe-nandu/index.html").is_file()
    assert (tmp_path / "tags/diplomacy/index.html").is_file()
    assert not (tmp_path / "tags/geneve").exists() and not (tmp_path / "people").joinpath("東京").exists()
    people_index = (tmp_path / "people/index.html").read_text(encoding="utf-8")
    assert "zoe-nandu/" in people_index and "東京" not in people_index
    page = parse(tmp_path / "articles/2025/04/talks-open/index.html")
    links = {str(a.get("href")) for t, a in page.tags if t == "a"}
    assert f"{BASE_PATH}tags/diplomacy/" in links and f"{BASE_PATH}people/zoe-nandu/" in links
    assert not any("/tags/geneve" in link for link in links)
    assert "Genève" in (tmp_path / "articles/2025/04/talks-open/index.html").read_text(encoding="utf-8")
    sitemap_text = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "tags/geneve" not in sitemap_text and "tags/diplomacy/" in sitemap_text


def test_naive_dates_are_read_as_site_time(tmp_path: Path) -> None:
    naive = _article("2025/04/late.md", "Late", datetime(2025, 4, 19, 23, 30))
    render_site(
        SiteContent((naive,), ()), make_config(timezone="Asia/Tokyo"), [THEME], tmp_path, search=False
    )
    assert (tmp_path / "archive/2025/04/19/index.html").is_file()
    assert "Sat, 19 Apr 2025 14:30:00 GMT" in (tmp_path / "feed.xml").read_text(encoding="utf-8")


def test_list_items_come_from_the_themes_macro_at_each_level(tmp_path: Path) -> None:
    content = make_content()
    theme = tmp_path / "override"
    (theme / "templates").mkdir(parents=True)
    # A project override of the item macro alone: every list page uses it.
    (theme / "templates" / "macros.html").write_text(
        "{% macro article_item(article, show_event=none, level=3) %}"
        "<li class=mine>{{ article.title }} h{{ level }}</li>{% endmacro %}"
    )
    site = tmp_path / "site"
    render_site(content, make_config(), [theme, THEME], site, search=False)
    source_page = (site / "sources" / "daily-planet" / "index.html").read_text()
    day_page = (site / "archive" / "2025" / "05" / "03" / "index.html").read_text()
    assert "<li class=mine>Minister replaced h2</li>" in source_page
    assert "<li class=mine>Minister replaced h2</li>" in day_page
    home = (site / "index.html").read_text()
    assert "<li class=mine>Minister replaced h3</li>" in home  # the home page's level, made apart
    hostile_day = (site / "archive" / "2025" / "05" / "02" / "index.html").read_text()
    assert "<li class=mine>Minister &lt;script&gt;alert(" in hostile_day  # still escaped


def test_pages_are_made_from_templates_compiled_before_any_worker_forks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each slice of pages is made by a newly forked worker: one that loaded and compiled the
    # templates (a page's own, the one it extends, the macros it imports) would do so per slice.
    outputs, _ = site_outputs(make_content(), make_config(), [THEME])

    def no_loading(*_: object) -> None:
        raise AssertionError("a template was loaded after the plan was made")

    monkeypatch.setattr(FileSystemLoader, "get_source", no_loading)
    pages = [output for output in outputs if output.kind == "page"]
    assert {"index.html", "search/index.html"} <= {output.path for output in pages}
    for output in pages:
        assert "</html>" in str(output.make())


def test_the_search_weights_are_stored_and_let_go_before_the_pages_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 100,000 articles the index and the weights are most of a gigabyte, and the pages'
    # workers fork from this process: the index files come first, then all that is let go.
    content = make_content()
    cache = SearchCache(terms=tmp_path / "terms", index=tmp_path / "index")
    weights_when_pages_begin: list[int] = []

    def watching(outputs: list[Output], *rest: Any) -> tuple[str, ...]:
        if outputs and outputs[0].kind == "page":
            weights_when_pages_begin.append(len(cache.weights))
        return make_outputs(outputs, *rest)

    monkeypatch.setattr("generator.render.make_outputs", watching)
    report = render_site(content, make_config(), [THEME], tmp_path / "site", search_cache=cache)
    assert weights_when_pages_begin == [0]
    assert load_cache(tmp_path / "terms") == {weights_key(a): term_weights(a) for a in content.articles}
    assert any(path.startswith("search/data/d/") for path in report.files)
    cache.save()  # after letting go, saving again must not empty the store
    assert len(load_cache(tmp_path / "terms")) == len(content.articles)


def test_list_pages_show_items_made_before_any_worker_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    # A list page made in a forked worker read every article it lists, and so copied the memory
    # pages their fields lie on; the items are made ahead in the build process, and workers
    # only read them.
    content = make_content()
    outputs, _ = site_outputs(content, make_config(), [THEME])
    lists = [output for output in outputs if output.prepare is not None]
    assert {"sources/daily-planet/index.html", "archive/2025/04/index.html"} <= {o.path for o in lists}
    for output in lists:
        output.prepare()  # type: ignore[misc]
    env = cast(partial[str], lists[0].make).args[0]

    def no_macro(*_: object, **__: object) -> None:
        raise AssertionError("an item was made after the items were made ahead")

    monkeypatch.setattr(env.get_template("macros.html").module, "article_item", no_macro)
    for output in lists:
        page = str(output.make())
        assert '<ol class="stories">' in page
    listed = str(next(o for o in lists if o.path == "archive/2025/04/index.html").make())
    april = [article.title for article in content.articles if article.date.month == 4]
    assert len(april) == 2 and all(html.escape(title) in listed for title in april)


def test_only_the_outputs_to_make_prepare_and_they_do_so_before_the_workers_fork(tmp_path: Path) -> None:
    build_process = os.getpid()
    prepared: list[tuple[str, int]] = []

    def output(number: int) -> Output:
        name = f"page-{number}.html"
        return Output(name, f"print-{number}", lambda: f"made in {os.getpid()}",
                      prepare=lambda: prepared.append((name, os.getpid())))  # fmt: skip

    outputs = [output(number) for number in range(300)]
    first = make_outputs(outputs, tmp_path, {}, workers=2)
    assert len(first) == 300 and sorted(prepared) == sorted((o.path, build_process) for o in outputs)
    # The pages were made by workers, which the preparation came before.
    assert f"made in {build_process}" not in {p.read_text() for p in tmp_path.iterdir()}
    prepared.clear()
    previous = {o.path: o.fingerprint for o in outputs}
    previous["page-7.html"] = "an older print"
    make_outputs(outputs, tmp_path, previous, workers=2)
    assert prepared == [("page-7.html", build_process)]


def site_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_with_workers_a_site_brought_up_to_date_has_its_search_index_made_alongside_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    makers = tmp_path / "made-by"
    original = render.make_search_files

    def recording(*args: Any) -> render.SearchFiles:
        with makers.open("a") as record:  # a forked process's memory does not come back
            record.write(f"{os.getpid()}\n")
        return original(*args)

    monkeypatch.setattr(render, "make_search_files", recording)
    content, config = make_content(), make_config()
    alone = render_site(content, config, [THEME], tmp_path / "one", workers=1)
    # Made from nothing, the index comes first, here; brought up to date, alongside.
    before = render_site(content, make_config(feed_items=2), [THEME], tmp_path / "two", workers=2)
    alongside = render_site(
        content, config, [THEME], tmp_path / "two", previous=before.fingerprints, workers=2
    )
    here, first, second = makers.read_text().split()
    assert here == first == str(os.getpid()) and second != here
    assert alongside.fingerprints == alone.fingerprints
    assert site_files(tmp_path / "two") == site_files(tmp_path / "one")
    again = render_site(
        content, config, [THEME], tmp_path / "two", previous=alongside.fingerprints, workers=2
    )
    assert again.written == () and again.fingerprints == alone.fingerprints


def test_a_search_index_that_fails_alongside_the_pages_fails_the_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_: object) -> list[Output]:
        raise RuntimeError("the index could not be planned")

    first = render_site(make_content(), make_config(), [THEME], tmp_path / "site", workers=2)
    monkeypatch.setattr(render, "search_index_outputs", failing)
    with pytest.raises(RuntimeError, match="could not be planned"):
        render_site(
            make_content(), make_config(feed_items=2), [THEME], tmp_path / "site",
            previous=first.fingerprints, workers=2,
        )  # fmt: skip
    assert not multiprocessing.active_children()
