"""Render only what changed: fingerprints of each output's inputs, and write-if-changed.

Every file the site is made of is an `Output`: a site path, a fingerprint of everything that
goes into it (the theme and settings, the page's variables down to each article's fields), and
a function that makes its bytes. The staging folder starts as hard links to the previous site;
an output whose fingerprint matches the previous build's is left as it is, and one that is made
again replaces its file only when the bytes differ. So adding one article rewrites the pages that
show it and nothing else, and unchanged files keep their modification time (small uploads to
GitHub Pages, quick `rsync`).

Writing always goes to a new file that replaces the old name, never into a linked file: the
previous site stays intact until the new one is swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.executor import fork_map
from generator.fsutil import atomic_write_text, remove_files, replace_file
from generator.model import Article, Event, article_digest

# 2: the manifest lists every file of the site (the search index was outside it before).
MANIFEST_VERSION = 2

# A forked worker makes at most this many outputs, then exits. Making a page reads the articles
# it shows, which copies the pages of the build's memory they lie on into the worker: about
# 40 KiB per event page at 10,000 articles. At 100,000 a slice of event or article pages copied
# 71-117 MiB, but one of list pages up to 1,003 MiB: a count of outputs does not bound a list
# page, which reads every article it lists.
OUTPUTS_PER_WORKER = 1000

# A slice also stops where its outputs would read more than this many articles, names or
# reports. At 100,000 articles, one worker making the 366 day digests (which list every report)
# held 566 MiB of its own, the people index (97,000 names) 283 MiB, and 1,000 event pages
# 117 MiB; about 6 KiB per report a digest lists.
READS_PER_WORKER = 20_000


@dataclass(frozen=True)
class Output:
    """One file of the site: where it goes, what it depends on, how to make it."""

    path: str
    fingerprint: str
    make: Callable[[], bytes | str]
    kind: str = "page"
    # Work done in the build process before any worker forks, whose results the workers then
    # share, read-only: for a list page, the items of the articles it lists.
    prepare: Callable[[], object] | None = None
    # Roughly how many articles, names or reports making it reads: the slices of outputs given to
    # workers are cut by it (see `READS_PER_WORKER`).
    reads: int = 1


class Fingerprints:
    """Stable hashes of render inputs; each article and event is hashed once per build."""

    def __init__(self, salt: str, plain: Iterable[type] = ()) -> None:
        """`plain` names dataclasses hashed by their repr: each field shown by the generated
        `__repr__`, and nothing in them but text, numbers, dates and other plain values (no
        articles or events). Checked here, since a hidden field would leave pages stale."""
        self.salt = salt
        self._memo: dict[int, bytes] = {}
        self._keep: list[object] = []  # keeps memoised objects alive, so their ids stay unique
        self._plain = frozenset(plain)
        for kind in self._plain:
            # The repr dataclasses generate is wrapped against recursion; a hand-written one is not.
            if not is_dataclass(kind) or not hasattr(kind.__repr__, "__wrapped__"):
                raise TypeError(f"{kind.__name__}: not a dataclass with its generated repr")
            if not all(item.repr for item in fields(kind)):
                raise TypeError(f"{kind.__name__}: a field is left out of its repr")

    def of(self, *values: object) -> str:
        """The fingerprint of a page's inputs."""
        digest = hashlib.blake2b(self.salt.encode(), digest_size=16)
        for value in values:
            if type(value) is str:  # a page's path, template, title: inline, as in _feed
                digest.update(repr(value).encode("utf-8", "surrogatepass") + b"\0")
            else:
                self._feed(digest, value)
        return digest.hexdigest()

    def _object(self, value: Article | Event) -> bytes:
        """The token that stands for an article or event in a page's hash: b"O" and its own hash."""
        key = id(value)
        found = self._memo.get(key)
        if found is None:
            if isinstance(value, Article):
                found = b"O" + article_digest(value).hex().encode()
            else:
                digest = hashlib.blake2b(digest_size=16)
                digest.update(type(value).__name__.encode())
                for item in fields(value):
                    digest.update(item.name.encode())
                    self._feed(digest, getattr(value, item.name))
                found = b"O" + digest.hexdigest().encode()
            self._memo[key] = found
            self._keep.append(value)
        return found

    def _feed(self, digest: Any, value: object) -> None:
        kind = type(value)
        # Scalars, plain dataclasses, and tuples of scalars (a page's names, a row of a names
        # index): one repr for the whole value.
        if (
            kind in _SCALARS
            or kind in self._plain
            or (kind is tuple and all(map(_SCALARS.__contains__, map(type, value))))  # type: ignore[call-overload]
        ):
            digest.update(repr(value).encode("utf-8", "surrogatepass") + b"\0")
        elif kind is Article or kind is Event:
            digest.update(self._object(value))  # type: ignore[arg-type]
        elif isinstance(value, (list, tuple)):
            digest.update(b"[%d" % len(value))
            memo = self._memo
            for item in value:
                # Pages list hundreds of thousands of names and articles: those are hashed here
                # rather than through a call per item.
                if type(item) is str:
                    digest.update(repr(item).encode("utf-8", "surrogatepass") + b"\0")
                    continue
                token = memo.get(id(item)) if type(item) is Article else None
                if token is not None:
                    digest.update(token)
                else:
                    self._feed(digest, item)
            digest.update(b"]")
        elif isinstance(value, dict):
            digest.update(b"{%d" % len(value))
            try:
                keys = sorted(value)  # a page's values: names, sorted as they are
            except TypeError:
                keys = sorted(value, key=str)
            for key in keys:
                digest.update(str(key).encode() + b":")
                item = value[key]
                if type(item) is str:
                    digest.update(repr(item).encode("utf-8", "surrogatepass") + b"\0")
                else:
                    self._feed(digest, item)
            digest.update(b"}")
        elif isinstance(value, (Article, Event)):
            digest.update(self._object(value))
        elif isinstance(value, (str, int, float, bool, datetime, date)):
            digest.update(repr(value).encode("utf-8", "surrogatepass") + b"\0")
        elif is_dataclass(value) and not isinstance(value, type):
            digest.update(kind.__name__.encode())
            for item in fields(value):
                self._feed(digest, getattr(value, item.name))
        else:
            raise TypeError(f"cannot fingerprint a {kind.__name__}")


# Exact types hashed by their repr; subclasses take the slower isinstance path.
_SCALARS = frozenset({str, int, float, bool, type(None), datetime, date})


def theme_fingerprint(theme_dirs: Sequence[Path], settings: str) -> str:
    """A hash of every template and static file (names and bytes) and of the settings."""
    digest = hashlib.blake2b(settings.encode(), digest_size=16)
    for position, theme in enumerate(theme_dirs):
        for path in sorted(p for p in theme.rglob("*") if p.is_file()):
            digest.update(f"{position}:{path.relative_to(theme).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """The previous build's {site path: fingerprint}; empty when missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    outputs = data.get("outputs")
    return {str(k): str(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}


def write_manifest(path: Path, outputs: dict[str, str]) -> None:
    """Store this build's fingerprints for the next one."""
    atomic_write_text(
        path, json.dumps({"version": MANIFEST_VERSION, "outputs": dict(sorted(outputs.items()))})
    )


def write_if_changed(target: str, data: bytes) -> bool:
    """Put `data` at the path `target` unless it already holds exactly that; True when it wrote.

    A changed file is written beside and renamed over the old name, so a hard link to the
    previous file (the live site) is never modified.
    """
    # A new name has no link to protect: it is created and written in place, and only where it
    # exists already is it read. Tried in that order, a new file costs one call to the system
    # where asking first cost four (a stat, a make-folder, its check, the open).
    try:
        descriptor = _create_new(target)
    except FileExistsError:
        if os.stat(target).st_size == len(data):
            with open(target, "rb") as existing:
                if existing.read() == data:
                    return False
        replace_file(Path(target), data)
        return True
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        descriptor = _create_new(target)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)
    return True


def _create_new(path: str) -> int:
    """A descriptor to write a file that did not exist; FileExistsError where it does."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)


def make_outputs(
    outputs: Iterable[Output], out_dir: Path, previous: dict[str, str], workers: int, task: str = "render"
) -> tuple[str, ...]:
    """Make every output whose fingerprint is new or whose file is missing, in forked processes
    when there are many; return the paths whose bytes changed on disk.
    """
    # The paths are plain strings here: a pathlib object per kept file cost more than its stat.
    folder = str(out_dir) + os.sep
    pending = [
        o for o in outputs if previous.get(o.path) != o.fingerprint or not os.path.isfile(folder + o.path)
    ]

    for output in pending:
        if output.prepare is not None:
            output.prepare()

    def make(output: Output) -> str | None:
        data = output.make()
        changed = write_if_changed(folder + output.path, data.encode() if isinstance(data, str) else data)
        return output.path if changed else None

    # Forking costs more than it saves on small batches (an edit, one new article).
    made = fork_map(
        make,
        pending,
        workers,
        min_items=200,
        most_per_slice=OUTPUTS_PER_WORKER,
        task=task,
        weight_of=lambda output: output.reads,
        most_weight_per_slice=READS_PER_WORKER,
    )
    return tuple(path for path in made if path is not None)


def remove_stale(out_dir: Path, keep: set[str], previous: Iterable[str] = ()) -> list[str]:
    """Delete files (and then empty folders) that the new site no longer has; returns them.

    `previous` lists the files of the site that `out_dir` is a linked copy of (the previous
    manifest): only those not kept are looked at, which spares a walk over every file of a large
    site. Without it the whole folder is walked.
    """
    listed = set(previous)
    if not listed:
        return _remove_unlisted(out_dir, keep)
    return remove_files(out_dir, sorted(listed - keep))


def _remove_unlisted(out_dir: Path, keep: set[str]) -> list[str]:
    removed = []
    for directory, folders, files in os.walk(out_dir, topdown=False):
        relative_dir = Path(directory).relative_to(out_dir).as_posix()
        prefix = "" if relative_dir == "." else relative_dir + "/"
        for name in files:
            relative = prefix + name
            if relative not in keep:
                os.unlink(os.path.join(directory, name))
                removed.append(relative)
        for name in folders:
            path = os.path.join(directory, name)
            if not os.listdir(path):
                os.rmdir(path)
    return sorted(removed)
