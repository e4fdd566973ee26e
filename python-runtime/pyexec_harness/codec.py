"""A private JSON codec for the protocol channel.

Built once from the C accelerator (_json), so user code that later replaces ``json.dumps``,
``json.JSONEncoder.encode`` or even ``sys.modules['json']`` cannot break it, and the harness
does not pay for importing ``json`` (and ``re``) at start. Pure-Python json is the fallback."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

from binascii import b2a_base64 as _b2a_base64

from . import compat

_CONSTANTS = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}
_INF = float("inf")


def _refuse(value):
    raise TypeError("protocol messages hold only JSON types, got " + type(value).__name__)


class _ScannerContext:
    """The attributes the C scanner reads from a JSONDecoder, without importing json."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _CONSTANTS.__getitem__
    memo = None

    def __init__(self):
        self.memo = {}


def _build_encoder():
    iterencode = compat.json_encoder(_refuse)
    if iterencode is None:  # an interpreter without the accelerator: still private, just slower
        import json.encoder

        return json.encoder.JSONEncoder(separators=(",", ":"), check_circular=False).encode
    join = "".join

    def encode(message):
        return join(iterencode(message, 0))

    return encode


def _build_decoder():
    scan_once = compat.json_scanner(_ScannerContext())
    if scan_once is None:
        import json.decoder

        return json.decoder.JSONDecoder().decode

    def decode(text):
        try:
            value, end = scan_once(text, 0)
        except StopIteration as missing:
            raise ValueError("no JSON value at column %d" % missing.value) from None
        if end != len(text):
            raise ValueError("unexpected data after the JSON value at column %d" % end)
        return value

    return decode


def _build_result_encoder(generic):
    """The message every call ends with, formatted directly when it is plain (ok, no figures):
    about 3x faster than the generic encoder, which walks the dict key by key. Same bytes."""
    escape = compat.json_string_escaper()
    if escape is None:
        return generic
    plain = '{"type":"result","id":%s,"status":"ok",%s%s"stdout":%s,"stderr":%s,"figures":[]%s}'
    usage_format = ',"usage":{"cpuUserMs":%s,"cpuSystemMs":%s,"maxRssMb":%s}'
    float_repr = float.__repr__  # a finite float's repr is a JSON number

    def encode(message):
        figures = message.get("figures")
        if message.get("type") != "result" or message.get("status") != "ok" or type(figures) is not list or figures:
            return generic(message)
        value = message.get("value")
        as_json = message.get("valueJson")
        usage = message.get("usage")
        size = 6 + (value is not None) + (as_json is not None) + (usage is not None)
        if len(message) != size or not (value is None or type(value) is str) or not (as_json is None or type(as_json) is str):
            return generic(message)
        try:
            if usage is None:
                usage_text = ""
            else:
                numbers = (usage["cpuUserMs"], usage["cpuSystemMs"], usage["maxRssMb"])
                if len(usage) != 3 or not all(type(number) is float and number == number and number != _INF for number in numbers):
                    return generic(message)
                usage_text = usage_format % tuple(float_repr(number) for number in numbers)
            return plain % (
                escape(message["id"]),
                "" if as_json is None else '"valueJson":%s,' % escape(as_json),
                "" if value is None else '"value":%s,' % escape(value),
                escape(message["stdout"]),
                escape(message["stderr"]),
                usage_text,
            )
        except (KeyError, TypeError):  # a field of another type: the generic encoder says why
            return generic(message)

    return encode


# ASCII-only output: the channel is written as bytes without an encoding step that could fail.
_generic_encode = _build_encoder()
encode = _build_result_encoder(_generic_encode)
decode = _build_decoder()

# JSON escapes a control character to 6 bytes (\u0001) and an emoji to 12: a large text field
# crosses as base64 of its UTF-8 bytes (4/3 of them) whenever that is shorter, so the channel
# carries at most about 4/3 of what maxOutputBytes lets through, whatever the text holds.
_PACK_FROM = 1 << 16  # characters of a line (and of an escaped field): smaller ones stay readable
_PACKED_TEXTS = {
    "result": (("stdout",), ("stderr",), ("value",), ("error", "message"), ("error", "traceback")),
    "stream": (("text",),),
}


def encode_line(message):
    """One protocol line, as the bytes written to the channel."""
    line = encode(message)
    if len(line) > _PACK_FROM:
        line = _encode_packed(message, line)
    return (line + "\n").encode("ascii")


def _encode_packed(message, line):
    paths = _PACKED_TEXTS.get(message.get("type", "")) if type(message) is dict else None
    if paths is None:
        return line
    packed = dict(message)
    for path in paths:
        holder = packed
        if len(path) == 2:
            inner = holder.get(path[0])
            if type(inner) is not dict:
                continue
            holder = packed[path[0]] = dict(inner)
        text = holder.get(path[-1])
        if type(text) is str and len(text) * 12 >= _PACK_FROM:
            holder[path[-1]] = _pack(text)
    return encode(packed)


def _pack(text):
    """{"utf8": base64} (or {"utf16le": ...} for text holding lone surrogates, which UTF-8
    cannot carry) when shorter than the JSON escape of `text`; else `text` itself."""
    escaped_size = len(_generic_encode(text))
    if escaped_size < _PACK_FROM:
        return text
    try:
        data, encoding = text.encode("utf-8"), "utf8"
    except UnicodeEncodeError:
        data, encoding = text.encode("utf-16-le", "surrogatepass"), "utf16le"
    if (len(data) + 2) // 3 * 4 >= escaped_size:
        return text
    return {encoding: _b2a_base64(data, newline=False).decode("ascii")}
