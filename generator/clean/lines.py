"""The line classifier: decide for each line of scraped text whether it is article or boilerplate.

Evidence, in the order it is weighed:

1. families of boilerplate (`families.py`): labels for short lines, cue density for long ones;
2. repetition: a line found in many documents of the same source is site template;
3. shape: run-together labels ("SectionOneSectionTwo"), lone tokens, link-like fragments;
4. prose: word count, share of function words, terminal punctuation — what running text looks like;
5. position: the non-prose lines before the first paragraph of prose (the head) and after the
   last one (the tail) are page furniture, except the title and the byline, which become metadata;
   a section heading such as "Related Posts" or "Disclaimer" late in the page ends the article;
6. context: a short line between two paragraphs of prose (a subheading, a one-line quote) stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from generator.clean.families import FAMILY_BY_NAME, Family, match_family
from generator.model import LineDecision, LineRole

_WORD = re.compile(r"\w+", re.UNICODE)
_LETTER_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# A line ends a sentence when it ends, but for closing quotes and brackets and white space, in
# one of these marks, or ends in a closing quote.
_SENTENCE_ENDS = ".!?…:;"
_CLOSERS = "'\"”’»)]"
_CLOSING_QUOTES = '"”’»'
_GLUED = re.compile(r"^[A-Z]?[a-z]+(?:[A-Z][a-z]+){2,}$")
_QUOTE_START = re.compile(r"^\s*[\"“‘'«„]")
# Lines this long are read as running text whatever their punctuation.
LONG_LINE_WORDS = 25
# Share of a source's documents that must contain a line before it counts as template.
TEMPLATE_SHARE = 0.3
TEMPLATE_MIN_DOCUMENTS = 3


@cache
def function_words() -> frozenset[str]:
    """Function words of several languages, from the shipped list."""
    text = resources.files("generator.data").joinpath("stopwords_multi.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


@dataclass(frozen=True)
class LineShape:
    """The measurable shape of one line."""

    text: str
    words: int
    function_share: float
    terminal: bool
    letters_share: float
    # False where the page's language has no function-word list: length and punctuation decide.
    known_language: bool = True

    @property
    def prose(self) -> bool:
        """Whether the line reads as a sentence of running text."""
        if not self.known_language:
            return self.words >= 15 or (self.words >= 6 and self.terminal)
        if self.words >= LONG_LINE_WORDS and self.function_share >= 0.1:
            return True
        if self.words >= 8 and self.terminal and self.function_share >= 0.15:
            return True
        quoted = bool(_QUOTE_START.match(self.text))
        return self.words >= 4 and self.terminal and (quoted or self.function_share >= 0.25)

    @property
    def title_like(self) -> bool:
        """Whether the line could be a headline: a few words, no closing full stop."""
        stripped = self.text.strip()
        if not 3 <= self.words <= 25 or self.letters_share < 0.6:
            return False
        if stripped.endswith((".", ":", ";", ",")) and not stripped.endswith("..."):
            return False
        first = stripped.lstrip("\"“‘'«")[:1]
        return first.isupper() or first.isdigit()


_ASCII_NOT_LETTERS = bytes(byte for byte in range(128) if not chr(byte).isalpha())
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Byte tables that turn every ASCII character outside `_WORD` (outside `_LETTER_WORD`) into a
# space: splitting the result gives the same runs as the pattern's `findall` on an ASCII line.
_ASCII_WORDS_APART = bytes(byte if chr(byte).isalnum() or byte == ord("_") else 32 for byte in range(256))
_ASCII_LETTER_WORDS_APART = bytes(byte if chr(byte).isalpha() and byte < 128 else 32 for byte in range(256))


@cache
def _ascii_function_words() -> frozenset[bytes]:
    """The function words an ASCII line can hold, as bytes."""
    return frozenset(word.encode("ascii") for word in function_words() if word.isascii())


def ends_sentence(text: str) -> bool:
    """Whether a line ends as a sentence does: in . ! ? … : or ; (closing quotes or brackets may
    follow) or in a closing quote, trailing white space aside. A pattern anchored at the end was
    tried at every full stop of a paragraph."""
    stripped = text.rstrip()
    if not stripped:
        return False
    if stripped[-1] in _CLOSING_QUOTES:
        return True
    core = stripped.rstrip(_CLOSERS)
    return bool(core) and core[-1] in _SENTENCE_ENDS


def measure(text: str) -> LineShape:
    """Measure a line's shape (Chinese and Japanese, written without spaces, count two characters a word)."""
    if text.isascii():
        return _measure_ascii(text)
    return _measure_any(text)


def _measure_ascii(text: str) -> LineShape:
    """`_measure_any` for a line of ASCII only, where words are counted in C: the pattern
    searches and a lowercasing per word were three fifths of measuring (itself a tenth of the
    cleaning's time), and most lines are ASCII."""
    raw = text.encode("ascii")
    letter_words = raw.lower().translate(_ASCII_LETTER_WORDS_APART).split()
    function_words_held = sum(map(_ascii_function_words().__contains__, letter_words))
    function_share = function_words_held / len(letter_words) if letter_words else 0.0
    # `str.split()` splits at exactly the characters `str.isspace` names (bytes.split does not).
    visible = sum(map(len, text.split()))
    return LineShape(
        text=text,
        words=len(raw.translate(_ASCII_WORDS_APART).split()),
        function_share=function_share,
        terminal=ends_sentence(text),
        letters_share=len(raw.translate(None, _ASCII_NOT_LETTERS)) / visible if visible else 0.0,
    )


def _measure_any(text: str) -> LineShape:
    """A line's shape, for any text."""
    words = _WORD.findall(text)
    letter_words = _LETTER_WORD.findall(text)
    function_share = (
        sum(map(function_words().__contains__, map(str.lower, letter_words))) / len(letter_words)
        if letter_words
        else 0.0
    )
    ascii_only = text.isascii()
    letters = sum(map(str.isalpha, text))
    visible = sum(map(len, text.split()))
    return LineShape(
        text=text,
        words=len(words) + (0 if ascii_only else len(_CJK.findall(text)) // 2),
        function_share=function_share,
        terminal=ends_sentence(text),
        letters_share=letters / visible if visible else 0.0,
    )


def normalise_line(text: str) -> str:
    """The form in which lines are compared across documents."""
    return " ".join(_WORD.findall(text.lower()))


TemplateCount = Callable[[str], tuple[int, int]]


def _no_template(line: str) -> tuple[int, int]:
    return 0, 0


@dataclass
class _Draft:
    number: int
    text: str
    shape: LineShape
    keep: bool = True
    reason: str = ""
    role: LineRole = "body"
    family: Family | None = None
    members: list[int] = field(default_factory=list)


_LOWER_START = re.compile(r"^[\"“‘'(]?[^\W\d_A-Z]")


def continues_sentence(previous: str, line: str) -> bool:
    """Whether `line` is the rest of a sentence that a hard wrap cut off at the end of `previous`."""
    return (
        bool(previous.strip())
        and len(previous.split()) >= 5
        and not ends_sentence(previous)
        and bool(_LOWER_START.match(line.strip()))
    )


def _units(lines: Sequence[str]) -> list[tuple[list[int], str]]:
    """Lines joined where a hard wrap split a sentence; each unit keeps its original line numbers."""
    units: list[tuple[list[int], str]] = []
    for number, text in enumerate(lines, start=1):
        if units and text.strip() and continues_sentence(units[-1][1], text):
            numbers, joined = units[-1]
            units[-1] = ([*numbers, number], f"{joined.rstrip()} {text.strip()}")
        else:
            units.append(([number], text))
    return units


def _shape_reason(draft: _Draft) -> str | None:
    text = draft.text.strip()
    if _GLUED.match(text):
        return "run-together labels (words glued without spaces)"
    if draft.shape.words == 0:
        return "no words (symbols only)"
    return None


def classify_lines(
    lines: Sequence[str],
    template_count: TemplateCount = _no_template,
    find_block: bool = True,
    prose_can_be_template: bool = True,
) -> list[LineDecision]:
    """Decide keep/drop for every line, with a role and the reason that decided it.

    `template_count(normalised_line)` gives (documents of this source containing the line,
    documents of this source); a line in many of them is template. `find_block=False` is for
    text an extractor already narrowed to the main content: only the head and tail are trimmed.
    `prose_can_be_template=False` is for documents of unknown source, pooled from many sites:
    there a sentence found in several of them is a syndicated story, not a site's template.
    """
    drafts = [_Draft(numbers[0], text, measure(text), members=numbers) for numbers, text in _units(lines)]
    content = [d for d in drafts if d.text.strip()]
    if not _language_known(content):
        for draft in content:
            draft.shape = replace(draft.shape, known_language=False)
    for draft in drafts:
        if not draft.text.strip():
            draft.keep, draft.role, draft.reason = False, "blank", "blank line"
    for draft in content:
        _first_pass(draft, template_count if prose_can_be_template or not draft.shape.prose else _no_template)
    if find_block:
        _label_runs(content)
    region = text_block([_line_score(d) for d in content])
    if region is not None and not find_block:
        region = (0, len(content) - 1)
    if region is None:
        _no_prose(content)
        return _decisions(drafts, lines)
    first, last = region
    _head(content[:first])
    _outside(content[last + 1 :], "after the main text block")
    _tail_sections(content[first : last + 1])
    _middle(content[first : last + 1])
    return _decisions(drafts, lines)


# A line of boilerplate inside the article costs this much; prose earns its word count.
_BOILERPLATE_COST = 18.0
_SHORT_LINE_COST = 3.0


def _language_known(content: Sequence[_Draft]) -> bool:
    """Whether the page is in a language whose function words we know (they are a tenth of any prose)."""
    words = sum(d.shape.words for d in content if d.shape.words >= 8)
    known = sum(d.shape.function_share * d.shape.words for d in content if d.shape.words >= 8)
    return words == 0 or known / words >= 0.08


def _line_score(draft: _Draft) -> float:
    if not draft.keep:
        return -_BOILERPLATE_COST
    if draft.shape.prose:
        return float(draft.shape.words)
    return -max(_SHORT_LINE_COST, draft.shape.words / 2)


# A second block of prose at least this large, next to the first, is the same article split by a widget.
SECOND_BLOCK_SHARE = 0.5


def text_block(scores: Sequence[float]) -> tuple[int, int] | None:
    """The article's lines: the best-scoring run, joined by any neighbouring run nearly as large."""
    best = main_region(scores)
    if best is None:
        return None
    first, last = best
    total = sum(scores[first : last + 1])
    left = main_region(scores[:first])
    if left is not None and sum(scores[left[0] : left[1] + 1]) >= SECOND_BLOCK_SHARE * total:
        first = left[0]
    right = main_region(scores[last + 1 :])
    if (
        right is not None
        and sum(scores[last + 1 + right[0] : last + 2 + right[1]]) >= SECOND_BLOCK_SHARE * total
    ):
        last = last + 1 + right[1]
    return first, last


def main_region(scores: Sequence[float]) -> tuple[int, int] | None:
    """The run of lines with the largest total score (the article's text block), or None.

    Paragraphs of prose score their length and page furniture costs, so the best run is the
    densest stretch of running text: menus above it and teasers or comments below it fall outside.
    """
    best: tuple[int, int] | None = None
    best_total = 0.0
    total, start = 0.0, 0
    for index, score in enumerate(scores):
        if total <= 0:
            total, start = 0.0, index
        total += score
        if total > best_total:
            best_total, best = total, (start, index)
    return best


def _first_pass(draft: _Draft, template_count: TemplateCount) -> None:
    family = match_family(draft.text, draft.shape.words, prose=draft.shape.prose)
    if family is not None:
        draft.keep, draft.family, draft.role = False, family, "boilerplate"
        draft.reason = family.reason
        if family.name == "byline":
            draft.role, draft.reason = "byline", "byline (author taken as metadata)"
        elif family.name == "timestamp":
            draft.role, draft.reason = "dateline", "timestamp/dateline"
        return
    found, total = template_count(normalise_line(draft.text))
    if (
        total >= TEMPLATE_MIN_DOCUMENTS
        and found >= TEMPLATE_MIN_DOCUMENTS
        and found >= TEMPLATE_SHARE * total
    ):
        draft.keep, draft.role = False, "boilerplate"
        draft.reason = f"repeated in {found} of {total} documents of this source (site template)"
        return
    reason = _shape_reason(draft)
    if reason is not None:
        draft.keep, draft.role, draft.reason = False, "boilerplate", reason


def _head(head: Sequence[_Draft]) -> None:
    """Lines before the text block: the title nearest above it, a byline, and page furniture."""
    title: _Draft | None = None
    for draft in reversed(head[-12:]):
        if draft.keep and draft.shape.title_like:
            title = draft
            break
    if title is None:
        for draft in head:
            if draft.keep and draft.shape.title_like:
                title = draft
                break
    title_key = normalise_line(title.text) if title else None
    for draft in head:
        if draft is title:
            draft.keep, draft.role, draft.reason = False, "title", "title (taken as metadata)"
        elif draft.keep and title_key and normalise_line(draft.text) == title_key:
            draft.keep, draft.role, draft.reason = False, "title", "repeated title"
        elif draft.keep:
            draft.keep, draft.role, draft.reason = False, "boilerplate", "before the main text block"


def _outside(lines: Sequence[_Draft], where: str) -> None:
    for draft in lines:
        if draft.keep:
            draft.keep, draft.role, draft.reason = False, "boilerplate", where


_STAMPED_ITEM_FAMILIES = frozenset({"timestamp", "comments"})


def _tail_start(body: Sequence[_Draft]) -> int | None:
    """Where the article gives way to page furniture, if it does inside the text block.

    Either a late section heading ("Related Posts", "Comments", "Disclaimer"), or the first of
    several time stamps late in the block: comments and teaser lists stamp every item, an
    article's text does not.
    """
    words = [d.shape.words if d.keep else 0 for d in body]
    total = sum(words) or 1
    seen = 0
    stamps: list[int] = []
    for index, line in enumerate(body):
        seen += words[index]
        family = line.family
        if family is None or seen < 0.5 * total:
            continue
        if family.opens_tail_section and line.shape.words <= 4 and seen >= 0.6 * total:
            return index
        if family.name in _STAMPED_ITEM_FAMILIES:
            stamps.append(index)
            if len(stamps) >= 2:
                return stamps[0]
    return None


def _tail_sections(body: Sequence[_Draft]) -> None:
    """Drop what follows the point where the article gives way to page furniture."""
    start = _tail_start(body)
    if start is None:
        return
    heading = body[start].text.strip()[:30]
    for draft in body[start + 1 :]:
        if draft.keep:
            draft.keep, draft.role = False, "boilerplate"
            draft.reason = f"after '{heading}', where the article ends"


_CAPITALISED_WORD = re.compile(r"^[^\W\d_]")
LABEL_RUN = 3


def _label_like(draft: _Draft) -> bool:
    """A short line of capitalised words: a menu entry, section name or linked headline."""
    if draft.shape.prose or draft.shape.terminal or any(c.isdigit() for c in draft.text):
        return False
    words = [w for w in draft.text.split() if _CAPITALISED_WORD.match(w)]
    if not words:
        return True
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.6


def _figure_like(draft: _Draft) -> bool:
    """A short line of figures (a count, a score, a table cell)."""
    return draft.shape.words <= 4 and any(c.isdigit() for c in draft.text) and not draft.shape.terminal


def _label_runs(body: Sequence[_Draft]) -> None:
    """Several label-like lines in a row are a list of links or a menu, not the article.

    A few lines of figures may sit among them (counts beside menu entries), but labels mixed
    with many figures are a table, which stays.
    """
    run: list[_Draft] = []
    for draft in [*body, None]:
        if draft is not None:
            inside_run = bool(run) and not draft.keep and draft.role == "boilerplate"
            if inside_run or (draft.keep and (_label_like(draft) or _figure_like(draft))):
                run.append(draft)
                continue
        labels = [d for d in run if d.keep and _label_like(d)]
        figures = [d for d in run if d.keep and _figure_like(d)]
        # Figures interleaved with the labels make a table (names and scores), which stays.
        if len(labels) >= LABEL_RUN and len(figures) * 3 <= len(labels):
            for item in labels + figures:
                item.keep, item.role = False, "boilerplate"
                item.reason = f"one of {len(labels)} link-like lines in a row"
        run = []


def _middle(body: Sequence[_Draft]) -> None:
    for draft in body:
        if draft.keep and not draft.reason:
            draft.reason = "article prose" if draft.shape.prose else "short line between paragraphs"


def _no_prose(content: Sequence[_Draft]) -> None:
    """A text with no paragraph of prose: keep what is not boilerplate, take the first title-like line."""
    title_taken = False
    for draft in content:
        if not draft.keep:
            continue
        if not title_taken and draft.shape.title_like:
            title_taken = True
            draft.keep, draft.role, draft.reason = False, "title", "title (taken as metadata)"
        else:
            draft.reason = "kept: no prose found, nothing else marks it as boilerplate"


def _decisions(drafts: Sequence[_Draft], lines: Sequence[str]) -> list[LineDecision]:
    """One decision per original line; the lines of a wrapped sentence share its decision."""
    decisions = []
    for draft in drafts:
        for number in draft.members:
            text = lines[number - 1] if len(draft.members) > 1 else draft.text
            reason = draft.reason or "kept"
            decisions.append(
                LineDecision(number=number, text=text, keep=draft.keep, reason=reason, role=draft.role)
            )
    return decisions


__all__ = ["FAMILY_BY_NAME", "LineShape", "classify_lines", "function_words", "measure", "normalise_line"]
