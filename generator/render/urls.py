"""Where every page of the site lives: one place maps articles, events, sources... to site paths.

Paths are relative to the site root and end in '/' for pages (served as `<path>index.html`).
Links in pages are root-relative with the base path in front, so the site works under a
GitHub Pages sub-path and from a 404 page at any depth.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from generator.config import SiteConfig
from generator.memo import BoundedMemo
from generator.model import Article
from generator.slugs import is_safe_slug, slugify


def article_path(article: Article) -> str:
    """`articles/YYYY/MM/<slug>/`, from the article's canonical path."""
    return "articles/" + (_SAFE_SEGMENTS[article.path] or slugify(article.slug or article.title)) + "/"


def _safe_segments(path: str) -> str:
    """The segments of an article's path, each a safe slug, joined; "" when it has none."""
    # The content stage already makes safe paths; re-slugging any odd segment keeps a hand-made
    # Article (with `..` or spaces in its path) from writing outside the site folder.
    segments = [part for part in path.removesuffix(".md").split("/") if part]
    return "/".join(part if is_safe_slug(part) or part.isdigit() else slugify(part) for part in segments)


def event_path(slug: str) -> str:
    """`events/<slug>/`."""
    return f"events/{slugify(slug)}/"


def source_path(name: str) -> str:
    """`sources/<slug>/`."""
    return _SOURCE_PATHS[name]


def tag_path(tag: str) -> str:
    """`tags/<slug>/`."""
    return _TAG_PATHS[tag]


def person_path(name: str) -> str:
    """`people/<slug>/`."""
    return _PERSON_PATHS[name]


# Indexes and pages ask for the path of every article and of every name of every article,
# several times a build: each is made once.
_SAFE_SEGMENTS: BoundedMemo[str, str] = BoundedMemo(_safe_segments)
_SOURCE_PATHS: BoundedMemo[str, str] = BoundedMemo(
    lambda name: f"sources/{slugify(name, fallback_prefix='source')}/"
)
_TAG_PATHS: BoundedMemo[str, str] = BoundedMemo(lambda tag: f"tags/{slugify(tag, fallback_prefix='tag')}/")
_PERSON_PATHS: BoundedMemo[str, str] = BoundedMemo(
    lambda name: f"people/{slugify(name, fallback_prefix='person')}/"
)


def day_path(date: datetime, zone: tzinfo) -> str:
    """`archive/YYYY/MM/DD/` in the site's time zone."""
    local = date.astimezone(zone)
    return f"archive/{local:%Y/%m/%d}/"


def month_path(date: datetime, zone: tzinfo) -> str:
    """`archive/YYYY/MM/` in the site's time zone."""
    local = date.astimezone(zone)
    return f"archive/{local:%Y/%m}/"


DIGEST_PATH = "digest/"
DIGEST_FEED_PATH = "digest/feed.xml"


def digest_day_path(day: date) -> str:
    """`digest/YYYY/MM/DD/` for a calendar day already in the site's time zone."""
    return f"{DIGEST_PATH}{day:%Y/%m/%d}/"


def digest_week_path(year: int, week: int) -> str:
    """`digest/YYYY/wNN/` for an ISO year and week (which can differ from the calendar year)."""
    return f"{DIGEST_PATH}{year:04d}/w{week:02d}/"


def link(config: SiteConfig, path: str) -> str:
    """A root-relative link to a site path, under the base path."""
    return config.base_path + path.lstrip("/")


def file_for(path: str) -> str:
    """The file a site path is written to."""
    return path + "index.html" if path.endswith("/") or not path else path
