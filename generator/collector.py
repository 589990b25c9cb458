"""Keeping the cyclic garbage collector off the build's long-lived objects.

A build makes millions of small objects that live until it ends (loaded caches, the render
plan) and holds no cycles among them worth reclaiming. Each collection walks every tracked
object of its generation, so collections while such objects pile up cost time that grows faster
than the site. Frozen objects are skipped by the collector and still freed by reference counting
when dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def made_out_of_sight() -> Iterator[None]:
    """Run the block without the cyclic collector, then freeze every object alive, so that the
    collections after the block do not walk what it made either. Whoever freezes unfreezes when
    done (`pipeline.build_changed`, `render.render_site`).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def unfrozen_after() -> Iterator[None]:
    """Unfreeze everything when the block ends, unless something was frozen before it (then the
    caller that froze it unfreezes)."""
    frozen_before = gc.get_freeze_count()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()
