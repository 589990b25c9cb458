"""Hostile and broken input: every file gets a result or a one-line error, nothing escapes, no script runs."""

from __future__ import annotations

import re
from pathlib import Path

from .hostile import Hostile, tree


def test_build_survives_the_corpus_with_one_line_messages(hostile: Hostile) -> None:
    project, corpus, result, _ = hostile
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert re.match(r"built site/: \d+ articles", lines[-1])
    for line in lines[:-1]:
        assert re.match(r"(error|warning): (content/\S+: .+)|\(\d+ similar messages not shown\)$", line), line
    made = "\n".join(p.read_text() for p in (project / "content" / "articles").rglob("*.md"))
    for name, what in corpus.items():
        reported = f"content/inbox/{name}" in result.stderr
        published = f"source_file: content/inbox/{name}" in made
        assert reported or published, f"{name} ({what}) neither published nor reported"


def test_nothing_is_written_outside_the_site_and_the_articles(hostile: Hostile) -> None:
    project, _, _, before = hostile
    assert tree(project) == before
    for path in (project / "content" / "articles").rglob("*"):
        assert path.resolve().is_relative_to((project / "content" / "articles").resolve())
    assert not (project / "etc").exists() and not Path("/etc/passwd.md").exists()


def test_no_page_carries_a_script_or_unsafe_link_from_content(hostile: Hostile) -> None:
    project, _, _, _ = hostile
    pages = list((project / "site").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text()
        scripts = re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
        assert all('type="module"' in s and "static/js/search.js" in s for s in scripts), (page, scripts)
        assert not re.search(
            r"""\s(href|src|action)\s*=\s*["']?\s*(javascript|data|vbscript):""", html, re.I
        ), page
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, flags=re.IGNORECASE), page
        assert not re.search(r"<(iframe|object|embed|svg)\b", html, flags=re.IGNORECASE), page
        assert "Content-Security-Policy" in html and "script-src 'self'" in html
