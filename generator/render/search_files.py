"""The search index's files for one build, as outputs: term shards, completion buckets, `meta.json`
and one document per article (see `search` for the format and `search_assembly` for how the
assembled index is kept between builds)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.caches import load_cache, read_entries, save_cache, update_entries
from generator.executor import sent_imap
from generator.model import Article, ArticleText
from generator.render.incremental import Output
from generator.render.search import (
    SEARCH_DIR,
    SearchDocument,
    TermWeights,
    document_ids,
    document_json,
    shard_json,
    term_weights,
    text_fingerprint,
    vocabulary_json,
    weights_key,
)
from generator.render.search_assembly import kept_index


def _document_file(describe: Callable[[Article], SearchDocument], article: Article) -> str:
    return document_json(describe(article))


@dataclass
class SearchCache:
    """What the search index keeps between builds: each text's term weights by `weights_key`
    (`terms`, a sharded cache, see `generator.caches`) and the assembled index (`index`, see
    `search_assembly`). Without folders, weights live in `weights` only, for this process.

    A build that can bring the kept index up to date reads only the weights of the articles
    added, changed or removed, and writes back only those; the whole store is read only when
    the index is assembled whole. Call `save` after the build, or `save_and_let_go` once the
    index is assembled.
    """

    terms: Path | None = None
    index: Path | None = None
    weights: dict[str, TermWeights] = field(default_factory=dict)
    whole: bool = False
    """`weights` holds every stored entry (always so without `terms`)."""
    made: set[str] = field(default_factory=set)
    """Keys computed by this build, to store."""
    forgotten: set[str] = field(default_factory=set)
    """Keys no current article has, to remove from the store."""
    let_go: bool = False
    """Saved and emptied by `save_and_let_go`."""

    def __post_init__(self) -> None:
        if self.terms is None:
            self.whole = True

    def read(self, keys: Iterable[str]) -> None:
        """Read the stored weights of `keys` not in memory yet."""
        if self.terms is not None and not self.whole:
            stored = read_entries(self.terms, [k for k in keys if k not in self.weights])
            self.weights.update(stored)

    def read_whole(self) -> None:
        """Read every stored weight (those already in memory win)."""
        if self.terms is not None and not self.whole:
            stored = load_cache(self.terms)
            stored.update(self.weights)
            self.weights = stored
        self.whole = True

    def keep_only(self, keys: set[str]) -> None:
        """Forget weights no current article has; they are removed from the store by `save`."""
        stale = set(self.weights) - keys
        for key in stale:
            del self.weights[key]
        self.forgotten |= stale

    def save(self) -> None:
        """Store what this build computed and forgot: only the shards that changed."""
        if self.terms is None or self.let_go:
            return
        if self.whole:
            save_cache(self.terms, self.weights)
        elif self.made or self.forgotten:
            put = {key: self.weights[key] for key in self.made if key in self.weights}
            update_entries(self.terms, put, self.forgotten)
        self.made.clear()
        self.forgotten.clear()

    def save_and_let_go(self) -> None:
        """`save`, then drop the weights held in memory (a later `save` stores nothing): once the
        index is assembled, the rest of the build (its files included) does not need them."""
        self.save()
        self.let_go = True
        self.weights.clear()


class _CurrentWeights:
    """`search_assembly.WeightSource` over a `SearchCache`: stored weights are read, those of
    current articles not stored are computed (in forked processes when many)."""

    def __init__(self, cache: SearchCache, articles: dict[str, Article], workers: int) -> None:
        self.cache = cache
        self.articles = articles  # one article per weights key
        self.workers = workers

    def some(self, keys: Collection[str]) -> Mapping[str, TermWeights]:
        self.cache.read(keys)
        self._compute([key for key in keys if key in self.articles])
        return self.cache.weights

    def every(self) -> Mapping[str, TermWeights]:
        self.cache.read_whole()
        self._compute(list(self.articles))
        return self.cache.weights

    def _compute(self, keys: list[str]) -> None:
        missing = [key for key in keys if key not in self.cache.weights]
        texts = [ArticleText.of(self.articles[key]) for key in missing]
        # Taken as they come, so that only one slice of results is alive at a time.
        computed = sent_imap(
            term_weights, texts, self.workers, min_items=500, task="search index: term weights"
        )
        for key, weights in zip(missing, computed, strict=True):
            self.cache.weights[key] = weights
            self.cache.made.add(key)


def search_outputs(
    articles: Sequence[Article],
    describe: Callable[[Article], SearchDocument],
    fingerprint_document: Callable[[Article], str],
    cache: SearchCache,
    workers: int = 1,
) -> list[Output]:
    """Every file of the index for `articles`, as outputs of kind "search".

    `describe` gives what an article's result shows; `fingerprint_document` hashes its inputs.
    `cache` holds term weights and the assembled index from earlier builds: what is missing is
    made, and what no current article needs is forgotten, so the caller can `save` it.
    """
    keys = {article.path: weights_key(article) for article in articles}
    by_key = {keys[article.path]: article for article in articles}
    ids = document_ids(keys)
    documents = {ids[path]: key for path, key in keys.items()}
    index = kept_index(cache.index, documents, _CurrentWeights(cache, by_key, workers))
    cache.keep_only(set(by_key))
    meta_path = f"{SEARCH_DIR}/meta.json"
    outputs = [Output(meta_path, text_fingerprint(index.meta), partial(str, index.meta), "search")]
    for path, print_ in sorted(index.shard_prints.items()):
        outputs.append(Output(path, print_, partial(shard_json, index, path), "search"))
    for path, print_ in sorted(index.vocabulary_prints.items()):
        outputs.append(Output(path, print_, partial(vocabulary_json, index, path), "search"))
    for article in articles:
        outputs.append(
            Output(
                f"{SEARCH_DIR}/d/{ids[article.path]}.json",
                fingerprint_document(article),
                partial(_document_file, describe, article),
                "search",
            )
        )
    return outputs


__all__ = ["SearchCache", "search_outputs"]
