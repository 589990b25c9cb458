"""Handing freed memory back to the system between the steps of a large build.

Python frees its objects into the C allocator, which keeps the space for later allocations
rather than returning it: a step that makes and drops millions of small objects or arrays (the
grouping's candidate pairs, the quoting passages) leaves the process that much larger for the
rest of the build. At 100,000 articles that was over a gigabyte, and the next step's own peak
came on top of it. glibc's `malloc_trim` returns every whole free page, wherever it lies in the
heap; elsewhere (macOS, musl) this module does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable

from generator.libc import c_library


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    trim = getattr(c_library(), "malloc_trim", None)
    if trim is None:  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    typed: Callable[[int], int] = trim
    return typed


def release_free_memory() -> bool:
    """Give the system back the memory this process has freed but still holds; True when the
    allocator can (glibc) and did return some."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
