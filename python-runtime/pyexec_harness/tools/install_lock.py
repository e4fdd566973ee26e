"""The exclusive lock that makes installs and environment creation into one place take turns.

A flock is the kernel's: it goes when the process ends, however it ends, so an install that
crashed or was killed never blocks the next one, and two hosts (or two Node processes) working
on one environment take turns."""

import errno
import fcntl
import os


def take(lock_path):
    """Blocks until this process holds the lock; the descriptor is kept open until exit.
    O_NOFOLLOW: a symlink planted at the lock's path must not make us create or open its target."""
    try:
        lock = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        raise SystemExit("ERROR: pyexec: the install lock %s is a symlink; refusing to follow it (remove it)" % lock_path)
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock
