"""A call's value as JSON, when it is plain data: what the host gives as `result.valueJson`.

Only exact built-in types are taken (dict with str keys, list, str, int, float, bool, None), so
no user code runs here (no __eq__, __iter__ or __repr__ of theirs) and no subclass can pass one
thing off as another. Ints beyond 2**53 and non-finite floats have no faithful JSON number for a
JavaScript reader: the value is then not plain. A cycle, or more than _MAX_NODES values, ends the
walk: not plain either."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import json
import math

_MAX_NODES = 1_000_000
_SAFE_INT = 2**53
_encode = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"), check_circular=False).encode
_isfinite = math.isfinite
_encode_string = json.encoder.encode_basestring_ascii  # pyright: ignore[reportAttributeAccessIssue]


def plain_json(value, limit):
    """`value` as JSON text, or None when it is not plain data or its text is past `limit` bytes."""
    kind = type(value)
    if kind is int and -_SAFE_INT <= value <= _SAFE_INT:
        text = int.__repr__(value)  # the most common value costs a repr, not a walk
    elif kind is str:
        text = _encode_string(value)
    elif not _is_plain(value):
        return None
    else:
        text = _encode(value)
    return text if len(text) <= limit else None


def _is_plain(value):
    pending = [value]
    nodes = 0
    while pending:
        item = pending.pop()
        nodes += 1
        if nodes > _MAX_NODES:
            return False
        kind = type(item)
        if item is None or kind is str or kind is bool:
            continue
        if kind is int:
            if -_SAFE_INT <= item <= _SAFE_INT:
                continue
            return False
        if kind is float:
            if _isfinite(item):
                continue
            return False
        if kind is list:
            pending.extend(item)
        elif kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            pending.extend(item.values())
        else:
            return False
    return True
