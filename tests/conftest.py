"""Shared fixtures: a throw-away copy of the project with its sample content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INBOX = REPO / "content" / "inbox"
SEEDS = sorted(p for p in INBOX.glob("*.txt"))


def make_project(target: Path, with_inbox: bool = True) -> Path:
    """Copy the parts of the repository a build reads into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "themes", target / "themes")
    shutil.copy(REPO / "site.toml", target / "site.toml")
    (target / "content" / "articles").mkdir(parents=True)
    if with_inbox:
        shutil.copytree(INBOX, target / "content" / "inbox")
    else:
        (target / "content" / "inbox").mkdir(parents=True)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh project holding the five sample articles and nothing built yet."""
    return make_project(tmp_path / "project")


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    """A fresh project with an empty inbox."""
    return make_project(tmp_path / "project", with_inbox=False)
