"""How well `fetch` tells a syndicated copy from another report: measured on the ECB+ dev set.

Every ECB+ article is a separate publication, many of them reports of the same happening by
different outlets, so any pair found "the same text" is a false merge (a few may be true wire
copies; the pairs are printed so they can be read). Recall is measured on made copies of every
article: the last paragraph cut and an agency credit added, as syndication does.

    python bench/duplicates.py [--set ../shared/eval/events/ecbplus-dev.jsonl]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

from generator.fetch.duplicates import (
    COPY_SIMILARITY,
    find_copy,
    fingerprint,
    similarity,
    sketch,
    text_print,
    text_words,
)

DEFAULT_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "events" / "ecbplus-dev.jsonl"


def main() -> None:
    """Print false merges among distinct articles and the share of made copies found."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    args = parser.parse_args()
    records = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = {r["id"]: [p for p in r["text"].splitlines() if p.strip()] for r in records}
    started = time.perf_counter()
    sketches = {key: sketch(text_words(lines)) for key, lines in texts.items()}
    merged = []
    same_event_pairs = 0
    event_of = {r["id"]: r["event"] for r in records}
    for a, b in itertools.combinations(sorted(texts), 2):
        same_event_pairs += event_of[a] == event_of[b]
        score = similarity(sketches[a], sketches[b])
        if score >= COPY_SIMILARITY:
            merged.append((score, a, b, event_of[a] == event_of[b]))
    pairs = len(texts) * (len(texts) - 1) // 2
    known = {key: (fingerprint(text_words(lines)), sketches[key]) for key, lines in texts.items()}
    found = long_found = long_total = 0
    for key, lines in texts.items():
        body = lines[:-1] if len(lines) > 2 else lines
        copy = [*body, "This article was first published by the agency and is republished with permission."]
        hit = find_copy(text_print(text_words(copy)), known) == key
        found += hit
        # Cutting the last paragraph of a 60-word brief removes half of it: not a copy any more.
        if len(text_words(lines)) >= 150:
            long_total += 1
            long_found += hit
    seconds = time.perf_counter() - started
    print(
        f"{len(texts)} articles, {pairs} pairs ({same_event_pairs} of one event), threshold {COPY_SIMILARITY}"
    )
    print(f"distinct articles taken for copies: {len(merged)} pairs ({len(merged) / pairs:.5%})")
    for score, a, b, same in sorted(merged, reverse=True)[:10]:
        print(f"  {score:.2f} {a} ~ {b} ({'same event' if same else 'different events'})")
    print(f"made copies found: {found}/{len(texts)} ({found / len(texts):.1%}); of texts with 150+ words: "
          f"{long_found}/{long_total} ({long_found / max(long_total, 1):.1%}); {seconds:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
