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
    return (
        status.st_ino,
        status.st_mode,
        status.st_uid,
        status.st_gid,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )


_MTIME = 5  # index of st_mtime_ns in an identity


def _size_counts_entries(path):
    """True on tmpfs, where a directory's st_size grows with every entry in it: an unchanged size
    then proves the directory still empty, whatever its (coarse) timestamps say."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            lines = mounts.read().splitlines()
    except OSError:
        return False
    real = os.path.realpath(path)
    best, best_type = "", None
    for line in lines:
        fields, _, rest = line.partition(" - ")
        parts = fields.split(" ")
        if len(parts) < 5 or not rest:
            continue
        mount_point = parts[4].replace("\\040", " ")
        inside = real == mount_point or real.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, rest.split(" ", 1)[0]
    return best_type == "tmpfs"


class CallDirectory:
    # Creating and removing a directory costs ~170 us on ext4; an untouched one is reused instead.
    # Adding or removing an entry always advances the directory's mtime, so in steady state one
    # stat() proves it untouched; near its last change the contents are listed as well. On tmpfs
    # the size proves it empty at once, so one stat() is always enough.
    def __init__(self, root):
        self._root = root
        self._path = os.path.join(root, "call-%d" % os.getpid())
        self._identity = None
        self._entered_at = 0
        self._size_counts_entries = _size_counts_entries(root)

    def create(self):
        """Makes the (empty) directory now, ahead of the first call."""
        self.remove()  # a stale one, from a worker that died
        os.mkdir(self._path, 0o700)
        self._identity = _identity(self._path)

    def remove(self):
        """Removes the directory and what calls left in it; the next enter() makes a new one."""
        shutil.rmtree(self._path, ignore_errors=True)
        self._identity = None

    def enter(self):
        if self._identity is None:
            self.create()
        self._entered_at = _time_ns()
        _chdir(self._path)

    def leave(self):
        try:
            same = _identity(self._path) == self._identity
            settled = self._size_counts_entries or self._entered_at - self._identity[_MTIME] > _TIMESTAMP_MARGIN_NS
            untouched = same and (settled or not _listdir(self._path))
        except OSError:
            untouched = False
        if not untouched:
            _chdir(self._root)
            self.remove()
