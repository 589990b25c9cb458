"""`site.toml` → `SiteConfig`: every setting validated, every one with a documented default."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.errors import ConfigError

CONFIG_FILE = "site.toml"


@dataclass(frozen=True)
class Paths:
    """Where things live, relative to the project root."""

    inbox: str = "content/inbox"
    articles: str = "content/articles"
    output: str = "site"
    themes: str = "themes"
    templates: str = "templates"


@dataclass(frozen=True)
class LLMSettings:
    """An optional OpenAI-compatible chat endpoint (llama.cpp, Ollama, ...) for summaries and titles.

    Empty `endpoint` (the default) means the extractive summariser alone is used.
    """

    endpoint: str = ""
    model: str = ""
    api_key_env: str = ""
    timeout: int = 60

    @property
    def enabled(self) -> bool:
        """Whether an endpoint is configured."""
        return bool(self.endpoint)


@dataclass(frozen=True)
class SiteConfig:
    """The validated settings of one site; see the README's settings table."""

    title: str = "Broadsheet"
    description: str = "A digest of the news, grouped by story."
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    author: str = ""
    summary_sentences: int = 3
    feed_items: int = 50
    home_events: int = 20
    # A person or topic gets its own page once this many articles name it.
    name_page_min_articles: int = 2
    event_window_days: int = 10
    # Processes for the per-article stages and rendering; 0 means one per CPU core.
    workers: int = 0
    paths: Paths = field(default_factory=Paths)
    llm: LLMSettings = field(default_factory=LLMSettings)

    @cached_property
    def zone(self) -> ZoneInfo:
        """The site's time zone, for dates without one."""
        return ZoneInfo(self.timezone)

    # Templates ask for it on every link: parsed once per settings object (fields are frozen).
    @cached_property
    def base_path(self) -> str:
        """The path part of `base_url`, always starting and ending with '/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def process_count(self) -> int:
        """How many processes the parallel stages use."""
        if self.workers:
            return self.workers
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:
            return os.cpu_count() or 1

    def absolute_url(self, site_path: str) -> str:
        """The absolute URL of a page given by its path inside the site."""
        return self.base_url + site_path.lstrip("/")


_INT_RANGES: dict[str, tuple[int, int]] = {
    "summary_sentences": (1, 10),
    "feed_items": (1, 100_000),
    "home_events": (1, 1000),
    "name_page_min_articles": (1, 1_000_000),
    "event_window_days": (0, 3650),
    "workers": (0, 1024),
}


def normalise_base_url(value: str, key: str = "base_url") -> str:
    """Check that a base URL is absolute http(s) and give it a trailing slash."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{key}: must be an absolute http(s) URL such as https://example.org/news/, got {value!r}"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"{key}: must not carry a query or fragment, got {value!r}")
    return value.rstrip("/") + "/"


def _check_type(key: str, value: Any, expected: type) -> None:
    if expected is int and isinstance(value, bool):
        raise ConfigError(f"{key}: expected an integer, got {value!r}")
    if not isinstance(value, expected):
        raise ConfigError(f"{key}: expected {expected.__name__}, got {type(value).__name__} {value!r}")


def config_from_mapping(data: dict[str, Any]) -> SiteConfig:
    """Validate a parsed `site.toml` mapping; raise ConfigError naming the bad key."""
    known = {f.name: f for f in fields(SiteConfig)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{key}: unknown setting (known: {', '.join(sorted(known))})")
        if key == "paths":
            values["paths"] = _paths_from_mapping(value)
            continue
        if key == "llm":
            values["llm"] = _llm_from_mapping(value)
            continue
        expected = int if key in _INT_RANGES else str
        _check_type(key, value, expected)
        values[key] = value
    config = replace(SiteConfig(), **values)
    for key, (low, high) in _INT_RANGES.items():
        number = getattr(config, key)
        if not low <= number <= high:
            raise ConfigError(f"{key}: must be between {low} and {high}, got {number}")
    if not config.title.strip():
        raise ConfigError("title: must not be empty")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"timezone: unknown time zone {config.timezone!r} (use an IANA name like Europe/London)"
        ) from None
    if not config.language or not all(part.isalnum() for part in config.language.split("-")):
        raise ConfigError(f"language: expected a language tag like 'en' or 'en-GB', got {config.language!r}")
    if not config.theme or "/" in config.theme or config.theme.startswith("."):
        raise ConfigError(f"theme: expected the name of a folder under themes/, got {config.theme!r}")
    return replace(config, base_url=normalise_base_url(config.base_url))


def _llm_from_mapping(value: Any) -> LLMSettings:
    if not isinstance(value, dict):
        raise ConfigError(f"llm: expected a table, got {value!r}")
    known = {f.name: f for f in fields(LLMSettings)}
    for key, item in value.items():
        if key not in known:
            raise ConfigError(f"llm.{key}: unknown setting (known: {', '.join(sorted(known))})")
        _check_type(f"llm.{key}", item, int if key == "timeout" else str)
    settings = LLMSettings(**value)
    if settings.endpoint:
        normalise_base_url(settings.endpoint, "llm.endpoint")
        if not settings.model:
            raise ConfigError(
                "llm.model: required when llm.endpoint is set (the model name the server expects)"
            )
    if not 1 <= settings.timeout <= 600:
        raise ConfigError(f"llm.timeout: must be between 1 and 600 seconds, got {settings.timeout}")
    return settings


def _paths_from_mapping(value: Any) -> Paths:
    if not isinstance(value, dict):
        raise ConfigError(f"paths: expected a table, got {value!r}")
    known = {f.name for f in fields(Paths)}
    for key, item in value.items():
        if key not in known:
            raise ConfigError(f"paths.{key}: unknown setting (known: {', '.join(sorted(known))})")
        _check_type(f"paths.{key}", item, str)
        if not item or Path(item).is_absolute() or ".." in Path(item).parts:
            raise ConfigError(f"paths.{key}: must be a relative path inside the project, got {item!r}")
    return Paths(**value)


def load_config(project_root: Path) -> SiteConfig:
    """Read `site.toml` from the project root; a missing file means all defaults."""
    path = project_root / CONFIG_FILE
    if not path.exists():
        return SiteConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{CONFIG_FILE}: not valid TOML: {error}") from None
    return config_from_mapping(data)
