"""The file a call's source is written to, as the script `python3 script.py` would run.

Written to a directory of the worker's beside the call directories, never the call's working
directory (which stays empty), for __file__, sys.argv[0], tracebacks, inspect and
multiprocessing's spawn and forkserver, which run it again by path."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import time

from .filesystems import on_tmpfs
from .private_paths import make_fresh_directory, remove_path, write_private_text

_open = open
_join = os.path.join
_listdir = os.listdir
_lstat = os.lstat
_time_ns = time.time_ns
# File timestamps come from a coarse clock: a change within that tick of our own write leaves
# them equal. Past this margin they cannot: on tmpfs, two ticks of the kernel's coarse clock
# (CLOCK_REALTIME_COARSE, whose resolution is the tick); whole seconds on some other filesystems.
_CLOCK_REALTIME_COARSE = 5  # Linux's id (the time module does not name it)
_OTHER_MARGIN_NS = 2_000_000_000


def _tmpfs_margin_ns():
    try:
        return max(2 * int(time.clock_getres(_CLOCK_REALTIME_COARSE) * 1e9), 1_000_000)
    except (OSError, AttributeError):
        return 50_000_000


_TMPFS_MARGIN_NS = _tmpfs_margin_ns()


def _identity(status):
    return (status.st_ino, status.st_mode, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


class ScriptFile:
    def __init__(self, directory):
        """directory: where scripts go, made afresh at the first write; None to write none (a
        warm-up before the call's own directories exist)."""
        self._directory = None
        self._margin_ns = None  # _TMPFS_MARGIN_NS or _OTHER_MARGIN_NS, once the directory is made
        self._tmpfs = False
        self.use_directory(directory)

    def use_directory(self, directory):
        if directory != self._directory:
            self._margin_ns = None
        self._directory = directory
        self._written = None  # (path, source) of the script file as last written
        self._paths = {}  # filename: its path in the directory
        self._made = False
        self._checked = None  # the directory's and the file's identities right after the last write

    def write(self, filename, source):
        """The script's path, written only when it differs from the last call's (a loop of one
        snippet costs no file write); the last call's file goes when another name is written, so
        no call reads an earlier one's source."""
        directory = self._directory
        if directory is None:
            return filename
        path = self._paths.get(filename)
        if path is None:
            path = self._paths[filename] = _join(directory, filename)
        written = self._written
        if written != (path, source):
            if not self._made:
                make_fresh_directory(directory)  # never one that stood there before
                self._made = True
            elif written is not None and written[0] != path:
                remove_path(written[0])
            try:
                write_private_text(path, source)
            except FileNotFoundError:  # user code removed the directory
                make_fresh_directory(directory)
                write_private_text(path, source)
            self._written = (path, source)
            self._checked = self._identities(path)
        return path

    def _identities(self, path):
        return (_identity(_lstat(self._directory)), _identity(_lstat(path)))  # pyright: ignore[reportArgumentType]  (set)

    def discard_if_changed(self, call_started_ns):
        """Removes the directory unless it holds exactly the script as written: a call can add
        modules there (a spawned child's sys.path[0]) or rewrite the file, which the next call
        would not rewrite if its source were the same. Two stats: a change shows in them, unless
        it came within a timestamp's grain of the last one (the file is then read; on tmpfs a new
        entry always shows in the directory's size, elsewhere the directory is listed)."""
        if self._written is None:
            return
        if self._margin_ns is None:  # once per directory: the mount table is read
            self._tmpfs = on_tmpfs(self._directory)
            self._margin_ns = _TMPFS_MARGIN_NS if self._tmpfs else _OTHER_MARGIN_NS
        path, source = self._written
        try:
            identities = self._identities(path)
            untouched = identities == self._checked
            recent = max(max(identity[3], identity[4]) for identity in identities) >= call_started_ns - self._margin_ns
            if untouched and recent:
                with _open(path, encoding="utf-8") as file:
                    untouched = (self._tmpfs or _listdir(self._directory) == [os.path.basename(path)]) and file.read() == source
        except (OSError, ValueError):
            untouched = False
        if not untouched:
            remove_path(self._directory)
            self.use_directory(self._directory)
