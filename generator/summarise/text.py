"""Words: tokens, stop words and a light stemmer shared by the summariser and the event grouping."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

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


def words(text: str) -> list[str]:
    """Lowercased words of a text, possessive 's removed."""
    lowered = [word.lower().replace("’", "'") for word in _WORD.findall(text)]
    return [word[:-2] if word.endswith("'s") else word for word in lowered]


_SUFFIXES = ("ational", "ization", "fulness", "ousness", "iveness", "ments", "ment", "ings", "ing", "edly",
             "ies", "ied", "ed", "es", "ly", "s")  # fmt: skip


@cache
def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match "talks"/"talk", "agreed"/"agree"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Token -> its content term, or "" for a stop word or a short word. The same few thousand tokens
# make up most text, so each is folded, checked and stemmed once per process (bounded, so an
# odd corpus cannot grow it without limit).
_CONTENT_TERM: dict[str, str] = {}
_CONTENT_TERM_LIMIT = 500_000


def _content_term(token: str) -> str:
    word = token.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return stem(word) if len(word) > 2 and word not in stop_words() else ""


def content_terms(text: str) -> list[str]:
    """Stemmed content words: no stop words, no one- or two-letter words."""
    known = _CONTENT_TERM
    terms = []
    for token in _WORD.findall(text):
        term = known.get(token)
        if term is None:
            term = _content_term(token)
            if len(known) < _CONTENT_TERM_LIMIT:
                known[token] = term
        if term:
            terms.append(term)
    return terms
