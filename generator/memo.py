"""Per-process memos of pure functions over the words and names that recur across a corpus."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MEMO_LIMIT = 500_000


class BoundedMemo(dict[K, V], Generic[K, V]):
    """`memo[key]` is `compute(key)`, computed once per key and kept for the process.

    A corpus uses the same few thousand tokens again and again, so a hit is one dictionary
    lookup (made in C). The memo stops growing at `limit` keys, so an odd corpus cannot make it
    take all memory; keys past the limit are computed every time.
    """

    def __init__(self, compute: Callable[[K], V], limit: int = MEMO_LIMIT) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: K) -> V:
        value = self.compute(key)
        if len(self) < self.limit:
            self[key] = value
        return value
