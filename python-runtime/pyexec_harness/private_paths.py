"""Directories and files that a call cannot have prepared for another call.

Calls of one executor run as one user, so permissions cannot keep one call out of a directory
that another will use: whatever exists before a call starts may have been planted (a `json.py`
in a working directory, a `main.py` symlink in a script directory). The harness therefore makes
a call's directories only when the call arrives, under names no other call can guess, and
replaces whatever already stands at a path it is about to make its own."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import errno
import os
import shutil
import stat

_urandom = os.urandom
_mkdir = os.mkdir
_lstat = os.lstat
_unlink = os.unlink
_S_ISDIR = stat.S_ISDIR
# O_NONBLOCK: a FIFO planted at the path fails (ENXIO) instead of blocking the harness.
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
_NOT_A_PLAIN_FILE = {errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.ETXTBSY}
_ATTEMPTS = 5  # something racing us to re-plant the path is a concurrent call: give up then


def unguessable_name(prefix):
    """prefix plus 96 random bits: no other call can name it before it exists."""
    return prefix + _urandom(12).hex()


def make_fresh_directory(path, mode=0o700):
    """Creates `path` as a new, empty directory of ours (mkdir fails on anything in the way, a
    symlink included), after removing whatever stood there."""
    for _ in range(_ATTEMPTS):
        try:
            _mkdir(path, mode)
            return path
        except FileExistsError:
            remove_path(path)
    raise FileExistsError("pyexec: %s is re-created as soon as it is removed" % path)


def copy_working_directory(source, path):
    """A session's fork (session_fork.py): `path` made fresh (its parent directory is the host's,
    but its name is known before it is made), then `source`'s files copied in, symlinks as
    symlinks. Returns where the copy's current directory is: moved along if inside `source`."""
    make_fresh_directory(path)
    # Entry by entry: copytree would copy the (often empty) directory's own metadata too, at a
    # cost that matters next to a fork.
    with os.scandir(source) as entries:
        for entry in entries:
            target = os.path.join(path, entry.name)
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            elif entry.is_dir():
                shutil.copytree(entry.path, target, symlinks=True)
            else:
                shutil.copy2(entry.path, target)
    try:
        cwd = os.getcwd()
    except OSError:  # removed by a call: the copy starts where its files are
        return path
    if cwd == source or cwd.startswith(source + os.sep):
        return path + cwd[len(source):]
    return cwd


def relative_parts(path):
    """The parts of `path`, a relative path that stays inside the directory it is taken from;
    OSError (EINVAL) for anything else: absolute, `..`, `.` or empty parts, NUL."""
    parts = path.split("/")
    if path.startswith("/") or "\0" in path or any(part in ("", ".", "..") for part in parts):
        raise OSError(errno.EINVAL, "not a relative path inside the working directory: %r" % (path,))
    return parts


def read_up_to(fd, limit):
    """The bytes of `fd` up to its end or `limit` bytes, whichever comes first (a file that
    grows while it is read is cut at the size it was asked for)."""
    chunks = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def write_all(fd, data):
    """Writes all of `data` to `fd` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def remove_path(path):
    """Removes a file, a symlink (never what it points to) or a directory tree."""
    try:
        if _S_ISDIR(_lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            _unlink(path)
    except FileNotFoundError:
        pass


def write_private_text(path, text):
    """Writes `text` to `path`, never through a symlink planted there."""
    try:
        fd = os.open(path, _WRITE_FLAGS, 0o600)
    except OSError as error:
        if error.errno not in _NOT_A_PLAIN_FILE:
            raise
        remove_path(path)
        fd = os.open(path, _WRITE_FLAGS, 0o600)
    with open(fd, "w", encoding="utf-8", closefd=True) as file:
        file.write(text)
