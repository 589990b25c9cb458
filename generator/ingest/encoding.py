"""Turn raw bytes into text: byte-order marks, UTF-8, declared charsets, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from generator.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)
# Control characters other than tab/newline/CR/form feed are a sign of binary data or a wrong guess.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# Control bytes other than tab, newline, form feed and return, as bytes.translate takes them:
# dropping them counts them in C.
_CONTROL_BYTE_STRING = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}))
# Multi-byte encodings the detector recognises reliably; for single-byte Latin code pages its
# guesses between cp1252, latin-1, cp1250... are close to chance on short texts.
_CJK_ENCODINGS = frozenset(
    {
        "shift_jis",
        "cp932",
        "euc_jp",
        "iso2022_jp",
        "gb2312",
        "gbk",
        "gb18030",
        "big5",
        "big5hkscs",
        "euc_kr",
        "cp949",
        "johab",
    }
)
_NON_LATIN_LANGUAGES = frozenset(
    {
        "Russian",
        "Ukrainian",
        "Bulgarian",
        "Serbian",
        "Macedonian",
        "Belarusian",
        "Greek",
        "Hebrew",
        "Arabic",
        "Persian",
        "Thai",
        "Kazakh",
    }
)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTE_STRING))
    return sample.count(b"\x00") > len(sample) // 100 or controls > len(sample) // 20


def _guess_encoding(data: bytes) -> str | None:
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        return None
    if best.encoding in _CJK_ENCODINGS or _NON_LATIN_LANGUAGES & set(best.languages):
        return str(best.encoding)
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return str(best.encoding)
    # Most legacy-encoded Western web text is Windows-1252 (a superset of latin-1's printable range).
    return "cp1252"


def decode_bytes(data: bytes, path: str, *, markup: bool = False) -> str:
    """Decode a raw file's bytes to text, or raise InputError saying why it is not text.

    Order of evidence: a byte-order mark, valid UTF-8, a charset declared in the markup
    (HTML/XML only), then statistical detection. NUL bytes in otherwise readable text are removed.
    """
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            return _finish(data.decode(bom_encoding, errors="replace"), path)
    if _looks_binary(data):
        raise InputError(path, "binary data, not text (is it an image or archive with a text extension?)")
    try:
        return _finish(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    if markup:
        declared = _declared_charset(data)
        if declared and declared not in ("utf-8", "utf_8"):
            try:
                return _finish(data.decode(declared), path)
            except UnicodeDecodeError:
                pass
    encoding = _guess_encoding(data)
    if encoding is None:
        raise InputError(path, "cannot tell the text encoding (not UTF-8 and no other encoding fits)")
    return _finish(data.decode(encoding, errors="replace"), path)


def _finish(text: str, path: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    controls = len(_CONTROL.findall(text[:20_000]))
    if controls > max(8, len(text[:20_000]) // 50):
        raise InputError(path, "binary data, not text (many control characters)")
    return _CONTROL.sub("", text)
