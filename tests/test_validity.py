"""Every generated page passes the Nu Html Checker, and the feeds follow the RSS/Atom rules."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from generator.config import load_config
from generator.pipeline import build

from .conftest import make_project
from .tools import VNU_JAR, require, require_java

BASE_URL = "https://example.org/broadsheet/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("validity") / "project")
    build(project, replace(load_config(project), base_url=BASE_URL))
    return project / "site"


def test_every_page_passes_the_nu_html_checker(site: Path) -> None:
    java = require_java()
    jar = require(VNU_JAR, "the Nu Html Checker (npm package vnu-jar)")
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) > 20
    result = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "text", *pages],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def feed_files(site: Path) -> list[Path]:
    return [
        site / "feed.xml",
        site / "atom.xml",
        site / "digest/feed.xml",
        *sorted(site.glob("events/*/feed.xml")),
    ]


def test_rss_feeds_follow_the_rules_validators_check(site: Path) -> None:
    for path in [p for p in feed_files(site) if p.name == "feed.xml"]:
        root = ET.parse(path).getroot()
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        assert channel is not None
        for required in ("title", "link", "description", "language", "lastBuildDate"):
            assert (channel.findtext(required) or "").strip(), f"{path}: channel has no {required}"
        self_link = channel.find(f"{ATOM}link")
        assert self_link is not None and self_link.get("rel") == "self"
        assert self_link.get("href") == BASE_URL + path.relative_to(site).as_posix()
        parsedate_to_datetime(channel.findtext("lastBuildDate") or "")
        guids = []
        for item in channel.findall("item"):
            link, guid = item.findtext("link") or "", item.findtext("guid") or ""
            assert link.startswith(BASE_URL) and guid == link
            guids.append(guid)
            date = item.findtext("pubDate") or ""
            assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT", date), date
            description = item.findtext("description") or ""
            assert description and "<script" not in description.lower()
        assert guids and len(guids) == len(set(guids))


def test_atom_feed_follows_the_rules_validators_check(site: Path) -> None:
    root = ET.parse(site / "atom.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip()
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == BASE_URL + "atom.xml" and links["alternate"] == BASE_URL
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        ids.append(entry.findtext(f"{ATOM}id"))
        for stamp in ("updated", "published"):
            datetime.fromisoformat((entry.findtext(f"{ATOM}{stamp}") or "").replace("Z", "+00:00"))
        summary = entry.find(f"{ATOM}summary")
        assert summary is not None and summary.get("type") == "html"
    assert ids and len(ids) == len(set(ids))


def test_json_feed_and_per_source_feeds(site: Path) -> None:
    import json

    import feedparser

    feed = json.loads((site / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == BASE_URL + "feed.json" and feed["home_page_url"] == BASE_URL
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == 5 == len(set(ids))
    for item in feed["items"]:
        assert item["url"].startswith(BASE_URL + "articles/")
        assert (site / item["url"][len(BASE_URL) :] / "index.html").is_file()
        datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))
        assert item["content_html"] and item["title"]
    source_feeds = sorted(site.glob("sources/*/feed.xml"))
    assert source_feeds
    for path in source_feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo and parsed.entries
    assert 'type="application/feed+json"' in (site / "index.html").read_text()
