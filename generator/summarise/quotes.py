"""Quotations and who said them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.model import Quote

_QUOTED = re.compile(r"[“\"]([^“”\"]{12,}?)(?:[”\"“]|$)")
_VERBS = (
    r"said|says|told|added|wrote|noted|warned|asked|replied|stated|declared|argued|insisted|claimed|"
    r"explained|remarked|commented|announced|continued|tweeted|posted"
)
_NAME = r"((?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’.-]+|[Hh]e|[Ss]he|[Tt]hey)"
# “...,” Name said / “...” said Name / Name said: “...” / Name told reporters: “...”
_AFTER_NAME_VERB = re.compile(rf"^[\s,.;:!?]*[^.!?“”\"]{{0,50}}?\b{_NAME}\s+(?:{_VERBS})\b")
_AFTER_VERB_NAME = re.compile(rf"^[\s,.;:!?]*(?:{_VERBS})\s+{_NAME}")
_BEFORE = re.compile(rf"{_NAME}(?:,[^,]{{1,80}},)?\s+(?:{_VERBS})(?:\s+\w+){{0,3}}\s*[:,]?\s*$")
_PRONOUNS = frozenset({"he", "she", "they"})


def _resolve(name: str, people: Sequence[str], last_person: str | None) -> str | None:
    """The full name a speaker mention refers to, or None when it cannot be told."""
    if name.lower() in _PRONOUNS:
        return last_person
    words = name.split()
    for person in people:
        parts = person.split()
        if name == person or words[-1] == parts[-1] or (len(words) == 1 and words[0] == parts[0]):
            return person
    if words[0].lower() in ("the", "a", "an", "it", "this", "officials", "sources"):
        return None
    return name if name[:1].isupper() else None


def _first_person_in(text: str, people: Sequence[str]) -> str | None:
    best, best_at = None, len(text) + 1
    for person in people:
        for part in (person, person.split()[-1]):
            at = text.find(part)
            if 0 <= at < best_at:
                best, best_at = person, at
    return best


def _last_person_in(text: str, people: Sequence[str]) -> str | None:
    best, best_at = None, -1
    for person in people:
        for part in (person, person.split()[-1]):
            at = text.rfind(part)
            if at > best_at:
                best, best_at = person, at
    return best


def extract_quotes(paragraphs: Sequence[str], people: Sequence[str] = ()) -> tuple[Quote, ...]:
    """Quoted passages of at least four words, with their speaker where the text attributes them."""
    quotes: list[Quote] = []
    seen: set[str] = set()
    text_so_far = ""
    previous_speaker: str | None = None
    for paragraph in paragraphs:
        speaker_here: str | None = None
        for match in _QUOTED.finditer(paragraph):
            quoted = match.group(1).strip().rstrip(",").strip()
            if len(quoted.split()) < 4 or quoted.lower() in seen:
                continue
            seen.add(quoted.lower())
            after = paragraph[match.end() :]
            before = paragraph[: match.start()]
            # "he said" refers to the paragraph's subject (its first person), else the last one named.
            last_person = _first_person_in(before, people) or _last_person_in(text_so_far, people)
            speaker = None
            for pattern, text in ((_AFTER_NAME_VERB, after), (_AFTER_VERB_NAME, after), (_BEFORE, before)):
                found = pattern.search(text)
                if found:
                    speaker = _resolve(found.group(1), people, last_person)
                    if speaker:
                        break
            if speaker is None and match.start() == 0 and not after.strip(' .,;:”"') and previous_speaker:
                # A paragraph that is only a quote continues the previous paragraph's speaker.
                speaker = previous_speaker
            speaker_here = speaker_here or speaker
            quotes.append(Quote(text=quoted, speaker=speaker))
        previous_speaker = speaker_here
        text_so_far += " " + paragraph
    return tuple(quotes)
