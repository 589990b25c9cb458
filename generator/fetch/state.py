"""What `broadsheet fetch` remembers between runs: one small JSON file in the project.

Per feed: the validators for conditional requests (ETag, Last-Modified) and the last outcome.
Per entry: where it went (a new inbox file, or a file that already held the same text) so that
no entry is fetched twice. Per stored text: a sketch that finds the same story arriving from
another feed under another URL.

The file lives under `content/` (see `FetchSettings.state_file`) because it is part of the
project's history: a scheduled CI run commits it with the new inbox files, and the next run
starts from it. It is written atomically, so a crash leaves the old state or the new one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from generator.fsutil import atomic_write_text

STATE_VERSION = 1
EntryOutcome = Literal["stored", "duplicate", "empty", "failed"]


@dataclass
class FeedState:
    """One feed's validators and last outcome."""

    etag: str | None = None
    last_modified: str | None = None
    checked: str | None = None
    result: str | None = None


@dataclass
class EntryState:
    """One feed entry already handled."""

    source: str
    outcome: EntryOutcome
    file: str | None = None
    url: str | None = None
    when: str | None = None
    attempts: int = 1
    reason: str | None = None


@dataclass
class TextState:
    """One stored text: its sketch (for near-copies), exact fingerprint and when it arrived."""

    file: str
    fingerprint: str
    sketch: str
    """Hex digits, eight per shingle hash (see `duplicates.py`)."""
    when: str


@dataclass
class FetchState:
    """Everything fetch remembers; see the module docstring."""

    feeds: dict[str, FeedState] = field(default_factory=dict)
    entries: dict[str, EntryState] = field(default_factory=dict)
    texts: dict[str, TextState] = field(default_factory=dict)

    def to_json(self) -> str:
        """The state as stable, diff-friendly JSON (sorted keys, empty fields left out)."""
        data = {
            "version": STATE_VERSION,
            "feeds": {k: _compact(asdict(v)) for k, v in self.feeds.items()},
            "entries": {k: _compact(asdict(v)) for k, v in self.entries.items()},
            "texts": {k: asdict(v) for k, v in self.texts.items()},
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


class StateError(ValueError):
    """The state file exists but cannot be read."""


def load_state(path: Path) -> FetchState:
    """Read the state file; a missing one is an empty state."""
    if not path.exists():
        return FetchState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError(
                f"unknown state version {data.get('version') if isinstance(data, dict) else data!r}"
            )
        return FetchState(
            feeds={k: FeedState(**v) for k, v in data.get("feeds", {}).items()},
            entries={k: EntryState(**v) for k, v in data.get("entries", {}).items()},
            texts={k: TextState(**v) for k, v in data.get("texts", {}).items()},
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError, AttributeError) as error:
        raise StateError(str(error).splitlines()[0]) from None


def save_state(path: Path, state: FetchState) -> None:
    """Write the state atomically."""
    atomic_write_text(path, state.to_json())
