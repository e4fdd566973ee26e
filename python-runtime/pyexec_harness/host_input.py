"""input(), sys.stdin and getpass for a call whose host answers them (the onInput option).

Each read asks the host with its prompt; the answer is one line. The host may end the input
(its callback gave null, threw, or gave something that is not text): input() then raises
EOFError and readline() returns "", as at the end of a file. Without onInput nothing changes:
input() reads sys.stdin (the call's stdin option, or /dev/null)."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import builtins
import io
import sys

from .host_requests import CallEnded, requests

_builtin_input = builtins.input


def ask_line(prompt, password=False):
    """The host's answer as a line (ending in a newline), or "" once the host ends the input."""
    try:
        reply = requests.ask({"kind": "input", "prompt": prompt, "password": password})
    except CallEnded:
        return ""
    answer = reply.get("value")
    if reply.get("ok") is not True or type(answer) is not str:
        return ""
    return answer if answer.endswith("\n") else answer + "\n"


def host_input(prompt=""):
    """builtins.input: asks the host when the call has onInput, else Python's own input()."""
    if not requests.answers_input:
        return _builtin_input(prompt)
    text = str(prompt)
    if text:  # shown where a terminal would show it, as python3 prints it on stdout
        sys.stdout.write(text)
    line = ask_line(text)
    if not line:
        raise EOFError("EOF when reading a line (the host ended the input)")
    return line[:-1]


def host_getpass(prompt="Password: ", stream=None):
    """getpass.getpass for a call with onInput: asks the host (the answer is not echoed)."""
    if not requests.answers_input:
        return _original_getpass[0](prompt, stream)
    line = ask_line(str(prompt), password=True)
    if not line:
        raise EOFError("EOF when reading a password (the host ended the input)")
    return line[:-1]


_original_getpass = []


def patch_getpass(module):
    """Once getpass is imported (import_hooks.py)."""
    if module.getpass is not host_getpass:
        _original_getpass[:] = [module.getpass]
        module.getpass = host_getpass


class HostStdin(io.TextIOBase):
    """sys.stdin of a call with onInput: each line is asked of the host."""

    def __init__(self):
        self._ended = False

    @property
    def name(self):
        return "<stdin>"

    @property
    def encoding(self):  # pyright: ignore[reportIncompatibleVariableOverride]  (read-only, as TextIOWrapper's)
        return "utf-8"

    def readable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        return 0  # what processes the call starts read: /dev/null, as without onInput

    def readline(self, size=-1):
        if self._ended:
            return ""
        line = ask_line("")
        if not line:
            self._ended = True
        if size is not None and size >= 0:
            line = line[:size]
        return line

    def read(self, size=-1):  # pyright: ignore[reportIncompatibleMethodOverride]  (None is taken too)
        parts = []
        taken = 0
        while size is None or size < 0 or taken < size:
            line = self.readline()
            if not line:
                break
            parts.append(line)
            taken += len(line)
        text = "".join(parts)
        return text if size is None or size < 0 else text[:size]

    def readlines(self, hint=-1):
        return list(iter(self.readline, ""))


def install():
    builtins.input = host_input
    getpass = sys.modules.get("getpass")
    if getpass is not None:
        patch_getpass(getpass)
