"""Ingest: every input kind, encodings, sidecars and front matter, and clear errors for bad files."""

from __future__ import annotations

import codecs
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.executor import MIN_PARALLEL_ITEMS
from generator.inbox_cache import (
    CachedFile,
    InboxRead,
    PendingFile,
    pending_documents,
    read_inbox_incrementally,
)
from generator.ingest import inbox_files, read_document, read_inbox
from generator.ingest.encoding import decode_bytes

from .conftest import INBOX, SEEDS

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://wire.example/</link>
<description>News</description>
<item><title>Dam bursts in valley</title><link>https://wire.example/a/1</link>
<guid>https://wire.example/a/1</guid><pubDate>Tue, 02 Sep 2025 10:30:00 +0000</pubDate>
<author>jo@wire.example (Jo Reporter)</author>
<description>&lt;p&gt;A dam burst on Tuesday, officials said.&lt;/p&gt;</description></item>
<item><title>Rescue teams reach village</title><link>https://wire.example/a/2</link>
<guid>https://wire.example/a/2</guid><pubDate>Wed, 03 Sep 2025 08:00:00 +0000</pubDate>
<description>Rescue teams reached the village on Wednesday.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:x</id>
<updated>2025-09-02T10:00:00Z</updated>
<entry><title>Storm reaches coast</title><id>urn:x:1</id><link href="https://atom.example/1"/>
<updated>2025-09-02T10:00:00Z</updated>
<content type="html">&lt;p&gt;The storm reached the coast.&lt;/p&gt;</content>
</entry></feed>"""


def test_seeds_are_read_with_their_sidecar_dates() -> None:
    result = read_inbox(INBOX, INBOX.parents[1])
    assert result.errors == []
    assert len(result.documents) == len(SEEDS) == 5
    dates = {Path(d.path).name[:3]: d.hints.date for d in result.documents}
    assert dates["000"] == datetime(2025, 4, 19, tzinfo=UTC)
    assert dates["003"] == datetime(2025, 12, 3, tzinfo=UTC)
    assert all(d.hints.date_source == "given" and d.kind == "text" for d in result.documents)


def test_rss_gives_one_document_per_entry_with_feed_metadata() -> None:
    documents, warnings = read_document(RSS, "inbox/wire.xml", ".xml")
    assert warnings == []
    assert [d.hints.title for d in documents] == ["Dam bursts in valley", "Rescue teams reach village"]
    first = documents[0]
    assert first.kind == "feed-entry"
    assert first.hints.source == "Example Wire"
    assert first.hints.url == "https://wire.example/a/1"
    assert first.hints.date == datetime(2025, 9, 2, 10, 30, tzinfo=UTC)
    assert first.hints.date_source == "feed"
    assert "dam burst" in first.content.lower()
    assert len({d.key for d in documents}) == 2


def test_atom_entry_is_read() -> None:
    documents, _ = read_document(ATOM, "inbox/desk.atom", ".atom")
    assert len(documents) == 1
    assert documents[0].hints.url == "https://atom.example/1"
    assert documents[0].hints.source == "Atom Desk"


def test_malformed_feed_is_a_clear_error() -> None:
    with pytest.raises(InputError) as caught:
        read_document(b"<rss><channel><item><title>broken", "inbox/bad.xml", ".xml")
    assert str(caught.value).startswith("inbox/bad.xml: ")


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("cp1252", b""), ("latin-1", b""), ("utf-16", b""), ("shift_jis", b""), ("utf-8", codecs.BOM_UTF8)],
)
def test_legacy_encodings_are_detected(encoding: str, prefix: bytes) -> None:
    text = "Café owners in Zürich said the naïve plan “won’t work”, the mayor’s office reported."
    if encoding == "shift_jis":
        text = "東京の市場は月曜日に上昇したと関係者が述べた。" * 3
    if encoding in ("latin-1",):
        text = text.replace("“", '"').replace("”", '"').replace("’", "'")
    data = prefix + text.encode(encoding)
    assert decode_bytes(data, "x.txt") == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "binary"),
    ],
)
def test_unusable_files_are_reported_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(data, "content/inbox/bad.txt", ".txt")
    assert caught.value.path == "content/inbox/bad.txt"
    assert reason in caught.value.reason


def test_markdown_front_matter_supplies_hints() -> None:
    data = (
        b"---\ntitle: Harbour reopens\ndate: 2025-06-01\nsource: Port News\nurl: https://port.example/x\n"
        b"author: Sam Lee\ntags: [ports, shipping]\n---\nThe harbour reopened on Sunday after repairs.\n"
    )
    [document], _ = read_document(data, "inbox/a.md", ".md")
    assert document.kind == "markdown"
    assert document.hints.title == "Harbour reopens"
    assert document.hints.source == "Port News"
    assert document.hints.tags == ("ports", "shipping")
    assert document.content.strip() == "The harbour reopened on Sunday after repairs."


@pytest.mark.parametrize(
    "front",
    [
        "---\ntitle: [unclosed\n---\nBody text here.\n",
        "---\n- a\n- b\n---\nBody text here.\n",
        "---\ndate: next tuesday-ish\n---\nBody text here.\n",
        "---\ntitle: {a: 1}\n---\nBody text here.\n",
    ],
)
def test_bad_front_matter_is_a_one_line_error(front: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(front.encode(), "inbox/a.md", ".md")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("inbox/a.md: ")


def test_inbox_reports_bad_files_and_reads_the_rest(tmp_path: Path) -> None:
    inbox = tmp_path / "content" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "good.txt").write_text("A real article paragraph about the harbour reopening on Sunday.\n")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(1000))
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04")
    (inbox / "good.txt.meta.yaml").write_text("date: not a date\n")
    result = read_inbox(inbox, tmp_path)
    assert result.documents == []
    assert len(result.errors) == 4
    assert any(e.startswith("content/inbox/good.txt.meta.yaml: metadata key 'date'") for e in result.errors)
    (inbox / "good.txt.meta.yaml").write_text("date: 2025-01-02\nsource: Harbour Times\n")
    result = read_inbox(inbox, tmp_path)
    assert [d.hints.source for d in result.documents] == ["Harbour Times"]


def test_inbox_files_are_visible_regular_files_in_path_order(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    for name in ["b.txt", "a-b/x.txt", "a/b.txt", "a/z/y.html", "A.txt", "c.txt.meta.yaml",
                 ".hidden.txt", ".cache/a.txt", "d/.e/f.txt"]:  # fmt: skip
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_text("text")
    (inbox / "outside").mkdir()
    (inbox / "outside" / "o.txt").write_text("text")
    (inbox / "link.txt").symlink_to(inbox / "b.txt")
    (inbox / "linked-folder").symlink_to(inbox / "outside", target_is_directory=True)

    # The definition: what a recursive glob gives, in its order, less the hidden, sidecars and links.
    expected = [
        path
        for path in sorted(inbox.rglob("*"))
        if path.is_file()
        and not path.is_symlink()
        and not any(part.startswith(".") for part in path.relative_to(inbox).parts)
        and not path.name.endswith(".meta.yaml")
    ]
    assert list(inbox_files(inbox)) == expected
    assert [p.relative_to(inbox).as_posix() for p in expected] == [
        "A.txt", "a/b.txt", "a/z/y.html", "a-b/x.txt", "b.txt", "outside/o.txt"
    ]  # fmt: skip
    assert list(inbox_files(tmp_path / "missing")) == []


def test_pending_files_are_read_again_for_their_chosen_documents_and_a_vanished_one_is_reported(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(INBOX, inbox)
    # Nothing kept from the first reading: as for an inbox too large to hold.
    read = read_inbox_incrementally(inbox, tmp_path, {}, lambda key, content_hash: False, keep_bytes=0)
    assert all(file.documents is None for file in read.pending)
    first, second, *_ = read.pending
    # One document of the first file is wanted; the second file is gone before the cleaning.
    chosen = PendingFile(first.path, first.rel_path, frozenset(sorted(first.keys)[:1]))
    second.path.unlink()
    errors: list[str] = []
    documents = list(pending_documents([chosen, second], UTC, errors))
    assert [d.key for d in documents] == sorted(first.keys)[:1]
    assert (
        documents[0].content
        == next(d for d in read_inbox(inbox, tmp_path).documents if d.key == documents[0].key).content
    )
    assert len(errors) == 1 and errors[0].startswith(second.rel_path)


def test_a_small_inbox_is_read_once_and_its_documents_are_the_ones_read_again_would_give(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(INBOX, inbox)
    (inbox / "page.html").write_text(_page("Bridge closed after cracks found", 6))
    wanted = lambda key, content_hash: False  # noqa: E731
    kept = read_inbox_incrementally(inbox, tmp_path, {}, wanted)
    again = read_inbox_incrementally(inbox, tmp_path, {}, wanted, keep_bytes=0)
    assert all(file.documents is not None for file in kept.pending)
    assert kept.evidence == again.evidence and not kept.found_lines
    expected = list(pending_documents(again.pending, UTC, [], again.found_lines))
    # The inbox is gone before the cleaning: nothing is opened again.
    shutil.rmtree(inbox)
    errors: list[str] = []
    assert list(pending_documents(kept.pending, UTC, errors)) == expected and not errors
    # Taken off the list as they are handed on, so that nothing holds them after their cleaning.
    assert kept.pending == []
    assert any(d.kind == "html" and d.found_lines is not None for d in expected)


def test_reading_the_inbox_on_several_processes_gives_what_one_process_gives(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    samples = sorted(path for path in INBOX.iterdir() if path.is_file() and path.suffix != ".yaml")
    # Enough files to be worth forking for: copies of the samples and their sidecars, one empty file.
    copies = 32
    assert len(samples) * copies * 3 // 4 >= MIN_PARALLEL_ITEMS, "both readings must fork"
    for copy in range(copies):
        for path in samples:
            (inbox / f"{copy:02d}-{path.name}").write_bytes(path.read_bytes())
            sidecar = path.with_name(path.name + ".meta.yaml")
            if sidecar.is_file():
                (inbox / f"{copy:02d}-{sidecar.name}").write_bytes(sidecar.read_bytes())
    (inbox / "07-empty.txt").write_text("")

    def read(workers: int, cache: dict[str, CachedFile], current: set[str]) -> InboxRead:
        return read_inbox_incrementally(
            inbox, tmp_path, cache, lambda key, content_hash: key in current, workers=workers
        )

    one_cache: dict[str, CachedFile] = {}
    several_cache: dict[str, CachedFile] = {}
    assert read(1, one_cache, set()) == read(2, several_cache, set())
    assert one_cache == several_cache
    # A second reading opens only the files with a document still to make, in between the cached ones.
    current = {d.key for file in one_cache.values() for d in file.documents if d.key < "inbox/08"}
    again = read(2, several_cache, current)
    assert again == read(1, one_cache, current)
    assert again.current and again.pending and all(f.rel_path >= "inbox/08" for f in again.pending)
    assert len(again.errors) == 1 and again.errors[0].startswith("inbox/07-empty.txt")


def _page(headline: str, sentences: int) -> str:
    body = "".join(
        f"<p>{headline} paragraph {n} tells the reader what the council decided about the bridge, "
        f"and why the repairs will take until the spring of next year.</p>"
        for n in range(sentences)
    )
    return (
        f"<html><head><title>{headline} | Example Gazette</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{headline}</h1>{body}</article>"
        "<footer>© 2024 Example Gazette. All rights reserved.</footer></body></html>"
    )


def test_an_html_page_main_text_is_found_once_and_only_for_the_same_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.clean
    import generator.clean.html
    from generator.clean import clean_document

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.html").write_text(_page("Bridge closed after cracks found", 6))
    (inbox / "b.html").write_text(_page("Council votes to repair the bridge", 5))
    (inbox / "c.txt").write_text("Plain text.\n\nThe council met on Tuesday to discuss the bridge repairs.\n")
    searched: list[str] = []
    finder = generator.clean.html.main_content_lines

    def counted(html: str) -> list[str]:
        searched.append(html)
        return finder(html)

    monkeypatch.setattr(generator.clean, "main_content_lines", counted)
    read = read_inbox_incrementally(inbox, tmp_path, {}, lambda key, content_hash: False, keep_bytes=0)
    assert sorted(read.found_lines) == ["inbox/a.html", "inbox/b.html"] and len(searched) == 2
    # b.html changes between the reading and the cleaning: it is searched again, as it now is.
    (inbox / "b.html").write_text(_page("Council delays the bridge repair", 5))
    documents = {d.key: d for d in pending_documents(read.pending, UTC, [], read.found_lines)}
    assert documents["inbox/a.html"].found_lines is not None
    assert documents["inbox/b.html"].found_lines is None and documents["inbox/c.txt"].found_lines is None
    assert not read.found_lines, "taken as they are used"
    cleaned = {key: clean_document(document) for key, document in documents.items()}
    assert len(searched) == 3 and "Council delays" in searched[-1]
    assert cleaned["inbox/b.html"].title.startswith("Council delays the bridge repair")
    # The lines found at the reading clean the page as finding them again does.
    again = clean_document(replace(documents["inbox/a.html"], found_lines=None))
    assert cleaned["inbox/a.html"] == again and len(again.paragraphs) == 6
