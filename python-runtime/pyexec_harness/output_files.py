"""The files a call created or changed in its working directory (`collectFiles`): listed with
their size and time, and with their contents where the host's globs ask for them, within the
limits it gives (each file, and all together).

What was there before the call is noted when it begins (path, inode, size, time), so a file
counts as changed exactly when one of those differs at its end: file times come from a coarse
clock, which a comparison with the call's start time would get wrong. The walk never follows
a symlink (a symlink is reported as such, with its target) and stops after _MAX_ENTRIES."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import stat
from binascii import b2a_base64

from .private_paths import read_up_to

_MAX_ENTRIES = 10_000
_MAX_DEPTH = 32
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0)


def _walk(root):
    """{relative path: (inode, size, mtime_ns, is_symlink)} of the files and symlinks under root."""
    found = {}
    pending = [("", root, 0)]
    while pending and len(found) < _MAX_ENTRIES:
        prefix, directory, depth = pending.pop()
        try:
            entries = os.scandir(directory)
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                path = prefix + entry.name
                mode = info.st_mode
                if stat.S_ISDIR(mode):
                    if depth < _MAX_DEPTH:
                        pending.append((path + "/", entry.path, depth + 1))
                elif stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                    found[path] = (info.st_ino, info.st_size, info.st_mtime_ns, stat.S_ISLNK(mode))
                    if len(found) >= _MAX_ENTRIES:
                        break
    return found


class OutputFiles:
    """One call's: made when it begins, collect() at its end."""

    def __init__(self, request):
        self._root = os.getcwd()
        patterns = request.get("patterns")
        self._patterns = None if patterns is None else tuple(patterns)  # None: every file's contents
        self._max_file = request["maxFileBytes"]
        self._max_total = request["maxTotalBytes"]
        self._before = _walk(self._root)

    def collect(self):
        """(entries, truncated): what changed, and whether anything was left out."""
        after = _walk(self._root)
        truncated = len(after) >= _MAX_ENTRIES
        room = self._max_total
        entries = []
        for path in sorted(after):
            state = after[path]
            if self._before.get(path) == state:
                continue
            _inode, size, mtime_ns, is_symlink = state
            entry = {"path": path, "size": size, "modifiedAt": mtime_ns // 1_000_000}
            if is_symlink:
                entry["type"] = "symlink"
                try:
                    entry["target"] = os.readlink(os.path.join(self._root, path))
                except OSError:
                    pass
            else:
                entry["type"] = "file"
                if self._wants(path):
                    if size > self._max_file or size > room:
                        entry["truncated"] = True
                        truncated = True
                    else:
                        data = _read(os.path.join(self._root, path), size)
                        if data is not None:
                            room -= len(data)
                            entry["size"] = len(data)
                            entry["base64"] = b2a_base64(data, newline=False).decode("ascii")
            entries.append(entry)
        return entries, truncated

    def _wants(self, path):
        patterns = self._patterns
        if patterns is None:
            return True
        from fnmatch import fnmatchcase  # imports re: only calls that give globs pay for it

        return any(fnmatchcase(path, pattern) for pattern in patterns)


def _read(path, size):
    # Never through a symlink put there since the walk (O_NOFOLLOW), never blocking on a FIFO.
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return read_up_to(fd, size)
    finally:
        os.close(fd)
