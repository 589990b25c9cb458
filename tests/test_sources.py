"""sources.toml, OPML in and out, and the text sketches that find syndicated copies."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.fetch import canonical_url, wanted
from generator.fetch.duplicates import find_copy, fingerprint, similarity, sketch, text_print, text_words
from generator.sources import (
    Source,
    append_sources,
    load_sources,
    merge_new_sources,
    sources_from_mapping,
    sources_from_opml,
    sources_to_opml,
)

from .conftest import SEEDS

# An export from a feed reader: nested folders, one outline without a feed, one duplicate URL.
READER_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="World">
      <outline type="rss" text="Wire Desk" title="Wire Desk" xmlUrl="https://wire.example/rss.xml"
               htmlUrl="https://wire.example/"/>
      <outline type="rss" text="Kyiv Daily" xmlUrl="https://kyiv.example/feed/" language="uk"/>
    </outline>
    <outline text="A web page, not a feed" htmlUrl="https://example.org/"/>
    <outline type="rss" text="Wire Desk again" xmlUrl="https://wire.example/rss.xml"/>
    <outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
"""


def test_sources_toml_reads_feeds_files_and_settings(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(
        """
[fetch]
timeout = 5
per_host_interval = 2
contact = "desk@example.org"

[[source]]
name = "Wire Desk"
url = "https://wire.example/rss.xml"
full_page = true
include = ["ceasefire", "peace talks"]
exclude = "sport"

[[source]]
name = "Saved feed"
file = "feeds/saved.xml"
language = "en"
""",
        encoding="utf-8",
    )
    loaded = load_sources(tmp_path)
    assert loaded is not None
    wire, saved = loaded.sources
    assert wire.full_page and wire.include == ("ceasefire", "peace talks") and wire.exclude == ("sport",)
    assert saved.location == "feeds/saved.xml" and saved.slug == "saved-feed"
    assert loaded.fetch.timeout == 5.0 and loaded.fetch.per_host_interval == 2.0
    assert load_sources(tmp_path / "nowhere") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[source]]\nurl = "https://a.example/feed"', "source 1: name: every source needs a name"),
        ('[[source]]\nname = "A"', "source 1 (A): give either url"),
        (
            '[[source]]\nname = "A"\nurl = "ftp://a.example/feed"',
            "source 1 (A): url: expected an http(s) URL",
        ),
        ('[[source]]\nname = "A"\nfile = "../outside.xml"', "file: must be a path inside the project"),
        (
            '[[source]]\nname = "A"\nurl = "https://a.example/"\nfull_page = "yes"',
            "full_page: expected true or false",
        ),
        ('[[source]]\nname = "A"\nurl = "https://a.example/"\ncolour = "red"', "colour: unknown key"),
        (
            '[[source]]\nname = "A"\nurl = "https://a.example/"\n[[source]]\nname = "a"\nurl = "https://b.example/"',
            "repeats 'A'",
        ),
        ("[fetch]\ntimeout = 0", "fetch: timeout: must be between 1 and 600"),
        ('[fetch]\nstate_file = "/tmp/state.json"', "state_file: must be a relative path"),
        ("[feeds]\nx = 1", "feeds: unknown table"),
    ],
)
def test_bad_sources_toml_is_one_line_naming_the_source_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        sources_from_mapping(tomllib.loads(text))
    assert message in str(caught.value)
    assert str(caught.value).startswith("sources.toml: ") and "\n" not in str(caught.value)


def test_opml_import_finds_nested_feeds_and_skips_what_is_not_one() -> None:
    found = sources_from_opml(READER_OPML)
    assert [(s.name, s.url) for s in found] == [
        ("Wire Desk", "https://wire.example/rss.xml"),
        ("Kyiv Daily", "https://kyiv.example/feed/"),
        ("Wire Desk again", "https://wire.example/rss.xml"),
    ]
    assert found[0].site_url == "https://wire.example/" and found[1].language == "uk"
    # Already followed feeds are not added twice, and a clashing name gets a number.
    added = merge_new_sources([Source("Kyiv Daily", url="https://other.example/feed")], found)
    assert [(s.name, s.url) for s in added] == [
        ("Wire Desk", "https://wire.example/rss.xml"),
        ("Kyiv Daily (2)", "https://kyiv.example/feed/"),
    ]


def test_opml_with_an_entity_bomb_or_no_opml_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
<opml version="2.0"><body><outline text="&b;" xmlUrl="https://a.example/feed"/></body></opml>"""
    with pytest.raises(ConfigError, match="not a readable OPML file"):
        sources_from_opml(bomb, "bomb.opml")
    with pytest.raises(ConfigError, match="root element is <rss>"):
        sources_from_opml(b"<rss><channel/></rss>", "feed.xml")


def test_import_appends_to_sources_toml_keeping_comments_and_export_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '# My feeds\n[[source]]\nname = "Mine"  # the first one\nurl = "https://mine.example/feed"\n'
    )
    loaded = load_sources(tmp_path)
    assert loaded is not None
    append_sources(path, merge_new_sources(loaded.sources, sources_from_opml(READER_OPML)))
    text = path.read_text()
    assert text.startswith('# My feeds\n[[source]]\nname = "Mine"  # the first one\n')
    reloaded = load_sources(tmp_path)
    assert reloaded is not None
    assert [s.name for s in reloaded.sources] == ["Mine", "Wire Desk", "Kyiv Daily"]
    exported = sources_to_opml(reloaded.sources, "Desk")
    assert [(s.name, s.url, s.language) for s in sources_from_opml(exported.encode())] == [
        (s.name, s.url, s.language) for s in reloaded.sources
    ]


def test_names_with_quotes_and_backslashes_survive_the_toml_writer(tmp_path: Path) -> None:
    odd = Source('The "Daily" \\ Post\tEdition', url="https://odd.example/feed?a=1&b=2")
    append_sources(tmp_path / "sources.toml", [odd])
    loaded = load_sources(tmp_path)
    assert loaded is not None and loaded.sources == (odd,)


def test_tracking_parameters_and_fragments_do_not_make_a_new_entry() -> None:
    assert canonical_url("https://News.example/a/b?utm_source=x&id=3#top") == "https://news.example/a/b?id=3"
    assert canonical_url("javascript:alert(1)") is None


def test_include_and_exclude_match_whole_words_ignoring_case() -> None:
    source = Source("S", url="https://s.example/", include=("ceasefire", "peace talks"), exclude=("sport",))
    assert wanted(source, "Ceasefire holds", "")
    assert wanted(source, "", "Envoys resume PEACE TALKS in Geneva")
    assert not wanted(source, "Markets rally", "")
    assert not wanted(source, "Ceasefire holds", "Sport resumes in the capital")
    assert wanted(source, "Ceasefire holds", "Sports news resumes")  # 'sports' is another word


def _paragraphs(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_syndicated_copy_is_found_and_another_outlets_report_is_not() -> None:
    # Two real reports of one December 2025 meeting, by different outlets.
    first, other_report = _paragraphs(SEEDS[3]), _paragraphs(SEEDS[4])
    copy = [*first[:-1], "This story was first published by the wire and is republished with permission."]
    known = {"first.txt": (fingerprint(text_words(first)), sketch(text_words(first)))}
    assert find_copy(text_print(text_words(copy)), known) == "first.txt"
    assert find_copy(text_print(text_words(first)), known) == "first.txt"
    assert find_copy(text_print(text_words(other_report)), known) is None
    assert similarity(sketch(text_words(first)), sketch(text_words(other_report))) < 0.2
