"""Sentence splitting that knows news abbreviations (U.S., Feb., Dr.), initials, decimals and quotes."""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col sgt capt cmdr adm maj st jr sr inc ltd co corp plc bros vs etc "
    "no nos vol fig approx dept est govt jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu "
    "fri sat sun a.m p.m u.s u.k u.n e.u d.c ft mt rev hon pres supt det insp".split()
)  # fmt: skip
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’»)\]]*)(\s+)(?=[\"“‘«(\[]?[A-Z0-9])")
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")


def _is_abbreviation(before: str) -> bool:
    """Whether the word just before a full stop is an abbreviation or initials.

    `before` is a run of a whitespace-normalised paragraph. Its last word is split off from the
    end: a regular expression anchored at the end is tried from every position of the run.
    """
    if not before or before[-1].isspace():
        return False
    token = before.rsplit(None, 1)[-1].lstrip('"“‘«([').lower()
    if token in _ABBREVIATIONS:
        return True
    # Initials ("J.", "U.S") and single letters are not sentence ends.
    return _INITIALS.fullmatch(token) is not None


_ATTRIBUTION_ONLY = re.compile(
    r"^(?:[A-Z][\w'’.-]*\s+){0,4}(?:said|says|told|added|wrote|noted|warned|asked|replied|stated|declared)\b"
    r"[^.!?]{0,60}[.!?]$"
)
_ENDS_WITH_QUOTE = re.compile(r"[\"”’»]$")


def _merge_attributions(sentences: list[str]) -> list[str]:
    """`“It gives us nothing.” Ushakov said.` is one sentence, not a quote and a stub."""
    merged: list[str] = []
    for sentence in sentences:
        if merged and _ENDS_WITH_QUOTE.search(merged[-1]) and _ATTRIBUTION_ONLY.match(sentence):
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    return merged


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; paragraphs (blank-line or newline separated) never share one."""
    return list(_split_recent(text))


# Summarising splits each article twice, for its names and for its summary: the second call is a
# lookup (a tenth of the per-article CPU was splitting).
@lru_cache(maxsize=4)
def _split_recent(text: str) -> tuple[str, ...]:
    sentences: list[str] = []
    for paragraph in re.split(r"\n+", text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            if match.group(1) == "." and _is_abbreviation(paragraph[start : match.start(1)]):
                continue
            end = match.end(2)
            sentence = paragraph[start:end].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end(3)
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return tuple(_merge_attributions(sentences))
