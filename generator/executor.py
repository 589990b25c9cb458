"""Where the per-article stages run: here, in local processes, or on any `concurrent.futures` executor.

Cleaning and summarising one article needs only that article and a read-only context, so the
work is a pure function mapped over documents. Any `concurrent.futures.Executor` can run it:
the default is a local process pool; a Dask cluster (`distributed.Client.get_executor()`) or a
Ray cluster (`ray.util.multiprocessing.Pool` via its executor adapter) plugs in the same way
through `generator.pipeline.build(..., executor=...)`.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from generator.collector import unfrozen_after
from generator.errors import BuildError, WorkerLostError

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a process pool costs more (start-up, pickling) than it saves.
MIN_PARALLEL_ITEMS = 64

# Below this many articles the grouping reads their passages and terms here: a fork server
# and its workers take about half a second to start (a new interpreter importing numpy and the
# build's modules). Both readings of 1,000 articles took 0.70 s here and 0.89 s on two sent
# workers; of 3,000, 1.82 s and 1.58 s.
MIN_SENT_ARTICLES = 2000

# At most this many items are sent to a worker at once by `sent_imap`: an article is a dozen
# kilobytes, so a slice of them is a few megabytes in the pipe and in the worker.
SENT_SLICE_ITEMS = 256

# Imported once by the fork server, before it forks a worker, so that each worker starts with
# the code the sent work runs (the grouping's terms and passages, the search weights) in place.
# numpy is named apart: the grouping imports it inside the functions that use it (a build with
# nothing to group never loads it), so each worker imported it again, 0.1-0.2 s apiece.
SENT_WORKER_MODULES = ["numpy", "generator.events", "generator.render.search_files"]

# The process that started the fork server `sent_imap` uses.
_SERVER_OWNER: list[int] = []


class SerialExecutor(Executor):
    """Runs each call at once in this process: the executor for one core and for small batches."""

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        """Run `fn` now and return its finished future."""
        future: Future[R] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the caller through the future, as pools do
            future.set_exception(error)
        return future

    def map(
        self, fn: Callable[[T], R], *iterables: Iterable[T], timeout: float | None = None, chunksize: int = 1
    ) -> Iterator[R]:
        """Apply `fn` lazily, in order."""
        return map(fn, *iterables)


def local_executor(workers: int, items: int) -> Executor:
    """A process pool of `workers` for a batch of `items`, or the serial executor when not worth it."""
    if workers <= 1 or items < MIN_PARALLEL_ITEMS:
        return SerialExecutor()
    # fork shares the already-imported modules, which start-up would otherwise import again.
    method = "fork" if can_fork() else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))


def chunk_size(items: int, workers: int) -> int:
    """Chunks big enough to amortise pickling, small enough to balance the load."""
    return max(1, items // (max(1, workers) * 8))


@contextlib.contextmanager
def shared_with_forks() -> Iterator[None]:
    """While it lasts, processes forked from this one keep sharing its objects' memory pages.

    A forked child shares the parent's memory until it writes to a page, and the cyclic garbage
    collector writes to every object it visits, so one collection in a child copies the pages of
    every object the parent holds. Frozen objects are skipped by the collector.
    """
    # Objects frozen before (the build's caches, see `generator.collector`) stay frozen after.
    with unfrozen_after():
        gc.freeze()
        yield


# The function and items of the current `fork_map`, inherited by forked workers, never pickled.
_FORK_JOB: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []

# How many slices may be finished and waiting for an earlier, slower one, per worker, before no
# further slice is started: their results are held here until their turn.
SLICES_AHEAD_PER_WORKER = 4


class WorkerTracebackError(Exception):
    """Where, inside a worker process, the exception raised from it began."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0])


def _run_fork_slice(bounds: tuple[int, int], sender: Connection) -> None:
    function, items = _FORK_JOB[0]
    _send_outcome(lambda: [function(item) for item in items[bounds[0] : bounds[1]]], sender)


def _send_outcome(work: Callable[[], Any], sender: Connection) -> None:
    """Run `work` in a forked worker and send back what it returned, or what it raised."""
    try:
        outcome: tuple[bool, Any, str] = (True, work(), "")
    except BaseException as error:  # handed back and raised in the build process, as pools do
        outcome = (False, _sendable(error), traceback.format_exc())
    try:
        sender.send(outcome)
    except Exception as error:  # an exception or result that cannot be pickled
        trace = outcome[2] or traceback.format_exc()
        sender.send((False, BuildError(f"a worker could not hand back its work: {error!r}"), trace))
    finally:
        sender.close()


def _sendable(error: BaseException) -> BaseException:
    """`error`, or a `BuildError` with its text where it would not come back whole: an exception
    whose constructor takes other arguments than its message cannot be unpickled."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return BuildError(f"{type(error).__name__}: {error}")
    return error


def worker_lost(task: str, exit_code: int | None = None) -> WorkerLostError:
    """The error for a worker of `task` that ended without handing back its work: one line, with
    how it ended where that is known (a pool of processes does not tell)."""
    how = "ended"
    if exit_code is not None and exit_code < 0:
        number = -exit_code
        name = signal.Signals(number).name if number in signal.valid_signals() else f"signal {number}"
        how = f"was killed by {name}"
        if number == getattr(signal, "SIGKILL", None):
            how += " (most often the system's out-of-memory killer)"
    elif exit_code is not None:
        how = f"exited with code {exit_code}"
    return WorkerLostError(
        f"{task}: a worker process {how} before handing back its work; try fewer processes "
        "(`workers` in site.toml) or more memory"
    )


def _receive(process: BaseProcess, receiver: Connection, task: str) -> Any:
    """The result of a finished worker, or its exception raised here."""
    try:
        ok, value, trace = receiver.recv()
    except EOFError:
        # Its end of the pipe closed with nothing (or half a result) sent: the worker is gone.
        process.join()
        raise worker_lost(task, process.exitcode) from None
    finally:
        receiver.close()
    process.join()
    if not ok:
        raise value from WorkerTracebackError(trace)
    return value


class ForkedCall(Generic[R]):
    """`work()` running in a forked process while this one goes on; `result()` waits for it.

    For a part of the build that writes its own files and gives back little: the search index
    is made alongside the pages this way. The worker sees this process as it was when forked,
    and nothing it changes in memory comes back but its result. A worker that dies raises
    `WorkerLostError` naming `task`; one still running when this process gives up is killed
    (`cancel`).
    """

    def __init__(self, work: Callable[[], R], task: str) -> None:
        context = multiprocessing.get_context("fork")
        self.task = task
        self._receiver, sender = context.Pipe(duplex=False)
        # Frozen in the worker for good: a collection there would copy every page it visits.
        with shared_with_forks():
            # Not a daemon: the work may fork workers of its own (`fork_map`), which a daemon cannot.
            self._process = context.Process(target=_send_outcome, args=(work, sender))
            self._process.start()
        # Only the worker holds the sending end now, so its death reads as the end of the pipe.
        sender.close()
        self._done = False

    def result(self) -> R:
        """What `work()` returned (its exception raised here); waits for it."""
        self._done = True
        found: R = _receive(self._process, self._receiver, self.task)
        return found

    def cancel(self) -> None:
        """Stop the worker if it is still running."""
        if not self._done:
            self._done = True
            self._process.kill()
            self._process.join()
            self._receiver.close()


def can_fork() -> bool:
    """Whether this platform can start processes by forking (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _forked_slices(slices: Sequence[tuple[int, int]], workers: int, task: str) -> Iterator[list[Any]]:
    """Each slice's results, in order, each slice made by a newly forked worker, `workers` at once."""
    context = multiprocessing.get_context("fork")
    running: dict[int, tuple[BaseProcess, Connection]] = {}
    finished: dict[int, list[Any]] = {}
    started = handed = 0
    try:
        while handed < len(slices):
            while (
                len(running) < workers
                and started < len(slices)
                and started - handed < workers * SLICES_AHEAD_PER_WORKER
            ):
                receiver, sender = context.Pipe(duplex=False)
                worker = context.Process(target=_run_fork_slice, args=(slices[started], sender), daemon=True)
                worker.start()
                # Only the worker holds the sending end now, so its death reads as the end of the pipe.
                sender.close()
                running[started] = (worker, receiver)
                started += 1
            if handed in finished:
                yield finished.pop(handed)
                handed += 1
                continue
            # A worker that is killed never sends: its pipe's end and its exit are both watched.
            ready = set(
                wait([end for _, end in running.values()] + [p.sentinel for p, _ in running.values()])
            )
            for number, (process, receiver) in list(running.items()):
                if receiver in ready or process.sentinel in ready:
                    del running[number]
                    finished[number] = _receive(process, receiver, task)
    finally:
        for process, receiver in running.values():
            process.kill()
            process.join()
            receiver.close()


def slice_bounds(
    count: int, step: int, weights: Sequence[int] | None = None, most_weight: int | None = None
) -> list[tuple[int, int]]:
    """(start, end) of consecutive slices of `count` items, each of at most `step` items and, where
    `weights` are given, of at most `most_weight` in all (an item heavier than that alone)."""
    if weights is None or most_weight is None:
        return [(start, min(start + step, count)) for start in range(0, count, step)]
    bounds = []
    start, weight = 0, 0
    for position, item_weight in enumerate(weights):
        if position > start and (position - start >= step or weight + item_weight > most_weight):
            bounds.append((start, position))
            start, weight = position, 0
        weight += item_weight
    if start < count:
        bounds.append((start, count))
    return bounds


def fork_map(
    function: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    min_items: int = MIN_PARALLEL_ITEMS,
    most_per_slice: int | None = None,
    task: str = "parallel work",
    weight_of: Callable[[T], int] | None = None,
    most_weight_per_slice: int | None = None,
) -> list[R]:
    """`[function(item) for item in items]` on forked processes, for closures that cannot be pickled.

    Each slice of the items runs in a newly forked worker, and so the pages one worker can copy
    are bounded by what its slice reads: `most_per_slice` caps a slice's length, and
    `most_weight_per_slice` the sum of `weight_of` its items. A worker that dies without
    handing back its slice (killed for memory) raises `WorkerLostError` naming `task`. Serial
    where fork is unavailable, with one worker, or for a batch too small to pay for it.
    """
    return list(
        fork_imap(function, items, workers, min_items, most_per_slice, task, weight_of, most_weight_per_slice)
    )


def fork_imap(
    function: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    min_items: int = MIN_PARALLEL_ITEMS,
    most_per_slice: int | None = None,
    task: str = "parallel work",
    weight_of: Callable[[T], int] | None = None,
    most_weight_per_slice: int | None = None,
) -> Iterator[R]:
    """`fork_map`, yielding the results in order as the slices finish, for a caller that keeps
    less than each whole result: the results of all the items are never held at once."""
    if workers <= 1 or len(items) < min_items or not can_fork():
        yield from map(function, items)
        return
    step = chunk_size(len(items), workers)
    if most_per_slice is not None:
        step = max(1, min(step, most_per_slice))
    weights = [weight_of(item) for item in items] if weight_of is not None else None
    slices = slice_bounds(len(items), step, weights, most_weight_per_slice)
    _FORK_JOB[:] = [(function, items)]
    try:
        # A forked worker's copies of the pages it wrote to (reference counts included) are its
        # own until it exits: one worker per slice hands them back slice by slice. Two workers
        # that lived through a 10,000-article render came to hold 170 and 186 MiB each.
        # `multiprocessing.Pool` did this before, but waited forever for a killed worker's slice.
        with shared_with_forks():
            for part in _forked_slices(slices, workers, task):
                yield from part
    finally:
        _FORK_JOB.clear()


def sent_imap(
    function: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    min_items: int = MIN_PARALLEL_ITEMS,
    task: str = "parallel work",
) -> Iterator[R]:
    """`map(function, items)` on processes that share no memory with this one, yielding in order.

    A worker forked from this process shares its pages until either one writes to them, and
    reading a Python object writes its reference count: a forked worker that reads a slice of
    the build's articles copies the pages they lie on. These workers are forked instead from a
    small server process (multiprocessing's "forkserver") that holds none of the build's data,
    and each item is pickled and sent to them. In a 10,000-article build, each of two forked
    workers reading the articles' terms came to hold 100 MiB of its own; each of these, 20 MiB.
    `function` must be picklable: a module-level function, or a `functools.partial` of one.
    Send an article's text as `model.ArticleText`, not its own strings: pickling a string
    leaves a copy of it in this process (see there).

    A worker that dies (killed for memory) raises `WorkerLostError` naming `task`. Serial with
    one worker, for a small batch, or where the server is unavailable.
    """
    with SentMap(function, items, workers, min_items, task) as results:
        yield from results


class SentMap(Generic[R]):
    """`sent_imap` handed to its workers at once: they start on the items while this process
    does something else, and the results are read (in order) by iterating, once. `close()`
    (or leaving a `with` block) stops the workers if the results were not all read."""

    def __init__(
        self,
        function: Callable[[T], R],
        items: Sequence[T],
        workers: int,
        min_items: int = MIN_PARALLEL_ITEMS,
        task: str = "parallel work",
    ) -> None:
        self.task = task
        self._pool: ProcessPoolExecutor | None = None
        self._results: Iterator[R]
        serial = workers <= 1 or len(items) < min_items
        if serial or "forkserver" not in multiprocessing.get_all_start_methods():
            self._results = map(function, items)
        elif _SERVER_OWNER and _SERVER_OWNER[0] != os.getpid():
            # Forked from the process that started the server (see `ForkedCall`): the handle it
            # inherited is not its own to use, and a server of its own would take half a second.
            self._results = fork_imap(function, items, workers, min_items, SENT_SLICE_ITEMS, task)
        else:
            _SERVER_OWNER[:] = [os.getpid()]
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(SENT_WORKER_MODULES)
            step = min(chunk_size(len(items), workers), SENT_SLICE_ITEMS)
            # Unlike `multiprocessing.Pool`, this pool notices a worker that was killed.
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            try:
                # `map` hands every slice to the pool now.
                self._results = self._pool.map(function, items, chunksize=step)
            except BrokenProcessPool:
                self.close()
                raise worker_lost(task) from None

    def __iter__(self) -> Iterator[R]:
        try:
            yield from self._results
        except BrokenProcessPool:
            raise worker_lost(self.task) from None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers (their pending work is dropped); results already read stay read."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> SentMap[R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
