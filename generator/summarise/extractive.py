"""Extractive summaries: whole sentences chosen from the article (or from every article of an event).

A sentence's score mixes what works for news: its position (reporters put the news first), its
similarity to the document as a whole (centroid of TF-IDF-like term weights), its overlap with the
headline, and a preference for sentences of ordinary length. Sentences are then taken greedily,
best first, skipping any too similar to one already taken and any that open with a pronoun or
connective whose antecedent is not in the summary ("He said", "But"), and shown in text order.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.summarise.sentences import split_sentences
from generator.summarise.text import content_term_counts

_DANGLING = re.compile(
    r"^[\"“‘]?(he|she|it|they|this|that|these|those|his|her|its|their|but|and|so|also|however|meanwhile|"
    r"still|yet|instead|then|there|here|such|both|the two|the latter|the former)\b",
    re.IGNORECASE,
)
MIN_WORDS = 6
# How fast a sentence's position prior falls off: news puts the news in the first sentences.
POSITION_DECAY = 0.7
MAX_WORDS = 60


@dataclass(slots=True)
class Candidate:
    """A sentence that may go into a summary, with what selection asks of it every round
    (length in words, the length of its term vector, whether it opens with a pronoun or
    connective that needs the sentence before it) worked out once. Not changed after it is made."""

    text: str
    document: int
    position: int
    terms: Counter[str]
    words: int = field(init=False)
    norm: float = field(init=False)
    dangling: bool = field(init=False)

    def __post_init__(self) -> None:
        # Plain attributes, not cached properties: those take a lock on every read in 3.11.
        self.words = len(self.text.split())
        self.norm = _norm(self.terms)
        self.dangling = _DANGLING.match(self.text) is not None


def _norm(terms: Counter[str]) -> float:
    # The counts are integers: their sum of squares is exact, whatever the order of the keys.
    values = terms.values()
    return math.sqrt(sum(map(operator.mul, values, values))) or 1.0


def similarity(
    a: Counter[str], b: Counter[str], norm_a: float | None = None, norm_b: float | None = None
) -> float:
    """Cosine similarity of two term bags; pass norms already known to save recomputing them."""
    norm_a = _norm(a) if norm_a is None else norm_a
    norm_b = _norm(b) if norm_b is None else norm_b
    # Each term of the smaller bag is looked up in the larger, all in C: no set of the shared
    # terms is made (a third faster than intersecting the keys). Counts are integers, so the
    # sum is exact in any order.
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot: int = sum(map(operator.mul, small.values(), map(large.get, small, itertools.repeat(0))))
    return dot / (norm_a * norm_b)


def candidates(paragraphs: Sequence[str], document: int = 0) -> list[Candidate]:
    """Every sentence of a document, in order."""
    return [
        Candidate(sentence, document, position, content_term_counts(sentence))
        for position, sentence in enumerate(split_sentences("\n".join(paragraphs)))
    ]


def _usable(candidate: Candidate) -> bool:
    if not MIN_WORDS <= candidate.words <= MAX_WORDS or not candidate.terms:
        return False
    text = candidate.text.strip()
    # A sentence that opens a quotation and does not close it was cut from a longer quote.
    unbalanced = sum(text.count(mark) for mark in '“”"') % 2 == 1
    return not unbalanced and not text.endswith("?") and text[:1] not in "(-–—"


def score_sentences(cands: Sequence[Candidate], title: str = "", lead_weight: float = 2.5) -> list[float]:
    """One score per candidate: position, centrality, headline overlap, length."""
    # Counting the terms of every sentence in one go (in C) gives the same integer counts as
    # adding their Counters one by one, in a fraction of the time.
    centroid = Counter(
        itertools.chain.from_iterable(
            itertools.repeat(term, count) for c in cands for term, count in c.terms.items()
        )
    )
    title_terms = content_term_counts(title)
    centroid_norm, title_norm = _norm(centroid), _norm(title_terms)
    scores = []
    for candidate in cands:
        position = lead_weight / (1 + candidate.position) ** POSITION_DECAY
        central = similarity(candidate.terms, centroid, candidate.norm, centroid_norm)
        headline = (
            similarity(candidate.terms, title_terms, candidate.norm, title_norm) if title_terms else 0.0
        )
        length = min(1.0, candidate.words / 15)
        scores.append(position + 0.8 * central + 0.4 * headline + 0.2 * length)
    return scores


def select(
    cands: Sequence[Candidate],
    scores: Sequence[float],
    *,
    sentences: int | None = None,
    words: int | None = None,
    redundancy: float = 0.5,
    per_document_penalty: float = 0.0,
) -> list[Candidate]:
    """Greedy choice of the best sentences under a sentence or word budget, without near-repeats."""
    order = sorted(range(len(cands)), key=lambda i: (-scores[i], cands[i].document, cands[i].position))
    # Unusable sentences never become usable. A sentence is checked when a round first reaches
    # it, and most never are: the rounds stop at the first score that cannot win.
    usable: dict[int, bool] = {}
    chosen: list[Candidate] = []
    chosen_keys: set[tuple[int, int]] = set()
    chosen_per_document: Counter[int] = Counter()
    # Sentences too close to one already chosen. A sentence is compared with the picks only when
    # it would be the best of its round, and is left out for good once it is too close to one.
    repeats: set[int] = set()
    checked: dict[int, int] = {}  # sentence -> how many picks it has been compared with
    used_words = 0
    while True:
        best_index, best_score = None, -math.inf
        for index in order:
            # The penalty only lowers a score and `order` is best first: nothing later can win.
            if scores[index] <= best_score:
                break
            candidate = cands[index]
            key = (candidate.document, candidate.position)
            if key in chosen_keys or index in repeats:
                continue
            if (fit := usable.get(index)) is None:
                fit = usable[index] = _usable(candidate)
            if not fit:
                continue
            if candidate.dangling and (candidate.document, candidate.position - 1) not in chosen_keys:
                continue
            if words is not None and used_words and used_words + candidate.words > words * 1.1:
                continue
            value = scores[index] - per_document_penalty * chosen_per_document[candidate.document]
            if value <= best_score:
                continue
            if _repeats_a_pick(candidate, chosen, checked.get(index, 0), redundancy):
                repeats.add(index)
                continue
            checked[index] = len(chosen)
            best_index, best_score = index, value
        if best_index is None:
            break
        picked = cands[best_index]
        chosen.append(picked)
        chosen_keys.add((picked.document, picked.position))
        chosen_per_document[picked.document] += 1
        used_words += picked.words
        if sentences is not None and len(chosen) >= sentences:
            break
        if words is not None and used_words >= words:
            break
    return chosen


def _repeats_a_pick(candidate: Candidate, chosen: Sequence[Candidate], start: int, redundancy: float) -> bool:
    """Whether the candidate is too similar to one of the picks from `chosen[start]` on."""
    return any(
        similarity(candidate.terms, picked.terms, candidate.norm, picked.norm) > redundancy
        for picked in chosen[start:]
    )


def summarise_text(title: str, paragraphs: Sequence[str], sentences: int = 3) -> tuple[str, ...]:
    """A summary of one article: its best `sentences` whole sentences, in text order."""
    cands = candidates(paragraphs)
    if not cands:
        return ()
    chosen = select(cands, score_sentences(cands, title), sentences=sentences)
    if not chosen:
        chosen = cands[:1]
    return tuple(c.text for c in sorted(chosen, key=lambda c: c.position))
