"""robots.txt read as RFC 9309 says, where Python's robotparser does not."""

from __future__ import annotations

import pytest

from generator.fetch.robots import parse_robots, product_token

SITE = """
# A news site's robots.txt, in the style seen on large publishers.
User-agent: *
Disallow: /
Allow: /news/
Disallow: /news/*?share=
Disallow: /*.pdf$
Allow: /news/archive$
Crawl-delay: 2

User-agent: BadBot
User-agent: broadsheet
Disallow: /members/
Allow: /members/free/
Crawl-delay: 5
"""


@pytest.mark.parametrize(
    ("path", "allowed_for_others", "allowed_for_us"),
    [
        ("/", False, True),  # '*' forbids everything, our own group does not
        ("/news/a-story.html", True, True),  # the longer Allow beats Disallow: /
        ("/news/a-story.html?share=twitter", False, True),  # '*' in the middle
        ("/news/report.pdf", False, True),  # '$': only paths ending in .pdf
        ("/news/report.pdf?page=2", True, True),
        ("/news/archive", True, True),
        ("/members/story", False, False),
        ("/members/free/story", False, True),  # longest match wins inside our group
        ("/robots.txt", True, True),  # always allowed
        ("/news/caf%C3%A9", True, True),
    ],
)
def test_wildcards_end_anchors_and_the_longest_match(
    path: str, allowed_for_others: bool, allowed_for_us: bool
) -> None:
    robots = parse_robots(SITE)
    assert robots.allowed("https://example.org" + path, "somebot") is allowed_for_others
    assert robots.allowed("https://example.org" + path, "broadsheet") is allowed_for_us


def test_our_group_is_found_by_product_token_and_gives_the_crawl_delay() -> None:
    robots = parse_robots(SITE)
    ua = "Broadsheet/0.1.0 (static news digest; desk@example.org)"
    assert product_token(ua) == "broadsheet"
    assert robots.crawl_delay(product_token(ua)) == 5.0
    assert robots.crawl_delay("somebot") == 2.0


def test_equal_length_allow_wins_and_empty_or_broken_lines_are_ignored() -> None:
    robots = parse_robots(
        "User-agent: *\nDisallow: /page\nAllow: /page\nDisallow:\nnonsense line\nCrawl-delay: soon\n"
    )
    assert robots.allowed("https://example.org/page", "x")
    assert robots.crawl_delay("x") is None
    assert parse_robots("").allowed("https://example.org/anything", "x")
    # Rules before any User-agent line belong to no group.
    assert parse_robots("Disallow: /\n").allowed("https://example.org/", "x")
