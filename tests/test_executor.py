"""Where the per-article work runs: forked workers, and workers that share nothing with the build."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys

import pytest

from generator.executor import fork_imap, sent_imap
from generator.model import ArticleText

# What a worker sees of this module: set again by a test in the build's process only.
SEEN_BY_WORKERS = {"marker": "as imported"}


def square_where_run(number: int) -> tuple[int, int, str]:
    """The square, the process it was made in, and the marker as that process sees it."""
    return number * number, os.getpid(), SEEN_BY_WORKERS["marker"]


def number_and_process(number: int) -> tuple[int, int]:
    """The number, and the process it was made in."""
    return number, os.getpid()


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server")
def test_sent_work_comes_back_in_order_from_processes_that_share_nothing_with_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(SEEN_BY_WORKERS, "marker", "changed by the build")
    streamed = list(sent_imap(square_where_run, list(range(300)), workers=2))
    assert [value for value, _, _ in streamed] == [number * number for number in range(300)]
    assert os.getpid() not in {pid for _, pid, _ in streamed}, "the work ran on other processes"
    # A forked worker would have inherited the change; these started from a clean import.
    assert {seen for _, _, seen in streamed} == {"as imported"}


def test_sent_work_runs_here_when_the_batch_is_small() -> None:
    streamed = list(sent_imap(square_where_run, list(range(10)), workers=2))
    assert [value for value, _, _ in streamed] == [number * number for number in range(10)]
    assert {pid for _, pid, _ in streamed} == {os.getpid()}


def test_each_forked_slice_runs_in_a_fresh_worker() -> None:
    # A worker's copies of the build's pages are freed when it exits: one worker per slice.
    items = list(range(320))
    streamed = list(fork_imap(number_and_process, items, workers=2))
    assert [number for number, _ in streamed] == items
    slices: dict[int, set[int]] = {}
    for number, pid in streamed:
        slices.setdefault(pid, set()).add(number)
    assert len(slices) > 2, "more slices than workers, each in its own process"
    # Each process made one contiguous slice.
    assert all(max(numbers) - min(numbers) + 1 == len(numbers) for numbers in slices.values())


def test_a_slice_is_capped_so_a_worker_makes_at_most_that_many() -> None:
    items = list(range(200))
    streamed = list(fork_imap(number_and_process, items, workers=2, most_per_slice=7))
    assert [number for number, _ in streamed] == items
    per_process: dict[int, int] = {}
    for _, pid in streamed:
        per_process[pid] = per_process.get(pid, 0) + 1
    assert max(per_process.values()) <= 7
    assert len(per_process) >= 200 // 7


def test_an_article_text_is_sent_whole_and_leaves_no_copy_of_its_strings_behind() -> None:
    body = "Zoë Ñandú said “not yet” in Genève. " * 200
    names = ("Zoë Ñandú", "東京")
    text = ArticleText("Talks in Genève", "Summary “quoted”.", body, names, (), ("Genève",))
    size = sys.getsizeof(body)
    assert pickle.loads(pickle.dumps(text)) == text
    # CPython keeps a UTF-8 copy inside a non-ASCII string once the string itself is pickled:
    # the build's bodies would each hold one more copy for the rest of the build.
    assert sys.getsizeof(body) == size
    pickle.dumps(body)
    assert sys.getsizeof(body) > size
