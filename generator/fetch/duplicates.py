"""Find the same story arriving from another feed: text fingerprints and shingle sketches.

Syndicated copies carry the same text under another URL and headline, often with a line added or
cut (an agency credit, a trimmed last paragraph), so an exact hash alone misses them. Each text
gets a bottom-k sketch: the k smallest hashes of its five-word shingles. Two sketches estimate
the Jaccard similarity of the shingle sets (Broder's min-hash estimate), in constant space per
text, so the state file stays small however long the articles are.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence

SHINGLE_WORDS = 5
SKETCH_SIZE = 32
# Reports of one event by different outlets share names and quotations, but rarely a quarter of
# their five-word runs; copies of one text share far more than half (measured in the tests).
COPY_SIMILARITY = 0.6
_WORD = re.compile(r"\w+", re.UNICODE)


def text_words(paragraphs: Iterable[str]) -> list[str]:
    """The words of a text, lower-cased, without punctuation."""
    return [w.lower() for p in paragraphs for w in _WORD.findall(p)]


def fingerprint(words: Sequence[str]) -> str:
    """An exact fingerprint of the normalised text."""
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=12).hexdigest()


def sketch(words: Sequence[str]) -> str:
    """The bottom-k sketch of a text's shingles, as hex (eight digits per hash, ascending)."""
    if len(words) < SHINGLE_WORDS:
        return ""
    hashes = {
        int.from_bytes(
            hashlib.blake2b(" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"), digest_size=4).digest()
        )
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    return "".join(f"{h:08x}" for h in sorted(hashes)[:SKETCH_SIZE])


def _values(hex_sketch: str) -> list[int]:
    return [int(hex_sketch[i : i + 8], 16) for i in range(0, len(hex_sketch), 8)]


def text_print(words: Sequence[str]) -> tuple[str, str]:
    """A text's (fingerprint, sketch): what is stored for it and what `find_copy` compares."""
    return fingerprint(words), sketch(words)


def _overlap(first: set[int], second: set[int]) -> float:
    if not first or not second:
        return 0.0
    size = min(SKETCH_SIZE, len(first | second))
    union_bottom = sorted(first | second)[:size]
    return sum(1 for h in union_bottom if h in first and h in second) / size


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two texts' shingle sets, from their sketches."""
    return _overlap(set(_values(a)), set(_values(b)))


def find_copy(
    text: tuple[str, str], known: Mapping[str, tuple[str, str]], threshold: float = COPY_SIMILARITY
) -> str | None:
    """The key of a known text that `text` (its `text_print`) copies, if any.

    `known` maps a key to (fingerprint, sketch); an equal fingerprint or a sketch similarity of
    at least `threshold` is a copy. The most similar wins; ties go to the smallest key.
    """
    exact, own_sketch = text
    # The new text's sketch is read once, not once per stored text.
    own = set(_values(own_sketch))
    best: tuple[float, str] | None = None
    for key, (other_exact, other_sketch) in sorted(known.items()):
        if other_exact == exact:
            return key
        if own and other_sketch:
            score = _overlap(own, set(_values(other_sketch)))
            if score >= threshold and (best is None or score > best[0]):
                best = (score, key)
    return best[1] if best else None
