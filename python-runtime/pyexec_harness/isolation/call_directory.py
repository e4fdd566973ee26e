"""Each call starts in an empty working directory that no other call has touched."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import os
import shutil
import time

_listdir = os.listdir
_stat = os.stat
_chdir = os.chdir
_time_ns = time.time_ns
# Directory timestamps come from a coarse clock (a jiffy, or seconds on some filesystems): a
# change within that tick of the last one would leave mtime equal. Past this margin it cannot.
_TIMESTAMP_MARGIN_NS = 2_000_000_000


def _identity(path):
    status = _stat(path)
    return (status.st_ino, status.st_mode, status.st_uid, status.st_gid, status.st_mtime_ns, status.st_ctime_ns)


class CallDirectory:
    # Creating and removing a directory costs ~170 us on ext4; an untouched one is reused instead.
    # Adding or removing an entry always advances the directory's mtime, so in steady state one
    # stat() proves it untouched; near its last change the contents are listed as well.
    def __init__(self, root):
        self._root = root
        self._path = os.path.join(root, "call-%d" % os.getpid())
        self._identity = None
        self._entered_at = 0

    def enter(self):
        if self._identity is None:
            shutil.rmtree(self._path, ignore_errors=True)  # a stale one, from a worker that died
            os.mkdir(self._path, 0o700)
            self._identity = _identity(self._path)
        self._entered_at = _time_ns()
        _chdir(self._path)

    def leave(self):
        try:
            same = _identity(self._path) == self._identity
            settled = self._entered_at - self._identity[4] > _TIMESTAMP_MARGIN_NS
            untouched = same and (settled or not _listdir(self._path))
        except OSError:
            untouched = False
        if not untouched:
            _chdir(self._root)
            shutil.rmtree(self._path, ignore_errors=True)
            self._identity = None
