"""Score the event grouping on a labelled set laid out like `shared/eval/events/` (ECB+).

    python bench/event_eval.py ../shared/eval/events/ecbplus-dev.jsonl

Prints B-cubed precision, recall and F1 of Broadsheet's grouping against the `event` labels,
next to plain TF-IDF baselines (single pass and average linkage, one threshold, 0.2 unless
--threshold says otherwise), and articles/s. `--settings` overrides GroupingSettings fields for
Broadsheet, e.g. '{"merge_link": 0.28}', to see how much rests on one setting.
ECB+: Cybulska & Vossen, LREC 2014 (CC BY 3.0).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from generator.events import (
    GroupingSettings,
    _normalised,
    article_terms,
    assign_events,
    cosine,
    tfidf_vectors,
)
from generator.model import Article
from generator.summarise import extract_entities
from generator.summarise.text import stop_words


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels."""
    by_pred: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for index, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        by_pred[p].add(index)
        by_gold[g].add(index)
    precision = recall = 0.0
    for index in range(len(gold)):
        cluster, truth = by_pred[predicted[index]], by_gold[gold[index]]
        shared = len(cluster & truth)
        precision += shared / len(cluster)
        recall += shared / len(truth)
    precision /= len(gold)
    recall /= len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def load(path: Path) -> tuple[list[Article], list[str], list[str]]:
    """Articles (all given one date: ECB+ has none), their topics and gold event labels."""
    articles, topics, gold = [], [], []
    for number, line in enumerate(path.read_text().splitlines()):
        record = json.loads(line)
        text = record["text"]
        title = record.get("title") or ""
        first, _, rest = text.partition("\n")
        # The cleaning stage takes a headline out of the body; do the same so the title counts once.
        body = rest if title and first.strip() == title.strip() else text
        people, organizations, places = extract_entities(text)
        articles.append(
            Article(
                path=f"{number:05d}.md", slug=str(record["id"]), title=title,
                date=datetime(2020, 1, 1, tzinfo=UTC), date_source="given", summary="", body=body,
                people=people, organizations=organizations, places=places,
            )
        )  # fmt: skip
        topics.append(str(record["topic"]))
        gold.append(str(record["event"]))
    return articles, topics, gold


def plain_vectors(articles: Sequence[Article]) -> list[dict[str, float]]:
    """TF-IDF of title and text words only: no names, no entities."""
    plain = [replace(a, people=(), organizations=(), places=()) for a in articles]
    return tfidf_vectors([article_terms(a, stop_words(), entity_weight=0.0, name_weight=0.0) for a in plain])


def tfidf_single_pass(articles: Sequence[Article], threshold: float) -> list[str]:
    """Baseline: plain TF-IDF; each article joins the closest cluster centroid above threshold."""
    vectors = plain_vectors(articles)
    totals: list[dict[str, float]] = []
    labels: list[str] = []
    for vector in vectors:
        scores = [cosine(vector, _normalised(total)) for total in totals]
        best = max(range(len(scores)), key=scores.__getitem__, default=-1)
        if best < 0 or scores[best] < threshold:
            totals.append(dict(vector))
            best = len(totals) - 1
        else:
            for term, value in vector.items():
                totals[best][term] = totals[best].get(term, 0.0) + value
        labels.append(f"c{best}")
    return labels


def tfidf_average_linkage(articles: Sequence[Article], threshold: float) -> list[str]:
    """Baseline: agglomerative clustering with average linkage on plain TF-IDF, stop below threshold."""
    vectors = plain_vectors(articles)
    clusters: list[list[int]] = [[i] for i in range(len(articles))]
    similarity = {(i, j): cosine(vectors[i], vectors[j]) for i in range(len(articles)) for j in range(i)}

    def linkage(a: list[int], b: list[int]) -> float:
        return sum(similarity[max(i, j), min(i, j)] for i in a for j in b) / (len(a) * len(b))

    while len(clusters) > 1:
        best, pair = threshold, None
        for x in range(len(clusters)):
            for y in range(x):
                score = linkage(clusters[x], clusters[y])
                if score >= best:
                    best, pair = score, (x, y)
        if pair is None:
            break
        x, y = pair
        clusters[y].extend(clusters[x])
        del clusters[x]
    labels = [""] * len(articles)
    for number, cluster in enumerate(clusters):
        for member in cluster:
            labels[member] = f"c{number}"
    return labels


def main() -> None:
    """Run every method over the data set, topic by topic, and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--threshold", type=float, default=0.2, help="similarity threshold of the baselines")
    parser.add_argument("--per-topic", action="store_true",
                        help="cluster each topic on its own (the corpus mixes 22 topics)")  # fmt: skip
    parser.add_argument("--settings", default="{}", help="GroupingSettings overrides as JSON")
    args = parser.parse_args()
    settings = GroupingSettings(**json.loads(args.settings))
    started = time.perf_counter()
    articles, topics, gold = load(args.dataset)
    loaded = time.perf_counter() - started
    groups = sorted(set(topics)) if args.per_topic else ["all"]
    methods: dict[str, Callable[[list[Article]], list[str]]] = {
        "broadsheet": lambda arts: assign_events(arts, stop_words(), settings),
        "tfidf single pass": lambda arts: tfidf_single_pass(arts, args.threshold),
        "tfidf average linkage": lambda arts: tfidf_average_linkage(arts, args.threshold),
    }
    print(f"{len(articles)} articles, {len(set(topics))} topics, {len(set(gold))} events; "
          f"entities extracted in {loaded:.2f} s")  # fmt: skip
    print(f"{'method':<24} {'P':>6} {'R':>6} {'F1':>6} {'articles/s':>11}")
    for name, method in methods.items():
        predicted = [""] * len(articles)
        start = time.perf_counter()
        for group in groups:
            members = [i for i, t in enumerate(topics) if group in ("all", t)]
            labels = method([articles[i] for i in members])
            for i, label in zip(members, labels, strict=True):
                predicted[i] = f"{group}:{label}"
        seconds = time.perf_counter() - start
        p, r, f = bcubed(predicted, gold)
        print(f"{name:<24} {p:6.3f} {r:6.3f} {f:6.3f} {len(articles) / seconds:11.0f}")


if __name__ == "__main__":
    main()
