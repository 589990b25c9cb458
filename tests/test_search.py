"""The search index: words folded the same way everywhere, stable ids, shards the browser can find."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.caches import load_cache, read_stamped
from generator.model import Article, ArticleText
from generator.render import search, search_assembly
from generator.render.search import (
    SearchDocument,
    SearchIndex,
    TermWeights,
    assemble_index,
    document_ids,
    fnv1a,
    plain_text,
    term_weights,
    terms,
    weights_key,
)
from generator.render.search_files import SearchCache, search_outputs


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

    def counting(item: ArticleText) -> TermWeights:
        calls.append(item.title)
        return term_weights(item)

    monkeypatch.setattr("generator.render.search_files.term_weights", counting)
    first = [article("a.md", "One", "Alpha beta."), article("b.md", "Two", "Gamma delta.")]

    def describe(item: Article) -> SearchDocument:
        return SearchDocument(item.path, item.title, None, None, "18 April 2025", "2025-04", plain_text(item))

    cache = SearchCache()
    search_outputs(first, describe, lambda item: item.path, cache)
    assert sorted(calls) == ["One", "Two"]
    calls.clear()
    edited = article("b.md", "Two", "Gamma delta, edited.")
    outputs = search_outputs([first[0], edited], describe, lambda item: item.path, cache)
    assert calls == ["Two"]
    assert len(cache.weights) == 2  # the old text of b.md is forgotten
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

        outputs = search_outputs(order, describe, lambda item: item.path, SearchCache())
        return {o.path: str(o.make()) for o in outputs}

    assert files(items) == files(list(reversed(items)))


# Documents drawn from a small vocabulary, so that terms are shared, emptied and new again.
WORDS = [f"{a}{b}{c}" for a in "kmz" for b in "aio" for c in "rst"] + ["x", "yo"]
document_weights = st.lists(
    st.tuples(st.sampled_from(WORDS), st.integers(1, 99)), min_size=1, max_size=12, unique_by=lambda t: t[0]
).map(lambda pairs: TermWeights.of(sorted(pairs)))


def same_index(kept: SearchIndex, whole: SearchIndex) -> None:
    assert kept.meta == whole.meta
    assert kept.shard_prints == whole.shard_prints
    assert kept.vocabulary == whole.vocabulary
    assert kept.vocabulary_prints == whole.vocabulary_prints
    assert {path: kept.shards[path] for path in kept.shards} == dict(whole.shards)


@settings(max_examples=60, deadline=None)
@given(
    first=st.dictionaries(st.sampled_from([f"d{n:02}" for n in range(60)]), document_weights, min_size=24),
    changes=st.lists(
        st.tuples(st.sampled_from([f"d{n:02}" for n in range(70)]), st.none() | document_weights),
        min_size=1,
        max_size=8,
    ),
)
def test_a_kept_index_brought_up_to_date_equals_one_assembled_whole(
    first: dict[str, TermWeights],
    changes: list[tuple[str, TermWeights | None]],
) -> None:
    # Weights by key, as the term-weight cache holds them: a key per distinct text.
    weights = Weights({repr(w): w for w in first.values()})
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "search-index"
        documents = {doc_id: repr(w) for doc_id, w in first.items()}
        same_index(search_assembly.kept_index(folder, documents, weights), assemble_index(first))
        current = dict(first)
        for doc_id, new in changes:  # one build per change: a removal, an edit or an addition
            if new is None:
                current.pop(doc_id, None)
            else:
                current[doc_id] = new
                weights.stored[repr(new)] = new
            documents = {d: repr(w) for d, w in current.items()}
            weights.asked = []
            kept = search_assembly.kept_index(folder, documents, weights)
            same_index(kept, assemble_index(current))
            # A change to one document of twenty or more is applied, not assembled afresh: only
            # the changed documents' weights were asked for.
            assert all(keys is not None and len(keys) <= 2 for keys in weights.asked)


class Weights:
    """A `WeightSource` over a dict, recording what was asked for (None: every weight)."""

    def __init__(self, stored: dict[str, TermWeights]) -> None:
        self.stored = stored
        self.asked: list[Collection[str] | None] = []

    def some(self, keys: Collection[str]) -> Mapping[str, TermWeights]:
        self.asked.append(keys)
        return self.stored

    def every(self) -> Mapping[str, TermWeights]:
        self.asked.append(None)
        return self.stored


def test_a_kept_index_that_cannot_be_trusted_is_assembled_afresh(tmp_path: Path) -> None:
    weights_by_id = {
        f"d{n:02}": TermWeights.of(sorted([(f"w{n % 7}", n + 1), (f"common{n % 3}", 5)])) for n in range(40)
    }
    weights = Weights({repr(w): w for w in weights_by_id.values()})
    documents = {d: repr(w) for d, w in weights_by_id.items()}
    folder = tmp_path / "search-index"
    search_assembly.kept_index(folder, documents, weights)
    shard_files = sorted(folder.glob("t-*.pickle"))
    shard_files[0].write_bytes(b"not a pickle")
    shard_files[1].unlink()
    changed = dict(weights_by_id) | {"d00": TermWeights.of([("newword", 9), ("w0", 3)])}
    weights.stored |= {repr(w): w for w in changed.values()}
    documents = {d: repr(w) for d, w in changed.items()}
    # The damaged files are made again when read; the next build finds the whole index sound.
    for _ in range(2):
        same_index(search_assembly.kept_index(folder, documents, weights), assemble_index(changed))
    assert (folder / search_assembly.STATE_FILE).is_file()
    for shard_file in folder.glob("t-*.pickle"):
        assert isinstance(read_stamped(shard_file, "shard"), dict)
    # A build killed while writing shards leaves no state: the index is assembled afresh.
    (folder / search_assembly.STATE_FILE).unlink()
    same_index(search_assembly.kept_index(folder, documents, weights), assemble_index(changed))


def test_adding_and_editing_articles_reads_and_stores_only_their_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [
        article(f"2025/04/story-{n}.md", f"Story {n}", f"Words number {n} about topic{n % 5} and more.")
        for n in range(40)
    ]

    def describe(item: Article) -> SearchDocument:
        return SearchDocument(item.path, item.title, None, None, "", "2025-04", plain_text(item))

    def build(order: list[Article], cache: SearchCache) -> dict[str, str]:
        files = {o.path: str(o.make()) for o in search_outputs(order, describe, lambda a: a.path, cache)}
        cache.save()
        return files

    first = SearchCache(terms=tmp_path / "terms", index=tmp_path / "index")
    build(items, first)
    assert first.whole  # nothing kept yet: every weight was made and stored

    def whole_read(folder: Path) -> None:
        raise AssertionError(f"{folder} read whole")

    monkeypatch.setattr("generator.render.search_files.load_cache", whole_read)
    edited = replace(items[3], body="Entirely new words.")
    later = [*items[:3], edited, *items[4:], article("2025/04/new.md", "New", "A new story about topic1.")]
    kept = SearchCache(terms=tmp_path / "terms", index=tmp_path / "index")
    files = build(later, kept)
    assert not kept.whole
    assert files == build(later, SearchCache())
    # The store holds exactly the current texts' weights: the new ones in, the edited one's old out.
    assert load_cache(tmp_path / "terms") == {weights_key(a): term_weights(a) for a in later}


def test_term_weights_are_held_packed_however_they_arrived(tmp_path: Path) -> None:
    # Enough articles for the weights to be computed on forked workers.
    items = [
        article(
            f"2025/04/story-{n}.md", f"Story {n % 7}", f"Rain in town{n % 11} and flood{n % 13} warnings."
        )
        for n in range(600)
    ]

    def packed(weights: Mapping[str, TermWeights]) -> None:
        # Two objects per article, however many terms: not a tuple per (term, weight) pair.
        assert all(
            type(entry) is TermWeights and type(entry.terms) is str and type(entry.weights) is bytes
            for entry in weights.values()
        )

    computed = SearchCache(terms=tmp_path / "terms", index=tmp_path / "index")
    search_outputs(items, describe_plainly, lambda a: a.path, computed, workers=2)
    packed(computed.weights)
    computed.save()
    expected = {weights_key(a): term_weights(a) for a in items}
    assert computed.weights == expected

    stored = SearchCache(terms=tmp_path / "terms")
    stored.read_whole()
    packed(stored.weights)
    assert stored.weights == expected
    some = SearchCache(terms=tmp_path / "terms")
    some.read(list(expected)[:300])
    packed(some.weights)
    assert len(some.weights) == 300


@given(document_weights)
def test_packed_term_weights_give_back_their_pairs(weights: TermWeights) -> None:
    pairs = list(weights)
    assert pairs == sorted(pairs) and len(pairs) == len(weights)
    assert TermWeights.of(pairs) == weights
    assert list(TermWeights.of([])) == [] and len(TermWeights.of([])) == 0
    # A text of stop words only has no terms.
    assert list(term_weights(article("a.md", "It is", "It was a.", summary="It is."))) == []


def describe_plainly(item: Article) -> SearchDocument:
    return SearchDocument(item.path, item.title, None, None, "", "2025-04", plain_text(item))
