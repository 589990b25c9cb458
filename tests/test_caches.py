"""The build's caches: sharded so that a small change rewrites only the shards holding it."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

import pytest

from generator.caches import (
    META_SHARD,
    CacheEntries,
    load_cache,
    read_entries,
    save_cache,
    shard_of,
    update_entries,
)


def entries(count: int) -> dict[str, object]:
    return {f"2025/01/article-{n}.md": (n, n * 10, f"body {n}") for n in range(count)} | {
        "\0filled-at": (1, 0, None)
    }


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.pickle")}


def test_a_cache_reads_back_as_saved(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "articles"
    save_cache(folder, entries(300))
    assert load_cache(folder) == entries(300)
    assert load_cache(tmp_path / "missing") == {}


def test_only_the_shards_holding_changed_entries_are_written_again(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    save_cache(folder, entries(300))
    loaded = load_cache(folder)
    before = stamps(folder)
    # The article cache makes a new tuple per scan: equal numbers and the same objects are unchanged.
    for key, value in list(loaded.items()):
        if isinstance(value, tuple) and isinstance(value[0], int):
            loaded[key] = (int(str(value[0])), int(str(value[1])), value[2])
    assert save_cache(folder, loaded) == 0
    changed, removed = "2025/01/article-7.md", "2025/01/article-8.md"
    loaded[changed] = (7, 71, "body 7, edited")
    del loaded[removed]
    loaded["2025/02/new.md"] = (1, 2, "new")
    written = save_cache(folder, loaded)
    after = stamps(folder)
    expected = {f"{shard_of(key)}.pickle" for key in (changed, removed, "2025/02/new.md")}
    assert {name for name in after if after[name] != before[name]} == expected
    assert written == len(expected)
    again = load_cache(folder)
    assert again == loaded and removed not in again


def test_bookkeeping_is_written_after_the_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "articles"
    save_cache(folder, entries(50))
    loaded = load_cache(folder)
    loaded["\0filled-at"] = (2, 0, None)
    loaded["2025/01/article-3.md"] = (3, 31, "changed")
    order: list[str] = []
    monkeypatch.setattr("generator.caches.atomic_write_bytes", lambda path, data: order.append(path.stem))
    save_cache(folder, loaded)
    assert order == [shard_of("2025/01/article-3.md"), META_SHARD]


def test_a_shard_from_another_version_or_unreadable_is_left_out_alone(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    everything = entries(200)
    save_cache(folder, everything)
    old_version, broken = sorted(folder.glob("[0-9a-f]*.pickle"))[:2]
    old_version.write_bytes(pickle.dumps({"version": ("0.0", "0"), "entries": {"x": 1}}))
    broken.write_bytes(b"not a pickle")
    loaded = load_cache(folder)
    lost = {key for key in everything if shard_of(key) in (old_version.stem, broken.stem)}
    assert lost and loaded == {k: v for k, v in everything.items() if k not in lost}
    # The next save puts the lost entries back, in their shards.
    loaded.update({key: everything[key] for key in lost})
    save_cache(folder, loaded)
    assert load_cache(folder) == everything


def test_a_plain_dict_writes_every_shard_and_the_old_single_file_is_removed(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    legacy = tmp_path / "articles.pickle"
    legacy.write_bytes(b"old cache")
    assert save_cache(folder, {"a": 1}) == 65
    assert not legacy.exists()
    assert isinstance(load_cache(folder), CacheEntries)


def test_a_build_freezes_its_caches_only_while_it_lasts(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from generator.config import load_config
    from generator.pipeline import build

    config = load_config(project)
    build(project, config)
    frozen_during: list[int] = []

    def watching_load(folder: Path) -> CacheEntries:
        loaded = load_cache(folder)
        frozen_during.append(gc.get_freeze_count())
        return loaded

    monkeypatch.setattr("generator.pipeline.load_cache", watching_load)
    build(project, replace(config, title="Another title"))
    assert frozen_during and min(frozen_during) > 0, "the loaded caches are frozen during the build"
    assert gc.get_freeze_count() == 0, "and nothing stays frozen after it"


def test_a_few_entries_are_read_and_changed_without_loading_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "terms"
    save_cache(folder, entries(300))
    before = stamps(folder)
    wanted = ["2025/01/article-4.md", "2025/01/article-250.md", "missing"]
    assert read_entries(folder, wanted) == {key: entries(300)[key] for key in wanted[:2]}

    put, drop = {"2025/02/new.md": (1, 2, "new")}, ["2025/01/article-9.md"]
    written = update_entries(folder, put, drop)
    after = stamps(folder)
    expected = {f"{shard_of(key)}.pickle" for key in [*put, *drop]}
    assert {name for name in after if after[name] != before[name]} == expected and written == len(expected)
    changed = entries(300) | put
    del changed["2025/01/article-9.md"]
    assert load_cache(folder) == changed
    # A shard that cannot be read keeps only the change: a cache, made again where needed.
    (folder / f"{shard_of('2025/02/new.md')}.pickle").write_bytes(b"damaged")
    update_entries(folder, {"2025/02/new.md": (3, 4, "newer")})
    assert read_entries(folder, ["2025/02/new.md"]) == {"2025/02/new.md": (3, 4, "newer")}
