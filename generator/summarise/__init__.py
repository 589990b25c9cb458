"""Summarise: extractive summaries, tags, named entities and quotes, with no model to download.

Runs on a plain CPU with shipped word lists only (`generator/data/`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from generator.model import Article, CleanDocument, Digest
from generator.summarise.entities import extract_entities
from generator.summarise.extractive import candidates, score_sentences, select, similarity, summarise_text
from generator.summarise.keywords import extract_keywords
from generator.summarise.quotes import extract_quotes
from generator.summarise.sentences import split_sentences
from generator.summarise.text import content_term_counts, content_terms

TITLE_MAX_WORDS = 14
_DISAGREEMENT = re.compile(
    r"\b(contradict\w*|den(y|ied|ies)|disput\w*|refut\w*|reject\w*|dismiss\w*|counter(ing|ed)|"
    r"insist\w*|rival claims?|conflicting|while .{3,40} (say|says|said|claim\w*))\b",
    re.IGNORECASE,
)
# Words one of which (lowercased) a text must hold for `_DISAGREEMENT` to match it. A sentence
# is tried with this first: the case-blind search was the costliest line of an event summary,
# and these plain ones rule out nearly every sentence in half the time.
_DISAGREEMENT_CUE = re.compile(
    "contradict|den[iy]|disput|refut|reject|dismiss|counter|insist|rival claim|conflicting|while "
)
# The characters IGNORECASE matches to a letter of those words that `str.lower` leaves alone
# ("ı" and "ſ") or lowers to two ("İ"): every one in Unicode, found by trying them all.
_CASE_FIXES = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def summarise(doc: CleanDocument, sentences: int = 3) -> Digest:
    """Summary sentences, tags, people, organisations, places and quotes of one cleaned article."""
    text = "\n".join(doc.paragraphs)
    people, organizations, places = extract_entities(text)
    salient = [*places[:2], *organizations[:2], *people[:2]]
    return Digest(
        summary=summarise_text(doc.title, doc.paragraphs, sentences),
        tags=extract_keywords(doc.title, doc.paragraphs, salient),
        people=people,
        organizations=organizations,
        places=places,
        quotes=extract_quotes(doc.paragraphs, people),
    )


def _paragraphs(article: Article) -> list[str]:
    return [p.strip() for p in article.body.split("\n\n") if p.strip()]


def summarise_event(articles: Sequence[Article], words: int = 120) -> tuple[str, ...]:
    """A summary of about `words` words drawn from all of an event's articles, without repeats.

    Sentences are scored by their place in their own article, their closeness to the event as a
    whole (what several sources report is what happened) and the headlines; a sentence from a
    source already quoted costs a little more, so the summary draws on every source.
    """
    ordered = sorted(articles, key=lambda a: (a.date, a.path))
    pool = [c for number, article in enumerate(ordered) for c in candidates(_paragraphs(article), number)]
    if not pool:
        return ()
    titles = " ".join(a.title for a in ordered)
    scores = score_sentences(pool, titles)
    # Where reports contradict each other ("denied", "disputed", "contradicting ... claim") the
    # summary should say so; such sentences get a lift.
    scores = [s + (0.5 if _disagrees(c.text) else 0.0) for s, c in zip(scores, pool, strict=True)]
    chosen = select(pool, scores, words=words, redundancy=0.4, per_document_penalty=0.3)
    return tuple(c.text for c in sorted(chosen, key=lambda c: (c.document, c.position)))


def _disagrees(text: str) -> bool:
    """Whether a sentence says that reports disagree (`_DISAGREEMENT`)."""
    folded = text.lower() if text.isascii() else text.translate(_CASE_FIXES).lower()
    return _DISAGREEMENT_CUE.search(folded) is not None and _DISAGREEMENT.search(text) is not None


def event_title(articles: Sequence[Article]) -> str:
    """A headline for an event: the title closest to what all its articles say, kept short."""
    if not articles:
        return ""
    centroid: Counter[str] = Counter()
    for article in articles:
        centroid.update(content_terms(f"{article.title} {article.summary}"))
    # A long title, or one cut short ("…", made from an opening sentence), is a poor headline
    # when a real one of headline length exists.
    whole = [a for a in articles if len(a.title.split()) <= TITLE_MAX_WORDS and not a.title.endswith("…")]
    whole = whole or list(articles)
    best = max(
        sorted(whole, key=lambda a: (a.date, a.path)),
        key=lambda a: similarity(content_term_counts(a.title), centroid),
    )
    words = best.title.split()
    return best.title if len(words) <= TITLE_MAX_WORDS else " ".join(words[:TITLE_MAX_WORDS]) + "…"


__all__ = [
    "event_title",
    "extract_entities",
    "extract_quotes",
    "split_sentences",
    "summarise",
    "summarise_event",
]
