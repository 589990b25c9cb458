"""The `broadsheet` command as a user meets it: messages, exit codes, documentation."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from generator.cli import cli
from generator.report import memory_rises

from .conftest import REPO


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def test_every_command_and_option_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        assert f"`broadsheet {name}" in readme, f"command {name} is not in the README"
        for param in command.params:
            if isinstance(param, click.Option) and param.name not in ("help", "project"):
                assert any(opt in readme for opt in param.opts), f"{name} {param.opts} is not in the README"


def test_build_prints_one_summary_line_and_makes_the_site(project: Path) -> None:
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    assert re.search(r"built site/: 5 articles, 3 events, \d+ pages, 0 warnings, [\d.]+ s", result.stderr)
    assert "Traceback" not in result.stderr
    assert (project / "site" / "index.html").is_file()


def test_bad_setting_is_one_line_naming_the_key_with_exit_2(project: Path) -> None:
    (project / "site.toml").write_text('title = "X"\ntimezone = "Mars/Olympus"\n')
    result = run(project, "build")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: timezone: unknown time zone 'Mars/Olympus' (use an IANA name like Europe/London)"
    ]
    assert not (project / "site").exists()


def test_bad_base_url_is_rejected(project: Path) -> None:
    result = run(project, "build", "--base-url", "not a url")
    assert result.returncode == 2
    assert "--base-url" in result.stderr and "Traceback" not in result.stderr


def test_bad_file_is_reported_and_strict_turns_it_into_exit_3(project: Path) -> None:
    (project / "content" / "inbox" / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    result = run(project, "build")
    assert result.returncode == 0
    assert "content/inbox/photo.txt: binary data" in result.stderr
    assert "5 articles" in result.stderr
    strict = run(project, "build", "--strict")
    assert strict.returncode == 3
    assert "Traceback" not in strict.stderr


def test_quiet_build_prints_nothing_on_success(project: Path) -> None:
    result = run(project, "build", "--quiet")
    assert result.returncode == 0
    assert result.stderr == ""


def test_verbose_build_prints_each_stage_and_the_stages_that_raised_the_peak_memory(project: Path) -> None:
    result = run(project, "build", "-v")
    assert result.returncode == 0, result.stderr
    stages = re.findall(r"^\s*([a-z+: ]+?): [\d.]+ s$", result.stderr, re.MULTILINE)
    assert {"ingest", "clean+summarise", "group", "render: pages", "search index"} <= set(stages)
    # The two halves of cleaning and summarising, as the workers spent them.
    assert {"clean: in workers", "summarise: in workers"} <= set(stages)
    rises = re.search(r"peak memory rose in: (.+) MiB$", result.stderr, re.MULTILINE)
    assert rises is not None
    steps = [re.fullmatch(r"(.+) to (\d+)", step) for step in rises.group(1).split(", ")]
    peaks = [int(step.group(2)) for step in steps if step]
    assert len(peaks) == len(steps) and peaks == sorted(peaks) and len(set(peaks)) == len(peaks)
    assert all(step.group(1) in stages for step in steps if step)


def test_memory_rises_names_only_the_stages_after_which_the_peak_grew() -> None:
    peaks = [("load", 40.0), ("ingest", 90.0), ("load", 90.4), ("group", 150.0), ("write", 150.0)]
    assert memory_rises(peaks) == [("load", 40.0), ("ingest", 90.0), ("group", 150.0)]


def test_extract_json_gives_one_object_per_file() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["-h"])
    assert result.exit_code == 0
    result = runner.invoke(cli, ["extract", "--format", "json", str(REPO / "content" / "inbox")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 5
    by_file = {Path(r["path"]).name[:3]: r for r in records}
    assert by_file["004"]["author"] == "Dakir Madiha"
    assert by_file["004"]["title"] == "Russia resists U.S. push on Ukraine peace proposal"
    assert by_file["002"]["date"].startswith("2025-04-18")
    for record in records:
        assert record["summary"] and record["body"] and record["title"]
        assert set(record) >= {"title", "author", "date", "date_source", "source", "summary", "body"}


def test_explain_shows_keep_and_drop_with_reasons() -> None:
    result = CliRunner().invoke(
        cli, ["explain", "-C", str(REPO), str(REPO / "content/inbox/004_d0d5f8f203f47500.txt")]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    advertising = [line for line in lines if line.rstrip().endswith("| Advertising")]
    assert advertising and all(" drop " in line for line in advertising)
    assert any(" keep " in line and "Russian officials have firmly dismissed" in line for line in lines)


def test_explain_of_unreadable_file_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"")
    result = run(tmp_path, "explain", str(bad))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {bad.as_posix()}: empty file"]


def test_event_lists_events_and_prints_a_summary_at_a_chosen_length(project: Path) -> None:
    assert run(project, "build", "--quiet").returncode == 0
    listing = run(project, "event", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    events = [json.loads(line) for line in listing.stdout.splitlines()]
    assert sorted(e["articles"] for e in events) == [1, 2, 2]
    pair = next(e for e in events if e["articles"] == 2)
    for words in (60, 200):
        shown = run(project, "event", pair["slug"], "--words", str(words), "--format", "json")
        record = json.loads(shown.stdout)
        assert record["slug"] == pair["slug"] and len(record["sources"]) >= 1
        assert words * 0.5 <= record["words"] <= words * 1.15
    missing = run(project, "event", "no-such-event")
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("error: no-such-event: no such event")
