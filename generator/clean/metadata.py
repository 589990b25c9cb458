"""Title, author, publisher and date, read off the lines the classifier set aside."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from generator.model import LineDecision

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # fmt: skip
_DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.IGNORECASE),
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
)
_BYLINE_PREFIX = re.compile(
    r"^\W*(?:by|written by|reported by|posted by|published by|edited by|author|reporter|words|text)\b"
    r"\s*[:·|,-]*\s*",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[·|•/,;]\s*|\s+(?:and|&)\s+|\s+[-–—]\s+")
_NAME_WORD = re.compile(r"^[A-Z][a-zA-Z'’.-]*$|^(de|van|von|der|da|di|du|la|le|bin|al|el)$")
_PUBLISHER_WORDS = re.compile(
    r"\b(news|times|post|press|daily|herald|journal|media|tribune|telegraph|guardian|wire|agency|tv|radio|"
    r"gazette|chronicle|review|magazine|network|online|today|world|report|insider|observer|express|mail|"
    r"presswire|newswire|broadcasting|group)\b",
    re.IGNORECASE,
)
_NOT_NAMES = re.compile(
    r"^(join|follow|subscribe|share|updated|published|staff|and|the|more|view|email)$", re.I
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})"
)
# A distributor's notice names itself as the subject of a sentence about "this content/article".
_PROVIDER = re.compile(
    r"^([A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3})\s+"
    r"(?:provides|distributes|publishes|is not responsible for)\s+"
    r"this\s+(?:news\s+)?(?:content|article|story|release)",
)


def _is_person_name(segment: str) -> bool:
    words = segment.split()
    if not 2 <= len(words) <= 4 or _PUBLISHER_WORDS.search(segment) or words[0].lower() == "the":
        return False
    return all(_NAME_WORD.match(word) for word in words) and not any(_NOT_NAMES.match(w) for w in words)


def _is_publisher_name(segment: str) -> bool:
    words = segment.split()
    if not 1 <= len(words) <= 6 or not segment[:1].isupper() or any(_NOT_NAMES.match(w) for w in words[-1:]):
        return False
    return bool(_PUBLISHER_WORDS.search(segment)) or words[0] == "The"


def byline_parts(line: str) -> tuple[tuple[str, ...], str | None]:
    """The people and the publisher named in a byline such as "By Jo Smith and Al Roe · The Times"."""
    rest = _BYLINE_PREFIX.sub("", line.strip(), count=1)
    people: list[str] = []
    publisher: str | None = None
    for segment in _SEPARATORS.split(rest):
        segment = segment.strip(" .:")
        if not segment:
            continue
        if _is_person_name(segment):
            people.append(segment)
        elif publisher is None and _is_publisher_name(segment):
            publisher = segment
    return tuple(people), publisher


def find_author(decisions: Sequence[LineDecision]) -> str | None:
    """The author(s) from the first byline that names a person."""
    for decision in decisions:
        if decision.role == "byline":
            people, _ = byline_parts(decision.text)
            if people:
                return ", ".join(people)
    return None


def find_publisher(decisions: Sequence[LineDecision]) -> str | None:
    """A publisher named in a byline, a copyright line or a distributor's notice."""
    for decision in decisions:
        if decision.role == "byline":
            _, publisher = byline_parts(decision.text)
            if publisher:
                return publisher
    for decision in decisions:
        if decision.keep:
            continue
        for pattern in (_PROVIDER, _COPYRIGHT):
            match = pattern.search(decision.text.strip())
            if match and not re.match(r"(?i)^(all|the|this|our)$", match.group(1)):
                return match.group(1).strip(" .,")
    return None


def _month_number(word: str) -> int:
    """1–12 for a month name or abbreviation ("March", "Mar.", "Sept"); KeyError otherwise."""
    name = word.lower().rstrip(".")
    return _MONTHS[name] if name in _MONTHS else _MONTHS[name[:3]]


def parse_text_date(text: str) -> datetime | None:
    """The first full calendar date written in a line ("March 13, 2025", "13 March 2025", "2025-03-13")."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groups()
        try:
            if pattern is _DATE_PATTERNS[0]:
                month, day, year = (
                    _month_number(groups[0]),
                    int(groups[1]),
                    int(groups[2]),
                )
            elif pattern is _DATE_PATTERNS[1]:
                day, month, year = (
                    int(groups[0]),
                    _month_number(groups[1]),
                    int(groups[2]),
                )
            else:
                year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
            if 1990 <= year <= 2100:
                return datetime(year, month, day, tzinfo=UTC)
        except (KeyError, ValueError):
            continue
    return None


def find_text_date(decisions: Sequence[LineDecision]) -> datetime | None:
    """A publication date from a dateline, or from a date line in the page head."""
    for decision in decisions:
        if decision.role in ("dateline", "byline"):
            found = parse_text_date(decision.text)
            if found:
                return found
    head = [d for d in decisions if d.text.strip()][:6]
    for decision in head:
        if not decision.keep:
            found = parse_text_date(decision.text)
            if found:
                return found
    return None


_ATTRIBUTION = re.compile(
    r",\s+(?:the\s+)?[^,]{2,60}\s+(?:has|have|had)?\s*(?:said|says|demanded|warned|announced|claimed|reported)\s*\.?$"
)


def headline_from_sentence(sentence: str, max_words: int = 22) -> str:
    """A headline-length title made from an opening sentence, cut at a clause boundary."""
    text = sentence.strip().rstrip(".")
    text = _ATTRIBUTION.sub("", text)
    words = text.split()
    if len(words) <= max_words:
        return text
    clause = re.split(r"[,;:–—]\s", text)[0]
    if 4 <= len(clause.split()) <= max_words:
        return clause
    return " ".join(words[:max_words]).rstrip(",;:") + "…"
