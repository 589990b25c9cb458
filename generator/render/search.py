"""The search index: an inverted index split into small static files that the browser reads on demand.

Why our own index and not Pagefind (used up to version 0.1): Pagefind re-reads every page and
rewrites its whole index on every build, which took 40 s and 2.9 GiB at 10,000 articles, even to
add one article. This index is made from the articles themselves, each article's terms are kept
between builds, and every file of it is an ordinary output with a fingerprint: adding an article
rewrites only the files that its terms fall into.

Layout under `search/data/` (all JSON):

- `meta.json`: the article count (for term weights), the shard counts and the stop words, so
  that the browser folds words exactly as the build did;
- `t/<shard>.json`: `{term: [doc id, weight, doc id, weight, …]}` for the terms whose hash falls in
  that shard. A query fetches one small file per word, never the whole index;
- `v/<bucket>.json`: the sorted terms that share a three-letter prefix bucket, so the last word
  typed can be completed ("ushak" finds "ushakov");
- `d/<doc id>.json`: one per article: its address, title, event, source, date, month and plain
  text for the excerpt.

A weight is the article's BM25 term score (a fixed reference length, so that adding an article
never changes another article's weights), scaled to 1–99; the browser multiplies it by the
term's inverse document frequency, from the posting list's length. Document ids are a hash of
the article's path, so they stay the same from build to build.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from generator.memo import BoundedMemo
from generator.model import Article, ArticleText, article_text_digest

SEARCH_DIR = "search/data"
INDEX_VERSION = 1
ID_LENGTH = 10
VOCABULARY_BUCKETS = 512
PREFIX_LENGTH = 3
EXCERPT_TEXT_LIMIT = 8000
# BM25 constants; the reference length stands in for the corpus average so weights stay local.
SATURATION = 1.2
LENGTH_EFFECT = 0.75
REFERENCE_LENGTH = 500
TITLE_BOOST = 3
SUMMARY_BOOST = 2

# Function words carry no meaning on their own and are in every article: leaving them out keeps
# the largest posting lists out of the index. The browser reads this list from meta.json.
STOP_WORDS = frozenset(
    "a an and are as at be been but by for from had has have he her his i if in into is it its "
    "of on or our she that the their them they this those to was we were which who will with "
    "would you".split()
)
WORD = re.compile(r"[^\W_]+")
COMBINING_MARK = re.compile(r"[\u0300-\u036f]")
MARKDOWN_SYNTAX = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`#>|]+")


def fold(text: str) -> str:
    """Lower case without accents: "Zoë" and "zoe" are one word (the browser folds the same way)."""
    text = text.lower()
    if text.isascii():
        return text
    return COMBINING_MARK.sub("", unicodedata.normalize("NFKD", text))


def stem(word: str) -> str:
    """A plural's singular, so "sanctions" finds "sanction"; deliberately light, and mirrored in JS."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _index_term(word: str) -> str:
    """The index term for one folded word, or "" for a stop word or a lone letter."""
    return "" if word in STOP_WORDS or (len(word) == 1 and not word.isdigit()) else stem(word)


# A memo, bounded: news vocabulary repeats a lot. A hit is a dictionary lookup made in C, so a
# text's words are turned into terms and counted with no Python code per word.
_INDEX_TERMS: BoundedMemo[str, str] = BoundedMemo(_index_term, limit=1_000_000)


def term_of(word: str) -> str | None:
    """The index term for one folded word, or None for a stop word or a lone letter."""
    return _INDEX_TERMS[word] or None


def terms(text: str) -> list[str]:
    """The index terms of `text`, in order: folded words minus stop words and lone letters, stemmed."""
    return list(filter(None, map(_INDEX_TERMS.__getitem__, WORD.findall(fold(text)))))


def term_counts(text: str) -> Counter[str]:
    """How often each index term occurs in `text`, in order of first use."""
    return Counter(filter(None, map(_INDEX_TERMS.__getitem__, WORD.findall(fold(text)))))


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes: a hash both Python and the browser compute cheaply."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def shard_count(documents: int) -> int:
    """Term shards for a site of this size: a power of two near a quarter of the articles, so a
    shard stays a few kilobytes from a hundred articles to a hundred thousand."""
    count = 64
    while count < documents // 4 and count < 8192:
        count *= 2
    return count


# Joins an article's terms in `TermWeights`: no term holds it (terms are runs of `WORD`).
_TERM_JOIN = "\n"


@dataclass(frozen=True, slots=True)
class TermWeights:
    """An article's index terms, sorted, each with its weight (1–99): iterate for the pairs.

    Held packed, the terms in one string and the weights in one byte each. Pairs were held as
    tuples before: 10,000 generated articles hold 3.2 million (term, weight) pairs, each taken
    out of the workers' results and the cache as objects of its own, and the equal ones then
    shared to keep memory in bounds. For 4,000 articles that cost the build process 1.85 s
    (unpickling 0.29 s, sharing 0.73 s, assembling the index 0.83 s); packed, 1.01 s.
    """

    terms: str
    weights: bytes

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, int]]) -> TermWeights:
        """Packed from (term, weight) pairs already sorted by term."""
        listed = list(pairs)
        return cls(_TERM_JOIN.join(term for term, _ in listed), bytes(weight for _, weight in listed))

    def __iter__(self) -> Iterator[tuple[str, int]]:
        if not self.terms:
            return iter(())
        return zip(self.terms.split(_TERM_JOIN), self.weights, strict=True)

    def __len__(self) -> int:
        return len(self.weights)


def term_weights(article: Article | ArticleText) -> TermWeights:
    """Each term of the article with its weight (1–99): title and summary words count extra."""
    counts = term_counts(article.body)
    length = max(sum(counts.values()), 1)
    for term in terms(article.title):
        counts[term] += TITLE_BOOST
    for term in terms(article.summary):
        counts[term] += SUMMARY_BOOST
    length_factor = SATURATION * (1 - LENGTH_EFFECT + LENGTH_EFFECT * length / REFERENCE_LENGTH)
    # A weight depends on the article only through its count: most terms share a few small
    # counts, so each distinct count's weight is worked out once, not each term's.
    weight_of = {
        count: max(1, min(99, round(count * (SATURATION + 1) / (count + length_factor) * 40)))
        for count in set(counts.values())
    }
    ordered = sorted(counts)
    weights = bytes(map(weight_of.__getitem__, map(counts.__getitem__, ordered)))
    return TermWeights(_TERM_JOIN.join(ordered), weights)


def document_ids(paths: Iterable[str]) -> dict[str, str]:
    """A short id per article path, from a hash of the path (40 bits); a collision (about one chance
    in two hundred somewhere among 100,000 articles) is settled in path order, so the ids depend
    only on the set of paths."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for path in sorted(paths):
        salt = 0
        while True:
            key = path if salt == 0 else f"{path}#{salt}"
            candidate = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()[:ID_LENGTH]
            if candidate not in taken:
                break
            salt += 1
        ids[path] = candidate
        taken.add(candidate)
    return ids


@dataclass(frozen=True)
class SearchDocument:
    """What a search result shows for one article."""

    url: str
    title: str
    event: str | None
    source: str | None
    date: str
    month: str
    text: str


def plain_text(article: Article) -> str:
    """The summary and body without Markdown syntax, cut to a size worth fetching for an excerpt."""
    text = article.summary + "\n" + MARKDOWN_SYNTAX.sub(lambda m: m.group(1) or "", article.body)
    return text[:EXCERPT_TEXT_LIMIT]


def dumps(value: object) -> str:
    """Compact, key-sorted JSON: byte-identical for equal values."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def document_json(document: SearchDocument) -> str:
    """The `d/<id>.json` file of one article."""
    return dumps(
        {
            "url": document.url,
            "title": document.title,
            "meta": {
                key: value
                for key, value in (
                    ("event", document.event),
                    ("source", document.source),
                    ("date", document.date),
                    ("month", document.month),
                )
                if value
            },
            "text": document.text,
        }
    )


@dataclass(frozen=True)
class SearchIndex:
    """Every file of the index except the documents: `meta.json`'s text, the contents of each
    term shard and completion bucket by site path (serialised when the file is made), and the
    fingerprint of each."""

    meta: str
    shards: Mapping[str, dict[str, list[str | int]]]
    vocabulary: dict[str, list[str]]
    shard_prints: dict[str, str]
    vocabulary_prints: dict[str, str]


def shard_path(term: str, shards_total: int) -> str:
    """The site path of the term shard that holds `term`."""
    return f"{SEARCH_DIR}/t/{fnv1a(term) % shards_total:x}.json"


def vocabulary_path(term: str) -> str:
    """The site path of the completion bucket that lists `term` (PREFIX_LENGTH letters or more)."""
    return f"{SEARCH_DIR}/v/{fnv1a(term[:PREFIX_LENGTH]) % VOCABULARY_BUCKETS:x}.json"


def index_meta(documents: int, shards_total: int) -> str:
    """The text of `meta.json`."""
    return dumps(
        {
            "version": INDEX_VERSION,
            "documents": documents,
            "shards": shards_total,
            "buckets": VOCABULARY_BUCKETS,
            "prefix": PREFIX_LENGTH,
            "stop": sorted(STOP_WORDS),
        }
    )


def assemble_index(weights_by_id: Mapping[str, Iterable[tuple[str, int]]]) -> SearchIndex:
    """The posting lists of every term, split into shards, and the completion vocabulary."""
    shards_total = shard_count(len(weights_by_id))
    # Every term's postings first (one dictionary lookup per posting: there are millions), then
    # each term's list put in its shard.
    postings: dict[str, list[str | int]] = {}
    for doc_id in sorted(weights_by_id):
        for term, weight in weights_by_id[doc_id]:
            found = postings.get(term)
            if found is None:
                postings[term] = [doc_id, weight]
            else:
                found += (doc_id, weight)
    shards: dict[str, dict[str, list[str | int]]] = {}
    for term, found in postings.items():
        shards.setdefault(shard_path(term, shards_total), {})[term] = found
    vocabulary: dict[str, list[str]] = {}
    for term in sorted(postings):
        if len(term) >= PREFIX_LENGTH:
            vocabulary.setdefault(vocabulary_path(term), []).append(term)
    return SearchIndex(
        meta=index_meta(len(weights_by_id), shards_total),
        shards=shards,
        vocabulary=vocabulary,
        shard_prints={path: shard_fingerprint(shard) for path, shard in shards.items()},
        vocabulary_prints={path: text_fingerprint("\n".join(words)) for path, words in vocabulary.items()},
    )


def shard_json(index: SearchIndex, path: str) -> str:
    """One term shard file."""
    return dumps(index.shards[path])


def vocabulary_json(index: SearchIndex, path: str) -> str:
    """One completion bucket file."""
    return dumps(index.vocabulary[path])


def shard_fingerprint(postings: Mapping[str, list[str | int]]) -> str:
    """What a shard holds, hashed without writing its JSON."""
    digest = hashlib.blake2b(digest_size=16)
    for term in sorted(postings):
        digest.update(term.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(repr(postings[term]).encode())
    return digest.hexdigest()


def weights_key(article: Article) -> str:
    """What an article's term weights depend on (its words, not its place in the site), hashed."""
    return article_text_digest(article).hex()


def text_fingerprint(text: str) -> str:
    """A hash of a text: the fingerprint of an output made from it alone."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


__all__ = [
    "SEARCH_DIR",
    "SearchDocument",
    "SearchIndex",
    "TermWeights",
    "assemble_index",
    "document_ids",
    "document_json",
    "fnv1a",
    "fold",
    "index_meta",
    "plain_text",
    "shard_count",
    "shard_fingerprint",
    "shard_json",
    "shard_path",
    "stem",
    "term_weights",
    "terms",
    "text_fingerprint",
    "vocabulary_json",
    "vocabulary_path",
    "weights_key",
]
