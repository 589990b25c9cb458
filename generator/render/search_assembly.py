"""The assembled search index, kept between builds and brought up to date by the articles that changed.

Assembling the index (each term's posting list, split into shards, and the completion
vocabulary) from every article's term weights is a pass over millions of postings, and hashing
every shard another: together 2–3 s of a build that adds one article to 10,000, which changes the
postings of a few hundred terms. So the shards are kept under `.broadsheet/cache/search-index/`,
one pickle per shard, beside a state file that lists the documents they hold (id and weights
key), each shard's fingerprint and the vocabulary. A build removes the postings of documents that
are gone or changed, adds those of new or changed ones, and hashes again only the shards and
vocabulary buckets it touched.

The result is exactly what `search.assemble_index` makes from all the weights (a property test
holds the two together). The state is deleted before any shard file is written and written
last, so a build killed in between leaves no state, and the next build assembles everything.
Anything that does not fit (no state, another version, another shard count, a missing shard
file, weights no longer known, or changes to more than an eighth of the documents) is assembled
from scratch and stored whole.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.caches import read_stamped, write_stamped
from generator.render.search import (
    PREFIX_LENGTH,
    SearchIndex,
    TermWeights,
    assemble_index,
    index_meta,
    shard_count,
    shard_fingerprint,
    shard_path,
    text_fingerprint,
    vocabulary_path,
)

STATE_FILE = "state.pickle"
# Past this share of documents changed, loading and patching most shards costs more than assembling.
MOST_CHANGED = 1 / 8

Postings = dict[str, list[str | int]]


class StoredShards(Mapping[str, Postings]):
    """The term shards by site path: those this build touched are in memory, the others are read
    from their cache file when asked for (only when their output file has to be made).

    A file that cannot be read then (damaged, removed by hand) is made again from `assemble`
    (every shard, from all the weights), and the state is removed so the next build stores the
    whole index afresh.
    """

    def __init__(
        self,
        folder: Path,
        paths: Mapping[str, str],
        loaded: dict[str, Postings],
        assemble: Callable[[], SearchIndex],
    ) -> None:
        self.folder = folder
        self.paths = paths  # site path → fingerprint: the shards there are
        self.loaded = loaded
        self.assemble = assemble

    def __getitem__(self, path: str) -> Postings:
        if path not in self.paths:
            raise KeyError(path)
        found = self.loaded.get(path)
        if found is None:
            found = _read_shard(self.folder, path)
            if found is None:
                (self.folder / STATE_FILE).unlink(missing_ok=True)
                self.loaded.update(self.assemble().shards)
                found = self.loaded[path]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


@dataclass
class _State:
    """What the shard files hold: the documents by id (with their weights key), the fingerprint
    of each shard, and the vocabulary buckets with theirs."""

    shards_total: int
    documents: dict[str, str]
    shard_prints: dict[str, str]
    vocabulary: dict[str, list[str]]
    vocabulary_prints: dict[str, str] = field(default_factory=dict)


class WeightSource(Protocol):
    """Where `kept_index` gets term weights by weights key, as few as it can."""

    def some(self, keys: Collection[str]) -> Mapping[str, TermWeights]:
        """At least the weights of those `keys` that are current documents' or still stored."""
        ...

    def every(self) -> Mapping[str, TermWeights]:
        """The weights of every current document."""
        ...


def kept_index(folder: Path | None, documents: Mapping[str, str], weights: WeightSource) -> SearchIndex:
    """The index of `documents` (doc id → weights key), from the one kept in `folder` where it
    can be brought up to date, else assembled whole; `folder` is left holding it.

    Bringing it up to date asks `weights` only for the documents added, changed or removed
    (the postings of a changed or removed document are found from its previous weights).
    """

    def assemble() -> SearchIndex:
        every = weights.every()
        return assemble_index({doc_id: every[key] for doc_id, key in documents.items()})

    if folder is None:
        return assemble()
    state = _read_state(folder)
    changes = _changes(state, documents) if state is not None else None
    if state is not None and changes is not None:
        removed, added = changes
        known = weights.some({state.documents[d] for d in removed} | {documents[d] for d in added})
        if all(state.documents[d] in known for d in removed):
            updated = _updated(folder, state, documents, removed, added, known, assemble)
            if updated is not None:
                return updated
    index = assemble()
    _store_whole(folder, index, documents)
    return index


def _changes(state: _State, documents: Mapping[str, str]) -> tuple[list[str], list[str]] | None:
    """The documents removed (or changed) and added (or changed) since the kept index; None when
    it cannot be brought up to date (another shard count, or too much changed)."""
    if state.shards_total != shard_count(len(documents)):
        return None
    removed = sorted(d for d, key in state.documents.items() if documents.get(d) != key)
    added = sorted(d for d, key in documents.items() if state.documents.get(d) != key)
    if len(removed) + len(added) > max(1, len(documents)) * MOST_CHANGED:
        return None
    return removed, added


def _updated(
    folder: Path,
    state: _State,
    documents: Mapping[str, str],
    removed: list[str],
    added: list[str],
    weights: Mapping[str, TermWeights],
    assemble: Callable[[], SearchIndex],
) -> SearchIndex | None:
    """The kept index with the changes applied and stored, or None where it cannot be."""
    if not removed and not added:
        shards = StoredShards(folder, state.shard_prints, {}, assemble)
        return _index(state, shards, len(documents))
    touched: dict[str, Postings] = {}
    for doc_id in removed:
        for term, _ in weights[state.documents[doc_id]]:
            touched.setdefault(shard_path(term, state.shards_total), {})
    for doc_id in added:
        for term, _ in weights[documents[doc_id]]:
            touched.setdefault(shard_path(term, state.shards_total), {})
    for path in touched:
        if path in state.shard_prints:
            shard = _read_shard(folder, path)
            if shard is None:
                return None
            touched[path] = shard
    buckets: set[str] = set()
    for doc_id in removed:
        for term, _ in weights[state.documents[doc_id]]:
            shard = touched[shard_path(term, state.shards_total)]
            postings = shard.get(term, [])
            position = _position(postings, doc_id)
            if position == len(postings) or postings[position] != doc_id:
                return None  # the files do not hold what the state says: assemble afresh
            del postings[position : position + 2]
            if not postings:
                del shard[term]
                _drop_word(state.vocabulary, term, buckets)
    for doc_id in added:
        for term, weight in weights[documents[doc_id]]:
            shard = touched[shard_path(term, state.shards_total)]
            found = shard.get(term)
            if found is None:
                shard[term] = [doc_id, weight]
                _add_word(state.vocabulary, term, buckets)
            else:
                position = _position(found, doc_id)
                found[position:position] = (doc_id, weight)
    (folder / STATE_FILE).unlink(missing_ok=True)
    for path, shard in touched.items():
        if shard:
            state.shard_prints[path] = shard_fingerprint(shard)
            _write_shard(folder, path, shard)
        else:
            state.shard_prints.pop(path, None)
            _shard_file(folder, path).unlink(missing_ok=True)
    for bucket in buckets:
        if bucket in state.vocabulary:
            state.vocabulary_prints[bucket] = text_fingerprint("\n".join(state.vocabulary[bucket]))
        else:
            state.vocabulary_prints.pop(bucket, None)
    state.documents = dict(documents)
    _write_state(folder, state)
    loaded = {path: shard for path, shard in touched.items() if shard}
    return _index(state, StoredShards(folder, state.shard_prints, loaded, assemble), len(documents))


def _index(state: _State, shards: StoredShards, documents: int) -> SearchIndex:
    return SearchIndex(
        meta=index_meta(documents, state.shards_total),
        shards=shards,
        vocabulary=state.vocabulary,
        shard_prints=dict(state.shard_prints),
        vocabulary_prints=dict(state.vocabulary_prints),
    )


def _position(postings: list[str | int], doc_id: str) -> int:
    """Where `doc_id` is, or would go, in a posting list of (id, weight) pairs sorted by id."""
    low, high = 0, len(postings) // 2
    while low < high:
        middle = (low + high) // 2
        if postings[2 * middle] < doc_id:  # type: ignore[operator]
            low = middle + 1
        else:
            high = middle
    return 2 * low


def _add_word(vocabulary: dict[str, list[str]], term: str, touched: set[str]) -> None:
    if len(term) >= PREFIX_LENGTH:
        bucket = vocabulary_path(term)
        bisect.insort(vocabulary.setdefault(bucket, []), term)
        touched.add(bucket)


def _drop_word(vocabulary: dict[str, list[str]], term: str, touched: set[str]) -> None:
    if len(term) >= PREFIX_LENGTH:
        bucket = vocabulary_path(term)
        words = vocabulary[bucket]
        del words[bisect.bisect_left(words, term)]
        if not words:
            del vocabulary[bucket]
        touched.add(bucket)


def _store_whole(folder: Path, index: SearchIndex, documents: Mapping[str, str]) -> None:
    """Write every shard and then the state, after removing the old files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STATE_FILE).unlink(missing_ok=True)
    for old in [*folder.glob("*.pickle"), *folder.glob(".*.tmp")]:  # and what a killed build left
        old.unlink()
    for path, shard in index.shards.items():
        _write_shard(folder, path, shard)
    _write_state(
        folder,
        _State(
            shards_total=shard_count(len(documents)),
            documents=dict(documents),
            shard_prints=dict(index.shard_prints),
            vocabulary={bucket: list(words) for bucket, words in index.vocabulary.items()},
            vocabulary_prints=dict(index.vocabulary_prints),
        ),
    )


def _shard_file(folder: Path, path: str) -> Path:
    # "search/data/t/1f.json" → "t-1f.pickle"
    return folder / ("t-" + path.rsplit("/", 1)[1].removesuffix(".json") + ".pickle")


def _write_shard(folder: Path, path: str, shard: Postings) -> None:
    # Hundreds per build, and a lost one is made again: not synced.
    write_stamped(_shard_file(folder, path), "shard", shard, synced=False)


def _read_shard(folder: Path, path: str) -> Postings | None:
    shard = read_stamped(_shard_file(folder, path), "shard")
    return shard if isinstance(shard, dict) else None


def _write_state(folder: Path, state: _State) -> None:
    write_stamped(folder / STATE_FILE, "state", state)


def _read_state(folder: Path) -> _State | None:
    state = read_stamped(folder / STATE_FILE, "state")
    return state if isinstance(state, _State) else None


__all__ = ["STATE_FILE", "StoredShards", "WeightSource", "kept_index"]
