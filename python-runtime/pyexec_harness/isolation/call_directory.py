"""Each call starts in an empty working directory that no other call has touched."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import shutil
import time

from ..filesystems import on_tmpfs

_listdir = os.listdir
_fstat = os.fstat
_chdir = os.chdir
_fchdir = os.fchdir
_DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_time_ns = time.time_ns
# Directory timestamps come from a coarse clock (a jiffy, or seconds on some filesystems): a
# change within that tick of the last one would leave mtime equal. Past this margin it cannot.
_TIMESTAMP_MARGIN_NS = 2_000_000_000


def _identity(fd):
    status = _fstat(fd)
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


class CallDirectory:
    # Creating and removing a directory costs ~170 us on ext4; an untouched one is reused instead.
    # Adding or removing an entry always advances the directory's mtime, so in steady state one
    # stat() proves it untouched; near its last change the contents are listed as well. On tmpfs
    # the size proves it empty at once, so one stat() is always enough.
    # The directory is held open: fchdir and fstat skip the path lookup (~0.8 us each). Renaming
    # or removing it changes its ctime, so an fstat that matches still proves it in place.
    def __init__(self, root):
        self._root = root
        self._path = os.path.join(root, "call-%d" % os.getpid())
        self._fd = None
        self._identity = None
        self._entered_at = 0
        self._size_counts_entries = on_tmpfs(root)

    def create(self):
        """Makes the (empty) directory now, ahead of the first call."""
        self.remove()  # a stale one, from a worker that died
        os.mkdir(self._path, 0o700)
        fd = os.open(self._path, _DIRECTORY_FLAGS)
        if self._fd is None:
            self._fd = fd
        elif fd != self._fd:
            # The same number every time: it is one of the harness's own descriptors, which the
            # per-call restore leaves open (and a number a call may have closed or reused).
            os.dup2(fd, self._fd, inheritable=False)
            os.close(fd)
        self._identity = _identity(self._fd)

    def remove(self):
        """Removes the directory and what calls left in it; the next enter() makes a new one."""
        shutil.rmtree(self._path, ignore_errors=True)
        self._identity = None

    def enter(self):
        if self._identity is None:
            self.create()
        self._entered_at = _time_ns()
        _fchdir(self._fd)  # pyright: ignore[reportArgumentType]  (create() set it)

    def leave(self):
        try:
            same = _identity(self._fd) == self._identity
            identity = self._identity
            settled = self._size_counts_entries or (identity is not None and self._entered_at - identity[_MTIME] > _TIMESTAMP_MARGIN_NS)
            untouched = same and (settled or not _listdir(self._path))
        except OSError:
            untouched = False
        if not untouched:
            _chdir(self._root)
            self.remove()
