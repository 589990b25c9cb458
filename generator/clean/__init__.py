"""Clean: strip boilerplate from raw articles and pull out their title, author, publisher and date.

`build_context` gathers the cross-document evidence over the whole inbox (which lines repeat
across one source's articles); `clean_document` classifies every line of one document with the
line classifier (`lines.py`) and reads the metadata off the lines it set aside (`metadata.py`).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from generator.clean.html import PageMetadata, block_lines, main_content_lines, page_metadata
from generator.clean.lines import classify_lines, continues_sentence, normalise_line
from generator.clean.metadata import find_author, find_publisher, find_text_date, headline_from_sentence
from generator.model import CleanDocument, DateSource, LineDecision, RawDocument

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+(?=[\"“‘«(]?[A-Z0-9])")


def line_key(line: str) -> int:
    """A normalised line as a 64-bit number, the same in every process and every build.

    The evidence of every document of the inbox is held (and cached) as these numbers, not as
    the lines themselves: at 100,000 articles the lines took gigabytes. Two distinct lines
    share a key with odds of about one in 10^19 per pair.
    """
    return int.from_bytes(hashlib.blake2b(line.encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class CleaningContext:
    """Cross-document evidence: per source, in how many documents each normalised line appears
    (lines by their `line_key`)."""

    documents_per_source: Mapping[str, int] = field(default_factory=dict)
    line_counts: Mapping[str, Mapping[int, int]] = field(default_factory=dict)

    def template_count(self, source: str, line: str) -> tuple[int, int]:
        """(documents of `source` containing `line`, documents of `source`)."""
        counts = self.line_counts.get(source)
        return (counts.get(line_key(line), 0) if counts else 0), self.documents_per_source.get(source, 0)


def source_key(document: RawDocument) -> str:
    """Which site a document comes from, for repetition counting."""
    if document.hints.source:
        return document.hints.source.lower()
    if document.hints.url:
        host = urlsplit(document.hints.url).hostname or ""
        return host.removeprefix("www.")
    if document.kind == "feed-entry":
        return document.path
    return "unknown"


def document_lines(document: RawDocument) -> tuple[list[str], bool]:
    """The document as lines, and whether they still need the main text block found."""
    if document.found_lines is not None:
        lines, find_block = document.found_lines
        return list(lines), find_block
    if document.kind == "html":
        extracted = main_content_lines(document.content)
        return (extracted, False) if extracted else (block_lines(document.content), True)
    if document.kind == "feed-entry" and "<" in document.content:
        return block_lines(document.content), True
    return document.content.splitlines(), True


Evidence = tuple[str, "array[int]"]


def document_evidence(document: RawDocument, lines: Sequence[str] | None = None) -> Evidence:
    """What one document adds to the context: its source, and the keys of its distinct normalised
    lines, ascending, in an array of 64-bit numbers (8 bytes a line, where a set of int objects
    takes about 50). `lines` are its `document_lines`, where the caller has them."""
    lines = document_lines(document)[0] if lines is None else lines
    seen = {normalise_line(line) for line in lines if line.strip()}
    seen.discard("")
    return source_key(document), array("Q", sorted(map(line_key, seen)))


def context_from_evidence(evidence: Iterable[Evidence]) -> CleaningContext:
    """Count, per source, the documents each line appears in (linear in the size of the inbox)."""
    per_source: Counter[str] = Counter()
    lines: dict[str, Counter[int]] = {}
    for key, seen in evidence:
        per_source[key] += 1
        lines.setdefault(key, Counter()).update(seen)
    # Only lines that repeat can be evidence; dropping the rest keeps the context small.
    repeated = {key: {k: v for k, v in counts.items() if v > 1} for key, counts in lines.items()}
    # Plain dicts (typed read-only), because the context travels to worker processes by pickle.
    return CleaningContext(dict(per_source), repeated)


def build_context(documents: Sequence[RawDocument]) -> CleaningContext:
    """The cross-document context of a set of documents."""
    return context_from_evidence(document_evidence(d) for d in documents)


def _first_sentence(paragraphs: Sequence[str]) -> str:
    for paragraph in paragraphs:
        parts = _SENTENCE_END.split(paragraph.strip(), maxsplit=1)
        if parts and len(parts[0].split()) >= 4:
            return parts[0]
    return paragraphs[0] if paragraphs else ""


def _title(document: RawDocument, decisions: Sequence[LineDecision], page: PageMetadata,
           paragraphs: Sequence[str]) -> tuple[str, bool]:  # fmt: skip
    """The title, and whether it was given (hints, page metadata, a title line) rather than made."""
    if document.hints.title:
        return document.hints.title, True
    if page.title:
        return page.title, True
    for decision in decisions:
        if decision.role == "title":
            return " ".join(decision.text.split()), True
    sentence = _first_sentence(paragraphs)
    return (headline_from_sentence(sentence) if sentence else "Untitled"), False


def _date(document: RawDocument, decisions: Sequence[LineDecision], page: PageMetadata):  # type: ignore[no-untyped-def]
    hints = document.hints
    if hints.date is not None:
        source: DateSource = hints.date_source or "given"
        return hints.date, source
    if page.date is not None:
        return page.date, "html-meta"
    found = find_text_date(decisions)
    if found is not None:
        return found, "text"
    if document.file_date is not None:
        return document.file_date, "file"
    return None, "none"


def _without_repeated_title(decisions: list[LineDecision], title: str) -> list[LineDecision]:
    """The headline printed again at the top of the body is metadata, not text."""
    key = normalise_line(title)
    for index, decision in enumerate(decisions):
        if decision.keep:
            if normalise_line(decision.text) == key:
                decisions[index] = replace(decision, keep=False, role="title", reason="the title, repeated")
            break
    return decisions


def _paragraphs(decisions: Sequence[LineDecision]) -> tuple[str, ...]:
    """Kept lines as paragraphs, re-joining sentences that a hard wrap split over lines."""
    paragraphs: list[str] = []
    previous: LineDecision | None = None
    for decision in decisions:
        if not decision.keep:
            continue
        text = " ".join(decision.text.split())
        adjacent = previous is not None and previous.number + 1 == decision.number
        if adjacent and paragraphs and continues_sentence(paragraphs[-1], text):
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            paragraphs.append(text)
        previous = decision
    return tuple(paragraphs)


def clean_document(document: RawDocument, context: CleaningContext | None = None) -> CleanDocument:
    """Remove the boilerplate from one raw document and extract its metadata."""
    context = context or CleaningContext()
    key = source_key(document)
    lines, find_block = document_lines(document)
    decisions = classify_lines(
        lines,
        lambda line: context.template_count(key, line),
        find_block,
        prose_can_be_template=key != "unknown",
    )
    page = page_metadata(document.content) if document.kind == "html" else PageMetadata()
    title, given = _title(document, decisions, page, [d.text for d in decisions if d.keep])
    if given:
        decisions = _without_repeated_title(decisions, title)
    paragraphs = _paragraphs(decisions)
    date, date_source = _date(document, decisions, page)
    return CleanDocument(
        key=document.key,
        source_file=document.path,
        content_hash=document.content_hash,
        title=title,
        paragraphs=paragraphs,
        author=document.hints.author or page.author or find_author(decisions),
        source=document.hints.source or page.sitename or find_publisher(decisions),
        url=document.hints.url or page.url,
        date=date,
        date_source=date_source,
        event=document.hints.event,
        tags=document.hints.tags,
        also_published=document.hints.also_published,
        decisions=tuple(decisions),
    )


__all__ = [
    "CleaningContext",
    "build_context",
    "clean_document",
    "document_evidence",
    "document_lines",
    "line_key",
    "source_key",
]
