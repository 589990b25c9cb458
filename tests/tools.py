"""Where the test suite finds its external checkers (installed by `npm install`, see package.json)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import REPO

NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"


def require(path: Path, what: str) -> Path:
    """The tool's path; a skip on a developer's machine without it, a failure in CI."""
    if path.exists():
        return path
    message = f"{what} is missing ({path}); run `npm install` at the repository root"
    if os.environ.get("CI"):
        raise RuntimeError(message)
    pytest.skip(message)


def require_java() -> str:
    """The `java` command, which the Nu Html Checker runs on."""
    java = shutil.which("java")
    if java:
        return java
    if os.environ.get("CI"):
        raise RuntimeError("java is missing; install a JRE (Debian: default-jre-headless)")
    pytest.skip("java is missing")
