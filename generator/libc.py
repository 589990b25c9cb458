"""The C library, for the few calls Python does not expose (`renameat2`, `malloc_trim`)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def c_library() -> ctypes.CDLL | None:
    """The process's C library, loaded once (with `errno` kept for the caller); None where it
    cannot be found."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
