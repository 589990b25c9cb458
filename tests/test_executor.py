"""Where the per-article work runs: forked workers, and workers that share nothing with the build."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.errors import BuildError, InputError, WorkerLostError
from generator.executor import ForkedCall, SentMap, WorkerTracebackError, fork_imap, sent_imap, slice_bounds
from generator.model import ArticleText

# What a worker sees of this module: set again by a test in the build's process only.
SEEN_BY_WORKERS = {"marker": "as imported"}


def square_where_run(number: int) -> tuple[int, int, str]:
    """The square, the process it was made in, and the marker as that process sees it."""
    return number * number, os.getpid(), SEEN_BY_WORKERS["marker"]


def number_and_process(number: int) -> tuple[int, int]:
    """The number, and the process it was made in."""
    return number, os.getpid()


def noted_in(folder_and_number: tuple[str, int]) -> int:
    """The number, once a file named by it is made in the folder."""
    folder, number = folder_and_number
    with open(os.path.join(folder, str(number)), "w"):
        pass
    return number


def killed_at_150(number: int) -> int:
    """The number; the worker given 150 is killed outright, as the out-of-memory killer does."""
    if number == 150:
        os.kill(os.getpid(), signal.SIGKILL)
    return number


class NeedsTwoArgumentsError(Exception):
    """An exception that cannot be rebuilt from its message alone."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} and {second}")


def raises_unpicklable_at_150(number: int) -> int:
    """The number; 150 raises an exception that pickle cannot rebuild."""
    if number == 150:
        raise NeedsTwoArgumentsError("this", "that")
    return number


def input_error_at_150(number: int) -> int:
    """The number; 150 raises the error a bad input file gets."""
    if number == 150:
        raise InputError("inbox/150.txt", "binary data, not text")
    return number


def refuses_150(number: int) -> int:
    """The number; 150 raises."""
    if number == 150:
        raise ValueError("cannot take 150")
    return number


@contextlib.contextmanager
def fails_rather_than_hangs(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in this process if the block takes longer than `seconds`."""

    def give_up(*_: object) -> None:
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


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


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server")
def test_work_handed_over_at_once_is_done_before_it_is_read(tmp_path: Path) -> None:
    items = [(str(tmp_path), number) for number in range(300)]
    with fails_rather_than_hangs(60), SentMap(noted_in, items, workers=2) as results:
        # Nothing is read yet: the workers go on by themselves.
        while len(os.listdir(tmp_path)) < len(items):
            time.sleep(0.01)
        assert list(results) == list(range(300))
    # Left before reading: the workers stop, and nothing waits on them.
    with fails_rather_than_hangs(60), SentMap(noted_in, items, workers=2):
        pass


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


def test_a_killed_forked_worker_stops_the_work_with_one_line_naming_the_task() -> None:
    with (
        fails_rather_than_hangs(60),
        pytest.raises(WorkerLostError, match=r"^render: pages: a worker process was killed by SIGKILL"),
    ):
        list(fork_imap(killed_at_150, list(range(300)), workers=2, most_per_slice=10, task="render: pages"))
    assert not multiprocessing.active_children(), "the other workers are stopped"


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server")
def test_a_killed_sent_worker_stops_the_work_with_one_line_naming_the_task() -> None:
    with (
        fails_rather_than_hangs(60),
        pytest.raises(WorkerLostError, match=r"^group: terms: a worker process ended"),
    ):
        list(sent_imap(killed_at_150, list(range(300)), workers=2, task="group: terms"))


def test_an_exception_in_a_forked_worker_is_raised_here_with_where_it_began() -> None:
    with pytest.raises(ValueError, match="cannot take 150") as raised:
        list(fork_imap(refuses_150, list(range(300)), workers=2, most_per_slice=10))
    assert isinstance(raised.value.__cause__, WorkerTracebackError)
    assert "refuses_150" in str(raised.value.__cause__)
    assert not multiprocessing.active_children()


def test_slices_are_cut_by_weight_and_a_heavy_item_goes_alone() -> None:
    weights = [1] * 10 + [50] + [1] * 10
    assert slice_bounds(21, 8, weights, most_weight=20) == [(0, 8), (8, 10), (10, 11), (11, 19), (19, 21)]
    assert slice_bounds(21, 8) == [(0, 8), (8, 16), (16, 21)]


def test_forked_slices_read_at_most_the_weight_given() -> None:
    # A list page reads every article it lists: a slice is cut by what its items read.
    items = list(range(300))
    streamed = list(
        fork_imap(number_and_process, items, workers=2, weight_of=lambda n: 25 if n % 50 == 0 else 1,
                  most_weight_per_slice=30)
    )  # fmt: skip
    assert [number for number, _ in streamed] == items
    weight_per_process: dict[int, int] = {}
    for number, pid in streamed:
        weight_per_process[pid] = weight_per_process.get(pid, 0) + (25 if number % 50 == 0 else 1)
    assert max(weight_per_process.values()) <= 30


def test_an_error_from_a_forked_worker_comes_back_whole_or_as_its_text() -> None:
    with pytest.raises(InputError) as raised:
        list(fork_imap(input_error_at_150, list(range(300)), workers=2, most_per_slice=10))
    assert (raised.value.path, raised.value.reason) == ("inbox/150.txt", "binary data, not text")
    with pytest.raises(BuildError, match=r"^NeedsTwoArgumentsError: this and that$"):
        list(fork_imap(raises_unpicklable_at_150, list(range(300)), workers=2, most_per_slice=10))


def squares_on_sent_workers() -> list[tuple[int, int, str]]:
    """Sent work, from inside a forked call."""
    return list(sent_imap(square_where_run, list(range(300)), workers=2))


def test_a_forked_call_runs_apart_while_this_process_goes_on_and_hands_back_its_result() -> None:
    ready = multiprocessing.get_context("fork").Event()

    def work() -> tuple[int, bool]:
        # Waits for this process to go on first: the call does not block it.
        return os.getpid(), ready.wait(30)

    with fails_rather_than_hangs(60):
        call = ForkedCall(work, "search index")
        ready.set()
        pid, waited = call.result()
    assert waited and pid != os.getpid()
    assert not multiprocessing.active_children()


def test_a_forked_call_raises_here_what_it_raised_and_a_killed_one_names_its_task() -> None:
    with fails_rather_than_hangs(60):
        with pytest.raises(ValueError, match="cannot take 150") as raised:
            ForkedCall(lambda: refuses_150(150), "search index").result()
        assert isinstance(raised.value.__cause__, WorkerTracebackError)
        with pytest.raises(WorkerLostError, match=r"^search index: a worker process was killed by SIGKILL"):
            ForkedCall(lambda: killed_at_150(150), "search index").result()
        # A call given up is stopped.
        call = ForkedCall(lambda: signal.pause(), "search index")
        call.cancel()
    assert not multiprocessing.active_children()


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server")
def test_sent_work_from_inside_a_forked_call_comes_back_whole() -> None:
    # The fork server this process started is not the forked call's to use.
    assert [value for value, _, _ in squares_on_sent_workers()] == [n * n for n in range(300)]
    with fails_rather_than_hangs(60):
        streamed = ForkedCall(squares_on_sent_workers, "search index").result()
    assert [value for value, _, _ in streamed] == [n * n for n in range(300)]
    assert os.getpid() not in {pid for _, pid, _ in streamed}
