"""Safe, stable slugs: lowercase ASCII words joined by hyphens, never empty, never a path."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

MAX_SLUG_LENGTH = 80
# Names that break on some file systems or collide with the site's own files.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "index", "static", "pagefind", "feed", "atom", "search", "404"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_SLUG_WORD = re.compile(r"[a-z0-9]+")


# Templates ask for the slug of the same tag, person or source on thousands of pages.
@lru_cache(maxsize=65536)
def slugify(text: str, max_length: int = MAX_SLUG_LENGTH, fallback_prefix: str = "item") -> str:
    """Make a URL- and file-safe slug from any text.

    Accents are folded to ASCII; anything else that is not a letter or digit becomes a hyphen.
    Text with no usable characters (emoji, CJK) gets a short hash so that the slug is still
    stable and distinct. Reserved names get a suffix.
    """
    if text.isascii():
        # Nothing to decompose or fold (most names and titles): the per-character pass is skipped.
        folded = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        # Accents (combining marks) vanish; any other non-ASCII character separates words.
        folded = "".join(
            "" if unicodedata.combining(char) else char if char.isascii() else " " for char in decomposed
        ).lower()
    words = _SLUG_WORD.findall(folded)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    if not slug:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{fallback_prefix}-{digest}"
    if slug in _RESERVED:
        slug = f"{slug}-{fallback_prefix}"
    return slug


def is_safe_slug(value: str) -> bool:
    """Whether a user-given slug can be used as it is (it would slugify to itself)."""
    return bool(value) and slugify(value) == value
