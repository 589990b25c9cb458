"""The build's caches under `.broadsheet/cache/`: dicts by text key, pickled in shards.

A cache is a folder of shard files, each holding the entries whose key hashes to it. A build
that changes a few entries (one new article) rewrites the shards that hold them and no other:
rewriting whole caches of 70 MB after every small change cost seconds. Keys that start with
"\\0" are the cache's own bookkeeping (the article cache's fill time); they live in a `meta`
shard, which is written after the others, so that a build killed while saving leaves bookkeeping
at least as old as the entries.

Each shard carries the Broadsheet, pipeline and cache format versions; a shard that is missing,
unreadable or from another version is only a cache: its entries are made again.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from generator import __version__, versions
from generator.collector import made_out_of_sight
from generator.fsutil import atomic_write_bytes, replace_file

SHARDS = 64
META_SHARD = "meta"


class CacheEntries(dict[str, Any]):
    """A cache's entries, remembering them as last loaded or saved (`loaded`) so that
    `save_cache` can tell the shards whose entries changed since."""

    loaded: dict[str, Any]

    def __init__(self, entries: dict[str, Any] | None = None) -> None:
        super().__init__(entries or {})
        self.loaded = dict(self)


def shard_of(key: str) -> str:
    """The shard file (without suffix) an entry's key belongs to."""
    if key.startswith("\0"):
        return META_SHARD
    return f"{zlib.crc32(key.encode('utf-8', 'surrogatepass')) % SHARDS:02x}"


def cache_stamp() -> tuple[str, str, str]:
    """The versions a cache file is stamped with; a file with another stamp is not read."""
    return (__version__, versions.PIPELINE_VERSION, versions.CACHE_FORMAT)


def load_cache(folder: Path) -> CacheEntries:
    """A cache written by `save_cache`; shards missing, unreadable or from another version are empty."""
    entries: dict[str, Any] = {}
    try:
        shard_files = sorted(folder.glob("*.pickle"))
    except OSError:
        return CacheEntries()
    # Unpickling makes millions of objects that live as long as the build: at 10,000 articles the
    # four caches loaded in 2.6 s instead of 1.4 s with the collector on, and, without the freeze,
    # making two million small objects afterwards took 3.9 s instead of 0.7 s.
    with made_out_of_sight():
        for shard_file in shard_files:
            entries.update(_read_shard(shard_file) or {})
        return CacheEntries(entries)


def read_entries(folder: Path, keys: Iterable[str]) -> dict[str, Any]:
    """The entries of a stored cache for those of `keys` it holds, reading only their shards."""
    by_shard: dict[str, list[str]] = {}
    for key in keys:
        by_shard.setdefault(shard_of(key), []).append(key)
    found: dict[str, Any] = {}
    for shard, wanted in sorted(by_shard.items()):
        stored = _read_shard(folder / f"{shard}.pickle") or {}
        found.update((key, stored[key]) for key in wanted if key in stored)
    return found


def update_entries(folder: Path, put: Mapping[str, Any], drop: Iterable[str] = ()) -> int:
    """Add or replace the entries `put` and remove the keys `drop` in a stored cache, reading and
    writing only the shards that hold them; how many shard files were written.

    For a build that changes a few entries of a large cache it never loads whole. A shard that
    cannot be read is written with only this change: its other entries are made again when
    needed, as for any lost cache.
    """
    changes: dict[str, dict[str, Any]] = {}
    for key, value in put.items():
        changes.setdefault(shard_of(key), {})[key] = value
    for key in drop:
        if key not in put:
            changes.setdefault(shard_of(key), {})[key] = _DROP
    order = _meta_last(changes)
    folder.mkdir(parents=True, exist_ok=True)
    for shard in order:
        entries = _read_shard(folder / f"{shard}.pickle") or {}
        for key, value in changes[shard].items():
            if value is _DROP:
                entries.pop(key, None)
            else:
                entries[key] = value
        write_stamped(folder / f"{shard}.pickle", "entries", entries)
    return len(order)


_DROP = object()


def _meta_last(shards: Collection[str]) -> list[str]:
    """The shards in the order they are written: the meta shard last (see the module's docstring)."""
    ordered = sorted(set(shards) - {META_SHARD})
    return [*ordered, META_SHARD] if META_SHARD in shards else ordered


def _read_shard(shard_file: Path) -> dict[str, Any] | None:
    """One shard's entries; None when it is missing, unreadable or from another version."""
    shard = read_stamped(shard_file, "entries")
    return shard if isinstance(shard, dict) else None


def write_stamped(path: Path, name: str, value: Any, synced: bool = True) -> None:
    """Pickle `value` into a cache file, stamped with the versions (see `read_stamped`).

    `synced=False` skips waiting for the disk (`fsutil.replace_file`), for files written by the
    hundred whose loss only costs making them again.
    """
    data = pickle.dumps({"version": cache_stamp(), name: value}, protocol=5)
    (atomic_write_bytes if synced else replace_file)(path, data)


def read_stamped(path: Path, name: str) -> Any:
    """The value `write_stamped` stored under `name`; None when the file is missing, unreadable
    or from another version."""
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    if not isinstance(stored, dict) or stored.get("version") != cache_stamp():
        return None
    return stored.get(name)


def _unchanged(new: Any, old: Any) -> bool:
    """Whether an entry is the one loaded: the same object, or a tuple of the same objects and
    equal numbers and texts (the article cache makes a new (size, mtime, file) tuple per scan)."""
    if new is old:
        return True
    if type(new) is not tuple or type(old) is not tuple or len(new) != len(old):
        return False
    return all(
        a is b or (type(a) in (int, str, float) and type(a) is type(b) and a == b)
        for a, b in zip(new, old, strict=True)
    )


def save_cache(folder: Path, entries: dict[str, Any]) -> int:
    """Store a cache under `.broadsheet/` (only Broadsheet writes and reads it); how many shard
    files were written. Entries loaded by `load_cache` and left as they were are not written
    again: only the shards whose entries changed are."""
    # Without what was loaded (a plain dict, or the folder is gone), every shard is written.
    loaded = entries.loaded if isinstance(entries, CacheEntries) and folder.is_dir() else None
    by_shard: dict[str, dict[str, Any]] = {}
    changed: set[str] = set()
    for key, value in entries.items():
        shard = shard_of(key)
        by_shard.setdefault(shard, {})[key] = value
        if loaded is not None and (key not in loaded or not _unchanged(value, loaded[key])):
            changed.add(shard)
    if loaded is None:
        changed = {f"{n:02x}" for n in range(SHARDS)} | {META_SHARD}
    else:
        changed.update(shard_of(key) for key in loaded.keys() - entries.keys())
    order = _meta_last(changed)
    for shard in order:
        write_stamped(folder / f"{shard}.pickle", "entries", by_shard.get(shard, {}))
    if isinstance(entries, CacheEntries):
        entries.loaded = dict(entries)
    # A cache from before shards was one file beside the folder.
    folder.with_suffix(".pickle").unlink(missing_ok=True)
    return len(order)
