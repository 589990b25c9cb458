"""A corpus of hostile and broken inputs, written into an inbox by the tests that need it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The live site, its spare copy kept for the next swap, the articles and the build state.
PROTECTED = ("site", ".site-spare/", "content/articles", ".broadsheet")
# (project, {file: what it tests}, the build's result, the project's files before the build)
Hostile = tuple[Path, dict[str, str], subprocess.CompletedProcess[str], dict[str, int]]


def tree(root: Path) -> dict[str, int]:
    """Every file outside the folders a build may write, with its size."""
    return {
        p.relative_to(root).as_posix(): p.stat().st_size
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).as_posix().startswith(PROTECTED)
    }


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`broadsheet build` in a project, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "generator", "build", *args], cwd=project, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"})  # fmt: skip


PARAGRAPH = (
    "The council voted on Tuesday to close the bridge after engineers found cracks in two of its supports, "
    "officials said. "
)
SCRIPTS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _markdown(title: str, extra: str = "", body: str = PARAGRAPH * 2) -> str:
    return f"---\ntitle: {title}\ndate: 2025-01-02\n{extra}---\n{body}\n"


def write_hostile_inbox(inbox: Path) -> dict[str, str]:
    """Write the corpus; returns {file name: what it tests}."""
    inbox.mkdir(parents=True, exist_ok=True)
    bomb_entities = "".join(
        f"<!ENTITY lol{i} '{('&lol' + str(i - 1) + ';') * 10 if i > 1 else 'lol'}'>" for i in range(1, 10)
    )
    rss_items = "".join(
        f"<item><title>Item {i}</title><link>https://feed.example/{i}</link><description>Entry {i} of a very "
        f"long feed about the bridge repairs and the council vote, officials said.</description></item>"
        for i in range(50_000)
    )
    files: dict[str, tuple[bytes, str]] = {
        "empty.txt": (b"", "empty file"),
        "spaces.txt": (b"  \n\n\t \n", "whitespace only"),
        "image.txt": (b"\x89PNG\r\n\x1a\n" + os.urandom(4000), "binary data named .txt"),
        "nul.txt": ((PARAGRAPH * 4).replace(" the ", " the\x00 ").encode(), "NUL bytes"),
        "big.txt": (((PARAGRAPH * 8 + "\n\n") * 19_500).encode(), "20 MB of text"),
        "one-line.txt": ((PARAGRAPH * 9000).encode(), "a 1 MB single line"),
        "cp1252.txt": (("Café owners said the naïve plan “won’t work”. " + PARAGRAPH * 3).encode("cp1252"), "cp1252"),
        "latin1.txt": (("Café owners said the naïve plan would fail. " + PARAGRAPH * 3).encode("latin-1"), "latin-1"),
        "utf16.txt": (("Ünïcode text with a byte-order mark. " + PARAGRAPH * 3).encode("utf-16"), "UTF-16 with BOM"),
        "shift-jis.txt": (("東京の市場は月曜日に上昇したと関係者が述べた。" * 12).encode("shift_jis"), "Shift-JIS"),
        "line-endings.txt": (("Bridge closed\r\n" + PARAGRAPH + "\r" + PARAGRAPH + "\n" + PARAGRAPH).encode(), "mixed line endings"),
        "invalid-utf8.txt": (PARAGRAPH.encode() + b"\xff\xfe\xfa " + PARAGRAPH.encode(), "invalid UTF-8"),
        "evil.html": (
            (f"<html><head><title>Evil page</title></head><body><article><h1>Evil page</h1><p>{PARAGRAPH * 3}</p>"
             f"{SCRIPTS}<a href='javascript:alert(3)'>click</a><a href='data:text/html,<script>alert(4)</script>'>"
             f"data</a><iframe src='javascript:alert(5)'></iframe><svg><script>alert(6)</script></svg>"
             f"<p>{PARAGRAPH * 2}</p></article></body></html>").encode(),
            "script, onerror, javascript: and data: links, iframe, SVG with script",
        ),
        "raw-html.md": (
            _markdown("Raw <script>alert(7)</script> HTML", body=f"{SCRIPTS}\n\n{PARAGRAPH * 3}\n\n"
                      "[click](javascript:alert(9)) [data](data:text/html,x)").encode(),
            "Markdown that tries raw HTML and unsafe links",
        ),
        "bad-yaml.md": (b"---\ntitle: [unclosed\n---\n" + PARAGRAPH.encode(), "malformed front matter"),
        "list-front-matter.md": (b"---\n- a\n- b\n---\n" + PARAGRAPH.encode(), "front matter that is not a mapping"),
        "wrong-types.md": (b"---\ntitle: {a: 1}\ndate: 12\n---\n" + PARAGRAPH.encode(), "front matter with wrong types"),
        "slug-escape.md": (_markdown("Slug escape", "slug: ../../etc/passwd\n").encode(), "slug with ../"),
        "slug-absolute.md": (_markdown("Slug absolute", "slug: /etc/passwd\n").encode(), "absolute slug"),
        "empty-title.md": (_markdown("''").encode(), "empty title"),
        "long-title.md": (_markdown("Long " * 1000).encode(), "5,000-character title"),
        "emoji-title.md": (_markdown("🔥🔥🔥").encode(), "emoji-only title"),
        "reserved-con.md": (_markdown("CON").encode(), "reserved name CON"),
        "reserved-index.md": (_markdown("index").encode(), "reserved name index"),
        "reserved-git.md": (_markdown("'.git'").encode(), "reserved name .git"),
        "same-title-1.md": (_markdown("Same title").encode(), "two articles with one title"),
        "same-title-2.md": (_markdown("Same title", body="A harbour reopened after repairs on Sunday, "
                                      "officials said, and ferries will run again next week. " * 2).encode(),
                            "two articles with one title"),
        "malformed.xml": (b"<rss><channel><item><title>broken", "malformed feed"),
        "empty-feed.rss": (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Empty</title></channel></rss>",
                           "feed without entries"),
        "huge.xml": (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Huge</title>{rss_items}</channel></rss>"
                     .encode(), "50,000 entries"),
        "entity-bomb.xml": (
            (f"<?xml version='1.0'?><!DOCTYPE lolz [{bomb_entities}]><rss version='2.0'><channel><title>Bomb"
             "</title><item><title>&lol9;</title><description>x</description></item></channel></rss>").encode(),
            "entities that expand hugely",
        ),
    }  # fmt: skip
    for name, (data, _) in files.items():
        (inbox / name).write_bytes(data)
    return {name: what for name, (_, what) in files.items()}
