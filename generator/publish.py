"""Put a rendered site in place in one atomic step, at a cost that follows the change.

Two folders take turns: the live site (`site/`) and a spare beside it (`.site-spare`) that
holds the previous version. A build brings the spare up to date with the live site by replaying
the last build's changes (hard links to the live files, and deletions), renders into it, and
exchanges the two folders in one rename: readers, and a build killed at any moment, see the old
site or the new one, whole. The retired site becomes the next spare.

Files in the two folders share inodes until one side changes them. That is safe because a
render never writes into an existing file: a changed file is written beside and renamed over
the old name (`render.incremental.write_if_changed`), which leaves the other folder's link alone.

What the spare holds is written down in `.broadsheet/spare.json` after each swap, with a hash
of the render manifest that describes the live site. The record is deleted before the spare is
touched, so after a killed build, or anything else it cannot vouch for, the spare is made again
by hard-linking the whole site (seconds at 10,000 articles, once).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.fsutil import atomic_write_text, link_tree, remove_files
from generator.libc import c_library

SPARE_RECORD = "spare.json"
RECORD_VERSION = 1


def spare_folder(output: Path) -> Path:
    """Where the spare site lives: beside the output, on the same file system, hidden."""
    return output.with_name(f".{output.name}-spare")


def manifest_digest(manifest: Path) -> str | None:
    """A hash of the render manifest's bytes, or None when there is none."""
    try:
        return hashlib.blake2b(manifest.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class SpareRecord:
    """What the spare lacks: the live site's manifest hash, and the files the last build changed."""

    manifest: str
    written: tuple[str, ...]
    removed: tuple[str, ...]


def take_spare_record(state: Path) -> SpareRecord | None:
    """Read and delete the spare record: from here on the spare may change."""
    record_path = state / SPARE_RECORD
    try:
        data = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    record_path.unlink(missing_ok=True)
    if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
        return None
    written, removed = data.get("written"), data.get("removed")
    if not isinstance(written, list) or not isinstance(removed, list):
        return None
    return SpareRecord(str(data.get("manifest")), tuple(map(str, written)), tuple(map(str, removed)))


class SpareWarmer:
    """A `find` process that reads every directory entry and inode of the spare, started when a
    build begins, so that they are in memory by the time the render looks for each file of the
    site there (`render.incremental.make_outputs`).

    With the file system's caches cold (after a reboot, on a new CI runner, after a large build)
    that look was a disk read per file: 4.9-8.2 s for the 49,656 files of a 10,000-article site,
    about 45 s at 100,000, most of the time of adding one article. `find` reads them in 3.9 s at
    10,000, while the build reads the inbox, groups the articles and plans the render, which do
    not need them. It only reads; what the render decides does not depend on it.
    """

    def __init__(self, process: subprocess.Popen[bytes] | None) -> None:
        self._process = process

    @classmethod
    def start(cls, output: Path, state: Path) -> SpareWarmer:
        """Start reading the spare of `output`, where the last build left one with its record
        (a build with no record makes the spare again by linking the site, which reads it)."""
        spare = spare_folder(output)
        find = shutil.which("find")
        if find is None or not (state / SPARE_RECORD).is_file() or not _usable(spare):
            return cls(None)
        try:
            # `-size` makes find stat each file, which reads its inode as the render's look will.
            process = subprocess.Popen(
                [find, str(spare), "-type", "f", "-size", "+0"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return cls(None)
        return cls(process)

    @property
    def started(self) -> bool:
        """Whether a `find` was started."""
        return self._process is not None

    @property
    def running(self) -> bool:
        """Whether it is still reading."""
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """End the reading if it is still going (the build is over, or failed)."""
        if self._process is not None:
            self._process.kill()  # does nothing once it has ended and been waited for
            self._process.wait()


def workspace(output: Path, state: Path, manifest: Path, workers: int = 1) -> Path:
    """A folder that holds exactly the live site's files, to render the next site into: the
    spare, caught up with the last build's changes or else hard-linked afresh, or a new empty
    folder when there is no site yet."""
    record = take_spare_record(state)
    spare = spare_folder(output)
    if not output.is_dir():
        retire(spare, output)
        return Path(tempfile.mkdtemp(prefix=f".{output.name}-new-", dir=output.parent))
    if record is not None and _usable(spare) and record.manifest == manifest_digest(manifest):
        catch_up(spare, output, record.written, record.removed)
        return spare
    retire(spare, output)
    link_tree(output, spare, workers)
    return spare


def _usable(spare: Path) -> bool:
    """Whether `spare` is a real folder a build may render into (a link could point anywhere)."""
    return spare.is_dir() and not spare.is_symlink()


def catch_up(spare: Path, live: Path, written: Iterable[str], removed: Iterable[str]) -> None:
    """Make `spare` match `live` again, given what the last build wrote and removed there."""
    made: set[Path] = set()
    for relative in written:
        source, target = live / relative, spare / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.link")
        temporary.unlink(missing_ok=True)
        try:
            os.link(source, temporary)
        except FileNotFoundError:
            # Gone from the live site since (edited by hand): the render compares and remakes.
            target.unlink(missing_ok=True)
            continue
        os.replace(temporary, target)
    remove_files(spare, removed)


def put_in_place(work: Path, output: Path) -> None:
    """Make the rendered `work` folder the live site in one step; the old site becomes the spare.

    Where the OS cannot exchange two folders atomically (not Linux), the old site is moved
    aside and deleted, and there is no spare.
    """
    if not output.is_dir():
        os.replace(work, output)
        return
    # `work` is the spare whenever there is a live site (see `workspace`): after the exchange
    # it holds the retired site, which is the next spare.
    if _exchange(work, output):
        return
    retire(output, output)
    os.replace(work, output)


def record_spare(
    state: Path,
    manifest: Path,
    output: Path,
    written: Iterable[str],
    removed: Iterable[str],
    workers: int = 1,
) -> None:
    """Write down what the spare lacks, once the swap is done and the manifest written.

    A site published without a spare (the first build, or no atomic exchange) gets one now by
    hard-linking, so that the next build already takes the quick way.
    """
    spare = spare_folder(output)
    if not spare.is_dir():
        if not _can_exchange(output):
            return
        link_tree(output, spare, workers)
        written, removed = [], []
    record = {
        "version": RECORD_VERSION,
        "manifest": manifest_digest(manifest),
        "written": sorted(written),
        "removed": sorted(removed),
    }
    atomic_write_text(state / SPARE_RECORD, json.dumps(record))


def retire(folder: Path, output: Path) -> None:
    """Take a folder out of the way at once, under a leftover's name, and delete it in the background."""
    if folder.is_symlink():
        folder.unlink()
    elif folder.exists():
        retired = output.with_name(f".{output.name}-old-{os.getpid()}-{next(_retired_count)}")
        os.replace(folder, retired)
        discard_in_background(retired)


_retired_count = itertools.count()


def _libc_renameat2() -> Any:
    return getattr(c_library(), "renameat2", None)


def _can_exchange(output: Path) -> bool:
    return sys.platform.startswith("linux") and _libc_renameat2() is not None and output.is_dir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    renameat2 = _libc_renameat2()
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def discard_in_background(folder: Path) -> None:
    """Delete a retired site without making the build wait for it (tens of thousands of unlinks).

    The folder is named like a leftover, so if the deletion is interrupted the next build's
    `remove_leftovers` finishes it.
    """
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        subprocess.Popen(
            [rm, "-rf", "--", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
