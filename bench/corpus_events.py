"""Score the event grouping on a built benchmark project against the events the corpus was made of.

    python bench/corpus_events.py /tmp/broadsheet-scale/broadsheet-10000 --articles 10000
    python bench/corpus_events.py /tmp/broadsheet-scale/broadsheet-10000 --articles 10000 --every 10

Reads the project's articles (`content/articles/`, as a build leaves them), finds each one's
generated report (bench/corpus.py, same seed) by its URL, or by its title where that is unique,
groups the labelled articles again from scratch (their pinned events cleared) and prints how
many candidate pairs the grouping compared, how long it took, and B-cubed precision, recall and
F1 against the generated events (the metric of bench/event_eval.py). `--every K` keeps every
K-th article in date order: the same stories at a K times lower density, to see how the
grouping behaves as articles get denser in time, and `--squeeze K` divides each article's time
from the first by K: the density of K times as many articles. `--settings` overrides GroupingSettings
fields, e.g. '{"attach_link": 1.1}' to switch the attach step off. Run by hand; the generated
events are the truth of a synthetic corpus, not of real news (see bench/event_eval.py for ECB+).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from event_eval import bcubed  # noqa: E402

from generator import events  # noqa: E402
from generator.caches import load_cache  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.content import ArticleStore  # noqa: E402
from generator.model import Article  # noqa: E402
from generator.pipeline import ARTICLE_CACHE, load_articles  # noqa: E402
from generator.report import STATE_DIR, Diagnostics  # noqa: E402
from generator.summarise.text import stop_words  # noqa: E402


def labelled_articles(project: Path, articles: int, seed: int) -> tuple[list[Article], list[str]]:
    """The project's articles that can be matched to a generated report, and their event numbers."""
    by_url: dict[str, int] = {}
    by_title: dict[str, set[int]] = defaultdict(set)
    for event_number, report in corpus.reports(seed, articles):
        by_url[report.url] = event_number
        by_title[report.title].add(event_number)
    config = load_config(project)
    store = ArticleStore(project / config.paths.articles, config.zone)
    store.scan(known=load_cache(project / STATE_DIR / ARTICLE_CACHE))
    found, truth = [], []
    for article in load_articles(store, config, Diagnostics()):
        number: int | None = by_url.get(article.url or "")
        if number is None and len(by_title.get(article.title, ())) == 1:
            number = next(iter(by_title[article.title]))
        if number is not None:
            found.append(replace(article, event=None))
            truth.append(str(number))
    return found, truth


def main() -> None:
    """Command line: project, corpus size and seed, density, settings."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("project", type=Path)
    parser.add_argument("--articles", type=int, required=True, help="the N the corpus was generated with")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=1, help="keep every K-th article in date order")
    parser.add_argument(
        "--squeeze",
        type=float,
        default=1.0,
        help="divide each article's time from the first by K: the density of K times as many articles",
    )
    parser.add_argument("--settings", default="{}", help="GroupingSettings overrides as JSON")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    found, truth = labelled_articles(args.project, args.articles, args.seed)
    order = sorted(range(len(found)), key=lambda i: (found[i].date, found[i].path))[:: args.every]
    chosen, gold = [found[i] for i in order], [truth[i] for i in order]
    if args.squeeze != 1 and chosen:
        origin = chosen[0].date
        chosen = [replace(a, date=origin + (a.date - origin) / args.squeeze) for a in chosen]
    config = load_config(args.project)
    settings = events.GroupingSettings(window_days=config.event_window_days, **json.loads(args.settings))
    pair_counts: list[int] = []
    compare = events.candidate_pairs

    def counted(*given: object, **named: object) -> events.SimilarPairs:
        pairs = compare(*given, **named)  # type: ignore[arg-type]
        pair_counts.append(len(pairs))
        return pairs

    events.candidate_pairs = counted
    started = time.perf_counter()
    slugs = events.assign_events(chosen, stop_words(), settings, frozenset(), workers=args.workers)
    seconds = time.perf_counter() - started
    precision, recall, f1 = bcubed(slugs, gold)
    sizes = sorted((slugs.count(s) for s in set(slugs)), reverse=True)
    print(
        f"{len(chosen)} of {len(found)} labelled articles (every {args.every}), {len(set(gold))} generated "
        f"events, {len(set(slugs))} found (largest {sizes[:3]}); {pair_counts[0]} candidate pairs; "
        f"grouping {seconds:.1f} s; B-cubed P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"
    )


if __name__ == "__main__":
    main()
