"""RSS 2.0 and Atom feeds, built as XML trees (never by pasting text), with time stamps from content."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from generator.config import SiteConfig
from generator.model import Article
from generator.render import urls
from generator.render.digest import PeriodDigest, Report
from generator.render.pages import counted, period_title, safe_external_url

ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM_NS)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rfc822(value: datetime) -> str:
    """RSS dates: `Sat, 19 Apr 2025 00:00:00 GMT`."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def rfc3339(value: datetime) -> str:
    """Atom dates: `2025-04-19T00:00:00Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def item_html(article: Article) -> str:
    """An item's description: the summary, and a link to the original report."""
    parts = [f"<p>{escape(article.summary or article.title)}</p>"]
    original = safe_external_url(article.url)
    source = escape(article.source or "the original")
    if original:
        parts.append(f'<p>Read the full report at <a href="{escape(original)}">{source}</a>.</p>')
    elif article.source:
        parts.append(f"<p>Reported by {source}.</p>")
    return "".join(parts)


def xml_document(root: ET.Element) -> bytes:
    """An indented UTF-8 XML document with its declaration."""
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def rss_channel(config: SiteConfig, feed_path: str, title: str, description: str, page_path: str,
                updated: datetime | None) -> tuple[ET.Element, ET.Element]:  # fmt: skip
    """An RSS 2.0 document and its channel, dated by its newest item (`updated`), never the clock."""
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", config.absolute_url(page_path))
    _sub(channel, "description", description)
    _sub(channel, "language", config.language)
    _sub(channel, "lastBuildDate", rfc822(updated or EPOCH))
    _sub(channel, "generator", "Broadsheet")
    _sub(
        channel,
        f"{{{ATOM_NS}}}link",
        href=config.absolute_url(feed_path),
        rel="self",
        type="application/rss+xml",
    )
    return rss, channel


def rss_item(channel: ET.Element, title: str, link: str, published: datetime, html: str,
             category: str | None = None) -> ET.Element:  # fmt: skip
    """One item; its page's absolute URL is both its link and its guid, so readers never see it twice."""
    item = _sub(channel, "item")
    _sub(item, "title", title)
    _sub(item, "link", link)
    _sub(item, "guid", link, isPermaLink="true")
    _sub(item, "pubDate", rfc822(published))
    _sub(item, "description", html)
    if category:
        _sub(item, "category", category)
    return item


def rss_feed(articles: Sequence[Article], config: SiteConfig, feed_path: str, title: str, description: str,
             page_path: str = "") -> bytes:  # fmt: skip
    """An RSS 2.0 feed of the newest `config.feed_items` articles."""
    newest = sorted(articles, key=lambda a: (a.date, a.path), reverse=True)[: config.feed_items]
    rss, channel = rss_channel(
        config, feed_path, title, description, page_path, newest[0].date if newest else None
    )
    for article in newest:
        link = config.absolute_url(urls.article_path(article))
        rss_item(channel, article.title, link, article.date, item_html(article), article.source)
    return xml_document(rss)


def digest_item_title(period: PeriodDigest) -> str:
    """ "19 November 2025: 4 events", with the reports outside any event when there are some."""
    title = f"{period_title(period)}: {counted(len(period.stories), 'event')}"
    if period.other_reports:
        title += f", {counted(len(period.other_reports), 'other report')}"
    return title


def digest_item_html(period: PeriodDigest, config: SiteConfig) -> str:
    """A digest item's description: each event with its summary and that period's reports, linked."""

    def report_html(report: Report) -> str:
        source = f" ({escape(', '.join(report.publishers))})" if report.publishers else ""
        page = escape(config.absolute_url(report.page))
        return f'<li><a href="{page}">{escape(report.title)}</a>{source}</li>'

    parts = []
    for story in period.stories:
        event_link = escape(config.absolute_url(urls.event_path(story.slug)))
        parts.append(f'<h3><a href="{event_link}">{escape(story.title)}</a></h3>')
        if story.summary:
            parts.append(f"<p>{escape(' '.join(story.summary))}</p>")
        parts.append("<ul>" + "".join(report_html(r) for r in story.reports) + "</ul>")
        outside = [
            f"+{counted(count, f'{when} report')}"
            for count, when in ((story.earlier, "earlier"), (story.later, "later"))
            if count
        ]
        if outside:
            parts.append(f"<p>{', '.join(outside)}</p>")
    if period.other_reports:
        parts.append("<h3>Other reports</h3>")
        parts.append("<ul>" + "".join(report_html(r) for r in period.other_reports) + "</ul>")
    return "".join(parts)


def digest_feed(days: Sequence[PeriodDigest], config: SiteConfig, feed_path: str, title: str,
                description: str, page_path: str = "") -> bytes:  # fmt: skip
    """An RSS 2.0 feed of the newest `config.feed_items` digests, each dated by its latest report."""
    newest = sorted(days, key=lambda d: d.first, reverse=True)[: config.feed_items]
    rss, channel = rss_channel(
        config, feed_path, title, description, page_path, max((d.newest for d in newest), default=None)
    )
    for period in newest:
        link = config.absolute_url(period.path)
        rss_item(channel, digest_item_title(period), link, period.newest, digest_item_html(period, config))
    return xml_document(rss)


def atom_feed(articles: Sequence[Article], config: SiteConfig, feed_path: str, title: str, description: str,
              page_path: str = "") -> bytes:  # fmt: skip
    """An Atom feed of the newest `config.feed_items` articles."""
    newest = sorted(articles, key=lambda a: (a.date, a.path), reverse=True)[: config.feed_items]
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": config.language})
    _sub(feed, f"{{{ATOM_NS}}}title", title)
    _sub(feed, f"{{{ATOM_NS}}}subtitle", description)
    _sub(feed, f"{{{ATOM_NS}}}id", config.absolute_url(feed_path))
    _sub(feed, f"{{{ATOM_NS}}}updated", rfc3339(newest[0].date if newest else EPOCH))
    _sub(
        feed,
        f"{{{ATOM_NS}}}link",
        rel="self",
        type="application/atom+xml",
        href=config.absolute_url(feed_path),
    )
    _sub(feed, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=config.absolute_url(page_path))
    author = _sub(feed, f"{{{ATOM_NS}}}author")
    _sub(author, f"{{{ATOM_NS}}}name", config.author or config.title)
    _sub(feed, f"{{{ATOM_NS}}}generator", "Broadsheet")
    for article in newest:
        entry = _sub(feed, f"{{{ATOM_NS}}}entry")
        link = config.absolute_url(urls.article_path(article))
        _sub(entry, f"{{{ATOM_NS}}}title", article.title)
        _sub(entry, f"{{{ATOM_NS}}}id", link)
        _sub(entry, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=link)
        _sub(entry, f"{{{ATOM_NS}}}published", rfc3339(article.date))
        _sub(entry, f"{{{ATOM_NS}}}updated", rfc3339(article.date))
        if article.author or article.source:
            entry_author = _sub(entry, f"{{{ATOM_NS}}}author")
            _sub(entry_author, f"{{{ATOM_NS}}}name", article.author or article.source)
        _sub(entry, f"{{{ATOM_NS}}}summary", item_html(article), type="html")
    return xml_document(feed)


def json_feed(articles: Sequence[Article], config: SiteConfig, feed_path: str, title: str, description: str,
              page_path: str = "") -> bytes:  # fmt: skip
    """A JSON Feed 1.1 of the newest `config.feed_items` articles."""
    newest = sorted(articles, key=lambda a: (a.date, a.path), reverse=True)[: config.feed_items]
    items = []
    for article in newest:
        link = config.absolute_url(urls.article_path(article))
        item: dict[str, object] = {
            "id": link,
            "url": link,
            "title": article.title,
            "content_html": item_html(article),
            "summary": article.summary or article.title,
            "date_published": rfc3339(article.date),
        }
        original = safe_external_url(article.url)
        if original:
            item["external_url"] = original
        if article.author or article.source:
            item["authors"] = [{"name": article.author or article.source}]
        if article.tags:
            item["tags"] = list(article.tags)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": config.absolute_url(page_path),
        "feed_url": config.absolute_url(feed_path),
        "description": description,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
