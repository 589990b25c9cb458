"""Event grouping's bulk computations agree with their plain definitions, on any input."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.events import (
    COPY_CONTAINMENT,
    PASSAGE_WORDS,
    SHINGLE_WORDS,
    GroupingSettings,
    candidate_pairs,
    cosine,
    find_copies,
    pair_cosines,
    shared_passage_pairs,
    tfidf_vectors,
)
from generator.model import Article

WORDS = ["talks", "ceasefire", "geneva", "minister", "kyiv", "moscow", "plan", "vote"]
START = datetime(2025, 1, 1, tzinfo=UTC)


def article(index: int, body: str, day: int) -> Article:
    return Article(
        path=f"{index}.md", slug=str(index), title=f"Report {index}", date=START + timedelta(hours=day),
        date_source="given", summary="", body=body,
    )  # fmt: skip


vectors = st.lists(
    st.dictionaries(st.sampled_from(WORDS), st.floats(0.01, 5.0), max_size=len(WORDS)),
    min_size=2,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(vectors, st.data())
def test_bulk_cosines_equal_the_pairwise_definition(
    bags: list[dict[str, float]], data: st.DataObject
) -> None:
    normalised = tfidf_vectors(bags)
    pairs = data.draw(
        st.lists(st.tuples(st.integers(0, len(bags) - 1), st.integers(0, len(bags) - 1)), max_size=30)
    )
    got = pair_cosines(normalised, pairs)
    assert [round(x, 12) for x in got] == [round(cosine(normalised[a], normalised[b]), 12) for a, b in pairs]


texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=30).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(texts, st.integers(0, 24 * 30)), min_size=1, max_size=14))
def test_candidate_pairs_are_near_in_time_and_share_a_distinctive_term(items: list[tuple[str, int]]) -> None:
    articles = [article(i, body, hours) for i, (body, hours) in enumerate(items)]
    rules = GroupingSettings(window_days=3, blocking_terms=3)
    bags = [{word: float(body.split().count(word)) for word in body.split()} for body, _ in items]
    normalised = tfidf_vectors(bags)
    top = [
        {term for term, _ in sorted(v.items(), key=lambda item: (-item[1], item[0]))[: rules.blocking_terms]}
        for v in normalised
    ]
    holders = {term: sum(term in t for t in top) for term in WORDS}
    expected = {
        (a, b)
        for a, b in itertools.combinations(range(len(articles)), 2)
        if abs(articles[a].date - articles[b].date) <= timedelta(days=rules.window_days)
        and any(holders[term] <= max(100, len(articles) // 20) for term in top[a] & top[b])
    }
    pairs = candidate_pairs(articles, normalised, rules)
    assert set(pairs) == expected
    assert all(abs(pairs[p] - cosine(normalised[p[0]], normalised[p[1]])) < 1e-12 for p in pairs)


def grams(body: str) -> set[tuple[str, ...]]:
    words = body.split()
    return {tuple(words[i : i + PASSAGE_WORDS]) for i in range(len(words) - PASSAGE_WORDS + 1)}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(WORDS[:3]), max_size=16).map(" ".join),
                          st.integers(0, 24 * 30)), min_size=1, max_size=14))  # fmt: skip
def test_quoting_pairs_share_two_rare_passages_within_the_window(items: list[tuple[str, int]]) -> None:
    articles = [article(i, body, hours) for i, (body, hours) in enumerate(items)]
    rules = GroupingSettings(window_days=5)
    passages = [grams(body) for body, _ in items]
    holders: dict[tuple[str, ...], int] = {}
    for found in passages:
        for gram in found:
            holders[gram] = holders.get(gram, 0) + 1
    common = max(10, len(articles) // 50)
    expected = {
        (a, b)
        for a, b in itertools.combinations(range(len(articles)), 2)
        if abs(articles[a].date - articles[b].date) <= timedelta(days=rules.window_days)
        and sum(1 for gram in passages[a] & passages[b] if holders[gram] <= common) >= rules.shared_passages
    }
    assert shared_passage_pairs(articles, rules) == expected


def five_grams(body: str) -> set[tuple[str, ...]]:
    words = body.lower().split()
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


# Reports made of shared passages: a copy can hold most of several earlier originals.
PASSAGES = [" ".join(WORDS[i:] + WORDS[:i]) for i in range(4)]
reports = st.lists(st.sampled_from(PASSAGES), max_size=3).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(reports, st.integers(0, 48)), min_size=1, max_size=12))
def test_a_copy_is_matched_to_the_earliest_original_holding_most_of_its_text(
    items: list[tuple[str, int]],
) -> None:
    articles = [article(i, body, hours) for i, (body, hours) in enumerate(items)]
    expected: list[tuple[str, str]] = []
    originals: list[Article] = []
    for candidate in sorted(articles, key=lambda a: (a.date, a.path)):
        mine = five_grams(candidate.body)
        match = next(
            (o for o in originals if mine and len(mine & five_grams(o.body)) >= COPY_CONTAINMENT * len(mine)),
            None,
        )
        if match is None:
            originals.append(candidate)
        else:
            expected.append((candidate.path, match.path))
    assert find_copies(articles) == tuple(expected)
