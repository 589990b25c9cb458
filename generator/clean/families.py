"""Families of boilerplate, each described by its general vocabulary rather than any one site's wording.

A family has two kinds of evidence:

* `label` patterns: what the family's short lines look like ("Related Posts", "Share on X",
  "Advertisement", "Photo: Agency"). A short line matching one is boilerplate.
* `cues`: words the family's long paragraphs are made of (a consent notice talks of cookies,
  partners, personalised advertising and opting out). A long line is boilerplate only when it
  carries several different cues, so an article paragraph that mentions "cookies" once stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache


@dataclass(frozen=True)
class Family:
    """One kind of boilerplate."""

    name: str
    reason: str
    labels: tuple[re.Pattern[str], ...]
    cues: tuple[re.Pattern[str], ...] = ()
    min_cues: int = 3
    # A section heading of this family near the end of a page starts a run of boilerplate.
    opens_tail_section: bool = False
    any_label: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    whole_line_label: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    cue_pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    any_cue: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One combined pattern per use: a line is tested once per family, not once per pattern.
        whole = [p.pattern for p in self.labels if _is_whole_line(p)]
        object.__setattr__(self, "any_label", _combine([p.pattern for p in self.labels]))
        object.__setattr__(self, "whole_line_label", _combine(whole))
        cues = "|".join(f"(?P<c{i}>{p.pattern})" for i, p in enumerate(self.cues))
        object.__setattr__(self, "cue_pattern", re.compile(cues, re.IGNORECASE) if cues else None)
        object.__setattr__(self, "any_cue", _combine([p.pattern for p in self.cues]))

    def cue_count(self, line: str) -> int:
        """How many different cues of the family a line carries."""
        pattern, first = self.cue_pattern, self.any_cue
        # Most lines carry no cue at all; one plain search rules them out cheaply.
        if pattern is None or first is None or not first.search(line):
            return 0
        return len({match.lastgroup for match in pattern.finditer(line)})


def _is_whole_line(pattern: re.Pattern[str]) -> bool:
    return pattern.pattern.startswith("^") and pattern.pattern.endswith("$")


# Assertions a source may open with that `_combine` can share between sources.
_SHARED_OPENINGS = ("^", r"\b")


def _combine(sources: list[str]) -> re.Pattern[str] | None:
    """One pattern that matches where any of `sources` matches (case-insensitively).

    Sources that open with the same assertion share it: `\\b(?:a|b)` rather than `\\ba|\\bb`.
    Python's engine has no literal prefix to look for in such patterns, so it tries every
    source at every position of the line; with the assertion shared it tries them only where
    the assertion holds (at the start of a word), and scanning article text takes half the time.
    A source with an alternation of its own at the top level is left whole.
    """
    shared: dict[str, list[str]] = {opening: [] for opening in _SHARED_OPENINGS}
    whole: list[str] = []
    for source in sources:
        opening = next((o for o in _SHARED_OPENINGS if source.startswith(o)), None)
        if opening is None or _has_top_level_alternation(source):
            whole.append(source)
        else:
            shared[opening].append(source[len(opening) :])
    parts = [
        opening + "(?:" + "|".join(f"(?:{rest})" for rest in rests) + ")"
        for opening, rests in shared.items()
        if rests
    ]
    parts += [f"(?:{source})" for source in whole]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _has_top_level_alternation(source: str) -> bool:
    """Whether a regular expression has a `|` outside every group and character class."""
    depth, escaped = 0, False
    members_from: int | None = None  # inside a character class: where its members begin
    for index, char in enumerate(source):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif members_from is not None:
            # A "]" first among the members ("[]a]", "[^]a]") is one of them, not the end.
            if char == "]" and index > members_from:
                members_from = None
        elif char == "[":
            members_from = index + 2 if source.startswith("^", index + 1) else index + 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def _patterns(*sources: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(source, re.IGNORECASE) for source in sources)


FAMILIES: tuple[Family, ...] = (
    Family(
        "consent",
        "cookie/consent notice",
        _patterns(
            r"\b(we|this (web)?site) uses? cookies\b",
            r"\bcookie (policy|settings|preferences|notice|banner|consent)\b",
            r"\b(accept|allow|reject|manage)( all)? cookies\b",
            r"\bdo not sell\b",
            r"\b(privacy|consent) (settings|preferences|choices)\b",
        ),
        _patterns(
            r"\bcookies?\b",
            r"\bconsent\b",
            r"\bprivacy (policy|notice|statement)\b",
            r"\bpersonali[sz]ed (ads|advertising|content)\b",
            r"\bopt[ -]?out\b",
            r"\b(our|third[- ]party|advertising) partners\b",
            r"\bidentifiers?\b",
            r"\bpreferences\b",
            r"\b(sale|sharing) of (your )?(personal )?(data|information)\b",
            r"\b(store|access)( and/or access)? information on (a|your) device\b",
            r"\blegitimate interests?\b",
            r"\btracking technolog(y|ies)\b",
            r"\bbrowser\b",
        ),
    ),
    Family(
        "ads",
        "advertising label",
        _patterns(
            r"^\W*(advertisement|advertising|advert|ads?|sponsored( content| post)?|promoted( content)?|"
            r"paid (post|content)|partner content|publicit[ée]|anzeige|werbung|publicidad|pubblicit[àa])\W*$",
            r"\bstory continues (below|after)\b",
            r"\b(skip|close|hide) (this )?(ad|advert|advertisement)\b",
            r"\bad ?blocker\b",
            r"\badvertise with us\b",
        ),
    ),
    Family(
        "share",
        "share/follow widget",
        _patterns(
            r"^\W*(share|tweet|email|e-mail|print|pin|save|copy link|comment|whatsapp|facebook|twitter|x|"
            r"linkedin|reddit|telegram|messenger|flipboard|bluesky|threads)"
            r"(\W+(share|tweet|email|e-mail|print|pin|save|copy link|whatsapp|facebook|twitter|x|linkedin|"
            r"reddit|telegram|messenger|flipboard|bluesky|threads))*\W*$",
            r"\bshare (this|on|via)\b",
            r"\bfollow us\b",
            r"\bfollow (@|on )",
            r"\b(click|tap) to share\b",
            r"\blike us on\b",
        ),
    ),
    Family(
        "subscribe",
        "subscription/newsletter prompt",
        _patterns(
            r"\bsubscribe\b",
            r"\bnewsletters?\b",
            r"\bsign (up|in)\b",
            r"^\W*(join|join us|join now|register|log ?in|log ?out|my account)\W*$",
            r"\bregister (now|for free|to)\b",
            r"\bunlock\b.*\b(articles?|access|stories)\b",
            r"\bsupport (our|independent|quality) journalism\b",
            r"\b(download|get) (our|the) app\b",
            r"\bfree trial\b",
            r"\balready a (subscriber|member)\b",
        ),
        _patterns(
            r"\bsubscri(be|ption|ber)s?\b",
            r"\bnewsletters?\b",
            r"\binbox\b",
            r"\bsign up\b",
            r"\bemail address\b",
            r"\bunsubscribe\b",
            r"\bjournalism\b",
            r"\bdonat(e|ion)\b",
        ),
    ),
    Family(
        "related",
        "related/read-more list",
        _patterns(
            r"^\W*(related|related (posts?|articles?|stories|content|coverage|news|topics|reading)|"
            r"read (more|next|also)|more (from|on|stories|news|articles|posts)\b.*|recommended( for you)?|"
            r"you (may|might) (also )?like|most (read|popular|viewed|shared)|trending( now)?|top stories|"
            r"see also|also read|load more( posts| stories| articles)?|more posts|no more posts|source link|"
            r"continue reading|keep reading|what to read next|editor'?s picks|latest (news|stories))\W*$",
            r"\bload more\b.*\bloading\b",
            r"\bno more (posts|articles|stories)\b",
            r"^\W*read (more|also|next)\W",
        ),
        opens_tail_section=True,
    ),
    Family(
        "legal",
        "legal/copyright notice",
        _patterns(
            r"^\W*(legal )?disclaimers?\W*$",
            r"\ball rights reserved\b",
            r"^\W*(©|\(c\)|copyright)\s",
            r"\bterms (of (use|service)|and conditions)\b",
            r"^\W*(privacy policy|cookie policy|imprint|impressum|contact us|about us)\W*$",
        ),
        _patterns(
            r"\bdisclaimers?\b",
            r"\bwithout warrant(y|ies)\b",
            r"[\"“]as is[\"”]",
            r"\bliabilit(y|ies)\b",
            r"\bresponsibilit(y|ies)\b",
            r"\baccuracy\b",
            r"\bcopyright\b",
            r"\ball rights reserved\b",
            r"\breproduc(ed|tion)\b",
            r"\bwritten permission\b",
            r"\bterms of (use|service)\b",
            r"\bmay not be (published|broadcast|rewritten|redistributed)\b",
            r"\blicen[cs]es?\b",
            r"\bcomplaints?\b",
        ),
        opens_tail_section=True,
    ),
    Family(
        "caption",
        "photo caption/credit",
        _patterns(
            r"^\W*(photo|image|picture|video|illustration|graphic|credit|caption|source|file photo|pictured)"
            r"s?\s*(:|by\b|credit\b|courtesy\b)",
            r"\((photo|image|picture|credit)s?\s*[:/]",
            r"\s[-–—|/]\s*([A-Z]{3,}[a-z]*|[A-Z][a-z]+ (Images|Photos?|Pictures))\s*$",
            r"\b(getty images|shutterstock|alamy|ap photo|afp via getty|pa wire|epa-efe)\b",
            r"^\W*(zoom|enlarge|expand|view (gallery|image|slideshow)|\d+ (photos?|images)|play video|"
            r"watch( video)?|listen( to this( article)?)?|\d+ min(ute)?s? (read|listen))\W*$",
        ),
    ),
    Family(
        "byline",
        "byline",
        _patterns(
            r"^\W*by\b[:\s·|]",
            r"^\W*(written|reported|posted|published|edited) by\b",
            r"^\W*(author|reporter|words|text|reporting)s?\s*:",
        ),
    ),
    Family(
        "timestamp",
        "timestamp/dateline",
        _patterns(
            r"^\W*\d{1,2}[:.]\d{2}(\s*[ap]\.?m\.?)?(\s+[A-Z]{2,5})?\W*$",
            r"^\W*(published|updated|posted|last (updated|modified)|first published|created)\b.{0,60}\d",
            r"^\W*\d+ (seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?) ago"
            r"(,?\s+at\s+\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?)?\W*$",
            r"^\W*(yesterday|today),?\s+(at\s+)?\d{1,2}[:.]\d{2}",
            r"^\W*((mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
            r"([a-z]{3,9}\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(st|nd|rd|th)?\s+[a-z]{3,9}\.?,?\s+\d{4}"
            r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})"
            r"((\s+at|,|\s*[|·–-])?\s*\d{1,2}[:.]\d{2}(\s*[ap]\.?m\.?)?(\s+[A-Z]{2,5})?)?\W*$",
        ),
    ),
    Family(
        "navigation",
        "navigation/menu",
        _patterns(
            r"^\W*(home|menu|search|skip to (main )?content|skip navigation|back to top|next|previous|prev|"
            r"close|open menu|toggle navigation|sections?|navigation|breadcrumbs?|more|top|show more|"
            r"show less|view all|see all|all news|back)\W*$",
            r"^([^|»›•>]{1,25}\s*[|»›•>]\s*){3,}[^|»›•>]{0,25}$",
        ),
    ),
    Family(
        "comments",
        "comment widget",
        _patterns(
            r"^\W*\d*\s*(comments?|replies|reply)\W*$",
            r"\b(leave|post|add|view|show|load|read) (a |all |the )?(comments?|replies|reply)\b",
            r"\bcomments? (are|is) (closed|disabled)\b",
            r"\bjoin the (conversation|discussion|debate)\b",
            r"\b(be the first to comment|log in to comment)\b",
            r"^.{0,40}\bon\s.{3,30}\d{4},?\s+at\s+\d{1,2}[:.]\d{2}\s*([ap]\.?m\.?)?\s*((said|says|wrote|commented)\s*)?"
            r":?\s*$",
            r"^\W*\d+\s+(responses?|comments?|replies|thoughts)\s+(to|on)\b.{0,120}$",
            r"\b(comments? feed|feed for comments|in reply to|reply to this comment)\b",
        ),
        opens_tail_section=True,
    ),
)

FAMILY_BY_NAME = {family.name: family for family in FAMILIES}
# Above this many words a line is judged on its cues, not on one label.
LABEL_MAX_WORDS = 14


_LABELS_ANY = tuple((family, family.any_label) for family in FAMILIES if family.any_label)
_LABELS_WHOLE_LINE = tuple(
    (family, family.whole_line_label) for family in FAMILIES if family.whole_line_label
)


# A letter outside ASCII: where a line has none, lowercasing it changes only ASCII letters.
_NON_ASCII_LETTER = re.compile(r"(?=[^\x00-\x7f])[^\W\d_]")


@dataclass(frozen=True)
class LoweredSearch:
    """A case-insensitive pattern's `search`, run as a plain pattern on the lowercased line.

    Python's engine folds the case of every character it compares under IGNORECASE: the
    prefilters of every family scanned lowercased lines two to three times as fast without it.
    The two agree on a line whose only letters are ASCII: lowercasing it and the pattern folds
    their case as the engine would, and a letter outside ASCII in the pattern matches nothing in
    such a line either way. Any other line is searched with the case-insensitive pattern.
    """

    folded: re.Pattern[str]
    lowered: re.Pattern[str] | None

    @classmethod
    def of(cls, folded: re.Pattern[str]) -> LoweredSearch:
        """The search for a pattern compiled with IGNORECASE."""
        return cls(folded, _lowered_pattern(folded.pattern))

    def search(self, line: str) -> bool:
        """Whether the pattern matches anywhere in `line`, ignoring case."""
        if self.lowered is not None and (line.isascii() or not _NON_ASCII_LETTER.search(line)):
            return self.lowered.search(line.lower()) is not None
        return self.folded.search(line) is not None


def _lowered_pattern(source: str) -> re.Pattern[str] | None:
    """`source` lowercased outside escapes (`\\W` stays), compiled without IGNORECASE; None
    where that would not be the same pattern: a named character or group, an inline flag."""
    if any(mark in source for mark in ("\\N", "(?P", "(?a", "(?i", "(?L", "(?u")):
        return None
    lowered = re.sub(
        r"\\.|.",
        lambda match: match.group(0) if len(match.group(0)) > 1 else match.group(0).lower(),
        source,
        flags=re.DOTALL,
    )
    return re.compile(lowered) if len(lowered) == len(source) else None


@cache
def _every_family() -> tuple[LoweredSearch | None, LoweredSearch | None, LoweredSearch | None]:
    """Any label, any whole-line label and any cue of every family: one scan of a line rules out
    every family at once (most lines are article text and match none).

    Compiled on first use, not at import: they took a build that finds nothing changed, which
    never cleans a line, 20–50 ms longer to start.
    """
    combined = (
        _combine([p.pattern for family in FAMILIES for p in family.labels]),
        _combine([p.pattern for family in FAMILIES for p in family.labels if _is_whole_line(p)]),
        _combine([p.pattern for family in FAMILIES for p in family.cues]),
    )
    first, second, third = (None if pattern is None else LoweredSearch.of(pattern) for pattern in combined)
    return first, second, third


@lru_cache(maxsize=65536)
def match_family(line: str, words: int, prose: bool = False) -> Family | None:
    """The boilerplate family a line belongs to, or None.

    Short lines need one label pattern; long lines need several distinct cues of one family.
    A line shaped like a sentence of prose ("The firm will sign up 500 customers.") only matches
    labels that describe the whole line, so a word in passing never condemns it. Results are
    cached: menus and footers repeat across a site's pages.
    """
    any_label, any_whole_line_label, any_cue = _every_family()
    if words <= LABEL_MAX_WORDS:
        ruling_out = any_whole_line_label if prose else any_label
        if ruling_out is not None and ruling_out.search(line):
            for family, pattern in _LABELS_WHOLE_LINE if prose else _LABELS_ANY:
                if pattern.search(line):
                    return family
    if words > 6 and any_cue is not None and any_cue.search(line):
        for family in FAMILIES:
            if family.cues and family.cue_count(line) >= family.min_cues:
                return family
    return None
