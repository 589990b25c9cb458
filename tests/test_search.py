"""The search index: words folded the same way everywhere, stable ids, shards the browser can find."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.model import Article
from generator.render import search
from generator.render.search import (
    SearchDocument,
    assemble_index,
    document_ids,
    fnv1a,
    plain_text,
    search_outputs,
    term_weights,
    terms,
)


def article(path: str, title: str, body: str, summary: str = "A summary.") -> Article:
    return Article(
        path=path, slug=path.rsplit("/", 1)[-1].removesuffix(".md"), title=title,
        date=datetime(2025, 4, 18, 9, tzinfo=UTC), date_source="given", summary=summary, body=body,
    )  # fmt: skip


def test_words_are_folded_stemmed_and_stop_words_dropped() -> None:
    assert terms("The Zoë's SANCTIONS on Ñandú, and the 28-point plan!") == [
        "zoe", "sanction", "nandu", "28", "point", "plan",
    ]  # fmt: skip
    # Words that only look plural keep their ending; so do short ones.
    assert terms("Congress status crisis gas bus") == ["congress", "status", "crisis", "gas", "bus"]
    assert terms("companies policies") == ["company", "policy"]
    assert terms("Москва и Киев") == ["москва", "киев"]


def test_the_hash_is_standard_fnv1a_so_the_browser_computes_the_same() -> None:
    # Published FNV-1a 32-bit test vectors.
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


def test_weights_favour_the_title_and_stay_in_range() -> None:
    body = "Ceasefire talks resumed. " + "Delegates met again and again. " * 40
    weights = dict(term_weights(article("a.md", "Ceasefire in Geneva", body)))
    assert weights["ceasefire"] > weights["talk"]
    assert weights["geneva"] > weights["talk"]
    assert all(1 <= w <= 99 for w in weights.values())
    # The same word weighs less in a longer text: saturation against a fixed reference length.
    short = dict(term_weights(article("b.md", "Other", "Ceasefire talks resumed.")))
    assert short["talk"] > weights["talk"]


def test_document_ids_are_stable_and_collisions_settle_by_path(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [f"2025/04/story-{n}.md" for n in range(50)]
    ids = document_ids(paths)
    assert document_ids(reversed(paths)) == ids
    assert document_ids(paths[:10]) == {p: ids[p] for p in paths[:10]}
    monkeypatch.setattr(search, "ID_LENGTH", 1)  # sixteen possible ids: collisions are certain
    crowded = document_ids(paths[:16])
    assert len(set(crowded.values())) == 16
    assert document_ids(list(reversed(paths[:16]))) == crowded


def test_every_posting_is_in_the_shard_its_hash_names() -> None:
    weights = {
        "a1": term_weights(article("a.md", "Kremlin talks", "Peskov spoke in Moscow.")),
        "b2": term_weights(article("b.md", "Kyiv answers", "Zelensky spoke in Kyiv.")),
    }
    index = assemble_index(weights)
    meta = json.loads(index.meta)
    for term in ("kremlin", "spoke", "kyiv", "peskov"):
        shard = index.shards[f"search/data/t/{fnv1a(term) % meta['shards']:x}.json"]
        ids = shard[term][0::2]
        assert ids == sorted(d for d, w in weights.items() if term in dict(w))
    bucket = index.vocabulary[f"search/data/v/{fnv1a('kre') % meta['buckets']:x}.json"]
    assert "kremlin" in bucket
    assert "the" in meta["stop"] and meta["documents"] == 2


def test_term_weights_are_computed_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(item: Article) -> tuple[tuple[str, int], ...]:
        calls.append(item.path)
        return term_weights(item)

    monkeypatch.setattr(search, "term_weights", counting)
    first = [article("a.md", "One", "Alpha beta."), article("b.md", "Two", "Gamma delta.")]

    def describe(item: Article) -> SearchDocument:
        return SearchDocument(item.path, item.title, None, None, "18 April 2025", "2025-04", plain_text(item))

    known: dict[str, tuple[tuple[str, int], ...]] = {}
    search_outputs(first, describe, lambda item: item.path, known)
    assert sorted(calls) == ["a.md", "b.md"]
    calls.clear()
    edited = article("b.md", "Two", "Gamma delta, edited.")
    outputs = search_outputs([first[0], edited], describe, lambda item: item.path, known)
    assert calls == ["b.md"]
    assert len(known) == 2  # the old text of b.md is forgotten
    documents = [o for o in outputs if "/d/" in o.path]
    assert sorted(json.loads(str(o.make()))["title"] for o in documents) == ["One", "Two"]


def test_plain_text_drops_markdown_syntax() -> None:
    text = plain_text(
        article("a.md", "T", "## Heading\n\n**Bold** and [a link](https://x.example/).", "Sum.")
    )
    assert text == "Sum.\n Heading\n\nBold and a link."


def test_an_index_is_byte_identical_whatever_the_order_of_articles(tmp_path: Path) -> None:
    items = [article(f"{n}.md", f"Story {n}", f"Words number {n} and more words.") for n in range(30)]

    def files(order: list[Article]) -> dict[str, str]:
        def describe(item: Article) -> SearchDocument:
            return SearchDocument(item.path, item.title, None, None, "", "2025-04", plain_text(item))

        return {o.path: str(o.make()) for o in search_outputs(order, describe, lambda item: item.path, {})}

    assert files(items) == files(list(reversed(items)))
