"""Words: tokens, stop words and a light stemmer shared by the summariser and the event grouping."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from itertools import chain
from typing import TypeVar

from generator.memo import BoundedMemo

T = TypeVar("T")

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)


@cache
def _data_words(name: str) -> frozenset[str]:
    text = resources.files("generator.data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(
        word.lower() for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


def stop_words() -> frozenset[str]:
    """English stop words (function words and the most common verbs), from the shipped list."""
    return _data_words("stopwords_en.txt")


@cache
def places() -> frozenset[str]:
    """Names of countries, regions and cities, lowercased, from the shipped gazetteer."""
    text = resources.files("generator.data").joinpath("places.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def fold(token: str) -> str:
    """A token as the word lists know it: lowercased, curly apostrophe straightened, possessive
    's removed."""
    return token.lower().replace("’", "'").removesuffix("'s")


def words(text: str) -> list[str]:
    """Lowercased words of a text, possessive 's removed."""
    return [fold(token) for token in _WORD.findall(text)]


_SUFFIXES = ("ational", "ization", "fulness", "ousness", "iveness", "ments", "ment", "ings", "ing", "edly",
             "ies", "ied", "ed", "es", "ly", "s")  # fmt: skip


@cache
def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match "talks"/"talk", "agreed"/"agree"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content_term(token: str) -> str:
    """A token's content term, or "" for a stop word or a short word."""
    word = fold(token)
    return stem(word) if len(word) > 2 and word not in stop_words() else ""


# Each distinct token is folded, checked and stemmed once per process.
_CONTENT_TERMS: BoundedMemo[str, str] = BoundedMemo(_content_term)

CHUNK_MEMO_LIMIT = 50_000
"""Chunks of text a per-chunk memo keeps: the common words with their punctuation, about 12 MB."""


def chunk_memo(token_value: Callable[[str], str]) -> BoundedMemo[str, tuple[str, ...]]:
    """A per-process memo from a chunk of text between spaces ("talks,") to the non-empty
    `token_value` of each of its tokens (the words `words` folds), in order.

    No token spans white space, so a text's tokens are its chunks' tokens one after the other.
    `str.split` finds the chunks in C; the token pattern was most of the time of counting a
    sentence's terms, and a corpus repeats the same few thousand chunks (1.35 times as fast).
    """
    return BoundedMemo(
        lambda chunk: tuple(filter(None, map(token_value, _WORD.findall(chunk)))), limit=CHUNK_MEMO_LIMIT
    )


def chunk_values(memo: BoundedMemo[str, tuple[T, ...]], text: str) -> Iterator[T]:
    """The values a per-chunk memo (such as a `chunk_memo`) gives for the chunks of `text`, in order."""
    return chain.from_iterable(map(memo.__getitem__, text.split()))


_CHUNK_CONTENT_TERMS = chunk_memo(_CONTENT_TERMS.__getitem__)


def content_terms(text: str) -> list[str]:
    """Stemmed content words: no stop words, no one- or two-letter words."""
    return list(chunk_values(_CHUNK_CONTENT_TERMS, text))


def content_term_counts(text: str) -> Counter[str]:
    """`content_terms` counted: each term once, in order of first use, with how often it occurs."""
    # Counted as they are looked up, with no list between: a summary counts every sentence's.
    return Counter(chunk_values(_CHUNK_CONTENT_TERMS, text))
