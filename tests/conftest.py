"""Shared fixtures: a throw-away copy of the project with its sample content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .hostile import Hostile, run_build, tree, write_hostile_inbox

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


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """A project whose inbox is the hostile corpus, built once for the whole session."""
    project = make_project(tmp_path_factory.mktemp("hostile") / "project", with_inbox=False)
    site = project / "site.toml"
    site.write_text(
        site.read_text().replace(
            'base_url = "http://127.0.0.1:8000/"', 'base_url = "http://127.0.0.1:8000/broadsheet/"'
        )
    )
    corpus = write_hostile_inbox(project / "content" / "inbox")
    before = tree(project)
    return project, corpus, run_build(project), before
