"""Freed memory goes back to the system between the steps of a build."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from generator.memory import _malloc_trim, release_free_memory


def resident_bytes() -> int:
    """This process's resident memory, from /proc (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux") or _malloc_trim() is None, reason="glibc only")
def test_memory_freed_in_the_middle_of_the_heap_goes_back() -> None:
    # 150 MiB in blocks of 3 KiB (malloc's, not Python's small-object arenas, and not mapped
    # apart), then all freed but one block in fifty: the survivors pin the heap, so without
    # the trim the process keeps nearly all of it.
    blocks = [bytes(3072) for _ in range(50_000)]
    kept = blocks[::50]
    del blocks
    before = resident_bytes()
    assert release_free_memory()
    after = resident_bytes()
    assert before - after > 100 * 2**20
    assert all(len(block) == 3072 for block in kept)
