"""Group articles into events: several outlets reporting one real-world happening.

Each article is a TF-IDF vector of its words (title counted twice), its capitalised names
(counted again: reports of one happening name the same people and places) and its named
entities. Events are then built the way an editor would, in three steps, over candidate pairs
only (articles within `window_days` of each other that share a rare term, and among each
other's closest such partners), never all pairs:

1. cores: articles linked by a strong similarity, or quoting the same passage (two rare word
   8-grams in common) and close enough in words to be merged, belong together (connected
   components);
2. attach: an article left alone joins the core it is closest to on average, if close enough;
3. merge: groups whose average similarity is high enough are one event (average linkage).

An `event:` set in front matter (by hand, or written back by an earlier build) pins an article:
pinned events are never merged with each other or renamed, so a new article joins an existing
event or opens a new one, whose slug is made once from its first article's title.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from generator.executor import MIN_SENT_ARTICLES, SentMap, fork_map, sent_imap
from generator.memo import BoundedMemo
from generator.memory import release_free_memory
from generator.model import Article, ArticleText, Event, article_digest
from generator.packed import PackedRows
from generator.slugs import slugify
from generator.summarise.text import CHUNK_MEMO_LIMIT, chunk_values, fold, stem

if TYPE_CHECKING:
    import numpy as np

# numpy is imported where it is used: loading it costs a fifth of a second, which an up-to-date
# build (under a second in all) does not need to pay.

Vector = dict[str, float]


@dataclass(frozen=True)
class GroupingSettings:
    """The settings of the grouping: one set, shared by every data set."""

    core_link: float = 0.45
    attach_link: float = 0.12
    merge_link: float = 0.25
    shared_passages: int = 2
    # Two reports sharing passages are one event only when their words are this close too: a
    # formulaic sentence ("opposition politicians demanded an inquiry into ...") recurs across
    # unrelated stories, and linked alone it chained them into events of thousands of articles.
    quote_link: float = 0.25
    window_days: int = 10
    entity_weight: float = 2.0
    name_weight: float = 2.0
    # Candidate pairs share at least one of each article's most distinctive terms...
    blocking_terms: int = 40
    # ... and are among the closest partners of one of the two (see `candidate_partners`).
    partners_per_article: int = 50


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)


TokenTerms = tuple[str, str] | tuple[()]
# Articles whose TF-IDF weights are computed at once.
TERM_VECTOR_BLOCK = 1024
# The bits of a one-number sort key (see `_heaviest_first`); above them, three keys in turn.
SORT_KEY_BITS = 63
# Joins an article's terms into one string; no term holds it.
TERM_SEPARATOR = "\x00"
# One memo per stop-word list: each distinct token is folded and stemmed once per process.
_TOKEN_TERMS: dict[frozenset[str], BoundedMemo[str, TokenTerms]] = {}


def _token_terms(token: str, stop_words: frozenset[str]) -> TokenTerms:
    """A token's stemmed term and its name key, or nothing for a stop word or a short word."""
    word = fold(token)
    if len(word) <= 2 or word in stop_words:
        return ()
    return stem(word), "^" + word


def article_terms(
    article: Article | ArticleText,
    stop_words: frozenset[str],
    entity_weight: float = 2.0,
    name_weight: float = 2.0,
) -> dict[str, float]:
    """The weighted bag of terms that stands for an article in the grouping.

    Words are stemmed; a capitalised word inside a sentence (a name) also counts as itself.
    """
    terms: dict[str, float] = defaultdict(float)
    known = _TOKEN_TERMS.get(stop_words)
    if known is None:
        known = _TOKEN_TERMS[stop_words] = BoundedMemo(lambda token: _token_terms(token, stop_words))
    for text, weight in ((article.title, 2.0), (article.summary, 1.0), (article.body, 1.0)):
        for line in text.splitlines():
            for position, token in enumerate(_TOKEN.findall(line)):
                found = known[token]
                if not found:
                    continue
                terms[found[0]] += weight
                if name_weight and position > 0 and token[0].isupper():
                    terms[found[1]] += name_weight * weight
    for entity in (*article.people, *article.organizations, *article.places):
        terms["@" + entity.lower().replace(TERM_SEPARATOR, " ")] += entity_weight
    return dict(terms)


def article_features(
    article: ArticleText, stop_words: frozenset[str], entity_weight: float, name_weight: float
) -> tuple[str, np.ndarray]:
    """An article's `article_terms` as they come back from a worker: the terms joined by
    `TERM_SEPARATOR` into one string (not a list of strings, for the size of every article's at
    once; see `term_vectors`), and their weights in the same order."""
    import numpy as np

    bag = article_terms(article, stop_words, entity_weight, name_weight)
    return TERM_SEPARATOR.join(bag), np.fromiter(bag.values(), dtype=np.float64, count=len(bag))


@dataclass(frozen=True)
class TermVectors:
    """Every article's L2-normalised TF-IDF vector, end to end (compressed sparse rows).

    Article i's entries are `terms[starts[i]:starts[i + 1]]` and the same slice of `weights`, in
    the order of its bag. Terms are numbered in the sorted order of `vocabulary`, so comparing
    numbers compares the terms. At 100,000 articles a dict per article took gigabytes.
    """

    vocabulary: list[str]
    starts: np.ndarray
    terms: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.starts) - 1

    @classmethod
    def from_dicts(cls, vectors: Sequence[Vector]) -> TermVectors:
        """The same vectors, stacked."""
        import numpy as np

        vocabulary = sorted({term for vector in vectors for term in vector})
        number = {term: index for index, term in enumerate(vocabulary)}
        terms = [number[term] for vector in vectors for term in vector]
        weights = [weight for vector in vectors for weight in vector.values()]
        starts = np.concatenate(([0], np.cumsum([len(vector) for vector in vectors], dtype=np.int64)))
        return cls(vocabulary, starts.astype(np.int64), np.array(terms, dtype=np.int64),
                   np.array(weights, dtype=np.float64))  # fmt: skip

    def as_dicts(self) -> list[Vector]:
        """Each article's vector as {term: weight}."""
        terms, weights, starts = self.terms.tolist(), self.weights.tolist(), self.starts.tolist()
        return [
            {self.vocabulary[t]: w for t, w in zip(terms[begin:end], weights[begin:end], strict=True)}
            for begin, end in itertools.pairwise(starts)
        ]


def term_vectors(bags: Iterable[tuple[Sequence[str], Sequence[float] | np.ndarray]]) -> TermVectors:
    """Sublinear TF times smoothed IDF, L2-normalised, of bags given as (terms, counts).

    Each bag is read once and kept as numbers only. Every value is computed as `tfidf_vectors`
    computes it one dict at a time (logarithms by `math`, each norm summed in order), so both
    give the same floats.
    """
    import numpy as np

    # Numbered as first seen: a missing term takes the next number, in C (a `setdefault` per
    # term was most of this function's time).
    number: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    # Packed as they come (see `generator.packed`): kept as one small array each, these rows
    # left a gigabyte of the allocator's heap behind at 100,000 articles once they were freed.
    numbered = PackedRows(np.int32)
    counted = PackedRows(np.float64)
    for terms, counts in bags:
        # Numbered as first seen, renumbered in sorted order below.
        numbered.append(np.fromiter(map(number.__getitem__, terms), dtype=np.int32, count=len(terms)))
        counted.append(counts)
    vocabulary = sorted(number)
    rank = np.zeros(len(number), dtype=np.int32)
    rank[np.fromiter(map(number.__getitem__, vocabulary), dtype=np.int64, count=len(vocabulary))] = np.arange(
        len(vocabulary), dtype=np.int32
    )
    del number
    total = len(numbered)
    # A term's document frequency counts every bag that names it, whatever its count.
    frequency = np.zeros(len(vocabulary), dtype=np.int64)
    for entries, _ in numbered.chunks():
        entries[:] = rank[entries]
        frequency += np.bincount(entries, minlength=len(vocabulary))
    del rank
    idf = np.zeros(int(frequency.max(initial=0)) + 1, dtype=np.float64)
    for df in np.unique(frequency).tolist():
        idf[df] = math.log((1 + total) / (1 + df)) + 1.0
    tf_of: dict[float, float] = {}
    # Filled a block of articles at a time: arrays as long as every entry, several at once, were
    # most of the grouping's memory.
    kept_terms = np.zeros(numbered.total, dtype=np.int32)
    kept_weights = np.zeros(len(kept_terms), dtype=np.float64)
    sizes = np.zeros(total, dtype=np.int64)
    filled_up = 0
    first_article = 0
    chunks = zip(numbered.chunks(), counted.chunks(), strict=True)
    for chunk, ((chunk_terms, lengths), (chunk_counts, _)) in enumerate(chunks):
        offsets = np.concatenate(([0], np.cumsum(lengths))).tolist()
        for block in range(0, len(lengths), TERM_VECTOR_BLOCK):
            rows = range(block, min(block + TERM_VECTOR_BLOCK, len(lengths)))
            begin, end = offsets[rows.start], offsets[rows.stop]
            owner = np.repeat(np.arange(len(rows)), lengths[rows.start : rows.stop])
            term, count = chunk_terms[begin:end], chunk_counts[begin:end]
            keep = count > 0
            held, counts, owner = term[keep], count[keep], owner[keep]
            for value in np.unique(counts).tolist():
                if value not in tf_of:
                    tf_of[value] = 1.0 + math.log(value)
            distinct = np.array(sorted(tf_of), dtype=np.float64)
            tf = np.array([tf_of[value] for value in distinct.tolist()], dtype=np.float64)
            weight = tf[np.searchsorted(distinct, counts)] * idf[frequency[held]]
            squares = weight * weight
            starts = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(rows))))).tolist()
            norms = np.zeros(len(rows), dtype=np.float64)
            for article, (low, high) in enumerate(itertools.pairwise(starts)):
                if high > low:
                    # In order, one by one, as `sum` adds them.
                    norms[article] = math.sqrt(float(np.cumsum(squares[low:high])[-1]))
            # An article whose vector has no length has no entries.
            filled = norms[owner] > 0
            kept = int(filled.sum())
            kept_terms[filled_up : filled_up + kept] = held[filled]
            kept_weights[filled_up : filled_up + kept] = weight[filled] / norms[owner[filled]]
            filled_up += kept
            where = first_article + rows.start
            sizes[where : where + len(rows)] = np.bincount(owner[filled], minlength=len(rows))
        first_article += len(lengths)
        # This chunk's bags are done with; their memory goes back as the vectors fill up.
        del chunk_terms, chunk_counts
        numbered.release(chunk)
        counted.release(chunk)
    return TermVectors(
        vocabulary, np.concatenate(([0], np.cumsum(sizes))), kept_terms[:filled_up], kept_weights[:filled_up]
    )


def tfidf_vectors(bags: Sequence[dict[str, float]]) -> list[Vector]:
    """Sublinear TF times smoothed IDF, L2-normalised."""
    return term_vectors((list(bag), list(bag.values())) for bag in bags).as_dicts()


def _normalised(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(term, 0.0) for term, value in a.items())


PASSAGE_WORDS = 8
_NGRAM_MULTIPLIER = 0x100000001B3
_WORD = re.compile(r"\w+")


def _word_hashes(chunk: str) -> tuple[int, ...]:
    """The hashes of the lowercased words of a chunk of text between spaces."""
    return tuple(map(hash, _WORD.findall(chunk.lower())))


# No word spans white space, and lowercasing does not look across it, so a text's words are its
# chunks' words one after the other. Each distinct chunk is taken apart once per process: the
# pattern and the hashing were two thirds of making an article's n-grams.
_CHUNK_WORD_HASHES: BoundedMemo[str, tuple[int, ...]] = BoundedMemo(_word_hashes, limit=CHUNK_MEMO_LIMIT)


def word_ngram_hashes(text: str, size: int) -> np.ndarray:
    """Hashes of a text's distinct word `size`-grams (lowercased), sorted."""
    import numpy as np

    return np.unique(_ngram_hash_array(text, size))


def _ngram_hash_array(text: str, size: int) -> np.ndarray:
    """Hashes of a text's word `size`-grams (lowercased), one per window, repeats included.

    Each n-gram's hash is a polynomial of its words' hashes in 64-bit arithmetic, computed for
    all windows at once (building a tuple per window was most of the grouping's time).
    """
    import numpy as np

    multiplier = np.uint64(_NGRAM_MULTIPLIER)
    words = np.fromiter(chunk_values(_CHUNK_WORD_HASHES, text), dtype=np.int64).view(np.uint64)
    count = len(words) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        combined = combined * multiplier + words[offset : offset + count]
    return combined.view(np.int64)


def passage_hashes(text: str) -> np.ndarray:
    """Hashes of a text's word 8-grams: two reports quoting one passage share several."""
    return word_ngram_hashes(text, PASSAGE_WORDS)


def body_passage_hashes(text: ArticleText) -> np.ndarray:
    """`passage_hashes` of an article's body."""
    return passage_hashes(text.body)


@dataclass(frozen=True)
class SimilarPairs:
    """Candidate pairs of articles and their cosine similarities, as numpy arrays: a year of
    100,000 articles has millions of candidate pairs, which as a dict of tuples would need
    gigabytes.
    """

    count: int
    """How many articles the indexes refer to."""
    codes: np.ndarray
    """Each pair (a, b), a < b, as the number a * count + b; ascending."""
    similarity: np.ndarray

    @property
    def first(self) -> np.ndarray:
        """Each pair's first (lower) article index."""
        return self.codes // max(self.count, 1)

    @property
    def second(self) -> np.ndarray:
        """Each pair's second article index."""
        return self.codes % max(self.count, 1)

    def __len__(self) -> int:
        return len(self.codes)

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(first, second, similarity) of `PAIRS_AT_ONCE` pairs at a time, in order: no array as
        long as all the pairs is made beside them."""
        for start in range(0, len(self.codes), PAIRS_AT_ONCE):
            codes = self.codes[start : start + PAIRS_AT_ONCE]
            yield (codes // max(self.count, 1), codes % max(self.count, 1),
                   self.similarity[start : start + PAIRS_AT_ONCE])  # fmt: skip

    def as_dict(self) -> dict[tuple[int, int], float]:
        """{(first, second): similarity}: for small sets (tests, diagnostics)."""
        return dict(zip(zip(self.first.tolist(), self.second.tolist(), strict=True),
                        self.similarity.tolist(), strict=True))  # fmt: skip

    def lookup(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """The similarity of each (first, second) with first < second; 0 for a pair never compared."""
        import numpy as np

        wanted = first * self.count + second
        if len(self.codes) == 0:
            return np.zeros(len(wanted), dtype=np.float64)
        position = np.minimum(np.searchsorted(self.codes, wanted), len(self.codes) - 1)
        return np.where(self.codes[position] == wanted, self.similarity[position], 0.0)


def candidate_pairs(
    articles: Sequence[Article], vectors: TermVectors, settings: GroupingSettings, workers: int = 1
) -> SimilarPairs:
    """Cosine similarity of the pairs worth comparing: near in time, sharing a distinctive term,
    and among the closest such partners of one of the two (see `candidate_partners`).

    The similarities are computed on `workers` forked processes.
    """
    import numpy as np

    codes = candidate_partners(articles, vectors, settings)
    release_free_memory()  # the blocks' many small arrays, gone
    n = len(articles)
    # The similarities are computed a range of pairs at a time: `cosines` makes a few arrays as
    # long as the pairs it is given.
    similarity = np.zeros(len(codes), dtype=np.float64)
    for start in range(0, len(codes), PAIRS_AT_ONCE):
        part = codes[start : start + PAIRS_AT_ONCE]
        similarity[start : start + len(part)] = cosines(vectors, part // max(n, 1), part % max(n, 1), workers)
    return SimilarPairs(n, codes, similarity)


def candidate_partners(
    articles: Sequence[Article], vectors: TermVectors, settings: GroupingSettings
) -> np.ndarray:
    """The pairs worth comparing, as ascending codes a * n + b (a < b), each once.

    Two articles are partners when they are within `window_days` of each other and share one of
    each one's `blocking_terms` most distinctive terms. Of its partners, an article keeps the
    `partners_per_article` with the largest dot product over those shared terms (ties: the
    lower index); a pair is compared when either of the two keeps the other.

    Without that bound the pairs grow with the square of the articles' density: a corpus ten
    times as dense in time had 95 times the pairs (42 million at 100,000 articles in one year,
    425 per article). Nearly all of them linked different stories: 14 million of those pairs had
    a cosine of 0.12 or more, where the corpus held 328,015 pairs of one story in all.
    """
    import numpy as np

    n = len(articles)
    moments = _microseconds(articles)
    held, holders, weights = _top_term_entries(vectors, settings.blocking_terms, moments)
    # A term shared by a large share of everything is no evidence of one event: it pairs none.
    lowest, highest = _window_spans(held, moments[holders], settings.window_days, common=max(100, n // 20))
    del held, moments
    # Each article's entries, a block of articles at a time.
    by_holder = np.argsort(holders, kind="stable")
    holder_starts = np.searchsorted(holders[by_holder], np.arange(n + 1))
    # A pair both articles keep comes twice. The repeats are dropped as the pairs come, whenever
    # those waiting number half the distinct pairs kept so far; `found[0]` holds those, sorted.
    found: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    waiting = 0
    for block in range(0, n, TERM_VECTOR_BLOCK):
        mine = by_holder[holder_starts[block] : holder_starts[min(block + TERM_VECTOR_BLOCK, n)]]
        spans = highest[mine] - lowest[mine]
        total = int(spans.sum())
        if total == 0:
            continue
        # Every entry of the block against every entry in its term's window (itself included).
        own = np.repeat(mine, spans)
        other = np.repeat(lowest[mine] - (np.cumsum(spans) - spans), spans) + np.arange(total)
        apart = own != other
        own, other = own[apart], other[apart]
        links, where = np.unique(holders[own].astype(np.int64) * n + holders[other], return_inverse=True)
        shared = np.bincount(where, weights=weights[own] * weights[other], minlength=len(links))
        del own, other, where
        first, second = links // n, links % n
        # Each article's partners, closest first; the first `partners_per_article` kept.
        ranked = _heaviest_first(first, shared, second, n, n)
        first, second = first[ranked], second[ranked]
        place = np.arange(len(first)) - np.searchsorted(first, first)
        kept = place < settings.partners_per_article
        first, second = first[kept], second[kept]
        found.append(np.minimum(first, second) * n + np.maximum(first, second))
        waiting += len(first)
        if waiting >= max(PAIRS_AT_ONCE, len(found[0]) // 2):
            _keep_distinct(found)
            waiting = 0
    _keep_distinct(found)
    return found.pop()


def _heaviest_first(
    major: np.ndarray, weights: np.ndarray, minor: np.ndarray, majors: int, minors: int
) -> np.ndarray:
    """The order of the entries by `major`, then by `weights` descending, then by `minor`, where
    0 <= major < `majors`, 0 <= minor < `minors` and no two entries share both.

    As one number where it fits in `SORT_KEY_BITS` bits (the weights as their rank), which numpy
    sorts in one pass; otherwise by the three keys in turn (`np.lexsort`). The three keys in turn
    took 1.0 s of the grouping at 10,000 articles for the top terms (0.22 s as one number), and
    half of finding the candidate pairs at 100,000 articles for the partners. No two entries
    tie on all three, so the order is the same either way.
    """
    import numpy as np

    heaviness, rank = np.unique(-weights, return_inverse=True)
    if (majors + 1) * (len(heaviness) + 1) * (minors + 1) < 2**SORT_KEY_BITS:
        return np.argsort((major * len(heaviness) + rank) * minors + minor)
    return np.lexsort((minor, -weights, major))


def _top_term_entries(
    vectors: TermVectors, count: int, moments: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term, article, weight) of each article's `count` heaviest terms (ties by term), sorted by
    term, then by the article's time (`moments`), then by article."""
    import numpy as np

    chosen: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    # A block of articles at a time, to keep the sorting arrays short.
    for block in range(0, len(vectors), TERM_VECTOR_BLOCK):
        last = min(block + TERM_VECTOR_BLOCK, len(vectors))
        low, high = int(vectors.starts[block]), int(vectors.starts[last])
        lengths = np.diff(vectors.starts[block : last + 1])
        owner = np.repeat(np.arange(last - block), lengths)
        terms, weights = vectors.terms[low:high], vectors.weights[low:high]
        # Ordered by article, heaviest first, ties by term.
        order = _heaviest_first(owner, weights, terms, last - block, len(vectors.vocabulary))
        place = np.arange(len(order)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        top = order[place < count]
        chosen.append((terms[top], owner[top] + block, weights[top]))
    if not chosen:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    held, holders, weights = (np.concatenate(column) for column in zip(*chosen, strict=True))
    order = np.lexsort((holders, moments[holders], held))
    return held[order], holders[order], weights[order]


def _window_spans(
    held: np.ndarray, times: np.ndarray, window_days: int, common: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each entry of `held` (sorted by term, then by `times`), the entries [low, high) of the
    same term whose time is within `window_days` of its own; only itself where the term is held
    by more than `common` articles in all (no evidence of one event) or by it alone."""
    import numpy as np

    window = timedelta(days=window_days) // timedelta(microseconds=1)
    # Times as ranks among the distinct times, so that (term, time) is one ascending number.
    distinct = np.unique(times)
    span = len(distinct) + 1
    base = held.astype(np.int64) * span
    keys = base + np.searchsorted(distinct, times)
    low = np.searchsorted(keys, base + np.searchsorted(distinct, times - window, side="left"))
    high = np.searchsorted(keys, base + np.searchsorted(distinct, times + window, side="right"))
    # How many articles hold each entry's term.
    sizes = np.diff(np.concatenate(([0], np.flatnonzero(np.diff(held)) + 1, [len(held)])))
    holding = np.repeat(sizes, sizes)
    alone = (holding <= 1) | (holding > common)
    here = np.arange(len(held))
    low[alone], high[alone] = here[alone], here[alone] + 1
    return low, high


def _keep_distinct(found: list[np.ndarray]) -> None:
    """Replace the arrays of pair codes in `found` by one: all their codes, sorted, each once."""
    import numpy as np

    merged = np.concatenate(found)
    found.clear()  # before the sort: only the merged copy is held beside the result
    merged.sort()
    found.append(merged[_first_of_runs(merged)])


def _first_of_runs(ordered: np.ndarray) -> np.ndarray:
    """True at each entry of a sorted array that differs from the one before it."""
    import numpy as np

    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


PAIRS_AT_ONCE = 1 << 22


def pair_cosines(vectors: Sequence[Vector], pairs: Sequence[tuple[int, int]]) -> list[float]:
    """`cosine(vectors[a], vectors[b])` for each pair (in any order), computed in bulk."""
    import numpy as np

    first = np.array([a for a, _ in pairs], dtype=np.int64)
    second = np.array([b for _, b in pairs], dtype=np.int64)
    order = np.argsort(first, kind="stable")
    result = np.zeros(len(pairs), dtype=np.float64)
    result[order] = cosines(TermVectors.from_dicts(vectors), first[order], second[order])
    return [float(x) for x in result]


def cosines(vectors: TermVectors, first: np.ndarray, second: np.ndarray, workers: int = 1) -> np.ndarray:
    """`cosine(vectors[a], vectors[b])` for the pairs (first[i], second[i]), `first` in ascending
    order, computed with numpy on `workers` forked processes.

    Each first article's vector is spread into a dense array once; the vectors of all the
    articles it is paired with are gathered against it and summed per pair. At 10,000 articles
    this is 450,000 pairs of a few hundred terms each: 25 s as Python loops, about 2 s here.
    """
    import numpy as np

    column, value, starts = vectors.terms, vectors.weights, vectors.starts
    # Where each first article's run of pairs begins and ends.
    bounds = (
        np.concatenate(([0], np.flatnonzero(np.diff(first)) + 1, [len(first)]))
        if len(first)
        else np.zeros(1, dtype=np.int64)
    )

    def runs(span: tuple[int, int]) -> np.ndarray:
        dense = np.zeros(len(vectors.vocabulary) + 1, dtype=np.float64)
        low, high = int(bounds[span[0]]), int(bounds[span[1]])
        result = np.zeros(high - low, dtype=np.float64)
        for run in range(span[0], span[1]):
            begin, end = int(bounds[run]), int(bounds[run + 1])
            a = int(first[begin])
            if starts[a + 1] == starts[a]:
                continue
            others = second[begin:end]
            lengths = starts[others + 1] - starts[others]
            filled = lengths > 0  # an empty vector's cosine stays 0
            if not filled.any():
                continue
            others, lengths = others[filled], lengths[filled]
            own = column[starts[a] : starts[a + 1]]
            dense[own] = value[starts[a] : starts[a + 1]]
            # The entries of every other vector, end to end, and where each one begins.
            ends = np.cumsum(lengths)
            entries = np.repeat(starts[others] - (ends - lengths), lengths) + np.arange(ends[-1])
            products = dense[column[entries]] * value[entries]
            result[np.flatnonzero(filled) + begin - low] = np.add.reduceat(products, ends - lengths)
            dense[own] = 0.0
        return result

    run_count = len(bounds) - 1
    if run_count <= 0:
        return np.zeros(len(first), dtype=np.float64)
    # Spans of runs with about the same number of pairs each, a few per worker.
    pieces = max(1, min(run_count, workers * 4))
    cut = np.searchsorted(bounds, np.linspace(0, len(first), pieces + 1)[1:-1])
    edges = [0, *sorted(set(np.clip(cut, 1, run_count - 1).tolist())), run_count] if run_count > 1 else [0, 1]
    spans = list(itertools.pairwise(edges))
    # The pairs of an added article's weeks are compared here: forking cost more than comparing
    # (21,000 pairs: 0.06 s here, 0.12 s on two workers; 59,000: 0.16 and 0.18 s; 114,000: 0.31
    # and 0.28 s; a build process that holds more takes longer to fork).
    workers = workers if len(first) >= FORKED_PAIRS_MIN else 1
    return np.concatenate(fork_map(runs, spans, workers, min_items=2, task="group: comparing articles"))


FORKED_PAIRS_MIN = 100_000


def shared_passage_pairs(
    articles: Sequence[Article], settings: GroupingSettings, passages: PackedRows | None = None
) -> set[tuple[int, int]]:
    """Pairs that quote the same passages: word 8-grams found in few articles, shared twice or more.

    `passages` holds each article's `passage_hashes`, one row per article, when they are
    already computed. They are used up: put in another order, then let go.
    """
    import numpy as np

    if passages is None:
        passages = PackedRows(np.int64)
        for article in articles:
            passages.append(passage_hashes(article.body))
    if passages.total == 0:
        return set()
    moments = _microseconds(articles)
    found: list[np.ndarray] = []
    # The passages are split by their hash's lowest bits into parts of about a million entries,
    # each part worked through alone: equal passages fall in the same part, and arrays as long as
    # all passages together (59 million at 100,000 articles) are never made.
    parts = 1 << max(0, math.ceil(math.log2(max(passages.total, 1) / PASSAGES_AT_ONCE)))
    for entries, counts in _passages_by_part(passages, parts):
        found.extend(_quoting_codes(entries, counts, moments, settings))
    passages.clear()
    if not found:
        return set()
    codes, counts_found = np.unique(np.concatenate(found), return_counts=True)
    n = len(articles)
    return {(code // n, code % n) for code in codes[counts_found >= settings.shared_passages].tolist()}


def _passages_by_part(passages: PackedRows, parts: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For each of `parts` parts of the passages, split by their hash's lowest bits: the entries
    that fall in it (each article's in order, the articles in order) and how many each article
    has there.

    Each chunk of `passages` is put in part order in place, once, by a counting sort, so that a
    part is a slice of every chunk. Picking a part's entries out of every chunk, part after part,
    read every passage once per part, and the parts grow with the passages: 128 readings of 70
    million entries at 100,000 articles. `passages` is left in that order, its rows no longer the
    articles'.
    """
    import numpy as np

    chunks = list(passages.chunks())
    if parts == 1:
        yield np.concatenate([entries for entries, _ in chunks]), np.concatenate([rows for _, rows in chunks])
        return
    layout: list[tuple[np.ndarray, list[int], np.ndarray]] = []
    for entries, lengths in chunks:
        part = (entries & (parts - 1)).astype(np.min_scalar_type(parts - 1))
        # Stable, and of small integers: numpy sorts them by counting (radix sort), in one pass.
        order = np.argsort(part, kind="stable")
        edges = np.concatenate(([0], np.cumsum(np.bincount(part, minlength=parts)))).tolist()
        del part
        owner = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)[order]
        entries[:] = entries[order]
        del order
        counts = np.zeros((parts, len(lengths)), dtype=np.int32)
        for index in range(parts):
            counts[index] = np.bincount(owner[edges[index] : edges[index + 1]], minlength=len(lengths))
        del owner
        layout.append((entries, edges, counts))
    for index in range(parts):
        yield (
            np.concatenate([entries[edges[index] : edges[index + 1]] for entries, edges, _ in layout]),
            np.concatenate([counts[index] for _, _, counts in layout]),
        )


PASSAGES_AT_ONCE = 1 << 20

# Up to this many articles, their terms are read while the passages are matched (see
# `assign_events`). The terms of 10,000 articles waiting for the matching to end hold about
# 50 MiB; at 100,000 the grouping already peaks near 3.7 GiB, so there it waits.
TERMS_WHILE_MATCHING_MOST = 20_000


def _quoting_codes(
    flat: np.ndarray, lengths: np.ndarray, moments: np.ndarray, settings: GroupingSettings
) -> list[np.ndarray]:
    """For each passage held by 2 to `common` articles near in time, every pair of them, as
    numbers a * n + b (a < b); a pair appears once per passage the two share.

    `flat` is every article's passages end to end, `lengths` how many each article has.
    """
    import numpy as np

    n = len(lengths)
    if len(flat) == 0:
        return []
    # Every (passage, article) entry sorted by passage: a run of equal passages is the articles
    # that share it. Done in numpy, since nearly all of the millions of passages occur once.
    # Unstable, so as fast as numpy sorts: the order of one passage's holders does not matter,
    # they are sorted below (a stable sort took four times as long).
    order = np.argsort(flat)
    flat = flat[order]
    # Whose each sorted entry is: looked up, where a binary search in the rows' ends for each
    # entry was the slowest step of the matching.
    owners = np.repeat(np.arange(n, dtype=np.int64), lengths)[order]
    del order
    # Entries equal to the next one: a passage shared by several articles, a few among millions.
    # A run of consecutive such positions is one passage, one entry longer than the run.
    same = np.flatnonzero(flat[1:] == flat[:-1])
    del flat
    if len(same) == 0:
        return []
    breaks = np.flatnonzero(np.diff(same) != 1) + 1
    starts = same[np.concatenate(([0], breaks))]
    sizes = np.diff(np.concatenate(([0], breaks, [len(same)]))) + 1
    # A passage in very many articles is boilerplate ("contributed to this report"), not a quote.
    common = max(10, n // 50)
    shared = sizes <= common
    runs = np.stack((starts[shared], sizes[shared]), axis=1)
    window = timedelta(days=settings.window_days) // timedelta(microseconds=1)
    found: list[np.ndarray] = []
    # All pairs within each run, one run length at a time.
    for size in np.unique(runs[:, 1]).tolist():
        first = runs[runs[:, 1] == size, 0]
        members = np.sort(owners[first[:, None] + np.arange(size)], axis=1)
        left, right = np.triu_indices(size, 1)
        a, b = members[:, left].ravel(), members[:, right].ravel()
        near = np.abs(moments[a] - moments[b]) <= window
        found.append(a[near] * n + b[near])
    return found


def _microseconds(articles: Sequence[Article]) -> np.ndarray:
    """Each article's date as exact integer microseconds from the first article's."""
    import numpy as np

    if not articles:
        return np.zeros(0, dtype=np.int64)
    origin = articles[0].date
    step = timedelta(microseconds=1)
    return np.array([(article.date - origin) // step for article in articles], dtype=np.int64)


class _Groups:
    """Union-find over articles, with at most one pinned event slug per group."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.parent = list(range(len(articles)))
        self.pin: dict[int, str] = {}
        for index, article in enumerate(articles):
            if article.event:
                self.pin[index] = article.event
        by_pin: dict[str, int] = {}
        for index, slug in sorted(self.pin.items()):
            if slug in by_pin:
                self.parent[self.find(index)] = self.find(by_pin[slug])
            else:
                by_pin[slug] = index
        self.pin = {self.find(i): slug for i, slug in self.pin.items()}

    def find(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def union(self, a: int, b: int) -> bool:
        """Join two groups unless both are pinned to different events."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        pa, pb = self.pin.get(ra), self.pin.get(rb)
        if pa and pb and pa != pb:
            return False
        if pb and not pa:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if pa or pb:
            self.pin[ra] = pa or pb  # type: ignore[assignment]
        self.pin.pop(rb, None)
        return True

    def members(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = defaultdict(list)
        for index in range(len(self.parent)):
            groups[self.find(index)].append(index)
        return groups


def _index_type(count: int) -> type[np.integer[Any]]:
    """The smallest integer type that holds every article index: half the memory below 2**31."""
    import numpy as np

    return np.int32 if count < 2**31 else np.int64


def _average_link(a: Sequence[int], b: Sequence[int], pairs: SimilarPairs) -> float:
    """Mean similarity between two groups; pairs never compared (far apart) count as 0."""
    import numpy as np

    left = np.repeat(np.asarray(a, dtype=np.int64), len(b))
    right = np.tile(np.asarray(b, dtype=np.int64), len(a))
    values = pairs.lookup(np.minimum(left, right), np.maximum(left, right)).tolist()
    # Added one by one in the order of the members, so a score is the same however it is reached.
    total = 0.0
    for value in values:
        total += value
    return total / (len(a) * len(b))


def _attach_lone_articles(groups: _Groups, pairs: SimilarPairs, settings: GroupingSettings) -> None:
    """A lone article joins the group it is closest to on average, if close enough.

    Groups are taken as they are before any article attaches (a lone article's score counts the
    members the group had then); candidates are the groups its compared articles are in now.
    """
    import numpy as np

    members = groups.members()
    root_of = np.array([groups.find(i) for i in range(len(groups.parent))], dtype=np.int64)
    size = np.bincount(root_of, minlength=len(root_of))
    # Each pair with a lone article, as (lone, other, similarity); a block of pairs at a time.
    index_type = _index_type(pairs.count)
    lones, others_found, similarities = [], [], []
    for first, second, block_similarity in pairs.blocks():
        lone_first = size[root_of[first]] == 1
        lone_second = size[root_of[second]] == 1
        lones += [first[lone_first].astype(index_type), second[lone_second].astype(index_type)]
        others_found += [second[lone_first].astype(index_type), first[lone_second].astype(index_type)]
        similarities += [block_similarity[lone_first], block_similarity[lone_second]]
    lone = np.concatenate(lones) if lones else np.zeros(0, dtype=index_type)
    other = np.concatenate(others_found) if others_found else np.zeros(0, dtype=index_type)
    similarity = np.concatenate(similarities) if similarities else np.zeros(0, dtype=np.float64)
    del lones, others_found, similarities
    order = np.lexsort((other, lone))
    lone, other, similarity = lone[order], other[order], similarity[order]
    bounds = np.flatnonzero(np.diff(lone)) + 1
    for article, others, values in zip(
        np.split(lone, bounds), np.split(other, bounds), np.split(similarity, bounds), strict=True
    ):
        if len(article) == 0:
            continue
        index = int(article[0])
        # Each group's members in ascending order, summed one by one (see `_average_link`).
        totals: dict[int, float] = {}
        for neighbour, value in zip(root_of[others].tolist(), values.tolist(), strict=True):
            totals[neighbour] = totals.get(neighbour, 0.0) + value
        own = groups.find(index)
        candidates = {groups.find(root) for root in totals} - {own}
        scored = [
            (totals.get(c, 0.0) / (1 * len(members[c])), c) for c in sorted(candidates) if len(members[c]) > 1
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= settings.attach_link:
            groups.union(best[1], index)


def _merge_groups(groups: _Groups, pairs: SimilarPairs, settings: GroupingSettings) -> None:
    """Average linkage between groups that have compared pairs, best first.

    Scores are ranked once and checked again at the moment of merging, which keeps this step
    linear in the number of candidate pairs. The ranking is estimated in bulk, and the pairs of
    groups that may reach `merge_link` are scored exactly (`_average_link`).
    """
    import numpy as np

    members = {root: list(group) for root, group in groups.members().items()}
    root_of = np.array([groups.find(i) for i in range(len(groups.parent))], dtype=np.int64)
    size = np.bincount(root_of, minlength=len(root_of)).astype(np.float64)
    n = max(len(root_of), 1)
    # The summed similarity of each linked pair of groups, a block of pairs at a time, the
    # blocks' sums added up as they come (see `_sum_links`): at 100,000 articles, adding up all
    # the blocks' links at once was the grouping's peak.
    parts: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, dtype=np.int64), np.zeros(0))]
    waiting = 0
    for first, second, block_similarity in pairs.blocks():
        a, b = root_of[first], root_of[second]
        del first, second  # freed before the sort below, this step's peak
        apart = a != b
        block_links, where = np.unique(
            np.minimum(a, b)[apart] * n + np.maximum(a, b)[apart], return_inverse=True
        )
        block_totals = np.bincount(where, weights=block_similarity[apart], minlength=len(block_links))
        parts.append((block_links, block_totals))
        waiting += len(block_links)
        if waiting >= max(PAIRS_AT_ONCE, len(parts[0][0]) // 2):
            _sum_links(parts)
            waiting = 0
    _sum_links(parts)
    linked, totals = parts.pop()
    first, second = linked // n, linked % n
    estimate = totals / (size[first] * size[second])
    # The bulk sums differ from the exact ones by rounding only.
    near = estimate >= settings.merge_link - 1e-9
    ranked = sorted(
        (
            (_average_link(members[ra], members[rb], pairs), ra, rb)
            for ra, rb in zip(first[near].tolist(), second[near].tolist(), strict=True)
        ),
        reverse=True,
    )
    for score, ra, rb in ranked:
        if score < settings.merge_link:
            break
        ra, rb = groups.find(ra), groups.find(rb)
        if ra == rb or (groups.pin.get(ra) and groups.pin.get(rb)):
            continue
        if _average_link(members[ra], members[rb], pairs) >= settings.merge_link and groups.union(ra, rb):
            root = groups.find(ra)
            merged = members.pop(ra) + members.pop(rb)
            members[root] = merged


def _sum_links(parts: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """Replace the (links, sums) arrays in `parts` by one: each link once, ascending, with its
    sums added in the order of `parts` (as `np.bincount` adds them, so the floats are the same
    however the parts were grouped)."""
    import numpy as np

    links = np.concatenate([part_links for part_links, _ in parts])
    sums = np.concatenate([part_sums for _, part_sums in parts])
    parts.clear()
    # Stable: equal links keep their order, so each link's sums are added in the parts' order.
    order = np.argsort(links, kind="stable")
    links = links[order]
    sums = sums[order]
    del order
    if len(links) == 0:
        parts.append((links, sums))
        return
    new = _first_of_runs(links)
    # bincount adds one by one in order (reduceat would add long runs pairwise).
    which = np.cumsum(new) - 1
    parts.append((links[new], np.bincount(which, weights=sums, minlength=int(which[-1]) + 1)))


def assign_events(
    articles: Sequence[Article],
    stop_words: frozenset[str],
    settings: GroupingSettings = GroupingSettings(),
    taken_slugs: frozenset[str] = frozenset(),
    workers: int = 1,
) -> list[str]:
    """Give every article an event slug (same order as `articles`); new slugs avoid `taken_slugs`.

    Each article's terms and passages are read on `workers` forked processes when there are many.
    """

    import numpy as np

    # The passages are read, matched and let go first, the terms after (on a large site, see
    # `TERMS_WHILE_MATCHING_MOST`): at 100,000 articles the passages are half a gigabyte and the
    # terms' rows a little less, and each step's sorting arrays then come on top of one of them,
    # not both.
    texts = [ArticleText.of(article) for article in articles]
    passages = PackedRows(np.int64)
    for hashes in sent_imap(
        body_passage_hashes, texts, workers, min_items=MIN_SENT_ARTICLES, task="group: passages"
    ):
        passages.append(hashes)
    features = functools.partial(
        article_features,
        stop_words=stop_words,
        entity_weight=settings.entity_weight,
        name_weight=settings.name_weight,
    )

    def read_terms() -> SentMap[tuple[str, np.ndarray]]:
        return SentMap(features, texts, workers, min_items=MIN_SENT_ARTICLES, task="group: terms")

    with contextlib.ExitStack() as reading:
        # Up to `TERMS_WHILE_MATCHING_MOST` articles the workers read the terms while this
        # process matches the passages, which it does alone (a core idle for 1.8 s at 10,000).
        # Past it, one after the other: the terms would wait here, on top of the matching.
        early = reading.enter_context(read_terms()) if len(articles) <= TERMS_WHILE_MATCHING_MOST else None
        quoting = shared_passage_pairs(articles, settings, passages)  # uses the passages up
        release_free_memory()  # the matching's sorting arrays, before the terms' rows come
        terms_read = early if early is not None else reading.enter_context(read_terms())
        # Each article's terms are numbered as its slice of results arrives: all the articles'
        # terms as strings were a gigabyte at 100,000.
        vectors = term_vectors(
            (terms.split(TERM_SEPARATOR) if terms else [], counts) for terms, counts in terms_read
        )
    pairs = candidate_pairs(articles, vectors, settings, workers)
    quoting = _close_quoting_pairs(quoting, vectors, settings.quote_link, workers)
    del vectors
    groups = _Groups(articles)
    # 1. cores: strong links and shared quotations
    strongest = pairs.codes[pairs.similarity >= settings.core_link]
    linked = set(zip((strongest // pairs.count).tolist(), (strongest % pairs.count).tolist(), strict=True))
    for a, b in sorted(linked | quoting):
        groups.union(a, b)
    del strongest, linked, quoting
    release_free_memory()  # what the pairs' similarities and these sets left, before steps 2 and 3
    # 2. attach: a lone article joins the group it is closest to on average
    _attach_lone_articles(groups, pairs, settings)
    # 3. merge: groups close on average are one event
    _merge_groups(groups, pairs, settings)
    return _slugs(articles, groups, taken_slugs)


def _close_quoting_pairs(
    quoting: set[tuple[int, int]], vectors: TermVectors, least: float, workers: int = 1
) -> set[tuple[int, int]]:
    """The quoting pairs whose cosine similarity is at least `least`."""
    import numpy as np

    if not quoting:
        return set()
    ordered = np.array(sorted(quoting), dtype=np.int64)
    similarity = cosines(vectors, ordered[:, 0], ordered[:, 1], workers)
    return {(int(a), int(b)) for a, b in ordered[similarity >= least].tolist()}


def _slugs(articles: Sequence[Article], groups: _Groups, taken: frozenset[str]) -> list[str]:
    """Pinned groups keep their slug; a new group is named after its first article's title."""
    used = set(groups.pin.values()) | taken
    slugs: dict[int, str] = {}

    def first_report(item: tuple[int, list[int]]) -> tuple[object, ...]:
        return min((articles[i].date, articles[i].path) for i in item[1])

    for root, group in sorted(groups.members().items(), key=first_report):
        pinned = groups.pin.get(root)
        if pinned:
            slugs[root] = pinned
            continue
        first = min(group, key=lambda i: (articles[i].date, articles[i].path))
        slugs[root] = _unique_slug(
            slugify(articles[first].title, max_length=60, fallback_prefix="event"), used
        )
        used.add(slugs[root])
    return [slugs[groups.find(i)] for i in range(len(articles))]


def _unique_slug(slug: str, used: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in used:
        candidate = f"{slug}-{number}"
        number += 1
    return candidate


SHINGLE_WORDS = 5
# Share of an article's word 5-grams found in an earlier one above which it is a copy of it:
# syndicated copies differ only by a headline, a byline or a trimmed last paragraph.
COPY_CONTAINMENT = 0.7


def find_copies(group: Sequence[Article]) -> tuple[tuple[str, str], ...]:
    """(copy, original) paths for articles whose text is mostly an earlier article's (date order).

    An article is a copy of the earliest original holding at least `COPY_CONTAINMENT` of its
    distinct word 5-grams (its shingles). Every shingle of the group is sorted once, with its
    articles in date order, so a run of equal shingles lists who holds it. Most articles are not
    copies: fewer of their shingles are held by any earlier article than a copy needs, which the
    runs count for all articles at once. For the rest, only the originals holding one of the
    article's rarest shingles can match (an original holding 70% of them misses at most 30%, so
    it holds one of any 31%), and only those are compared: comparing each with every original
    made a story of thousands of reports quadratic. (A dict of holders per shingle did the same
    in 8.6-9.1 s of one core for the events of the 10,000-article bench corpus; this takes
    4.0-5.0 s.)
    """
    import numpy as np

    if len(group) < 2:
        return ()  # a report alone copies nothing: a tenth of a corpus's events, not shingled
    ordered = sorted(group, key=lambda a: (a.date, a.path))
    rows = [word_ngram_hashes(article.body, SHINGLE_WORDS) for article in ordered]
    sizes = [len(row) for row in rows]
    flat = np.concatenate(rows)
    if len(flat) == 0:
        return ()
    # Sorted by shingle, then by article: the articles are numbered in date order in `flat`.
    order = np.argsort(flat, kind="stable")
    holder = np.repeat(np.arange(len(rows)), sizes)[order]
    place = np.arange(len(flat))
    shingle = flat[order]
    starts_run = np.ones(len(flat), dtype=bool)
    starts_run[1:] = shingle[1:] != shingle[:-1]
    del shingle
    run_start = np.maximum.accumulate(np.where(starts_run, place, 0))
    # For each entry, how many earlier articles hold the same shingle (originals or not).
    earlier = place - run_start
    held_before = np.bincount(holder[earlier > 0], minlength=len(rows)).tolist()
    where = np.empty(len(flat), dtype=np.int64)
    where[order] = place  # each article's entries, as places in the sorted order
    offsets = np.concatenate(([0], np.cumsum(sizes))).tolist()
    original = np.ones(len(rows), dtype=bool)
    copies: list[tuple[str, str]] = []
    for index, size in enumerate(sizes):
        needed = math.ceil(COPY_CONTAINMENT * size)
        if not size or held_before[index] < needed:
            continue
        mine = where[offsets[index] : offsets[index + 1]]
        rarest = mine[np.argsort(earlier[mine], kind="stable")[: size - needed + 1]]
        # The earlier holders of each of those shingles: the run before this article's entry.
        lengths = earlier[rarest]
        total = int(lengths.sum())
        if total == 0:
            continue
        ends = np.cumsum(lengths)
        entries = np.repeat(run_start[rarest] - (ends - lengths), lengths) + np.arange(total)
        candidates = np.unique(holder[entries])
        own = rows[index]
        for other in candidates[original[candidates]].tolist():
            if len(np.intersect1d(own, rows[other], assume_unique=True)) >= needed:
                original[index] = False
                copies.append((ordered[index].path, ordered[other].path))
                break
    return tuple(copies)


def neighbourhood(articles: Sequence[Article], window_days: int) -> list[int]:
    """Indexes of the articles that grouping must look at: every article without an event, and
    every article near enough in time to be linked to one. The rest keep their pinned events.
    """
    open_dates = sorted(a.date for a in articles if not a.event)
    if not open_dates:
        return []
    window = timedelta(days=window_days)
    chosen = []
    for index, article in enumerate(articles):
        position = bisect.bisect_left(open_dates, article.date - window)
        if not article.event or (
            position < len(open_dates) and open_dates[position] <= article.date + window
        ):
            chosen.append(index)
    return chosen


# What an event's title, summary and copies are made from: its slug and every field of its articles.
EventParts = tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]


def event_key(slug: str, group: Sequence[Article]) -> str:
    """A hash of everything an event's title, summary and copies depend on."""
    digest = hashlib.blake2b(slug.encode(), digest_size=16)
    for article in group:
        digest.update(article_digest(article))
    return digest.hexdigest()


def event_parts(
    group: list[Article],
    title_for: Callable[[Sequence[Article]], str],
    summary_for: Callable[[Sequence[Article]], tuple[str, ...]],
) -> EventParts:
    """An event's title, summary and copies, from its articles in date order."""
    title = group[0].title if len(group) == 1 else title_for(group)
    copies = find_copies(group)
    copied = {copy for copy, _ in copies}
    # The summary is drawn from the distinct texts, so a syndicated story does not count twice.
    distinct = [a for a in group if a.path not in copied]
    return title, summary_for(distinct), copies


def build_events(
    articles: Sequence[Article],
    assignment: Sequence[str],
    title_for: Callable[[Sequence[Article]], str],
    summary_for: Callable[[Sequence[Article]], tuple[str, ...]],
    cache: dict[str, EventParts] | None = None,
    mapper: Callable[[Callable[[list[Article]], EventParts], list[list[Article]]], list[EventParts]]
    | None = None,
) -> tuple[Event, ...]:
    """Assemble Event objects, newest activity first, with titles and multi-article summaries.

    With a `cache` (kept between builds by the caller), an event whose articles did not change
    reuses its title and summary; the cache is left holding exactly this build's events.
    `mapper(function, groups)` makes the missing titles and summaries (default: in this process).
    """
    mapper = mapper or (lambda function, groups: [function(g) for g in groups])
    members: dict[str, list[Article]] = defaultdict(list)
    for article, slug in zip(articles, assignment, strict=True):
        members[slug].append(article)
    previous = dict(cache or {})
    keys: dict[str, str] = {}
    for slug, group in members.items():
        group.sort(key=lambda a: (a.date, a.path))
        keys[slug] = event_key(slug, group) if cache is not None else slug

    parts_of = functools.partial(event_parts, title_for=title_for, summary_for=summary_for)
    missing = [slug for slug in members if keys[slug] not in previous]
    made = dict(zip(missing, mapper(parts_of, [members[slug] for slug in missing]), strict=True))
    if cache is not None:
        cache.clear()
    events = []
    for slug, group in members.items():
        parts = made[slug] if slug in made else previous[keys[slug]]
        if cache is not None:
            cache[keys[slug]] = parts
        title, summary, copies = parts
        events.append(Event(slug=slug, title=title, articles=tuple(group), summary=summary, copies=copies))
    events.sort(key=lambda e: (e.end, e.start, e.slug), reverse=True)
    return tuple(events)
