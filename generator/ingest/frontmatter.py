"""Front matter splitting that refuses what python-frontmatter quietly accepts (lists, scalars)."""

from __future__ import annotations

from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from generator.errors import InputError

_HANDLER = YAMLHandler()
# libyaml's parser is about twenty times faster than the pure-Python one, which dominated the
# load of a large site; PyYAML wheels ship it, and the pure parser stays as a fallback.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load` on libyaml where PyYAML has it (sidecars are read by the thousand)."""
    return yaml.load(text, Loader=_SAFE_LOADER)


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body); text without front matter gives an empty mapping.

    Raises InputError when the front matter is not YAML or not a mapping.
    """
    if not _HANDLER.detect(text):
        return {}, text
    try:
        front, body = _HANDLER.split(text)
        metadata = yaml.load(front, Loader=_SAFE_LOADER) if front.strip() else {}
    except (yaml.YAMLError, ValueError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(path, f"front matter is not valid YAML ({first})") from None
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise InputError(
            path, f"front matter must be a mapping of keys to values, not a {type(metadata).__name__}"
        )
    return {str(key): value for key, value in metadata.items()}, body
