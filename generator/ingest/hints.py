"""Known metadata that comes with a raw file: a `<file>.meta.yaml` sidecar or front matter.

Recognised keys (all optional): `title`, `date`, `source`, `url`, `author`, `event`, `tags`, and
`also_published` (other outlets that published the same text: a list of `{source, url}`).
Unknown keys are ignored; a key with the wrong type is reported naming the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

from generator.errors import InputError
from generator.model import Hints, Publisher

SIDECAR_SUFFIX = ".meta.yaml"
_TEXT_KEYS = ("title", "source", "url", "author", "event")


def parse_date(value: Any, zone: tzinfo) -> datetime | None:
    """Read a date given as a YAML date/datetime, ISO 8601 or RFC 822 string; naive times get `zone`."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time(0, 0))
    elif isinstance(value, str):
        parsed = _parse_date_string(value.strip())
    else:
        raise ValueError(f"expected a date, got {type(value).__name__}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _parse_date_string(text: str) -> datetime:
    iso = re.sub(r"Z$", "+00:00", text)
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"not a date in ISO 8601 (2025-04-19) or RFC 822 form: {text!r}") from None


def hints_from_mapping(data: Mapping[str, Any], path: str, zone: tzinfo = UTC) -> Hints:
    """Validate a metadata mapping (sidecar or front matter) into Hints, naming any bad key."""
    values: dict[str, Any] = {}
    for key in _TEXT_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise InputError(path, f"metadata key {key!r}: expected text, got {type(value).__name__}")
        if value.strip():
            values[key] = value.strip()
    tags = data.get("tags")
    if tags is not None:
        if isinstance(tags, str):
            tags = [t for t in re.split(r"\s*,\s*", tags) if t]
        if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
            raise InputError(path, "metadata key 'tags': expected a list of words")
        values["tags"] = tuple(str(t).strip() for t in tags if str(t).strip())
    if data.get("also_published") is not None:
        values["also_published"] = publishers_from_value(data["also_published"], path, "metadata")
    if "date" in data:
        try:
            parsed = parse_date(data["date"], zone)
        except ValueError as error:
            raise InputError(path, f"metadata key 'date': {error}") from None
        if parsed is not None:
            values["date"] = parsed
            values["date_source"] = "given"
    return Hints(**values)


def publishers_from_value(value: Any, path: str, what: str = "metadata") -> tuple[Publisher, ...]:
    """Read an `also_published` list: each item `{source: name, url: link}` or just a name."""
    if not isinstance(value, list):
        raise InputError(path, f"{what} key 'also_published': expected a list of {{source, url}}")
    found: dict[tuple[str, str | None], Publisher] = {}
    for item in value:
        if isinstance(item, str) and item.strip():
            publisher = Publisher(item.strip())
        elif isinstance(item, dict) and isinstance(item.get("source"), str) and item["source"].strip():
            url = item.get("url")
            url = url.strip() if isinstance(url, str) and url.strip() else None
            publisher = Publisher(item["source"].strip(), url)
        else:
            raise InputError(path, f"{what} key 'also_published': each item needs a source name")
        found.setdefault((publisher.source, publisher.url), publisher)
    return tuple(found.values())
