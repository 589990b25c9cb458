"""Is the site up to date? A signature of every input, compared with the last successful build.

The signature covers the name, size and modification time of every file a build reads (inbox,
articles, themes, project templates, `site.toml`), the effective settings and Broadsheet's
version. When it equals the one stored after the last build and the output still exists, the
build has nothing to do but repeat the last report (so `--strict` still sees its warnings):
this is what makes a rebuild of an unchanged 10,000-article site take a fraction of a second.
Only `os.scandir` metadata is read, never file contents.

A build records its inputs as it found them, before it began (`InputsSeen`), but for the articles
folder, which it writes into itself and which is walked again when it ends: a file dropped into
the inbox while a build runs is then a change for the next one, not part of what was built.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from generator import versions
from generator.config import SiteConfig
from generator.fsutil import atomic_write_text

LAST_BUILD_FILE = "last-build.json"


def _walk(directory: str, digest: hashlib._Hash) -> None:
    """Feed every file under `directory` (sorted, recursive) into `digest`, skipping dot names."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, digest)
        elif entry.is_file():
            stat = entry.stat()
            digest.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "replace"))


@dataclass(frozen=True)
class InputsSeen:
    """The inputs of a build as walked at one moment: a digest of the settings, and one of each
    input folder's file names, sizes and modification times."""

    settings: str
    folders: tuple[tuple[str, str], ...]

    @property
    def signature(self) -> str:
        """One hash of all of it, as stored after a build."""
        digest = hashlib.sha256(self.settings.encode())
        for folder, folder_digest in self.folders:
            digest.update(f"[{folder}]{folder_digest}\n".encode())
        return digest.hexdigest()

    def with_folder_walked_again(self, root: Path, folder: str) -> InputsSeen:
        """The same inputs with one folder as it is now: the build writes into the articles
        folder itself, so that one is taken after the build, the others as the build found them."""
        return replace(
            self,
            folders=tuple(
                (name, _folder_digest(root / name) if name == folder else seen) for name, seen in self.folders
            ),
        )


def inputs_seen(root: Path, config: SiteConfig) -> InputsSeen:
    """Walk the inputs of a build now, from file metadata and settings alone."""
    settings = hashlib.sha256()
    settings.update(f"{versions.__version__}\0{versions.PIPELINE_VERSION}\0{config!r}\n".encode())
    site_toml = root / "site.toml"
    if site_toml.is_file():
        stat = site_toml.stat()
        settings.update(f"site.toml\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    paths = config.paths
    folders = (paths.inbox, paths.articles, paths.themes, paths.templates)
    return InputsSeen(settings.hexdigest(), tuple((name, _folder_digest(root / name)) for name in folders))


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    _walk(str(folder), digest)
    return digest.hexdigest()


def input_signature(root: Path, config: SiteConfig) -> str:
    """A hash of everything a build depends on, from file metadata and settings alone."""
    return inputs_seen(root, config).signature


@dataclass(frozen=True)
class LastBuild:
    """What the last successful build saw and reported, replayed when nothing has changed."""

    signature: str
    articles: int
    events: int
    pages: int
    warnings: tuple[str, ...]
    errors: tuple[str, ...]


def last_build_if_current(
    root: Path, config: SiteConfig, state_dir: Path, signature: str
) -> LastBuild | None:
    """The last build's record when it saw exactly these inputs and its output is still there."""
    if not (root / config.paths.output).is_dir():
        return None
    last = read_last_build(state_dir)
    return last if last is not None and last.signature == signature else None


def read_last_build(state_dir: Path) -> LastBuild | None:
    """What the last successful build recorded; None when there is no readable record."""
    try:
        record = json.loads((state_dir / LAST_BUILD_FILE).read_text(encoding="utf-8"))
        return LastBuild(
            signature=str(record["signature"]),
            articles=int(record["articles"]),
            events=int(record["events"]),
            pages=int(record["pages"]),
            warnings=tuple(str(m) for m in record["warnings"]),
            errors=tuple(str(m) for m in record["errors"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_last_build(state_dir: Path, last: LastBuild) -> None:
    """Remember the inputs and report of a build that just published successfully."""
    atomic_write_text(
        state_dir / LAST_BUILD_FILE, json.dumps(asdict(last), indent=1, ensure_ascii=False) + "\n"
    )
