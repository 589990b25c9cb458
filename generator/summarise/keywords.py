"""Tags: the few terms and names that say what an article is about."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence

from generator.memo import BoundedMemo
from generator.summarise.text import chunk_memo, chunk_values, fold, stop_words, words

# Words frequent in all news, which make poor tags whatever their count.
_NEWS_WORDS = frozenset(
    "news report reports reported reporting official officials statement statements week weeks year years "
    "month months day days time times percent people number part told source sources according".split()
)  # fmt: skip


def _tag_word(token: str) -> str:
    """A token's folded word where it can be a tag: longer than three letters, not a stop word or
    a word of all news; else ""."""
    word = fold(token)
    return word if len(word) > 3 and word not in stop_words() and word not in _NEWS_WORDS else ""


# Each distinct token is judged once per process: the paragraphs of a corpus repeat a few
# thousand words.
_TAG_WORDS: BoundedMemo[str, str] = BoundedMemo(_tag_word)
_CHUNK_TAG_WORDS = chunk_memo(_TAG_WORDS.__getitem__)


def extract_keywords(
    title: str, paragraphs: Sequence[str], entities: Sequence[str] = (), limit: int = 8
) -> tuple[str, ...]:
    """Lowercase tags: the most salient entities first, then content words weighted by title and spread."""
    counts: Counter[str] = Counter()
    spread: Counter[str] = Counter()
    for paragraph in paragraphs:
        found = list(chunk_values(_CHUNK_TAG_WORDS, paragraph))
        counts.update(found)
        spread.update(set(found))
    for word in words(title):
        if word in counts:
            counts[word] += 3
    tags = tuple(dict.fromkeys(entity.lower() for entity in entities))[:limit]
    entity_words = {part for entity in tags for part in entity.split()}
    # A tag word has no space and is no part of an entity, so none repeats a tag before it: only
    # the best few that fill the list are needed, not all of the article's words in order.
    scores = {
        word: count * (1 + spread[word] / max(1, len(paragraphs)))
        for word, count in counts.items()
        if count >= 2 and word not in entity_words
    }
    best = heapq.nsmallest(limit - len(tags), scores.items(), key=lambda item: (-item[1], item[0]))
    return tags + tuple(word for word, _ in best)
