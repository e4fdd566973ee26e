"""Files the host gives a call (`run(code, { files })`), written into its working directory
before its code runs. The host refuses names that are not plain relative paths; they are
checked here again, and the file itself is never written through a symlink (O_NOFOLLOW)."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
from binascii import a2b_base64

from .private_paths import relative_parts, write_all

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC


def write_call_files(files):
    """Writes each {path, text | base64} under the current directory; raises OSError (the
    call's error) when one cannot be written (a limit, a directory in the way)."""
    for entry in files:
        path = entry["path"]
        if len(relative_parts(path)) > 1:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        text = entry.get("text")
        data = text.encode("utf-8") if text is not None else a2b_base64(entry.get("base64") or "")
        fd = os.open(path, _FLAGS, 0o644)
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
