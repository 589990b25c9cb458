"""Summaries, entities, tags and quotes on the sample articles and on small cases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.clean import build_context, clean_document
from generator.ingest import read_inbox
from generator.model import Article, CleanDocument
from generator.summarise import event_title, extract_entities, split_sentences, summarise, summarise_event

from .conftest import INBOX


@pytest.fixture(scope="module")
def seeds() -> dict[str, CleanDocument]:
    documents = read_inbox(INBOX, INBOX.parents[1]).documents
    context = build_context(documents)
    return {Path(d.path).name[:3]: clean_document(d, context) for d in documents}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. restored support. Talks resume.", ["The U.S. restored support.", "Talks resume."]),
        (
            "They met on Feb. 28 in Washington. It went badly.",
            ["They met on Feb. 28 in Washington.", "It went badly."],
        ),
        (
            "“It gives us nothing.” Ushakov said. He left.",
            ["“It gives us nothing.” Ushakov said.", "He left."],
        ),
        ("Prices rose 3.5 percent. Dr. Smith agreed!", ["Prices rose 3.5 percent.", "Dr. Smith agreed!"]),
        ("One.\nTwo words here", ["One.", "Two words here"]),
    ],
)
def test_sentence_splitting(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_summaries_are_whole_distinct_sentences_from_the_text(seeds: dict[str, CleanDocument]) -> None:
    for document in seeds.values():
        digest = summarise(document, 3)
        body_sentences = set(split_sentences("\n".join(document.paragraphs)))
        assert 1 <= len(digest.summary) <= 3
        assert len(set(digest.summary)) == len(digest.summary)
        assert all(sentence in body_sentences for sentence in digest.summary)
        assert not digest.summary[0].lower().startswith(("he ", "she ", "but ", "it "))


def test_entities_on_the_seeds(seeds: dict[str, CleanDocument]) -> None:
    people: set[str] = set()
    organizations: set[str] = set()
    places: set[str] = set()
    for document in seeds.values():
        digest = summarise(document)
        people.update(digest.people)
        organizations.update(digest.organizations)
        places.update(digest.places)
    assert {"Dmitry Peskov", "Dmitry Medvedev", "Yuri Ushakov", "Steve Witkoff", "Donald Trump"} <= people
    assert {"Ukraine", "Russia", "Crimea", "Moscow"} <= places
    assert {"NATO", "Kremlin"} & organizations
    assert not people & places


def test_quotes_carry_their_speakers(seeds: dict[str, CleanDocument]) -> None:
    quotes = {q.text: q.speaker for q in summarise(seeds["001"]).quotes}
    assert (
        quotes["A 30-day temporary ceasefire. Well, what does it give us? It gives us nothing."]
        == "Yuri Ushakov"
    )
    peskov = {q.text: q.speaker for q in summarise(seeds["002"]).quotes}
    assert peskov["We believe that some progress can already be noted"] == "Dmitry Peskov"


def test_tags_are_lowercase_and_few(seeds: dict[str, CleanDocument]) -> None:
    tags = summarise(seeds["004"]).tags
    assert 3 <= len(tags) <= 8
    assert all(tag == tag.lower() for tag in tags)


def as_article(document: CleanDocument, day: int) -> Article:
    return Article(
        path=f"2025/04/{document.key[-8:]}.md", slug=document.key[-8:], title=document.title,
        date=datetime(2025, 4, day, tzinfo=UTC), date_source="given", summary="",
        body="\n\n".join(document.paragraphs),
    )  # fmt: skip


def test_event_summary_draws_on_both_articles_without_repeats(seeds: dict[str, CleanDocument]) -> None:
    articles = [as_article(seeds["000"], 19), as_article(seeds["002"], 18)]
    summary = summarise_event(articles, words=120)
    assert len(set(summary)) == len(summary) >= 2
    assert 60 <= sum(len(s.split()) for s in summary) <= 140
    bodies = [set(split_sentences(a.body.replace("\n\n", "\n"))) for a in articles]
    assert all(any(sentence in body for sentence in summary) for body in bodies)
    title = event_title(articles)
    assert title in {a.title for a in articles} or title.endswith("…")


def test_entities_on_plain_text() -> None:
    people, organizations, places = extract_entities(
        "President Emmanuel Macron met Chancellor Olaf Scholz in Berlin on Monday. The European Commission "
        "said the talks went well. Macron later flew to Madrid."
    )
    assert people[:2] == ("Emmanuel Macron", "Olaf Scholz")
    assert "European Commission" in organizations
    assert {"Berlin", "Madrid"} <= set(places)
