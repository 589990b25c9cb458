"""Event grouping's bulk computations agree with their plain definitions, on any input."""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import events, packed
from generator.events import (
    COPY_CONTAINMENT,
    PASSAGE_WORDS,
    SHINGLE_WORDS,
    GroupingSettings,
    SimilarPairs,
    TermVectors,
    _attach_lone_articles,
    _Groups,
    _merge_groups,
    _sum_links,
    candidate_pairs,
    cosine,
    find_copies,
    pair_cosines,
    shared_passage_pairs,
    tfidf_vectors,
)
from generator.model import Article
from generator.summarise.text import stop_words

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


def plain_tfidf(bags: list[dict[str, float]]) -> list[dict[str, float]]:
    """Sublinear TF times smoothed IDF, L2-normalised, one dict at a time: the definition."""
    frequency: dict[str, int] = {}
    for bag in bags:
        for term in bag:
            frequency[term] = frequency.get(term, 0) + 1
    vectors = []
    for bag in bags:
        vector = {
            term: (1.0 + math.log(count)) * (math.log((1 + len(bags)) / (1 + frequency[term])) + 1.0)
            for term, count in bag.items()
            if count > 0
        }
        norm = math.sqrt(sum(v * v for v in vector.values()))
        vectors.append({term: v / norm for term, v in vector.items()} if norm else {})
    return vectors


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(WORDS), st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 4.5])), max_size=10
    )
)
def test_stacked_tfidf_vectors_are_the_plain_ones_to_the_last_bit(bags: list[dict[str, float]]) -> None:
    got = tfidf_vectors(bags)
    expected = plain_tfidf(bags)
    # Same terms in the same order, same floats.
    assert [list(v.items()) for v in got] == [list(v.items()) for v in expected]
    # Held in many small chunks, bags longer than a chunk among them, and filled two at a time.
    with small_chunks():
        assert tfidf_vectors(bags) == got


@contextlib.contextmanager
def small_chunks() -> Iterator[None]:
    """Packed rows in chunks of three entries and term vectors filled two articles at a time, so
    that a handful of articles cross every boundary a corpus of 100,000 does."""
    whole, block = packed.CHUNK_ENTRIES, events.TERM_VECTOR_BLOCK
    packed.CHUNK_ENTRIES, events.TERM_VECTOR_BLOCK = 3, 2
    try:
        yield
    finally:
        packed.CHUNK_ENTRIES, events.TERM_VECTOR_BLOCK = whole, block


texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=30).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(WORDS), st.sampled_from([0.5, 1.0, 2.0]), max_size=len(WORDS)),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.integers(0, 5), min_size=12, max_size=12),
    st.integers(1, 4),
    st.booleans(),
)
def test_each_articles_top_terms_are_its_heaviest_ties_by_term(
    bags: list[dict[str, float]], days: list[int], count: int, one_key: bool
) -> None:
    # The weights are drawn from three values, so that ties are common.
    stacked = TermVectors.from_dicts(bags)
    moments = np.array(days[: len(bags)], dtype=np.int64)
    expected = sorted(
        (stacked.vocabulary.index(term), moments[i], i, weight)
        for i, bag in enumerate(bags)
        for term, weight in sorted(bag.items(), key=lambda item: (-item[1], item[0]))[:count]
    )
    bits = events.SORT_KEY_BITS
    events.SORT_KEY_BITS = 63 if one_key else 0  # 0: the three keys in turn
    try:
        with small_chunks():
            held, holders, weights = events._top_term_entries(stacked, count, moments)
    finally:
        events.SORT_KEY_BITS = bits
    assert [
        (t, moments[i], i, w)
        for t, i, w in zip(held.tolist(), holders.tolist(), weights.tolist(), strict=True)
    ] == expected


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(texts, st.integers(0, 24 * 30)), min_size=1, max_size=14),
    st.sampled_from([1, 2, 3, 50]),
    st.booleans(),
)
def test_candidate_pairs_are_near_in_time_share_a_distinctive_term_and_are_closest_partners(
    items: list[tuple[str, int]], partners: int, one_key: bool
) -> None:
    articles = [article(i, body, hours) for i, (body, hours) in enumerate(items)]
    rules = GroupingSettings(window_days=3, blocking_terms=3, partners_per_article=partners)
    bags = [{word: float(body.split().count(word)) for word in body.split()} for body, _ in items]
    normalised = tfidf_vectors(bags)
    top = [
        {term for term, _ in sorted(v.items(), key=lambda item: (-item[1], item[0]))[: rules.blocking_terms]}
        for v in normalised
    ]
    holders = {term: sum(term in t for t in top) for term in WORDS}

    def closeness(a: int, b: int) -> float:
        """The dot product over the distinctive terms the two share (0 where none, or too far)."""
        if a == b or abs(articles[a].date - articles[b].date) > timedelta(days=rules.window_days):
            return 0.0
        total = 0.0
        for term in sorted(top[a] & top[b]):
            if holders[term] <= max(100, len(articles) // 20):
                total += normalised[a][term] * normalised[b][term]
        return total

    expected = set()
    for a in range(len(articles)):
        ranked = sorted((-closeness(a, b), b) for b in range(len(articles)) if closeness(a, b) > 0)
        expected |= {(min(a, b), max(a, b)) for _, b in ranked[:partners]}
    bits = events.SORT_KEY_BITS
    events.SORT_KEY_BITS = 63 if one_key else 0  # 0: sorted by several keys in turn
    try:
        found = candidate_pairs(articles, TermVectors.from_dicts(normalised), rules)
    finally:
        events.SORT_KEY_BITS = bits
    pairs = found.as_dict()
    assert set(pairs) == expected
    assert all(abs(pairs[p] - cosine(normalised[p[0]], normalised[p[1]])) < 1e-12 for p in pairs)
    # Worked through a few first articles at a time, as a large corpus is: the same arrays.
    whole = events.PAIRS_AT_ONCE
    events.PAIRS_AT_ONCE = 2
    try:
        parted = candidate_pairs(articles, TermVectors.from_dicts(normalised), rules)
    finally:
        events.PAIRS_AT_ONCE = whole
    assert parted.codes.tolist() == found.codes.tolist()
    assert parted.similarity.tolist() == found.similarity.tolist()
    # Each pair once, in order, however often it was found.
    assert (np.diff(found.codes) > 0).all()


def grams(body: str) -> set[tuple[str, ...]]:
    words = body.split()
    return {tuple(words[i : i + PASSAGE_WORDS]) for i in range(len(words) - PASSAGE_WORDS + 1)}


# Quoted passages of nine words (two 8-grams each), overlapping, and loose words between them:
# reports made of these share passages often, and sometimes two.
QUOTES = [" ".join((WORDS * 2)[i : i + PASSAGE_WORDS + 1]) for i in range(4)]
quoting_texts = st.lists(st.sampled_from(QUOTES + WORDS[:2]), max_size=5).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(quoting_texts, st.integers(0, 24 * 30)), min_size=1, max_size=14))
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
    # Worked through in parts, as a large corpus is: the same pairs.
    whole = events.PASSAGES_AT_ONCE
    events.PASSAGES_AT_ONCE = max(1, sum(map(len, passages)) // 2)  # two to four parts
    try:
        assert shared_passage_pairs(articles, rules) == expected
        with small_chunks():
            assert shared_passage_pairs(articles, rules) == expected
    finally:
        events.PASSAGES_AT_ONCE = whole
    with small_chunks():
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


def plain_attach_and_merge(
    groups: _Groups, pairs: dict[tuple[int, int], float], rules: GroupingSettings
) -> None:
    """Steps 2 and 3 of the grouping written plainly over a dict of pairs: the definition that the
    bulk versions must follow, ties and pinned events included."""

    def average(a: list[int], b: list[int]) -> float:
        total = 0.0
        for i in a:
            for j in b:
                total += pairs.get((min(i, j), max(i, j)), 0.0)
        return total / (len(a) * len(b))

    neighbours: dict[int, set[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    members = groups.members()
    for _, group in sorted(members.items()):
        if len(group) != 1:
            continue
        lone = group[0]
        candidates = {groups.find(n) for n in neighbours.get(lone, ())} - {groups.find(lone)}
        scored = [(average([lone], members[c]), c) for c in sorted(candidates) if len(members[c]) > 1]
        best = max(scored, default=(0.0, -1))
        if best[0] >= rules.attach_link:
            groups.union(best[1], lone)
    members = {root: list(group) for root, group in groups.members().items()}
    linked = {tuple(sorted((groups.find(a), groups.find(b)))) for a, b in pairs} - {(r, r) for r in members}
    ranked = sorted(((average(members[ra], members[rb]), ra, rb) for ra, rb in linked), reverse=True)
    for score, ra, rb in ranked:
        if score < rules.merge_link:
            break
        ra, rb = groups.find(ra), groups.find(rb)
        if ra == rb or (groups.pin.get(ra) and groups.pin.get(rb)):
            continue
        if average(members[ra], members[rb]) >= rules.merge_link and groups.union(ra, rb):
            root = groups.find(ra)
            members[root] = members.pop(ra) + members.pop(rb)


def partition(groups: _Groups) -> set[frozenset[int]]:
    return {frozenset(group) for group in groups.members().values()}


# Similarities on a coarse grid, so that equal scores (ties in the ranking) are common.
similarities = st.sampled_from([0.05, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.45, 0.5, 0.8])


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 14).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.sampled_from([None, None, None, "a", "b"]), min_size=n, max_size=n),
    st.dictionaries(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1]),
                    similarities, max_size=40),
)))  # fmt: skip
def test_bulk_attach_and_merge_group_as_the_plain_steps_do(
    case: tuple[int, list[str | None], dict[tuple[int, int], float]],
) -> None:
    n, pins, pairs = case
    rules = GroupingSettings()
    articles = [replace(article(i, "", 0), event=pin) for i, pin in enumerate(pins)]
    ordered = sorted(pairs)
    bulk = SimilarPairs(
        n,
        np.array([a * n + b for a, b in ordered], dtype=np.int64),
        np.array([pairs[p] for p in ordered], dtype=np.float64),
    )

    def cores() -> _Groups:
        """The groups as step 1 makes them."""
        groups = _Groups(articles)
        for a, b in ordered:
            if pairs[(a, b)] >= rules.core_link:
                groups.union(a, b)
        return groups

    expected = cores()
    plain_attach_and_merge(expected, pairs, rules)
    # Also worked through a few pairs at a time, as a large corpus is.
    whole = events.PAIRS_AT_ONCE
    for block in (whole, 3):
        got = cores()
        events.PAIRS_AT_ONCE = block
        try:
            _attach_lone_articles(got, bulk, rules)
            _merge_groups(got, bulk, rules)
        finally:
            events.PAIRS_AT_ONCE = whole
        assert partition(got) == partition(expected)
        assert {got.find(i): slug for i, slug in got.pin.items()} == {
            expected.find(i): slug for i, slug in expected.pin.items()
        }


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 12), st.floats(0.0, 1.0, allow_nan=False)), max_size=12),
        min_size=1,
        max_size=6,
    )
)
def test_linked_groups_sums_are_added_in_order_however_the_parts_come(
    blocks: list[list[tuple[int, float]]],
) -> None:
    # Each block as `_merge_groups` makes it: its links once each, ascending, with their sums.
    parts = []
    for block in blocks:
        sums: dict[int, float] = {}
        for link, value in sorted(block, key=lambda item: item[0]):
            sums[link] = sums.get(link, 0.0) + value
        parts.append((np.array(sorted(sums), dtype=np.int64), np.array([sums[k] for k in sorted(sums)])))
    expected: dict[int, float] = {}
    for links, totals in parts:
        for link, total in zip(links.tolist(), totals.tolist(), strict=True):
            expected[link] = expected.get(link, 0.0) + total
    # All at once, and two parts at a time with the running sum first, as `_merge_groups` does.
    for step in (len(parts), 2):
        running = [parts[0]]
        for part in parts[1:]:
            running.append(part)
            if len(running) >= step:
                _sum_links(running)
        _sum_links(running)
        ((links, totals),) = running
        assert links.tolist() == sorted(expected)
        assert totals.tolist() == [expected[link] for link in sorted(expected)]


STOCK = "Critics said the handling of the affair raised questions that would need answers in the weeks ahead."


def test_a_formulaic_sentence_shared_by_two_unrelated_stories_does_not_make_them_one_event() -> None:
    trial = (
        "A court in Norvik convicted the banker Elena Castillo of fraud after a six week trial. "
        "Jurors saw emails in which Castillo told colleagues to hide losses from auditors. "
        "Castillo denied the charges and her lawyers said she would appeal the verdict. "
        "The judge ordered the seizure of two villas and a yacht bought with money from pension funds. "
    )
    reports = [
        article(0, trial + STOCK, 0),
        article(1, "Prosecutors welcomed the verdict against Castillo, the Norvik banker convicted of "
                   "fraud, saying the emails to colleagues about hiding losses from auditors were "
                   "decisive. Castillo will appeal, her lawyers said. " + STOCK, 5),
        article(2, "Heavy rain flooded the harbour at Tarvel and closed the coastal railway for three "
                   "days. Fishermen lost boats and nets, and the council opened two shelters in "
                   "school halls. Engineers will inspect the sea wall this week. Farmers upstream "
                   "reported drowned sheep and ruined barley, and the weather service warned of more "
                   "storms before the weekend. Volunteers filled sandbags outside the lifeboat station. "
                   + STOCK, 10),
        article(3, "The orchestra of Vellon opened its season with a new symphony by a young composer, "
                   "and tickets for the spring concerts sold out within an hour.", 12),
    ]  # fmt: skip
    titles = ["Norvik banker convicted of fraud", "Prosecutors welcome Castillo verdict",
              "Floods close Tarvel harbour", "Vellon orchestra opens its season"]  # fmt: skip
    reports = [replace(report, title=title) for report, title in zip(reports, titles, strict=True)]
    rules = GroupingSettings(window_days=3)
    # The flood story and the trial share passages, as two reports quoting one statement would.
    assert (0, 2) in shared_passage_pairs(reports, rules)
    slugs = events.assign_events(reports, stop_words(), rules)
    assert slugs[0] == slugs[1]
    assert slugs[2] != slugs[0]
