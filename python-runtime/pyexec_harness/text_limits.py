"""Cutting text at a byte limit: maxOutputBytes counts UTF-8 bytes, whatever the text holds."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401


def utf8_size(text):
    """Bytes of `text` in UTF-8 (a lone surrogate, which user code may print, counts 3)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def cut_utf8(text, limit):
    """The longest prefix of `text` within `limit` UTF-8 bytes, never ending mid-character."""
    if len(text) <= limit and (text.isascii() or len(text) * 4 <= limit):
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    end = max(0, limit)
    while end > 0 and data[end] & 0xC0 == 0x80:  # a continuation byte: the character started earlier
        end -= 1
    return data[:end].decode("utf-8", "surrogatepass")


def drop_utf8_front(text, count):
    """`text` without its first `count` UTF-8 bytes, and no part of a character cut there."""
    if text.isascii():
        return text[count:]
    data = text.encode("utf-8", "surrogatepass")
    start = min(count, len(data))
    while start < len(data) and data[start] & 0xC0 == 0x80:  # inside the character it cut
        start += 1
    return data[start:].decode("utf-8", "surrogatepass")
