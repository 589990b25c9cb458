"""Group articles into events: several outlets reporting one real-world happening.

The method is a single incremental pass in date order, so that a new article joins an existing
event or opens a new one without renaming anything:

* each article becomes a TF-IDF vector of its title, summary and body words plus its named
  people, organisations and places (entities count double: two reports of one happening name
  the same actors);
* an article may only join an event whose articles lie within `window_days` of it;
* it joins the most similar such event (cosine to the event's centroid) if the similarity
  reaches `threshold`, else it opens a new event;
* an event's slug is made once, from its first article's title, and written back into the
  articles' front matter; an `event:` set in front matter (by hand or by an earlier build) pins
  the article to that event.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from generator.model import Article, Event
from generator.slugs import slugify
from generator.summarise.text import words

Vector = dict[str, float]


@dataclass(frozen=True)
class GroupingSettings:
    """The one setting of the grouping, shared by every data set."""

    threshold: float = 0.20
    window_days: int = 10
    entity_weight: float = 2.0


def _words(text: str, stop_words: frozenset[str]) -> Iterable[str]:
    return (word for word in words(text) if len(word) > 2 and word not in stop_words)


def article_terms(
    article: Article, stop_words: frozenset[str], entity_weight: float = 2.0
) -> dict[str, float]:
    """The weighted bag of terms that stands for an article in the grouping."""
    terms: dict[str, float] = defaultdict(float)
    for text, weight in ((article.title, 2.0), (article.summary, 1.0), (article.body, 1.0)):
        for word in _words(text, stop_words):
            terms[word] += weight
    for entity in (*article.people, *article.organizations, *article.places):
        terms["@" + entity.lower()] += entity_weight
    return dict(terms)


def tfidf_vectors(bags: Sequence[dict[str, float]]) -> list[Vector]:
    """Sublinear TF times smoothed IDF, L2-normalised."""
    document_frequency: Counter[str] = Counter()
    for bag in bags:
        document_frequency.update(bag.keys())
    total = len(bags)
    vectors: list[Vector] = []
    for bag in bags:
        vector = {
            term: (1.0 + math.log(count)) * (math.log((1 + total) / (1 + document_frequency[term])) + 1.0)
            for term, count in bag.items()
            if count > 0
        }
        vectors.append(_normalised(vector))
    return vectors


def _normalised(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(term, 0.0) for term, value in a.items())


@dataclass
class _Cluster:
    slug: str
    start: datetime
    end: datetime
    members: list[int] = field(default_factory=list)
    total: Vector = field(default_factory=dict)
    _centroid: Vector | None = None

    def add(self, index: int, vector: Vector, date: datetime) -> None:
        self.members.append(index)
        self.start, self.end = min(self.start, date), max(self.end, date)
        for term, value in vector.items():
            self.total[term] = self.total.get(term, 0.0) + value
        self._centroid = None

    def centroid(self) -> Vector:
        if self._centroid is None:
            self._centroid = _normalised(self.total)
        return self._centroid


def assign_events(
    articles: Sequence[Article], stop_words: frozenset[str], settings: GroupingSettings = GroupingSettings()
) -> list[str]:
    """Give every article an event slug (same order as `articles`).

    Articles are taken in date order and only events within the time window are candidates:
    events that ended more than `window_days` before the current article leave the candidate
    list for good, so the cost grows with the number of articles times the events of a window,
    never with all pairs.
    """
    order = sorted(range(len(articles)), key=lambda i: (articles[i].date, articles[i].path))
    vectors = tfidf_vectors([article_terms(a, stop_words, settings.entity_weight) for a in articles])
    clusters: dict[str, _Cluster] = {}
    for index in order:
        article = articles[index]
        if article.event:
            cluster = clusters.setdefault(article.event, _Cluster(article.event, article.date, article.date))
            cluster.add(index, vectors[index], article.date)
    window = timedelta(days=settings.window_days)
    used_slugs = set(clusters)
    active = sorted(clusters.values(), key=lambda c: c.start)
    for index in order:
        article = articles[index]
        if article.event:
            continue
        active = [c for c in active if c.end + window >= article.date]
        best: _Cluster | None = None
        best_score = settings.threshold
        for cluster in active:
            if article.date < cluster.start - window:
                continue
            score = cosine(vectors[index], cluster.centroid())
            if score >= best_score:
                best, best_score = cluster, score
        if best is None:
            slug = _unique_slug(slugify(article.title, max_length=60, fallback_prefix="event"), used_slugs)
            used_slugs.add(slug)
            best = clusters.setdefault(slug, _Cluster(slug, article.date, article.date))
            active.append(best)
        best.add(index, vectors[index], article.date)
    assignment = [""] * len(articles)
    for cluster in clusters.values():
        for member in cluster.members:
            assignment[member] = cluster.slug
    return assignment


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


def shingles(text: str) -> set[int]:
    """Hashes of the word 5-grams of a text, lowercased."""
    tokens = re.findall(r"\w+", text.lower())
    count = max(0, len(tokens) - SHINGLE_WORDS + 1)
    return {hash(tuple(tokens[i : i + SHINGLE_WORDS])) for i in range(count)}


def find_copies(group: Sequence[Article]) -> tuple[tuple[str, str], ...]:
    """(copy, original) paths for articles whose text is mostly an earlier article's (date order)."""
    copies: list[tuple[str, str]] = []
    originals: list[tuple[Article, set[int]]] = []
    for article in sorted(group, key=lambda a: (a.date, a.path)):
        mine = shingles(article.body)
        match = next(
            (o for o, theirs in originals if mine and len(mine & theirs) >= COPY_CONTAINMENT * len(mine)),
            None,
        )
        if match is None:
            originals.append((article, mine))
        else:
            copies.append((article.path, match.path))
    return tuple(copies)


def build_events(
    articles: Sequence[Article],
    assignment: Sequence[str],
    title_for: Callable[[Sequence[Article]], str],
    summary_for: Callable[[Sequence[Article]], tuple[str, ...]],
) -> tuple[Event, ...]:
    """Assemble Event objects, newest activity first, with titles and multi-article summaries."""
    members: dict[str, list[Article]] = defaultdict(list)
    for article, slug in zip(articles, assignment, strict=True):
        members[slug].append(article)
    events = []
    for slug, group in members.items():
        group.sort(key=lambda a: (a.date, a.path))
        title = group[0].title if len(group) == 1 else title_for(group)
        copies = find_copies(group)
        copied = {copy for copy, _ in copies}
        # The summary is drawn from the distinct texts, so a syndicated story does not count twice.
        distinct = [a for a in group if a.path not in copied]
        events.append(Event(slug=slug, title=title, articles=tuple(group), summary=summary_for(distinct),
                            copies=copies))  # fmt: skip
    events.sort(key=lambda e: (e.end, e.start, e.slug), reverse=True)
    return tuple(events)
