"""robots.txt as RFC 9309 reads it: groups per user agent, `*` and `$` in paths, longest match wins.

Python's `urllib.robotparser` predates the RFC: it ignores the `*` and `$` wildcards (so
`Disallow: /*.pdf$` forbids nothing) and obeys the first matching line rather than the most
specific one (so `Allow: /news/` after `Disallow: /` is never reached). Both are common in real
robots.txt files, and getting them wrong means fetching what a site asked us not to.

The rules that apply to us are those of every group naming our product token (case-insensitive),
else those of the `*` groups. Among the rules whose pattern matches the URL's path and query,
the longest pattern wins; at equal length `Allow` wins. `/robots.txt` itself is always allowed.
`Crawl-delay` is not in the RFC but widely used; it is read from the same groups.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit


@dataclass(frozen=True)
class Rule:
    """One Allow or Disallow line."""

    allow: bool
    pattern: str

    def matches(self, path: str) -> bool:
        """Whether the pattern matches the start of `path` (`*` any run, `$` the end)."""
        return _compiled(self.pattern).match(path) is not None


@dataclass
class Group:
    """The user agents of one group and the lines that follow them."""

    agents: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None


@dataclass(frozen=True)
class RobotsTxt:
    """A parsed robots.txt."""

    groups: tuple[Group, ...] = ()

    def _groups_for(self, product: str) -> list[Group]:
        product = product.lower()
        named = [g for g in self.groups if any(a != "*" and product_token(a) == product for a in g.agents)]
        return named or [g for g in self.groups if "*" in g.agents]

    def allowed(self, url: str, product: str) -> bool:
        """Whether the crawler named `product` may fetch `url`."""
        parts = urlsplit(url)
        path = _normalise((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if path == "/robots.txt":
            return True
        best: Rule | None = None
        for group in self._groups_for(product):
            for rule in group.rules:
                if not rule.matches(path):
                    continue
                if (
                    best is None
                    or len(rule.pattern) > len(best.pattern)
                    or (len(rule.pattern) == len(best.pattern) and rule.allow and not best.allow)
                ):
                    best = rule
        return best is None or best.allow

    def crawl_delay(self, product: str) -> float | None:
        """The largest Crawl-delay of the groups that apply, if any."""
        delays = [g.crawl_delay for g in self._groups_for(product) if g.crawl_delay is not None]
        return max(delays) if delays else None


def parse_robots(text: str) -> RobotsTxt:
    """Read robots.txt text; lines it does not understand are ignored, as the RFC asks."""
    groups: list[Group] = []
    current: Group | None = None
    in_agents = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, colon, value = line.partition(":")
        if not colon:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if current is None or not in_agents:
                current = Group()
                groups.append(current)
            current.agents.append(value.lower())
            in_agents = True
            continue
        in_agents = False
        if current is None:
            continue
        if key in ("allow", "disallow") and value:
            current.rules.append(Rule(key == "allow", _normalise(value)))
        elif key == "crawl-delay":
            with contextlib.suppress(ValueError):
                current.crawl_delay = float(value)
    return RobotsTxt(tuple(groups))


def product_token(user_agent: str) -> str:
    """The product name a robots.txt group would name us by: "Broadsheet/0.1 (...)" → "broadsheet"."""
    return re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0].lower()


def _normalise(path: str) -> str:
    # Compare paths with percent-escapes in one form: decoded, then re-encoded the same way.
    return quote(unquote(path), safe="/?=&*$:@!,;+~-._%")


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _PATTERNS.get(pattern)
    if found is None:
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        regex = ".*".join(re.escape(piece) for piece in body.split("*")) + ("$" if anchored else "")
        found = _PATTERNS[pattern] = re.compile(regex)
    return found
