"""Named people, organisations and places, found without a model.

Candidates are runs of capitalised words. Each is classed by evidence a reader uses:
a gazetteer of world places and place cues ("in X", "X region"); organisation words (Council,
Ministry, Party, House...) and acronyms; person cues (titles such as "President" or "spokesman"
before a name, "said" after it) and the shape of a personal name. Short forms are merged into the
full name used elsewhere in the text ("Putin" → "Vladimir Putin").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from generator.memo import BoundedMemo
from generator.summarise.sentences import split_sentences
from generator.summarise.text import places, stop_words

_TOKEN = re.compile(r"[A-Z][\w'’.-]*[\w]|[A-Z]|\S+")
_CAPITALISED = re.compile(r"^[A-Z][\w'’.-]*$")
_CONNECTORS = frozenset({"of", "de", "del", "der", "van", "von", "al", "bin", "la", "le", "da", "du", "for"})
_ORG_WORDS = frozenset(
    "council ministry party inc corp corporation ltd llc plc agency university college house committee "
    "commission bank court parliament congress senate department office union organization organisation "
    "association institute group company forces army navy police government administration kremlin pentagon "
    "foundation fund federation league board authority service services network news times post press "
    "journal club team airlines airways motors labs security assembly cabinet bureau church hospital "
    "school academy alliance coalition front movement reuters bloomberg".split()
)  # fmt: skip
_PERSON_TITLES = frozenset(
    "president vice prime minister secretary spokesman spokeswoman spokesperson chancellor senator sen rep "
    "governor gov mayor king queen prince princess pope general gen colonel col captain lieutenant sergeant "
    "director chief ceo chairman chairwoman chair adviser advisor aide envoy ambassador judge justice "
    "commissioner deputy foreign defense defence finance interior minister mr mrs ms dr prof professor "
    "sir lord lady senior special national security head leader official officer analyst coach "
    "representative speaker premier sheikh emir state presidential kremlin white house".split()
)  # fmt: skip
_SPEECH_VERBS = frozenset(
    "said says told added wrote noted warned asked replied stated declared argued insisted claimed "
    "explained remarked commented announced acknowledged confirmed denied urged".split()
)  # fmt: skip
_PLACE_WORDS = frozenset(
    "region province oblast city county state island islands valley river sea ocean peninsula district "
    "republic".split()
)
_IRREGULAR_DEMONYMS = frozenset(
    "french british english chinese japanese dutch swiss greek turkish polish spanish irish scottish welsh "
    "german israeli iraqi saudi pakistani afghan thai filipino danish swedish finnish norwegian icelandic "
    "portuguese vietnamese lebanese sudanese congolese senegalese taiwanese yemeni kuwaiti qatari emirati "
    "omani bahraini bangladeshi nepali somali kazakh uzbek tajik arab arabic european western eastern "
    "northern southern american russian ukrainian african asian latin soviet".split()
)  # fmt: skip
_MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept oct nov dec".split()
)  # fmt: skip


_CLOSING_PUNCTUATION = re.compile(r"[,;:!?)\]]$|(?<![A-Z])\.$")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")
_HYPHEN_LOWER = re.compile(r"-[a-z]")
_ABBREVIATION = re.compile(r"(?:[A-Z]\.)+[A-Z]?\.?")


def _word_shape(raw: str) -> tuple[str, bool, bool]:
    """(bare word, closed by punctuation, can open a run of capitalised words)."""
    bare = raw.strip('"“”‘’«»()[]')
    closed = bool(_CLOSING_PUNCTUATION.search(bare)) and not _INITIALS.fullmatch(bare)
    word = bare.rstrip(",;:!?.)]")
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    closed = closed or (raw[-1:] in '”’"' and len(raw) > 1)
    opens = len(word) >= 2 and _CAPITALISED.match(word) is not None and not _HYPHEN_LOWER.search(word)
    return word, closed, opens


# Each distinct word is shaped once per process: the same words make up most text.
_WORD_SHAPES: BoundedMemo[str, tuple[str, bool, bool]] = BoundedMemo(_word_shape)


def _tokens(sentence: str) -> list[tuple[str, bool, bool]]:
    """(word without punctuation or possessive, whether punctuation closed it, whether it can
    open a name) for each word."""
    return list(map(_WORD_SHAPES.__getitem__, sentence.split()))


def _candidates(sentence: str) -> Iterable[tuple[str, str, str, bool]]:
    """(previous word, capitalised run, next word, starts the sentence) for each run of capitalised words."""
    tokens = _tokens(sentence)
    index = 0
    while index < len(tokens):
        word, closed, opens = tokens[index]
        if not opens:
            index += 1
            continue
        run, end = [word], index + 1
        while not closed and end < len(tokens):
            nxt, nxt_closed, _ = tokens[end]
            if (nxt and _CAPITALISED.match(nxt)) or (
                nxt in _CONNECTORS and end + 1 < len(tokens) and _CAPITALISED.match(tokens[end + 1][0] or "x")
            ):
                run.append(nxt)
            else:
                break
            closed = nxt_closed
            end += 1
        while run and run[-1] in _CONNECTORS:
            run.pop()
        previous = tokens[index - 1][0].lower() if index > 0 else ""
        following = tokens[end][0].lower() if end < len(tokens) else ""
        yield previous, " ".join(run), following, index == 0
        index = end


def _strip_titles(name: str) -> tuple[str, bool]:
    """Remove leading titles ("President Donald Trump" → "Donald Trump"); say whether there were any."""
    words = name.split()
    had_title = False
    while len(words) > 1 and (
        words[0].lower().rstrip(".") in _PERSON_TITLES
        or words[0].lower() in _CONNECTORS
        or words[0].lower() in places()
        or words[0].upper() == words[0]
        or _is_demonym(words[0])
    ):
        words.pop(0)
        had_title = True
    return " ".join(words), had_title


@cache
def _demonyms() -> frozenset[str]:
    """Adjectives of nationality: derived from the place names, plus the irregular ones."""
    derived = set(_IRREGULAR_DEMONYMS)
    for place in places():
        if " " in place:
            continue
        stem = place[:-1] if place.endswith(("a", "e", "o", "y")) else place
        derived.update({place + "n", place + "an", stem + "ian", stem + "an", place + "ian", stem + "ese"})
    return frozenset(derived | {d + "s" for d in derived})


def _is_demonym(word: str) -> bool:
    return word.lower() in _demonyms()


def _normalise(name: str) -> str:
    """ "U.S." → "US", "MOSCOW" → "Moscow"."""
    if _ABBREVIATION.fullmatch(name):
        return name.replace(".", "")
    if name.isupper() and len(name) > 4 and name.lower() in places():
        return name.title()
    return name


def _classify(previous: str, name: str, following: str, sentence_start: bool) -> tuple[str, str] | None:
    stops = stop_words()
    name = _normalise(name)
    lowered = name.lower()
    if lowered in places():
        return "place", name
    words = name.split()
    if len(words) == 1:
        word = words[0]
        if word.lower() in stops or word.lower() in _MONTHS_AND_DAYS or word.lower() in _PERSON_TITLES:
            return None
        if len(word) < 2:
            return None
        if sentence_start and following not in _SPEECH_VERBS:
            return None
        if word.isupper() and 2 <= len(word) <= 6:
            return "organization", word
        if word.lower() in _ORG_WORDS:
            return "organization", word
        if following in _PLACE_WORDS:
            return ("place", word) if not _is_demonym(word) else None
        if _is_demonym(word):
            return None
        if previous.rstrip(".") in _PERSON_TITLES or following in _SPEECH_VERBS:
            return "person", word
        return ("unknown", word) if not sentence_start else None
    if sentence_start and (words[0].lower() in stops or words[0].lower().endswith(("ly", "ing", "ed"))):
        return _classify("", " ".join(words[1:]), following, False)
    if words[0].lower() == "the":
        rest = " ".join(words[1:])
        if any(w.lower() in _ORG_WORDS for w in words[1:]) or rest.isupper():
            return "organization", rest
        return _classify("the", rest, following, False)
    person, had_title = _strip_titles(name)
    person_words = person.split()
    if had_title and 2 <= len(person_words) <= 3 and not any(w.lower() in _ORG_WORDS for w in person_words):
        return "person", person
    if any(w.lower() in _ORG_WORDS for w in words):
        return "organization", name
    if len(person_words) == 1:
        return _classify(previous, person, following, False)
    if " ".join(person.split()[-2:]).lower() in places() or person.lower() in places():
        return "place", person
    if all(w[:1].isupper() for w in person.split() if w not in _CONNECTORS) and len(person.split()) <= 4:
        if any(w.lower() in _MONTHS_AND_DAYS for w in person.split()):
            return None
        return "person", person
    return None


# A candidate's class depends only on the candidate (and the shipped word lists): names recur
# across a corpus, so each distinct candidate is classed once per process.
_CLASSES: BoundedMemo[tuple[str, str, str, bool], tuple[str, str] | None] = BoundedMemo(
    lambda candidate: _classify(*candidate)
)


def _class_of(previous: str, name: str, following: str, sentence_start: bool) -> tuple[str, str] | None:
    """`_classify`, memoised on what it reads of the words around the name: whether the word
    before is a title and the word after a speech or place word. Keyed by the words themselves,
    nearly every candidate was new (the memo's misses were a fifth of the summarising)."""
    before = previous if previous.rstrip(".") in _PERSON_TITLES else ""
    after = following if following in _SPEECH_VERBS or following in _PLACE_WORDS else ""
    return _CLASSES[(before, name, after, sentence_start)]


def extract_entities(text: str, limit: int = 10) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(people, organisations, places) named in a text, most mentioned first."""
    counts: dict[str, Counter[str]] = {"person": Counter(), "organization": Counter(), "place": Counter(),
                                       "unknown": Counter()}  # fmt: skip
    first_seen: dict[str, int] = {}
    for sentence in split_sentences(text):
        for candidate in _candidates(sentence):
            found = _class_of(*candidate)
            if found is None:
                continue
            kind, clean = found
            counts[kind][clean] += 1
            first_seen.setdefault(clean, len(first_seen))
    people = _merge_short_forms(counts["person"], counts["unknown"])
    surnames = {part for name in people if len(name.split()) >= 2 for part in name.split()}
    # "to Putin" looks like a place by its preposition; a known person's name says otherwise.
    for kind in ("place", "organization"):
        for name in [n for n in counts[kind] if n in surnames and n.lower() not in places()]:
            del counts[kind][name]
    # Single capitalised words seen with nothing to class them stay out unless they name a known person.
    ranked = {
        kind: tuple(sorted(bag, key=lambda name: (-bag[name], first_seen.get(name, 0)))[:limit])
        for kind, bag in (
            ("person", people),
            ("organization", counts["organization"]),
            ("place", counts["place"]),
        )
    }
    return ranked["person"], ranked["organization"], ranked["place"]


def _merge_short_forms(people: Counter[str], unknown: Counter[str]) -> Counter[str]:
    """Fold "Putin" into "Vladimir Putin" where the text uses both; drop unmatched lone words."""
    full_names = [name for name in people if len(name.split()) >= 2]
    # The full names each word begins or ends, in the order of `full_names`: a lone word's
    # matches are looked up, not searched for among every full name.
    by_end: dict[str, list[str]] = {}
    for full in full_names:
        parts = full.split()
        by_end.setdefault(parts[0], []).append(full)
        if parts[-1] != parts[0]:
            by_end.setdefault(parts[-1], []).append(full)
    merged: Counter[str] = Counter()
    for name, count in people.items():
        if len(name.split()) >= 2:
            merged[name] += count
    for bag, keep_lone in ((people, True), (unknown, False)):
        for name, count in bag.items():
            if len(name.split()) != 1:
                continue
            matches = by_end.get(name)
            if matches:
                merged[max(matches, key=lambda full: people[full])] += count
            elif keep_lone or count >= 2:
                # A capitalised word used again and again mid-sentence, and no place, is a surname.
                merged[name] += count
    return merged
