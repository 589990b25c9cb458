"""The exceptions Broadsheet raises on purpose, each mapped to an exit code by the CLI.

Anything else reaching the CLI is a bug and is reported as one.
"""

from __future__ import annotations


class BroadsheetError(Exception):
    """Base of all expected failures; the message is shown to the user as one line."""

    exit_code = 1


class ConfigError(BroadsheetError):
    """`site.toml` is unreadable or one of its settings is invalid."""

    exit_code = 2


class InputError(BroadsheetError):
    """One input file cannot be used; the build reports it and goes on with the others."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # Rebuilt from its own arguments, not from the message, when a worker hands it back.
        return type(self), (self.path, self.reason)


class BuildError(BroadsheetError):
    """The build cannot finish; the previous site is left as it was."""

    exit_code = 1


class WorkerLostError(BuildError):
    """A worker process ended without handing back its work: killed, most often by the system
    when memory ran out, or crashed."""


class StrictModeError(BroadsheetError):
    """`--strict` was given and the build reported warnings."""

    exit_code = 3


class LockedError(BroadsheetError):
    """Another build holds the project lock."""

    exit_code = 4
