"""Rows of numbers, one small array per article, held end to end in a few large chunks.

The grouping receives two or three small arrays per article from its workers (each article's
terms, their counts, its passages), keeps them for a while, then drops them. At 100,000 articles
that was 300,000 arrays and a gigabyte, and once freed they left the C allocator's heap full of
holes the process kept: the build stayed a gigabyte larger for the rest of the grouping. Copied
as they arrive into chunks larger than the allocator's largest threshold for mapping memory
(32 MiB in glibc), the rows live in blocks that are mapped and unmapped whole, so their memory
goes back to the system when a chunk is dropped, and each small array is freed at once, its
space reused by the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

CHUNK_ENTRIES = 1 << 23
"""Entries per chunk: 32 MiB of 32-bit numbers, 64 MiB of 64-bit ones."""


class PackedRows:
    """Append-only rows of one numpy type; a row never spans two chunks.

    Two `PackedRows` given rows of the same lengths, in the same order, split them into chunks
    at the same rows, whatever their types: the chunks are counted in entries, not bytes.
    """

    def __init__(self, dtype: Any, chunk_entries: int | None = None) -> None:
        import numpy as np

        self.dtype = np.dtype(dtype)
        self._capacity = max(1, CHUNK_ENTRIES if chunk_entries is None else chunk_entries)
        self._chunks: list[np.ndarray] = []
        self._lengths: list[list[int]] = []
        self._used = 0

    def append(self, values: Any) -> None:
        """Copy one row in after the others."""
        import numpy as np

        row = np.asarray(values, dtype=self.dtype)
        size = len(row)
        if not self._chunks or self._used + size > len(self._chunks[-1]):
            # Untouched, the end of the last chunk costs address space only, not memory.
            self._chunks.append(np.empty(max(self._capacity, size), dtype=self.dtype))
            self._lengths.append([])
            self._used = 0
        self._chunks[-1][self._used : self._used + size] = row
        self._used += size
        self._lengths[-1].append(size)

    def __len__(self) -> int:
        return sum(len(lengths) for lengths in self._lengths)

    @property
    def total(self) -> int:
        """How many entries all the rows hold."""
        return sum(sum(lengths) for lengths in self._lengths)

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(entries, row lengths) of each chunk in order; the entries are a view of the chunk."""
        import numpy as np

        # By index, holding nothing between steps: a chunk released by the caller goes at once.
        for index in range(len(self._chunks)):
            sizes = np.array(self._lengths[index], dtype=np.int64)
            yield self._chunks[index][: int(sizes.sum())], sizes

    def release(self, index: int) -> None:
        """Let chunk `index` go (its rows read as empty from now on): its memory returns."""
        import numpy as np

        self._chunks[index] = np.empty(0, dtype=self.dtype)
        self._lengths[index] = [0] * len(self._lengths[index])

    def clear(self) -> None:
        """Let every row go."""
        self._chunks.clear()
        self._lengths.clear()
        self._used = 0
