"""Article bodies, Markdown → HTML: markdown-it-py, with a shortcut for plain paragraphs.

Most bodies are what the digest wrote: plain paragraphs, with the few characters Markdown would
read as syntax escaped by a backslash. For such text CommonMark's answer is fixed: each paragraph
becomes `<p>…</p>` with `&`, `<`, `>` and `"` escaped. Parsing it with markdown-it-py took three
quarters of the time of an article page (4 ms of 5 ms at 10,000 articles). So text made only of
plain paragraphs is converted directly, and everything else (any emphasis, link, list, heading,
entity, code, hard break or odd whitespace) goes to markdown-it-py. The shortcut never changes the
output: a property test checks it against markdown-it-py on random and real text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

# Raw HTML is off: a `<script>` in an article shows as text.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

# A backslash before ASCII punctuation is an escape: the character itself.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Anything in the rest of the text that could be inline syntax, or changes how lines are read.
# An entity is what CommonMark reads as one: a name, or a decimal or hexadecimal number ("&#;" is
# text, and so shown by the shortcut).
_INLINE_SYNTAX = re.compile(
    r"[\\`*_\[\]<\t\r\0\x0b\x0c]|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)
# Line starts that open a block (heading, quote, list, rule, setext underline, fence, table-like).
_BLOCK_START = re.compile(r"[#>\-+*=_~|]|\d{1,9}[.)]")
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def plain_paragraphs_html(text: str) -> str | None:
    """The HTML of text made only of plain paragraphs, or None when it needs a Markdown parser."""
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in text.split("\n"):
        if not line:
            if lines:
                paragraphs.append("<p>" + "\n".join(lines) + "</p>\n")
                lines = []
            continue
        # Leading or trailing whitespace can mean code, a hard break or a blank line.
        if line != line.strip() or _BLOCK_START.match(line):
            return None
        pieces = _ESCAPE.split(line)
        # pieces alternate: text, escaped character, text, ...
        if any(_INLINE_SYNTAX.search(piece) for piece in pieces[::2]):
            return None
        lines.append("".join(piece.translate(_HTML_ESCAPES) for piece in pieces))
    if lines:
        paragraphs.append("<p>" + "\n".join(lines) + "</p>\n")
    return "".join(paragraphs)


def markdown_to_html(text: str) -> str:
    """CommonMark HTML of an article body (raw HTML shown as text)."""
    fast = plain_paragraphs_html(text)
    return fast if fast is not None else _MARKDOWN.render(text)
