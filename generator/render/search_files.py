"""The search index's files for one build, as outputs: term shards, completion buckets, `meta.json`
and one document per article (see `search` for the format and `search_assembly` for how the
assembled index is kept between builds)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from generator.executor import fork_map
from generator.model import Article
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


def search_outputs(
    articles: Sequence[Article],
    describe: Callable[[Article], SearchDocument],
    fingerprint_document: Callable[[Article], str],
    known_weights: dict[str, TermWeights],
    workers: int = 1,
    index_folder: Path | None = None,
) -> list[Output]:
    """Every file of the index for `articles`, as outputs of kind "search".

    `describe` gives what an article's result shows; `fingerprint_document` hashes its inputs.
    `known_weights` holds term weights by `weights_key` from earlier builds: the missing ones
    are computed (in forked processes when many) and added, and entries for articles no longer
    there are dropped, so the caller can store it for the next build. With `index_folder`, the
    assembled index is kept there and only brought up to date (see `search_assembly`).
    """
    keys = {article.path: weights_key(article) for article in articles}
    missing = [article for article in articles if keys[article.path] not in known_weights]
    computed = fork_map(term_weights, missing, workers, min_items=500)
    for article, weights in zip(missing, computed, strict=True):
        known_weights[keys[article.path]] = weights
    ids = document_ids(keys)
    index = kept_index(index_folder, {ids[path]: key for path, key in keys.items()}, known_weights)
    for stale in set(known_weights) - set(keys.values()):
        del known_weights[stale]
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


__all__ = ["search_outputs"]
