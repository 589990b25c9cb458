"""The digest: what happened each day and each ISO week, told as the events that moved in it.

The archive lists articles by date; a reader catching up wants stories instead. An event *moved*
in a period when at least one of its articles is dated in it, in the site's time zone. A period's
digest holds only what its page shows (each event's title, span and summary, the period's reports,
how many came before and after), not whole articles and events, so its fingerprint changes when the
page would: one new article rewrites the digests of its day and week, not every digest of the site.

Pure functions over `SiteContent` and the site's time zone: no I/O, no clock, a stable order.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from generator.model import Article, SiteContent
from generator.render import urls

PeriodKind = Literal["day", "week"]


@dataclass(frozen=True)
class Report:
    """One article as a digest lists it."""

    title: str
    page: str  # the article page's site path
    source: str | None
    date: datetime
    also: tuple[str, ...] = ()  # other outlets that ran the same text

    @property
    def publishers(self) -> tuple[str, ...]:
        """Every outlet that published this report, its own first."""
        return ((self.source,) if self.source else ()) + self.also


@dataclass(frozen=True)
class Story:
    """An event as it moved in one period: that period's reports, and how many fall outside it."""

    slug: str
    title: str
    start: datetime
    end: datetime
    summary: tuple[str, ...]
    reports: tuple[Report, ...]  # oldest first
    earlier: int
    later: int

    @property
    def newest(self) -> datetime:
        """The time of the period's latest report of this event."""
        return self.reports[-1].date


@dataclass(frozen=True)
class PeriodDigest:
    """The events that moved in one day or ISO week, and the reports that belong to no event."""

    kind: PeriodKind
    first: date
    last: date
    path: str
    stories: tuple[Story, ...]
    other_reports: tuple[Report, ...] = ()

    @property
    def report_count(self) -> int:
        """How many articles are dated in the period."""
        return sum(len(s.reports) for s in self.stories) + len(self.other_reports)

    @property
    def newest(self) -> datetime:
        """The time of the period's latest article: what dates the period in a feed."""
        return max([s.newest for s in self.stories] + [r.date for r in self.other_reports])

    @property
    def iso_week(self) -> tuple[int, int]:
        """The ISO (year, week) the period starts in."""
        iso = self.first.isocalendar()
        return iso.year, iso.week


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The calendar day a moment falls on in the site's time zone."""
    return moment.astimezone(zone).date()


def period_start(kind: PeriodKind, moment: datetime, zone: tzinfo) -> date:
    """The key of the period a moment falls in: its day, or the Monday of its ISO week."""
    day = local_day(moment, zone)
    return day if kind == "day" else day - timedelta(days=day.weekday())


def period_path(kind: PeriodKind, first: date) -> str:
    """The site path of the digest of the period starting on `first`."""
    if kind == "day":
        return urls.digest_day_path(first)
    iso = first.isocalendar()
    return urls.digest_week_path(iso.year, iso.week)


def report_of(article: Article) -> Report:
    """What a digest shows of an article."""
    also = tuple(p.source for p in article.also_published if p.source != article.source)
    return Report(article.title, urls.article_path(article), article.source, article.date, also)


def period_digests(content: SiteContent, zone: tzinfo, kind: PeriodKind) -> list[PeriodDigest]:
    """The digest of every day (or ISO week) with at least one article, newest first.

    Events are ordered by how many reports they had in the period, then by the latest of them.
    """
    stories: dict[date, list[Story]] = defaultdict(list)
    in_events: set[str] = set()
    for event in content.events:
        ordered = sorted(event.articles, key=lambda a: (a.date, a.path))
        in_events.update(a.path for a in ordered)
        # Local days only move forward with time, so each period's reports are one run of the
        # sorted articles, and the reports before that run are the earlier ones.
        before = 0
        for first, run in itertools.groupby(ordered, key=lambda a: period_start(kind, a.date, zone)):
            reports = tuple(report_of(a) for a in run)
            after = len(ordered) - before - len(reports)
            stories[first].append(
                Story(event.slug, event.title, ordered[0].date, ordered[-1].date, event.summary,
                      reports, earlier=before, later=after)
            )  # fmt: skip
            before += len(reports)
    others: dict[date, list[Report]] = defaultdict(list)
    for article in sorted(content.articles, key=lambda a: (a.date, a.path)):
        if article.path not in in_events:
            others[period_start(kind, article.date, zone)].append(report_of(article))
    digests = []
    for first in sorted(stories.keys() | others.keys(), reverse=True):
        last = first if kind == "day" else first + timedelta(days=6)
        digests.append(
            PeriodDigest(kind, first, last, period_path(kind, first), order_stories(stories[first]),
                         tuple(others[first]))
        )  # fmt: skip
    return digests


def order_stories(stories: Sequence[Story]) -> tuple[Story, ...]:
    """Most reports in the period first, then the latest report, then the slug (so ties are stable)."""
    by_slug = sorted(stories, key=lambda s: s.slug)
    return tuple(sorted(by_slug, key=lambda s: (len(s.reports), s.newest), reverse=True))


def neighbours(
    digests: Sequence[PeriodDigest],
) -> list[tuple[PeriodDigest | None, PeriodDigest | None]]:
    """(older, newer) for each of the newest-first `digests`: only periods that have a digest."""
    return [
        (digests[i + 1] if i + 1 < len(digests) else None, digests[i - 1] if i > 0 else None)
        for i in range(len(digests))
    ]


def days_by_week(days: Sequence[PeriodDigest]) -> dict[date, list[PeriodDigest]]:
    """The day digests grouped by the Monday of their ISO week, in the order given."""
    weeks: dict[date, list[PeriodDigest]] = defaultdict(list)
    for day in days:
        weeks[day.first - timedelta(days=day.first.weekday())].append(day)
    return dict(weeks)
