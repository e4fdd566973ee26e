"""Turns an object into a MIME bundle as IPython's formatters do, without IPython.

`_repr_mimebundle_` first, then each `_repr_<type>_` method for the types it did not give, and
`text/plain` (the repr) always. A method that raises or returns the wrong type is left out with
a note (the caller puts it on the call's stderr): a display never fails a call. Binary types
(PNG, JPEG, PDF) are base64 text; JSON is JSON text: a bundle maps MIME types to strings."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import json
from binascii import b2a_base64

from ..text_limits import utf8_size

# In IPython's order of precedence (the order a front end picks from).
REPR_METHODS = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("application/pdf", "_repr_pdf_"),
    ("application/json", "_repr_json_"),
    ("text/latex", "_repr_latex_"),
    ("application/javascript", "_repr_javascript_"),
)
BINARY_TYPES = frozenset(("image/png", "image/jpeg", "image/gif", "application/pdf"))
_JSON_TYPES = frozenset(("application/json",))
# Objects whose __getattr__ answers any name (mocks, proxies) would claim every repr: IPython
# asks for this name first, and so do we.
_CANARY = "_ipython_canary_method_should_not_exist_"
# Exact types that have no _repr_*_ method: the value of most calls skips the lookups.
_PLAIN_TYPES = frozenset((int, float, str, bool, type(None), list, tuple, dict, set, frozenset, bytes, complex))
_encode_json = json.JSONEncoder(allow_nan=False, separators=(",", ":")).encode
_object_repr = object.__repr__


def plain_text(obj, note):
    """repr(obj); when that raises, the repr object itself gives, with a note."""
    try:
        text = repr(obj)
        if type(text) is str:
            return text
        note("%s.__repr__ returned %s, not str" % (_type_name(obj), _type_name(text)))
    except Exception as exc:
        note("%s.__repr__ raised %s" % (_type_name(obj), _describe(exc)))
    return _object_repr(obj)


def has_rich_repr(obj):
    """Whether formatting `obj` may give more than text/plain (cheap for plain data)."""
    return type(obj) not in _PLAIN_TYPES and not isinstance(obj, type)


def format_bundle(obj, note, include=None, exclude=None, plain=None):
    """(data, metadata) of `obj`. note(text) receives what was left out and why. `plain`: its
    text/plain when the caller already has the repr."""
    data = {}
    metadata = {}
    if has_rich_repr(obj) and _lookup(obj, _CANARY) is None:
        _from_mimebundle(obj, note, include, exclude, data, metadata)
        for mime, name in REPR_METHODS:
            if mime in data or not _wanted(mime, include, exclude):
                continue
            method = _lookup(obj, name)
            if method is None:
                continue
            try:
                got = method()
            except Exception as exc:
                note("%s.%s raised %s; %s left out" % (_type_name(obj), name, _describe(exc), mime))
                continue
            _take(mime, got, "%s.%s" % (_type_name(obj), name), note, data, metadata)
    if "text/plain" not in data and _wanted("text/plain", include, exclude):
        data["text/plain"] = plain if plain is not None else plain_text(obj, note)
    return data, metadata


def bundle_size(data):
    """UTF-8 bytes of a bundle's contents (what counts against maxOutputBytes)."""
    return sum(utf8_size(value) for value in data.values())


def raw_bundle(obj, note):
    """display(..., raw=True): `obj` is a bundle already (MIME type -> content)."""
    data = {}
    if not isinstance(obj, dict):
        note("display(raw=True) takes a dict of MIME type to content, got %s; left out" % _type_name(obj))
        return data
    for mime, value in obj.items():
        if type(mime) is not str:
            note("display(raw=True): a MIME type must be a str, got %s; left out" % _type_name(mime))
            continue
        _take(mime, value, "display(raw=True)", note, data, {})
    return data


def _from_mimebundle(obj, note, include, exclude, data, metadata):
    method = _lookup(obj, "_repr_mimebundle_")
    if method is None:
        return
    where = "%s._repr_mimebundle_" % _type_name(obj)
    try:
        got = method(include=include, exclude=exclude)
    except Exception as exc:
        note("%s raised %s; left out" % (where, _describe(exc)))
        return
    if got is None:
        return
    extra = None
    if isinstance(got, tuple) and len(got) == 2:
        got, extra = got
    if not isinstance(got, dict):
        note("%s returned %s, not a dict; left out" % (where, _type_name(got)))
        return
    for mime, value in got.items():
        if type(mime) is str and _wanted(mime, include, exclude):
            _take(mime, value, where, note, data, metadata)
    if isinstance(extra, dict):
        for mime, value in extra.items():
            if type(mime) is str and mime in data and isinstance(value, dict):
                metadata[mime] = plain_metadata(value)


def _take(mime, got, where, note, data, metadata):
    # A (content, metadata) pair is IPython's way of giving metadata along (an image's size).
    if isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict):
        got, extra = got
        metadata_value = plain_metadata(extra)
    else:
        metadata_value = None
    if got is None:
        return
    text = _as_text(mime, got)
    if text is None:
        note("%s gave %s for %s, which takes %s; left out" % (where, _type_name(got), mime, _expected(mime)))
        return
    data[mime] = text
    if metadata_value:
        metadata[mime] = metadata_value


def _as_text(mime, got):
    if mime in BINARY_TYPES:
        if isinstance(got, (bytes, bytearray, memoryview)):
            return b2a_base64(bytes(got), newline=False).decode("ascii")
        return got.strip() if type(got) is str else None  # base64 already (IPython accepts it)
    if mime in _JSON_TYPES or mime.endswith("+json"):
        if type(got) is str:
            return got
        try:
            return _encode_json(got)
        except (TypeError, ValueError, RecursionError):
            return None
    if isinstance(got, str):
        return str(got)
    if isinstance(got, (bytes, bytearray)):
        try:
            return bytes(got).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def plain_metadata(value):
    # Metadata crosses as JSON: what does not encode is left out rather than failing the display.
    try:
        _encode_json(value)
    except (TypeError, ValueError, RecursionError):
        return {}
    return value


def _expected(mime):
    if mime in BINARY_TYPES:
        return "bytes or base64 text"
    if mime in _JSON_TYPES:
        return "JSON data"
    return "str"


def _wanted(mime, include, exclude):
    if include is not None and mime not in include:
        return False
    return exclude is None or mime not in exclude


def _lookup(obj, name):
    # A failing property or __getattr__ means "no such repr", as in IPython.
    try:
        method = getattr(obj, name, None)
    except Exception:
        return None
    return method if callable(method) else None


def _type_name(obj):
    return type(obj).__name__


def _describe(exc):
    try:
        text = str(exc)
    except Exception:  # an exception whose __str__ raises too: its type says enough
        text = ""
    return "%s: %s" % (type(exc).__name__, text[:200]) if text else type(exc).__name__
