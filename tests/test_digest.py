"""The digest: a page per day and per ISO week of the events that moved, an index, and a feed of the days."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from generator.model import Event, SiteContent
from generator.render import RenderReport, render_site
from generator.render.digest import period_digests

from .test_render import (
    BASE_PATH,
    BASE_URL,
    THEME,
    _article,
    _Collector,
    all_files,
    html_pages,
    make_config,
    parse,
    site_file,
)

# Berlin is an hour ahead of UTC in November: 23:30 UTC on the 18th is the 19th there.
ZONE = "Europe/Berlin"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


def make_digest_content(*extra: Event) -> SiteContent:
    """Three events over two ISO weeks, a lone-article event in the ISO week of the next year, and an
    article in no event.

    In Berlin time: 17 Nov talks open; 19 Nov two talks reports, the storm warning (00:30), the museum
    (19:00) and the council report (in no event); 20 Nov the storm; 24 Nov the deal; 29 Dec the review.
    """
    a1 = _article("2025/11/talks-open.md", "Talks open", at(17, 9), source="Daily Planet")
    a2 = _article("2025/11/talks-resume.md", "Talks resume", at(19, 8), source="Le Monde")
    a3 = _article("2025/11/talks-stall.md", "Talks stall", at(19, 15), source="Daily Planet")
    a4 = _article("2025/11/deal-reached.md", "Deal reached", at(24, 10), source="Wire")
    b1 = _article("2025/11/storm-warning.md", "Storm warning", at(18, 23, 30), source="Met Office")
    b2 = _article("2025/11/storm-hits.md", "Storm hits the coast", at(20, 6), source="Wire")
    c1 = _article("2025/11/museum-reopens.md", "Museum reopens", at(19, 18), source="Arts Desk")
    loose = _article("2025/11/council-meets.md", "Council meets", at(19, 12), source="Town Crier")
    d1 = _article("2025/12/year-review.md", "The year in review", at(29, 10, month=12), source="Wire")
    events = [
        Event("talks", "Geneva talks", (a1, a2, a3, a4), ("Talks opened.", "A deal followed.")),
        Event("storm", "The storm", (b1, b2), ("A storm hit the coast.",)),
        Event("museum", "Museum reopens", (c1,), ("The museum reopened.",)),
        Event("review", "The year in review", (d1,), ("A look back.",)),
        *extra,
    ]
    articles = [a for e in events for a in e.articles] + [loose]
    return SiteContent(
        articles=tuple(sorted(articles, key=lambda a: (a.date, a.path), reverse=True)),
        events=tuple(sorted(events, key=lambda e: (e.end, e.start, e.slug), reverse=True)),
    )


def render(
    content: SiteContent, out: Path, previous: dict[str, str] | None = None, **config: object
) -> RenderReport:
    return render_site(
        content, make_config(timezone=ZONE, **config), [THEME], out, search=False, previous=previous
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("digest")
    render(make_digest_content(), out)
    return out


def hrefs(page: Path, under: str = "") -> list[str]:
    """The links of a page's main content, in order, that start with `BASE_PATH + under`."""
    text = page.read_text(encoding="utf-8")
    main = text[text.index("<main") : text.index("</main>")]
    collector = _Collector()
    collector.feed(main)
    return [
        str(a["href"])
        for t, a in collector.tags
        if t == "a" and str(a.get("href")).startswith(BASE_PATH + under)
    ]


def rel_links(page: Path) -> dict[str, str]:
    return {str(a["rel"]): str(a["href"]) for t, a in parse(page).tags if t == "a" and a.get("rel")}


def test_the_digest_pages_and_feed_are_written_at_their_urls(site: Path) -> None:
    written = sorted(p.relative_to(site).as_posix() for p in (site / "digest").rglob("*") if p.is_file())
    assert written == [
        "digest/2025/11/17/index.html", "digest/2025/11/19/index.html", "digest/2025/11/20/index.html",
        "digest/2025/11/24/index.html", "digest/2025/12/29/index.html",
        "digest/2025/w47/index.html", "digest/2025/w48/index.html",
        "digest/2026/w01/index.html",  # 29 December 2025 is in ISO week 1 of 2026
        "digest/feed.xml", "digest/index.html",
    ]  # fmt: skip


def test_a_day_digest_lists_exactly_the_events_with_a_report_that_day(site: Path) -> None:
    page = site / "digest/2025/11/19/index.html"
    text = page.read_text(encoding="utf-8")
    # Most reports that day first, then the latest report: museum 19:00 before storm 00:30.
    assert hrefs(page, "events/") == [f"{BASE_PATH}events/{slug}/" for slug in ("talks", "museum", "storm")]
    assert hrefs(page, "articles/") == [
        f"{BASE_PATH}articles/2025/11/{slug}/"
        for slug in ("talks-resume", "talks-stall", "museum-reopens", "storm-warning", "council-meets")
    ]
    for summary in ("Talks opened. A deal followed.", "The museum reopened.", "A storm hit the coast."):
        assert summary in text
    assert "A look back." not in text and "Deal reached" not in text
    assert "+1 earlier report" in text and "+1 later report" in text
    assert "17–24 November 2025" in text  # the talks' whole span
    assert "Other reports" in text and "Town Crier" in text


def test_every_link_on_the_digest_pages_resolves_to_a_written_file(site: Path) -> None:
    pages = [p for p in html_pages(site) if p.relative_to(site).parts[0] == "digest"]
    assert len(pages) == 9
    for page in pages:
        for tag, attrs in parse(page).tags:
            href = attrs.get("href")
            if tag in ("a", "link") and href and href.startswith(BASE_PATH):
                assert site_file(site, href).is_file(), (page, href)


def test_a_week_digest_aggregates_its_days(site: Path) -> None:
    week = site / "digest/2025/w47/index.html"
    days = ["digest/2025/11/17/index.html", "digest/2025/11/19/index.html", "digest/2025/11/20/index.html"]
    day_articles = [link for day in days for link in hrefs(site / day, "articles/")]
    assert sorted(hrefs(week, "articles/")) == sorted(day_articles)
    # Ordered by reports in the week: the talks (3), the storm (2), the museum (1).
    assert hrefs(week, "events/") == [f"{BASE_PATH}events/{slug}/" for slug in ("talks", "storm", "museum")]
    assert hrefs(week, "digest/2025/11/")[:3] == [
        f"{BASE_PATH}{day.removesuffix('index.html')}" for day in days
    ]
    text = week.read_text(encoding="utf-8")
    assert "Week 47, 2025" in text and "17–23 November 2025" in text
    assert "+1 later report" in text  # the deal, in week 48
    assert "+3 earlier reports" in (site / "digest/2025/w48/index.html").read_text(encoding="utf-8")


def test_days_are_the_site_time_zone_s(tmp_path: Path) -> None:
    render_site(make_digest_content(), make_config(), [THEME], tmp_path, search=False)
    # In UTC the storm warning (23:30) stays on the 18th.
    assert hrefs(tmp_path / "digest/2025/11/18/index.html", "articles/") == [
        f"{BASE_PATH}articles/2025/11/storm-warning/"
    ]


def test_previous_and_next_link_only_days_and_weeks_that_exist(site: Path) -> None:
    days = ["2025/11/17", "2025/11/19", "2025/11/20", "2025/11/24", "2025/12/29"]
    for position, day in enumerate(days):
        expected = {}
        if position > 0:
            expected["prev"] = f"{BASE_PATH}digest/{days[position - 1]}/"
        if position + 1 < len(days):
            expected["next"] = f"{BASE_PATH}digest/{days[position + 1]}/"
        assert rel_links(site / f"digest/{day}/index.html") == expected, day
    weeks = ["2025/w47", "2025/w48", "2026/w01"]
    assert rel_links(site / "digest/2025/w47/index.html") == {"next": f"{BASE_PATH}digest/2025/w48/"}
    assert rel_links(site / "digest/2025/w48/index.html") == {
        "prev": f"{BASE_PATH}digest/{weeks[0]}/",
        "next": f"{BASE_PATH}digest/{weeks[2]}/",
    }
    assert rel_links(site / "digest/2026/w01/index.html") == {"prev": f"{BASE_PATH}digest/2025/w48/"}


def test_the_index_lists_weeks_and_days_newest_first_with_counts_and_the_feed(site: Path) -> None:
    index = site / "digest/index.html"
    assert hrefs(index, "digest/") == [
        f"{BASE_PATH}digest/feed.xml",
        f"{BASE_PATH}digest/2026/w01/", f"{BASE_PATH}digest/2025/12/29/",
        f"{BASE_PATH}digest/2025/w48/", f"{BASE_PATH}digest/2025/11/24/",
        f"{BASE_PATH}digest/2025/w47/", f"{BASE_PATH}digest/2025/11/20/", f"{BASE_PATH}digest/2025/11/19/",
        f"{BASE_PATH}digest/2025/11/17/",
    ]  # fmt: skip
    text = index.read_text(encoding="utf-8")
    assert "3 events · 7 reports" in text  # week 47
    assert "(3 events, 5 reports)" in text  # 19 November


def test_digest_pages_link_their_feed_and_every_page_links_the_digest(site: Path) -> None:
    for page in html_pages(site):
        links = parse(page).tags
        assert ("a", {"href": f"{BASE_PATH}digest/"}) in links, page
        if page.relative_to(site).parts[0] == "digest":
            feeds = [a for t, a in links if t == "link" and a.get("href") == f"{BASE_PATH}digest/feed.xml"]
            assert feeds and feeds[0]["type"] == "application/rss+xml", page


def test_the_sitemap_lists_the_digest_pages(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for path in ("digest/", "digest/2025/11/19/", "digest/2025/w47/", "digest/2026/w01/"):
        assert f"<loc>{BASE_URL}{path}</loc>" in sitemap


def test_the_digest_feed_has_one_item_per_day_newest_first(site: Path) -> None:
    parsed = feedparser.parse((site / "digest/feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [link["href"] for link in parsed.feed.links if link.get("rel") == "self"] == [
        BASE_URL + "digest/feed.xml"
    ]
    days = ["2025/12/29", "2025/11/24", "2025/11/20", "2025/11/19", "2025/11/17"]
    assert [entry.link for entry in parsed.entries] == [f"{BASE_URL}digest/{day}/" for day in days]
    for entry in parsed.entries:
        assert entry.id == entry.link and entry.guidislink is False
        assert site_file(site, entry.link).is_file()
    nineteenth = parsed.entries[3]
    assert nineteenth.title == "19 November 2025: 3 events, 1 other report"
    assert parsed.entries[0].title == "29 December 2025: 1 event"
    # The newest article of the day, never the clock.
    assert calendar.timegm(nineteenth.published_parsed) == at(19, 18).timestamp()
    assert parsed.feed.updated == "Mon, 29 Dec 2025 10:00:00 GMT"
    description = nineteenth.description
    for text in ("Geneva talks", "Talks opened. A deal followed.", "Museum reopens", "+1 earlier report"):
        assert text in description
    assert f'href="{BASE_URL}events/talks/"' in description
    assert f'href="{BASE_URL}articles/2025/11/talks-stall/"' in description


def test_the_digest_feed_keeps_the_newest_days(tmp_path: Path) -> None:
    render(make_digest_content(), tmp_path, feed_items=2)
    parsed = feedparser.parse((tmp_path / "digest/feed.xml").read_bytes())
    assert [entry.link for entry in parsed.entries] == [
        f"{BASE_URL}digest/2025/12/29/",
        f"{BASE_URL}digest/2025/11/24/",
    ]


def test_two_renders_are_byte_identical(site: Path, tmp_path: Path) -> None:
    render(make_digest_content(), tmp_path)
    first, second = all_files(site), all_files(tmp_path)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def _lone(slug: str, title: str, date: datetime) -> Event:
    article = _article(f"2025/11/{slug}.md", title, date, source="Wire")
    return Event(slug, title, (article,), (f"{title}.",))


def _digest_written(previous: RenderReport, content: SiteContent, out: Path) -> set[str]:
    report = render(content, out, previous=previous.fingerprints)
    return {path for path in report.written if path.startswith("digest/")}


def test_one_new_article_rewrites_only_its_day_and_week_the_index_and_the_feed(tmp_path: Path) -> None:
    first = render(make_digest_content(), tmp_path)
    added = make_digest_content(_lone("bridge-opens", "Bridge opens", at(20, 12)))
    assert _digest_written(first, added, tmp_path) == {
        "digest/2025/11/20/index.html", "digest/2025/w47/index.html", "digest/index.html", "digest/feed.xml",
    }  # fmt: skip
    assert "Bridge opens" in (tmp_path / "digest/2025/11/20/index.html").read_text(encoding="utf-8")
    # Rendering the same content again writes nothing.
    again = render(added, tmp_path)
    assert render(added, tmp_path, previous=again.fingerprints).written == ()


def test_an_article_on_a_new_day_also_rewrites_the_neighbours_links(tmp_path: Path) -> None:
    first = render(make_digest_content(), tmp_path)
    added = make_digest_content(_lone("bridge-opens", "Bridge opens", at(22, 12)))
    assert _digest_written(first, added, tmp_path) == {
        "digest/2025/11/22/index.html", "digest/2025/w47/index.html", "digest/index.html", "digest/feed.xml",
        "digest/2025/11/20/index.html", "digest/2025/11/24/index.html",  # their next / previous day
    }  # fmt: skip
    assert rel_links(tmp_path / "digest/2025/11/22/index.html") == {
        "prev": f"{BASE_PATH}digest/2025/11/20/",
        "next": f"{BASE_PATH}digest/2025/11/24/",
    }


def test_an_empty_site_has_a_digest_index_and_an_empty_feed(tmp_path: Path) -> None:
    report = render(SiteContent((), ()), tmp_path)
    assert {"digest/index.html", "digest/feed.xml"} <= set(report.files)
    assert not [f for f in report.files if f.startswith("digest/2")]
    parsed = feedparser.parse((tmp_path / "digest/feed.xml").read_bytes())
    assert not parsed.bozo and parsed.entries == []


def test_ties_are_broken_by_the_latest_report_then_the_slug() -> None:
    noon = at(19, 12)
    content = SiteContent(
        articles=(),
        events=(
            _lone("b-event", "B", noon),
            _lone("a-event", "A", noon),
            _lone("later", "Later", at(19, 13)),
            dataclasses.replace(_lone("two", "Two", at(19, 1)), articles=(
                _article("2025/11/two-1.md", "Two 1", at(19, 1)), _article("2025/11/two-2.md", "Two 2", at(19, 2)),
            )),
        ),
    )  # fmt: skip
    (day,) = period_digests(content, make_config().zone, "day")
    assert [story.slug for story in day.stories] == ["two", "later", "a-event", "b-event"]
    assert day.report_count == 5 and day.newest == at(19, 13)
