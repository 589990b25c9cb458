"""Score the cleaning stage on a data set laid out like `shared/eval/clean/`.

    python bench/clean_eval.py ../shared/eval/clean --input text
    python bench/clean_eval.py ../shared/eval/clean --input html

Metric (the data set's README): per document, multisets of 4-token shingles (tokens: `\\w+`),
TP/FP/FN normalised per document; P and R are means over documents; F1 from the two means.
Prints P, R, F1 and documents per CPU second of the cleaning alone (one core, one process,
fastest of `--repeat` runs).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from generator.clean import build_context, clean_document
from generator.clean.families import match_family
from generator.clean.html import main_content_lines
from generator.model import Hints, RawDocument

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of consecutive 4-token shingles of a text."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def score(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """Mean per-document precision and recall over shingles, and F1 of the means."""
    precisions, recalls = [], []
    for key, true_text in truth.items():
        true, pred = shingles(true_text), shingles(predicted.get(key, ""))
        tp = sum((true & pred).values())
        fp = sum((pred - true).values())
        fn = sum((true - pred).values())
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def baselines(kind: str) -> dict[str, Callable[[str], str]]:
    """Reference methods scored in the same run: what keeping everything, a length rule, or the
    HTML extractor we build on score alone."""
    if kind == "text":
        return {
            "keep everything": lambda text: text,
            "keep lines of 10+ words": lambda text: "\n".join(
                line for line in text.splitlines() if len(_TOKEN.findall(line)) >= 10
            ),
        }
    return {"trafilatura alone (same settings)": lambda html: "\n".join(main_content_lines(html))}


def load(dataset: Path, kind: str) -> tuple[list[RawDocument], dict[str, str]]:
    """Raw documents of the chosen kind and the ground-truth article bodies."""
    truth_all = json.loads((dataset / "ground-truth.json").read_text())
    documents, truth = [], {}
    for key, record in sorted(truth_all.items()):
        if kind == "text":
            path = dataset / "text" / f"{key}.txt"
            content = path.read_text(encoding="utf-8") if path.exists() else None
        else:
            path = dataset / "html" / f"{key}.html.gz"
            content = gzip.decompress(path.read_bytes()).decode("utf-8", "replace") if path.exists() else None
        if content is None:
            continue
        url = record.get("url")
        documents.append(RawDocument(path=key, kind="text" if kind == "text" else "html", content=content,
                                     content_hash=key, hints=Hints(url=url)))  # fmt: skip
        truth[key] = record["articleBody"]
    return documents, truth


def main() -> None:
    """Clean every document, score, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--input", choices=["text", "html"], default="text")
    parser.add_argument("--with-title", action="store_true", help="score the title line as part of the body")
    parser.add_argument("--show", type=int, default=0, help="print the N worst documents")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs; the fastest is reported")
    args = parser.parse_args()
    documents, truth = load(args.dataset, args.input)
    clean_document(documents[0])  # warm up: compile patterns, load word lists
    # CPU time of this process (one core); the fastest of a few runs, as timeit reports, because
    # other load on a shared machine only ever adds time.
    seconds = float("inf")
    for _ in range(args.repeat):
        match_family.cache_clear()  # each run starts cold, as a build does
        started = time.process_time()
        context = build_context(documents)
        cleaned = [clean_document(document, context) for document in documents]
        seconds = min(seconds, time.process_time() - started)
    predicted = {
        doc.key: "\n".join(([doc.title] if args.with_title else []) + list(doc.paragraphs)) for doc in cleaned
    }
    print(f"{args.input}: {len(documents)} documents")
    for name, baseline in baselines(args.input).items():
        bp, br, bf = score({d.path: baseline(d.content) for d in documents}, truth)
        print(f"  {name:<34} P {bp:.4f}  R {br:.4f}  F1 {bf:.4f}")
    p, r, f = score(predicted, truth)
    print(
        f"  {'broadsheet':<34} P {p:.4f}  R {r:.4f}  F1 {f:.4f}  {len(documents) / seconds:.0f} documents/s"
    )
    if args.show:
        worst = sorted(truth, key=lambda k: score({k: predicted[k]}, {k: truth[k]})[2])[: args.show]
        for key in worst:
            p, r, f = score({key: predicted[key]}, {key: truth[key]})
            print(f"{key}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")


if __name__ == "__main__":
    main()
