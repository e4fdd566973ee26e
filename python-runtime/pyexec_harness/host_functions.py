"""`pyexec_host`: the functions the host gave a call, callable from its Python.

Arguments and values cross as JSON (bytes, NaN, Infinity and objects do not: TypeError or
ValueError before anything is sent). A call blocks until the host answers; a host function
that rejects raises HostFunctionError with its message. Only the functions given to the
running call exist: another name raises AttributeError (ImportError in `from ... import`),
listing the names that do."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import json
import opcode
import sys

from . import codec
from .host_requests import CallEnded, requests

_IMPORT_FROM = opcode.opmap["IMPORT_FROM"]
_getframe = sys._getframe


class HostFunctionError(Exception):
    """A host function failed (it threw or rejected), or could not be called."""


def _refuse(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError("bytes do not cross to the host: arguments are JSON; pass text (base64 for binary data)")
    raise TypeError("%s is not JSON: host function arguments are JSON (dict, list, str, int, float, bool, None)" % type(value).__name__)


_encode = json.JSONEncoder(allow_nan=False, separators=(",", ":"), default=_refuse).encode


def call_host(name, args, kwargs):
    if name not in requests.functions:
        raise HostFunctionError("the host function %r is not given to this call" % (name,))
    try:
        payload = _encode([list(args), kwargs])
    except ValueError as exc:  # NaN or Infinity (allow_nan=False), or a cycle
        raise ValueError("%s(...): %s (host function arguments are JSON)" % (name, exc)) from None
    try:
        reply = requests.ask({"kind": "function", "name": name, "args": payload})
    except CallEnded as ended:
        raise HostFunctionError("%s(...): %s" % (name, ended)) from None
    if reply.get("ok") is not True:
        raise HostFunctionError(str(reply.get("error") or "the host function failed"))
    value = reply.get("value")
    return None if value is None else codec.decode(value)


class HostFunction:
    """A function of the host, as `pyexec_host.<name>` gives it."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    @property
    def __name__(self):
        return self._name

    def __repr__(self):
        return "<host function %s>" % (self._name,)

    def __call__(self, *args, **kwargs):
        return call_host(self._name, args, kwargs)


def _attribute(name):
    # The module's __getattr__: the running call's functions, looked up when asked for.
    if name in requests.functions:
        return HostFunction(name)
    if name.startswith("__"):
        raise AttributeError(name)  # probes by import machinery and tools (__path__, __wrapped__)
    given = ", ".join(sorted(requests.functions)) or "none (the call was given no functions)"
    text = "pyexec_host has no function %r; this call has: %s" % (name, given)
    if _importing_from(_getframe(1)):
        raise ImportError(text, name="pyexec_host")
    raise AttributeError(text)


def _importing_from(frame):
    # `from pyexec_host import x` calls this from the IMPORT_FROM instruction: there an
    # AttributeError would become an ImportError without the list of names.
    try:
        return frame.f_code.co_code[frame.f_lasti] == _IMPORT_FROM
    except (AttributeError, IndexError, TypeError):
        return False


def fill_module(module):
    module.__doc__ = "The functions the host gave this call (pyexec's `functions` option)."
    module.HostFunctionError = HostFunctionError
    module.__getattr__ = _attribute
    module.__dir__ = lambda: sorted(requests.functions) + ["HostFunctionError"]
