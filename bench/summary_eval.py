"""Score article summaries on a data set laid out like `shared/eval/summaries/cnndm-dev.jsonl`.

    python bench/summary_eval.py ../shared/eval/summaries/cnndm-dev.jsonl

ROUGE-1/2/Lsum F-measure with Porter stemming (the `rouge-score` package, a development tool:
`pip install rouge-score`), newline between summary sentences for Lsum, three sentences per article.
Prints Broadsheet's figures beside Lead-3 and a TF-IDF centroid baseline from the same run, and
articles per second of our summariser alone.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rouge_score import rouge_scorer

from generator.summarise.extractive import candidates, similarity, summarise_text
from generator.summarise.sentences import split_sentences


def lead3(article: str) -> list[str]:
    """The first three sentences."""
    return split_sentences(article)[:3]


def centroid3(article: str) -> list[str]:
    """The three sentences closest to the document's term centroid, in text order."""
    cands = candidates(article.split("\n"))
    centroid: Counter[str] = Counter()
    for c in cands:
        centroid.update(c.terms)
    best = sorted(cands, key=lambda c: -similarity(c.terms, centroid) if c.terms else 0)[:3]
    return [c.text for c in sorted(best, key=lambda c: c.position)]


def ours(article: str) -> list[str]:
    """Broadsheet's article summariser."""
    return list(summarise_text("", article.split("\n"), 3))


def main() -> None:
    """Run the methods and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset", type=Path)
    args = parser.parse_args()
    records = [json.loads(line) for line in args.dataset.read_text().splitlines() if line.strip()]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    methods: dict[str, Callable[[str], list[str]]] = {"lead-3": lead3, "tf-idf centroid": centroid3,
                                                      "broadsheet": ours}  # fmt: skip
    print(f"{len(records)} articles")
    print(f"{'method':<18} {'R1':>6} {'R2':>6} {'RLsum':>6} {'articles/s':>11}")
    for name, method in methods.items():
        totals = Counter[str]()
        started = time.perf_counter()
        outputs = [method(record["article"]) for record in records]
        seconds = time.perf_counter() - started
        for record, output in zip(records, outputs, strict=True):
            # References are tokenised highlights joined by " . "; one per line for ROUGE-Lsum.
            reference = "\n".join(split_sentences(record["reference"].replace(" . ", " .\n")))
            scores = scorer.score(reference, "\n".join(output))
            for key, value in scores.items():
                totals[key] += value.fmeasure
        n = len(records)
        print(f"{name:<18} {100 * totals['rouge1'] / n:6.2f} {100 * totals['rouge2'] / n:6.2f} "
              f"{100 * totals['rougeLsum'] / n:6.2f} {n / seconds:11.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
