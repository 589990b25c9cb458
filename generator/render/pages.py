"""HTML pages: the Jinja2 environment, the site's indexes, and one function per kind of page."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)
from markupsafe import Markup

from generator.config import SiteConfig
from generator.model import Article, Event, SiteContent
from generator.render import digest, urls
from generator.render.markdown import markdown_to_html

HOME_ARTICLES = 30

# The heading level `list.html` gives each article it lists (see `make_list_items`).
LIST_ITEM_LEVEL = 2


def format_day(day: date) -> str:
    """ "19 April 2025"."""
    return f"{day.day} {day:%B %Y}"


def format_date(value: datetime, config: SiteConfig) -> str:
    """ "19 April 2025" in the site's time zone."""
    return format_day(value.astimezone(config.zone).date())


def day_span(a: date, b: date) -> str:
    """ "18–19 April 2025", "30 March – 2 April 2025" or one date, for calendar days."""
    if a == b:
        return format_day(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%B %Y}"
    if a.year == b.year:
        return f"{a.day} {a:%B} – {b.day} {b:%B %Y}"
    return f"{format_day(a)} – {format_day(b)}"


def date_range(start: datetime, end: datetime, config: SiteConfig) -> str:
    """ "18–19 April 2025", "30 March – 2 April 2025" or one date, in the site's time zone."""
    return day_span(start.astimezone(config.zone).date(), end.astimezone(config.zone).date())


def period_title(period: digest.PeriodDigest) -> str:
    """ "19 November 2025" for a day, "Week 47, 2025" for an ISO week."""
    if period.kind == "day":
        return format_day(period.first)
    return week_title(*period.iso_week)


def week_title(year: int, week: int) -> str:
    """ "Week 47, 2025" for an ISO year and week."""
    return f"Week {week}, {year}"


def counted(count: int, noun: str) -> str:
    """ "1 event", "4 events"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def safe_external_url(url: str | None) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:) is shown as text or not at all."""
    if (
        url
        and url.strip().lower().startswith(("http://", "https://"))
        and not any(c in url for c in '"<> \n')
    ):
        return url.strip()
    return None


@dataclass
class SiteIndex:
    """Articles grouped every way the site lists them."""

    event_of: dict[str, Event] = field(default_factory=dict)
    by_source: dict[str, list[Article]] = field(default_factory=lambda: defaultdict(list))
    by_tag: dict[str, list[Article]] = field(default_factory=lambda: defaultdict(list))
    by_person: dict[str, list[Article]] = field(default_factory=lambda: defaultdict(list))
    by_day: dict[str, list[Article]] = field(default_factory=lambda: defaultdict(list))
    by_month: dict[str, list[Article]] = field(default_factory=lambda: defaultdict(list))
    tag_names: dict[str, str] = field(default_factory=dict)
    person_names: dict[str, str] = field(default_factory=dict)
    source_names: dict[str, str] = field(default_factory=dict)
    digest_days: list[digest.PeriodDigest] = field(default_factory=list)
    digest_weeks: list[digest.PeriodDigest] = field(default_factory=list)


def build_index(content: SiteContent, config: SiteConfig) -> SiteIndex:
    """Group the (newest-first) articles by event, source, tag, person, day and month; digest the
    events by day and by ISO week."""
    index = SiteIndex()
    for event in content.events:
        for article in event.articles:
            index.event_of[article.path] = event
    for article in content.articles:
        # A syndicated text stored once is listed under every outlet that ran it, once per
        # source page even when two spellings of a name share one.
        publishers = [article.source] if article.source else []
        publishers += [p.source for p in article.also_published]
        pages_of: dict[str, str] = {}
        for name in publishers:
            pages_of.setdefault(urls.source_path(name), name)
        for path, name in pages_of.items():
            index.by_source[path].append(article)
            index.source_names.setdefault(path, name)
        # Two spellings of one tag share a slug: the article is listed once (a set, not a scan
        # of the list, which was quadratic on large sites).
        tag_paths = [urls.tag_path(tag) for tag in article.tags]
        for path in dict.fromkeys(tag_paths):
            index.by_tag[path].append(article)
        for path, tag in zip(tag_paths, article.tags, strict=True):
            index.tag_names.setdefault(path, tag)
        person_paths = [urls.person_path(person) for person in article.people]
        for path in dict.fromkeys(person_paths):
            index.by_person[path].append(article)
        for path, person in zip(person_paths, article.people, strict=True):
            index.person_names.setdefault(path, person)
        index.by_day[urls.day_path(article.date, config.zone)].append(article)
        index.by_month[urls.month_path(article.date, config.zone)].append(article)
    # A page that lists one article leads nowhere the article page does not: most names in a
    # news digest occur once, and their pages were most of a large site.
    for listed, names in ((index.by_tag, index.tag_names), (index.by_person, index.person_names)):
        for path in [p for p, found in listed.items() if len(found) < config.name_page_min_articles]:
            del listed[path], names[path]
    index.digest_days = digest.period_digests(content, config.zone, "day")
    index.digest_weeks = digest.period_digests(content, config.zone, "week")
    return index


def make_environment(theme_dirs: Sequence[Path], config: SiteConfig) -> Environment:
    """A Jinja2 environment over the theme folders (first wins), autoescaping, with the site's helpers."""
    loader = ChoiceLoader(
        [FileSystemLoader(str(d / "templates")) for d in theme_dirs if (d / "templates").is_dir()]
    )
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates do not change during a build: no file-system check per page.
        auto_reload=False,
    )
    env.filters["date"] = lambda value: format_date(value, config)
    env.filters["isodate"] = lambda value: value.astimezone(config.zone).date().isoformat()
    env.filters["month"] = lambda value: value.astimezone(config.zone).strftime("%Y-%m")
    env.filters["markdown"] = lambda text: Markup(markdown_to_html(text))  # raw HTML shows as text
    env.globals.update(
        config=config,
        link=lambda path: urls.link(config, path),
        absolute=config.absolute_url,
        article_url=lambda article: urls.link(config, urls.article_path(article)),
        event_url=lambda slug: urls.link(config, urls.event_path(slug)),
        source_url=lambda name: urls.link(config, urls.source_path(name)),
        tag_url=lambda tag: urls.link(config, urls.tag_path(tag)),
        person_url=lambda name: urls.link(config, urls.person_path(name)),
        day_url=lambda date: urls.link(config, urls.day_path(date, config.zone)),
        month_url=lambda date: urls.link(config, urls.month_path(date, config.zone)),
        digest_day_url=lambda date: urls.link(
            config, urls.digest_day_path(digest.local_day(date, config.zone))
        ),
        counted=counted,
        date_range=lambda start, end: date_range(start, end, config),
        external_url=safe_external_url,
        article_item=_remembered_items(env),
    )
    return env


def _remembered_items(env: Environment) -> Callable[..., Markup]:
    """`article_item(article, show_event=None, level=3)`: the theme's `macros.html` macro of that
    name, made once per article in a process and reused.

    An article is listed on its day's, month's, source's and every tag's and person's page, and a
    long list page is mostly these items: rendering each once made those pages several times
    faster. The item depends only on its arguments and the site's settings.
    """
    made: dict[tuple[int, int, int], tuple[object, object, Markup]] = {}

    def article_item(article: Article, show_event: Event | None = None, level: int = 3) -> Markup:
        key = (id(article), id(show_event), level)
        found = made.get(key)
        # The objects are kept with the item, so an id cannot be reused by another article.
        if found is None or found[0] is not article or found[1] is not show_event:
            macro = env.get_template("macros.html").module.article_item  # type: ignore[attr-defined]
            found = made[key] = (
                article,
                show_event,
                Markup(macro(article, show_event=show_event, level=level)),
            )
        return found[2]

    return article_item


def make_list_items(env: Environment, articles: Sequence[Article]) -> None:
    """Make the list item of each article (see `_remembered_items`) here and now, ahead of its page.

    A list page made in a forked worker read every article it lists, and reading an object writes
    its reference count: the worker copied the memory pages the articles' fields lie on. In a
    100,000-article site, a slice of 1,000 pages holding the 60 source pages (every article) and
    the names indexes held 1,003 MiB of its own, 474 MiB with the items made ahead. Items made
    in the build process before the workers fork are made once, lie side by side, and are all a
    worker reads.
    A theme whose `list.html` lists articles another way is still right, only not helped.
    """
    article_item = env.globals["article_item"]
    for article in articles:
        article_item(article, level=LIST_ITEM_LEVEL)  # type: ignore[operator]


@dataclass(frozen=True)
class Page:
    """One page to write: its site path, template and variables."""

    path: str
    template: str
    title: str
    description: str
    values: dict[str, Any] = field(default_factory=dict)


def _list_page(path: str, title: str, description: str, articles: list[Article], kind: str) -> Page:
    # The index's own list, not a copy: nothing changes it once built (22,000 copies at 10k).
    return Page(path, "list.html", title, description, {"articles": articles, "kind": kind})


def site_pages(content: SiteContent, index: SiteIndex, config: SiteConfig) -> list[Page]:
    """Every HTML page of the site, in a stable order."""
    pages = [
        Page("", "index.html", config.title, config.description,
             {"events": content.events[: config.home_events], "articles": content.articles[:HOME_ARTICLES]}),
        Page("search/", "search.html", "Search", f"Search {config.title}", {
            "events": sorted(content.events, key=lambda e: e.title.lower()),
            "sources": sorted(index.source_names.values(), key=str.lower),
            "months": [articles[0].date for _, articles in sorted(index.by_month.items(), reverse=True)],
        }),
        Page("404.html", "404.html", "Page not found", "This page does not exist.", {}),
    ]  # fmt: skip
    for event in content.events:
        sources = ", ".join(event.sources) or "one source"
        pages.append(Page(urls.event_path(event.slug), "event.html", event.title,
                          f"{len(event.articles)} reports from {sources}.", {"event": event}))  # fmt: skip
    person_path, tag_path, by_person, by_tag = urls.person_path, urls.tag_path, index.by_person, index.by_tag
    for article in content.articles:
        # Which of its names have a page of their own: part of the page's inputs, since another
        # article naming the same person can give them one.
        linked_people = tuple([n for n in article.people if person_path(n) in by_person])
        linked_tags = tuple([t for t in article.tags if tag_path(t) in by_tag])
        pages.append(Page(urls.article_path(article), "article.html", article.title,
                          article.summary[:300] or article.title,
                          {"article": article, "event": index.event_of.get(article.path),
                           "linked_people": linked_people, "linked_tags": linked_tags}))  # fmt: skip
    pages.append(Page("sources/", "names.html", "Sources", "Every outlet in the digest.",
                      {"names": _names(index.by_source, index.source_names), "kind": "source"}))  # fmt: skip
    at_least = config.name_page_min_articles
    recurring = "" if at_least == 1 else f" in {at_least} or more articles"
    pages.append(Page("tags/", "names.html", "Topics", f"Every topic of the digest{recurring}.",
                      {"names": _names(index.by_tag, index.tag_names), "kind": "tag"}))  # fmt: skip
    pages.append(Page("people/", "names.html", "People", f"Everyone the digest names{recurring}.",
                      {"names": _names(index.by_person, index.person_names), "kind": "person"}))  # fmt: skip
    for path, articles in sorted(index.by_source.items()):
        name = index.source_names[path]
        pages.append(_list_page(path, name, f"Articles from {name}.", articles, "source"))
    for path, articles in sorted(index.by_tag.items()):
        name = index.tag_names[path]
        pages.append(_list_page(path, f"Topic: {name}", f"Articles about {name}.", articles, "tag"))
    for path, articles in sorted(index.by_person.items()):
        name = index.person_names[path]
        pages.append(_list_page(path, name, f"Articles that name {name}.", articles, "person"))
    months = sorted(index.by_month.items(), reverse=True)
    pages.append(Page("archive/", "archive.html", "Archive", "Every article by month.",
                      {"months": [(articles[0].date, len(articles)) for _, articles in months]}))  # fmt: skip
    for path, articles in months:
        label = f"{articles[0].date.astimezone(config.zone):%B %Y}"
        days = sorted(
            {a.date.astimezone(config.zone).date(): a.date for a in articles}.values(), reverse=True
        )
        pages.append(Page(path, "list.html", label, f"Articles of {label}.",
                          {"articles": articles, "kind": "month", "days": days}))  # fmt: skip
    for path, articles in sorted(index.by_day.items(), reverse=True):
        label = format_date(articles[0].date, config)
        pages.append(_list_page(path, label, f"Articles of {label}.", articles, "day"))
    pages.extend(digest_pages(index, config))
    return pages


@dataclass(frozen=True)
class PeriodLink:
    """A link to a digest, with the counts an index shows (zero where a link shows none)."""

    path: str
    title: str
    span: str = ""
    events: int = 0
    reports: int = 0


def _link_to(period: digest.PeriodDigest | None, counts: bool = False) -> PeriodLink | None:
    # A previous/next link carries no counts: a neighbour's new report must not rewrite this page.
    if period is None:
        return None
    if not counts:
        return PeriodLink(period.path, period_title(period))
    span = day_span(period.first, period.last)
    return PeriodLink(period.path, period_title(period), span, len(period.stories), period.report_count)


def digest_pages(index: SiteIndex, config: SiteConfig) -> list[Page]:
    """The digest index, then a page per day and per ISO week with previous/next links."""
    days_of_week = digest.days_by_week(index.digest_days)
    weeks = [
        (_link_to(week, counts=True), [_link_to(day, counts=True) for day in days_of_week[week.first]])
        for week in index.digest_weeks
    ]
    pages = [Page(urls.DIGEST_PATH, "digest_index.html", "Digest",
                  "What happened each day and each week, event by event.", {"weeks": weeks})]  # fmt: skip
    for periods in (index.digest_days, index.digest_weeks):
        for period, (older, newer) in zip(periods, digest.neighbours(periods), strict=True):
            title = period_title(period)
            values: dict[str, Any] = {
                "digest": period, "heading": title, "older": _link_to(older), "newer": _link_to(newer),
            }  # fmt: skip
            if period.kind == "day":
                iso_week = period.iso_week
                values["week"] = PeriodLink(urls.digest_week_path(*iso_week), week_title(*iso_week))
                values["archive_day"] = urls.day_path(period.newest, config.zone)
            else:
                # Monday to Sunday reads best inside one week.
                values["days"] = [_link_to(day, counts=True) for day in reversed(days_of_week[period.first])]
                values["span"] = day_span(period.first, period.last)
            description = (
                f"{counted(len(period.stories), 'event')} and {counted(period.report_count, 'report')}"
                f" of {title if period.kind == 'day' else day_span(period.first, period.last)}."
            )
            pages.append(Page(period.path, "digest.html", f"Digest: {title}", description, values))
    return pages


def _names(groups: dict[str, list[Article]], names: dict[str, str]) -> list[tuple[str, str, int]]:
    """(name, path, count) sorted by count then name."""
    return sorted(
        ((names[p], p, len(a)) for p, a in groups.items()), key=lambda item: (-item[2], item[0].lower())
    )


def compile_templates(env: Environment) -> None:
    """Compile every template of the theme, and the macros, once, in this process, so that every
    forked worker starts with them instead of compiling its own (one per slice of pages)."""
    for name in env.list_templates():
        # A template that does not compile is reported where a page uses it, as before.
        with contextlib.suppress(TemplateError):
            env.get_template(name)
    env.get_template("macros.html").module  # noqa: B018 (made once and kept by the template)


def page_reads(page: Page) -> int:
    """Roughly how many articles, names or reports making `page` reads: one per item of each
    list among its values, per article of its event, per report of its digest."""
    reads = 1
    for value in page.values.values():
        if isinstance(value, digest.PeriodDigest):
            reads += value.report_count
        elif isinstance(value, Event):
            reads += len(value.articles)
        elif isinstance(value, (list, tuple)):
            reads += len(value)
    return reads


def render_page(env: Environment, page: Page) -> str:
    """The HTML of one page."""
    template = env.get_template(page.template)
    return template.render(page=page, **page.values)
