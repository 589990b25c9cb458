"""Property tests: any text in gives valid output or a clean error, never an exception."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator.clean import clean_document
from generator.clean.lines import _measure_any, _measure_ascii, ends_sentence
from generator.config import SiteConfig
from generator.content import (
    article_from_file,
    body_markdown,
    build_metadata,
    parse_article_file,
    render_markdown_file,
)
from generator.errors import InputError
from generator.events import _ngram_hash_array
from generator.ingest import read_document
from generator.model import Article, ArticleText, CleanDocument, Digest, Quote, RawDocument, article_digest
from generator.render import search
from generator.render.feeds import atom_feed, rss_feed
from generator.render.markdown import markdown_to_html, plain_paragraphs_html
from generator.render.search import STOP_WORDS, WORD, term_weights
from generator.slugs import MAX_SLUG_LENGTH, is_safe_slug, slugify
from generator.summarise import _DISAGREEMENT, _disagrees
from generator.summarise.entities import _merge_short_forms
from generator.summarise.extractive import Candidate, _usable, select, similarity
from generator.summarise.keywords import _CHUNK_TAG_WORDS, _tag_word, extract_keywords
from generator.summarise.text import _WORD as SUMMARY_WORD
from generator.summarise.text import _content_term, chunk_values, content_term_counts, content_terms

EXAMPLES = 200
text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=400)
lines = st.lists(text, max_size=12).map("\n".join)

COMMONMARK = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@settings(max_examples=EXAMPLES, deadline=None)
@given(lines)
def test_cleaner_never_raises_and_keeps_only_input_lines(raw: str) -> None:
    cleaned = clean_document(RawDocument(path="x.txt", kind="text", content=raw, content_hash="h"))
    source_words = set(raw.split())
    for paragraph in cleaned.paragraphs:
        assert set(paragraph.split()) <= source_words
    assert cleaned.title is not None


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".html", ".xml"]))
def test_any_bytes_give_documents_or_a_one_line_error(data: bytes, suffix: str) -> None:
    try:
        documents, _ = read_document(data, f"inbox/x{suffix}", suffix)
    except InputError as error:
        assert "\n" not in str(error) and str(error).startswith(f"inbox/x{suffix}: ")
        return
    for document in documents:
        clean_document(document)


@settings(max_examples=EXAMPLES, deadline=None)
@given(text)
def test_slugs_are_always_safe(value: str) -> None:
    slug = slugify(value)
    assert slug and len(slug) <= MAX_SLUG_LENGTH and is_safe_slug(slug)
    assert "/" not in slug and ".." not in slug and not slug.startswith("-")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=text.filter(lambda t: t.strip()), paragraphs=st.lists(text.filter(lambda t: t.strip()), min_size=1, max_size=5),
       quote=text, tags=st.lists(text, max_size=3))  # fmt: skip
def test_front_matter_round_trips(title: str, paragraphs: list[str], quote: str, tags: list[str]) -> None:
    doc = CleanDocument(key="k.txt", source_file="k.txt", content_hash="h", title=title, paragraphs=tuple(paragraphs),
                        date=datetime(2025, 1, 2, tzinfo=UTC), date_source="given")  # fmt: skip
    digest = Digest(summary=(paragraphs[0],), tags=tuple(t for t in tags if t.strip()),
                    quotes=(Quote(quote, "Someone"),) if quote.strip() else ())  # fmt: skip
    metadata = build_metadata(doc, digest, "a-slug", UTC)
    text_out = render_markdown_file(metadata, body_markdown(doc.paragraphs))
    file = parse_article_file(text_out, "2025/01/a-slug.md")
    assert not file.edited
    article = article_from_file(file, UTC)
    assert article.title == title.strip() and article.date == doc.date


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=1, max_size=8))
def test_feeds_always_parse_and_carry_every_article(items: list[tuple[str, str]]) -> None:
    config = SiteConfig(base_url="https://example.org/news/", feed_items=100)
    articles = [
        Article(path=f"2025/01/a{i}.md", slug=f"a{i}", title=title or "untitled", summary=summary,
                date=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=i), date_source="given", body=summary)
        for i, (title, summary) in enumerate(items)
    ]  # fmt: skip
    for feed in (
        rss_feed(articles, config, "feed.xml", "T", "D"),
        atom_feed(articles, config, "atom.xml", "T", "D"),
    ):
        parsed = feedparser.parse(feed)
        assert len(parsed.entries) == len(articles)
        assert {e.link for e in parsed.entries} == {
            f"https://example.org/news/articles/2025/01/a{i}/" for i in range(len(items))
        }


CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Markdown-heavy text: the characters that make syntax, at line starts and inside lines.
markdownish = st.lists(
    st.sampled_from([*"ab 1.)#>-+*=_~|`[]()<>!&;\\\"'\n\t\xa0", "amp;", "&#35;", "2025. ", "  \n", "\n\n"]),
    max_size=60,
).map("".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(markdownish, text))
def test_the_plain_paragraph_shortcut_gives_what_markdown_it_gives(body: str) -> None:
    fast = plain_paragraphs_html(body)
    if fast is not None:
        assert fast == COMMONMARK.render(body)
    assert markdown_to_html(body) == COMMONMARK.render(body)


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.lists(
        # CommonMark turns NUL into U+FFFD; cleaned text holds no control characters.
        st.one_of(markdownish, text).map(lambda t: " ".join(CONTROL.sub("", t).split())).filter(bool),
        min_size=1,
        max_size=4,
    )
)
def test_escaped_paragraphs_show_their_own_text(paragraphs: list[str]) -> None:
    html = markdown_to_html(body_markdown(paragraphs))
    shown = [unescape(re.sub(r"</?p>", "", block)) for block in html.strip().split("\n") if block]
    assert shown == paragraphs
    # And the digest's own Markdown never needs the full parser.
    assert plain_paragraphs_html(body_markdown(paragraphs)) is not None


# Sentences near the disagreement pattern: its words in any case, cut short or run on, the
# characters that match a letter only when case is ignored, and text between them.
DISAGREEING_PIECES = [
    "Denied", "DENY", "denies", "den", "deni", "Contradicting", "disputed", "refutes", "REJECT",
    "dismissal", "countered", "counter", "insisting", "rival claim", "Rival claims", "conflicting",
    "While", "while ", " the ministry ", "said", "SAYS", "claimed", "dİsputed", "ınsists",
    "dıſmiſſed", "whıle", "ı", "İ", "ſ", "K", " ", "\n", "x", "é",
]  # fmt: skip
disagreeing = st.lists(st.sampled_from(DISAGREEING_PIECES), max_size=12).map("".join)


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(st.one_of(disagreeing, text))
def test_the_disagreement_prefilter_never_changes_the_answer(sentence: str) -> None:
    assert _disagrees(sentence) == (_DISAGREEMENT.search(sentence) is not None)


# Lines of ASCII near what the cleaner measures: function words, digits, underscores, closing
# marks and every kind of ASCII white space (str.split and bytes.split differ on \x1c-\x1f).
LINE_PIECES = [
    "The", "the", "OF", "and", "Said", "x", "_", "9", "2024", "a_b", "it's", "U.S.", ". ", "!", "?",
    ":", ";", ")", "]", "'", '"', " ", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\r", "-", "#",
]  # fmt: skip
ascii_lines = st.one_of(
    st.lists(st.sampled_from(LINE_PIECES), max_size=30).map("".join),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=200),
)


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(ascii_lines)
def test_an_ascii_line_measures_as_any_line_does(line: str) -> None:
    assert _measure_ascii(line) == _measure_any(line)


# The sentence end as first written: a pattern searched over the whole line.
SENTENCE_END = re.compile(r"[.!?…:;]['\"”’»)\]]*\s*$|[\"”’»]\s*$")
END_PIECES = [".", "!", "?", "…", ":", ";", "'", '"', "”", "’", "»", ")", "]", "“", "(", " ", "\n", "\u2003", "a", "1"]  # fmt: skip
line_ends = st.lists(st.sampled_from(END_PIECES), max_size=10).map("".join)


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(st.one_of(line_ends, text))
def test_the_sentence_end_is_the_pattern_it_replaced(line: str) -> None:
    assert ends_sentence(line) == (SENTENCE_END.search(line) is not None)


# Text cut into chunks at every kind of white space (Unicode's too), with the punctuation,
# apostrophes, hyphens, digits, case pairs and final sigma that words are made of and folded by.
CHUNK_PIECES = [
    "Talks", "talks,", "it's", "Putin’s", "U.S.", "re-elect", "-", "'", "’", "_", "2024", "x9", "ΣΟΦΟΣ", "ς",
    "İstanbul", "ß", "Zoë", "e\u0301", "(Kyiv)", "“We", "said.”", " ", "  ", "\t", "\n", "\xa0", "\u2003",
    "\u3000", "\x1c", "\x85", "\u2028",
]  # fmt: skip
chunked_texts = st.one_of(st.lists(st.sampled_from(CHUNK_PIECES), max_size=40).map("".join), text)


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(chunked_texts)
def test_words_taken_chunk_by_chunk_are_the_words_of_the_whole_text(value: str) -> None:
    tokens = SUMMARY_WORD.findall(value)
    expected_terms = [term for term in map(_content_term, tokens) if term]
    assert content_terms(value) == expected_terms
    assert list(content_term_counts(value).items()) == list(Counter(expected_terms).items())
    assert list(chunk_values(_CHUNK_TAG_WORDS, value)) == [w for w in map(_tag_word, tokens) if w]
    hashes = [hash(word) for word in re.findall(r"\w+", value.lower())]
    for size in (1, 3):
        windows = [hashes[i : i + size] for i in range(len(hashes) - size + 1)]
        expected = [
            sum(h * 0x100000001B3 ** (size - 1 - k) for k, h in enumerate(w)) % 2**64 for w in windows
        ]
        assert [h % 2**64 for h in _ngram_hash_array(value, size).tolist()] == expected


# A few short pieces, so that two drawn texts are often equal, or differ only by where one text
# ends and the next begins.
_PIECES = st.sampled_from(["", "a", "ab", "b", "\x00", "é", "None", "s1:"])
_TEXTS = st.lists(_PIECES, max_size=3).map("".join)
_DIGEST_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "title": _TEXTS,
    "summary": _TEXTS,
    "body": _TEXTS,
    "source": st.none() | _TEXTS,
    "author": st.none() | _TEXTS,
    "tags": st.lists(_TEXTS, max_size=2).map(tuple),
    "quotes": st.lists(st.builds(Quote, _TEXTS, st.none() | _TEXTS), max_size=2).map(tuple),
    "event": _TEXTS,
    "edited": st.booleans(),
}


@settings(max_examples=500)
@given(st.data())
def test_article_digests_are_equal_exactly_when_the_articles_are(data: st.DataObject) -> None:
    plain = Article(path="a.md", slug="a", title="", date=datetime(2025, 1, 1, tzinfo=UTC), date_source="given",
                    summary="", body="")  # fmt: skip
    first = replace(plain, **{name: data.draw(values) for name, values in _DIGEST_FIELDS.items()})
    # The second differs from the first in a few fields at most (its neighbours, often).
    changed = data.draw(st.lists(st.sampled_from(sorted(_DIGEST_FIELDS)), max_size=3, unique=True))
    second = replace(first, **{name: data.draw(_DIGEST_FIELDS[name]) for name in changed})
    assert (article_digest(first) == article_digest(second)) == (first == second)
    # Text moved from the end of one field to the start of another makes another article.
    giver, taker = data.draw(st.lists(st.sampled_from(["title", "summary", "body", "event"]), min_size=2,
                                      max_size=2, unique=True))  # fmt: skip
    moved = data.draw(_TEXTS.filter(bool))
    before = replace(first, **{giver: getattr(first, giver) + moved})
    after = replace(first, **{taker: moved + getattr(first, taker)})
    assert article_digest(before) != article_digest(after)


term_bags = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 5)).map(Counter)


@settings(max_examples=EXAMPLES, deadline=None)
@given(term_bags, term_bags)
def test_similarity_is_the_cosine_of_two_term_bags(a: Counter[str], b: Counter[str]) -> None:
    def norm(bag: Counter[str]) -> float:
        return math.sqrt(sum(count * count for count in bag.values())) or 1.0

    dot = sum(a[term] * b[term] for term in set(a) | set(b))
    assert similarity(a, b) == dot / (norm(a) * norm(b))
    assert similarity(b, a) == similarity(a, b)


summary_sentences = st.builds(
    lambda opening, words, ending: opening + " ".join(words) + ending,
    st.sampled_from(["", "", "(", '"', "He ", "But "]),
    st.lists(st.sampled_from("talks ceasefire minister troops border grain port vote".split()), max_size=70),
    st.sampled_from([".", ".", "?", '."']),
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(summary_sentences, st.integers(0, 2), st.floats(0, 3)), max_size=25), st.data())
def test_selection_skips_unusable_sentences_as_if_they_were_never_offered(
    drawn: list[tuple[str, int, float]], data: st.DataObject
) -> None:
    cands = [
        Candidate(sentence, document, position, content_term_counts(sentence))
        for position, (sentence, document, _) in enumerate(drawn)
    ]
    scores = [score for _, _, score in drawn]
    budget = data.draw(st.sampled_from([{"sentences": 3}, {"words": 40}]))
    chosen = select(cands, scores, redundancy=0.5, per_document_penalty=0.3, **budget)
    offered = [i for i, c in enumerate(cands) if _usable(c)]
    expected = select([cands[i] for i in offered], [scores[i] for i in offered], redundancy=0.5,
                      per_document_penalty=0.3, **budget)  # fmt: skip
    assert chosen == expected
    assert all(_usable(c) for c in chosen)


name_counts = st.dictionaries(
    st.lists(st.sampled_from(["Anna", "Ivan", "Petrov", "Kim", "Lee"]), min_size=1, max_size=3).map(" ".join),
    st.integers(1, 3),
).map(Counter)


@settings(max_examples=EXAMPLES, deadline=None)
@given(name_counts, name_counts)
def test_a_lone_name_goes_to_the_most_named_full_name_it_begins_or_ends(
    people: Counter[str], unknown: Counter[str]
) -> None:
    full_names = [name for name in people if len(name.split()) >= 2]
    expected: Counter[str] = Counter({name: count for name, count in people.items() if name in full_names})
    for bag, keep_lone in ((people, True), (unknown, False)):
        for name, count in bag.items():
            if len(name.split()) != 1:
                continue
            matches = [full for full in full_names if name in (full.split()[0], full.split()[-1])]
            if matches:
                # The first of the most mentioned, in the order the text named them.
                expected[max(matches, key=people.__getitem__)] += count
            elif keep_lone or count >= 2:
                expected[name] += count
    assert _merge_short_forms(people, unknown) == expected


tag_vocabulary = "talks talks grain grain port ceasefire minister Kyiv Moscow border says news".split()
tag_paragraphs = st.lists(st.lists(st.sampled_from(tag_vocabulary), max_size=12).map(" ".join), max_size=6)
tag_entities = st.lists(st.sampled_from(["Kyiv", "Black Sea", "port", "Moscow", "kyiv"]), max_size=7)


@settings(max_examples=EXAMPLES, deadline=None)
@given(tag_paragraphs, tag_paragraphs.map(" ".join), tag_entities, st.integers(0, 10))
def test_tags_are_the_entities_then_the_best_scored_words(
    paragraphs: list[str], title: str, entities: list[str], limit: int
) -> None:
    counts = Counter(word for p in paragraphs for word in chunk_values(_CHUNK_TAG_WORDS, p))
    spread = Counter(word for p in paragraphs for word in set(chunk_values(_CHUNK_TAG_WORDS, p)))
    for word in chunk_values(_CHUNK_TAG_WORDS, title):
        if word in counts:
            counts[word] += 3
    entity_words = {part for entity in entities for part in entity.lower().split()}
    scored = sorted(
        ((-count * (1 + spread[word] / max(1, len(paragraphs))), word) for word, count in counts.items()),
    )
    expected = [entity.lower() for entity in entities] + [
        word for _, word in scored if word not in entity_words and counts[word] >= 2
    ]
    assert extract_keywords(title, paragraphs, entities, limit) == tuple(dict.fromkeys(expected))[:limit]


index_words = st.lists(
    st.sampled_from(
        "the of Talks talks Zoë zoe ties policies a 7 s us bus class Ceasefire ceasefires".split()
    ),
    max_size=40,
).map(" ".join)


def plain_index_terms(value: str) -> list[str]:
    """The index terms of a text, word by word as the search index defines them."""
    words = WORD.findall(search.fold(value))
    return [search.stem(w) for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


@settings(max_examples=EXAMPLES, deadline=None)
@given(index_words, index_words, index_words)
def test_search_weights_are_the_formula_applied_to_each_term(title: str, summary: str, body: str) -> None:
    counts = Counter(plain_index_terms(body))
    length = max(sum(counts.values()), 1)
    for term in plain_index_terms(title):
        counts[term] += search.TITLE_BOOST
    for term in plain_index_terms(summary):
        counts[term] += search.SUMMARY_BOOST
    saturation, effect = search.SATURATION, search.LENGTH_EFFECT
    length_factor = saturation * (1 - effect + effect * length / search.REFERENCE_LENGTH)
    expected = sorted(
        (term, max(1, min(99, round(count * (saturation + 1) / (count + length_factor) * 40))))
        for term, count in counts.items()
    )
    assert list(term_weights(ArticleText(title, summary, body))) == expected
    assert search.terms(body) == plain_index_terms(body)
    assert list(search.term_counts(body).items()) == list(Counter(plain_index_terms(body)).items())
