"""A daily run against a local "internet": `broadsheet build --fetch` three times, with figures.

Real article texts (the ECB+ dev set, those of 80 words or more) are published by six made-up
outlets on a local HTTP server (tests/fetch_server.py). Three outlets' feeds carry only links,
so their pages are fetched; one of those serves windows-1252 pages; the other three carry the
full text. A seventh feed republishes 20 of their stories under new URLs. Alongside them are the
feeds that go wrong: slow, 404, 500, a redirect loop, malformed XML, and a feed of 20,000
entries. robots.txt forbids one folder.

    python bench/fetch_local.py [--articles 300] [--keep DIR]

Run 1 fetches everything. Run 2 changes nothing, so every good feed answers 304. Before run 3,
one outlet publishes ten new stories.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fetch_server import Cached, FetchServer, Redirect, Slow, Static, Status, robots  # noqa: E402

DEV_SET = REPO.parent / "shared" / "eval" / "events" / "ecbplus-dev.jsonl"
OUTLETS = ["Northern Courier", "Harbour Times", "Valley Post", "Daily Ledger", "Coastal Herald", "Metro Wire"]
NOW = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)


def page(title: str, paragraphs: list[str], outlet: str, charset: str = "utf-8") -> str:
    """An article page with the usual clutter around the story."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html><head><meta charset="{charset}"><title>{escape(title)} | {outlet}</title>
<meta property="og:site_name" content="{outlet}"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a> <a href="/in">Sign in</a>
</nav>
<div class="consent">We use cookies to personalise content and ads. Accept all cookies. Manage settings.</div>
<article><h1>{escape(title)}</h1><p class="byline">By Staff Reporter</p>{body}
<p>Share this article: Facebook Twitter Email</p></article>
<aside><h2>Related Posts</h2><ul><li><a href="/a">Weather warning issued</a></li></ul></aside>
<footer>© 2026 {outlet}. All rights reserved. Terms · Privacy</footer></body></html>"""


def rss(title: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 document."""
    parts = ["".join(f"<{k}>{escape(v)}</{k}>" for k, v in item.items()) for item in items]
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>https://example.org/</link><description>{escape(title)}</description>"
        + "".join(f"<item>{p}</item>" for p in parts)
        + "</channel></rss>"
    )


def slug(text: str) -> str:
    """A URL-safe name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "story"


class LocalInternet:
    """The server's routes for the outlets, the mirror and the broken feeds."""

    def __init__(self, server: FetchServer, records: list[dict[str, str]]) -> None:
        self.server = server
        self.texts: dict[str, list[str]] = {}
        self.items: dict[str, list[dict[str, str]]] = {name: [] for name in OUTLETS}
        self.version = 1
        for number, record in enumerate(records):
            self.publish(OUTLETS[number % len(OUTLETS)], record, NOW - timedelta(hours=number * 3))
        mirror = []
        for item in [i for name in OUTLETS[:3] for i in self.items[name][:7]][:20]:
            text = self.texts[item["link"]]
            content = "".join(f"<p>{escape(p)}</p>" for p in [*text[1:], "Republished with permission."])
            mirror.append({"title": item["title"], "link": item["link"].replace("/news/", "/mirror/"),
                           "description": content, "pubDate": item["pubDate"]})  # fmt: skip
        server.routes["/feeds/mirror.xml"] = Cached(rss("Wire Mirror", mirror), etag='"m1"')
        server.routes["/robots.txt"] = robots("User-agent: *\nDisallow: /members/\n")
        server.routes["/feeds/slow.xml"] = Slow(30.0, Static(rss("Slow", [])))
        server.routes["/feeds/gone.xml"] = Status(404)
        server.routes["/feeds/broken.xml"] = Status(500)
        server.routes["/feeds/loop-a.xml"] = Redirect("/feeds/loop-b.xml")
        server.routes["/feeds/loop-b.xml"] = Redirect("/feeds/loop-a.xml")
        server.routes["/feeds/malformed.xml"] = Static(
            "<rss><channel><title>Broken <item><titl", content_type="text/xml"
        )
        huge = [
            {
                "title": f"Market note {n}",
                "link": f"https://notes.example/{n}",
                "pubDate": format_datetime(NOW - timedelta(minutes=n)),
                "description": f"Market note {n}: shares in company {n} moved {n % 7} points on volume of "
                f"{n * 13} after a statement on its results for quarter {n % 4 + 1}.",
            }
            for n in range(20000)
        ]
        server.routes["/feeds/huge.xml"] = Static(
            rss("Market Notes", huge), content_type="application/rss+xml"
        )
        self.refresh()

    def publish(self, outlet: str, record: dict[str, str], when: datetime) -> None:
        """Put one story on an outlet's site and in its feed."""
        paragraphs = [p for p in record["text"].splitlines() if p.strip()]
        title = record["title"] or paragraphs[0]
        index = OUTLETS.index(outlet)
        folder = "members" if index == 0 and len(self.items[outlet]) % 12 == 5 else "news"
        link = self.server.url(f"/{folder}/{slug(outlet)}/{record['id']}-{slug(title)}.html")
        self.texts[link] = [title, *paragraphs]
        charset = "windows-1252" if index == 1 else "utf-8"
        html = page(title, paragraphs, outlet, charset)
        self.server.routes[link.removeprefix(self.server.url(""))] = Static(
            html.encode(charset, "replace"), content_type=f"text/html; charset={charset}"
        )
        item = {"title": title, "link": link, "pubDate": format_datetime(when)}
        if index >= 3:
            item["description"] = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        self.items[outlet].insert(0, item)

    def refresh(self) -> None:
        """Serve each outlet's current feed, with a new ETag when it changed."""
        for outlet, items in self.items.items():
            self.server.routes[f"/feeds/{slug(outlet)}.xml"] = Cached(
                rss(outlet, items), etag=f'"{slug(outlet)}-{len(items)}"', last_modified=None
            )

    def sources_toml(self) -> str:
        """The project's sources.toml for this internet."""
        lines = ["[fetch]", "timeout = 3", "retries = 1", "per_host_interval = 0.02", "max_entries = 100", ""]
        for index, outlet in enumerate(OUTLETS):
            lines += [
                "[[source]]",
                f'name = "{outlet}"',
                f'url = "{self.server.url(f"/feeds/{slug(outlet)}.xml")}"',
            ]
            lines += ["full_page = true", ""] if index < 3 else [""]
        others = [("Wire Mirror", "mirror"), ("Slow Gazette", "slow"), ("Gone Weekly", "gone"),
                  ("Broken Bulletin", "broken"), ("Loop News", "loop-a"),
                  ("Malformed Monitor", "malformed"), ("Market Notes", "huge")]  # fmt: skip
        for name, path in others:
            lines += [
                "[[source]]",
                f'name = "{name}"',
                f'url = "{self.server.url(f"/feeds/{path}.xml")}"',
                "",
            ]
        return "\n".join(lines)


def run(project: Path) -> tuple[float, str]:
    """`broadsheet build --fetch` in the project: seconds and what it printed."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--fetch"],
        cwd=project, capture_output=True, text=True, timeout=1800, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build --fetch failed ({result.returncode}):\n{result.stderr}")
    return seconds, result.stderr


def main() -> None:
    """Run the three builds and print what each fetched."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="Build the project here and keep it.")
    args = parser.parse_args()
    records = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    # ECB+ keeps only a sentence of some articles; a one-sentence "article" is its own headline.
    records = [r for r in records if len(r["text"].split()) >= 80]
    records.sort(key=lambda r: r["id"])
    extra, records = records[args.articles : args.articles + 10], records[: args.articles]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="broadsheet-fetch-"))
    project = workdir / "project"
    shutil.rmtree(project, ignore_errors=True)
    (project / "content" / "inbox").mkdir(parents=True)
    (project / "content" / "articles").mkdir(parents=True)
    shutil.copytree(REPO / "themes", project / "themes")
    shutil.copy(REPO / "site.toml", project / "site.toml")
    with FetchServer() as server:
        internet = LocalInternet(server, records)
        (project / "sources.toml").write_text(internet.sources_toml(), encoding="utf-8")
        print(f"{len(records)} stories from {len(OUTLETS)} outlets, a mirror of 20, 6 broken feeds")
        print(f"project: {project}")
        for number in (1, 2, 3):
            if number == 3:
                for offset, record in enumerate(extra):
                    internet.publish(OUTLETS[3], record, NOW + timedelta(hours=offset + 1))
                internet.refresh()
            before = len(server.log)
            seconds, printed = run(project)
            print(f"\n## run {number}: {seconds:.1f} s in all, {len(server.log) - before} requests served")
            for line in printed.splitlines():
                if not line.startswith("warning: ") or number == 1:
                    print("  " + line)
    digest = project / "site" / "digest"
    days = len(list(digest.glob("*/*/*/index.html"))) if digest.is_dir() else 0
    inbox_files = len(list((project / "content" / "inbox").rglob("*.txt")))
    print(f"\ndigest: {days} day pages; inbox files: {inbox_files}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
