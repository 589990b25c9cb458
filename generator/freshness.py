"""Is the site up to date? A signature of every input, compared with the last successful build.

The signature covers the name, size and modification time of every file a build reads (inbox,
articles, themes, project templates, `site.toml`), the effective settings and Broadsheet's
version. When it equals the one stored after the last build and the output still exists, the
build has nothing to do but repeat the last report (so `--strict` still sees its warnings):
this is what makes a rebuild of an unchanged 10,000-article site take a fraction of a second.
Only `os.scandir` metadata is read, never file contents.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
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


def input_signature(root: Path, config: SiteConfig) -> str:
    """A hash of everything a build depends on, from file metadata and settings alone."""
    digest = hashlib.sha256()
    digest.update(f"{versions.__version__}\0{versions.PIPELINE_VERSION}\0{config!r}\n".encode())
    paths = config.paths
    for folder in (paths.inbox, paths.articles, paths.themes, paths.templates):
        digest.update(f"[{folder}]\n".encode())
        _walk(str(root / folder), digest)
    settings = root / "site.toml"
    if settings.is_file():
        stat = settings.stat()
        digest.update(f"site.toml\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


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
    try:
        record = json.loads((state_dir / LAST_BUILD_FILE).read_text(encoding="utf-8"))
        last = LastBuild(
            signature=str(record["signature"]),
            articles=int(record["articles"]),
            events=int(record["events"]),
            pages=int(record["pages"]),
            warnings=tuple(str(m) for m in record["warnings"]),
            errors=tuple(str(m) for m in record["errors"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return last if last.signature == signature else None


def record_last_build(state_dir: Path, last: LastBuild) -> None:
    """Remember the inputs and report of a build that just published successfully."""
    atomic_write_text(
        state_dir / LAST_BUILD_FILE, json.dumps(asdict(last), indent=1, ensure_ascii=False) + "\n"
    )
