"""Applies a call's environment variables for the duration of that call only."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os

_environ = os.environ


def apply_environment(overrides):
    """Sets the overrides (None unsets) and returns what restore_environment needs."""
    if not overrides:
        return None
    previous = {}
    for key, value in overrides.items():
        previous[key] = _environ.get(key)
        if value is None:
            _environ.pop(key, None)
        else:
            _environ[key] = value
    return previous


def restore_environment(previous):
    if not previous:
        return
    for key, value in previous.items():
        if value is None:
            _environ.pop(key, None)
        else:
            _environ[key] = value
