"""Tags: the few terms and names that say what an article is about."""

from __future__ import annotations

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
    scores = {word: count * (1 + spread[word] / max(1, len(paragraphs))) for word, count in counts.items()}
    tags: list[str] = [entity.lower() for entity in entities]
    entity_words = {part for entity in tags for part in entity.split()}
    for word, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        if word not in entity_words and counts[word] >= 2:
            tags.append(word)
    return tuple(dict.fromkeys(tags))[:limit]
