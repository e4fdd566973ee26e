"""A private JSON codec for the protocol channel.

It is built once from the C accelerators' factories, so user code that later replaces
``json.dumps``, ``json.JSONEncoder.encode`` or even ``sys.modules['json']`` cannot break it."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import json.decoder as _decoder
import json.encoder as _encoder
import json.scanner as _scanner


def _refuse(value):
    raise TypeError("protocol messages hold only JSON types, got " + type(value).__name__)


def _build_encoder():
    make = _encoder.c_make_encoder
    if make is None:  # pure-Python fallback: still private, just slower
        return _encoder.JSONEncoder(separators=(",", ":"), check_circular=False).encode
    iterencode = make(None, _refuse, _encoder.encode_basestring_ascii, None, ":", ",", False, False, True)
    join = "".join

    def encode(message):
        return join(iterencode(message, 0))

    return encode


def _build_decoder():
    make = _scanner.c_make_scanner
    if make is None:
        return _decoder.JSONDecoder().decode
    scan_once = make(_decoder.JSONDecoder())

    def decode(text):
        value, end = scan_once(text, 0)
        if end != len(text):
            raise ValueError("unexpected data after the JSON value at column %d" % end)
        return value

    return decode


# ASCII-only output: the channel is written as bytes without an encoding step that could fail.
encode = _build_encoder()
decode = _build_decoder()
