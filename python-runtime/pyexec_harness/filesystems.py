"""What the harness must know of the filesystem its directories are on."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os


def on_tmpfs(path):
    """True on tmpfs, where a directory's st_size grows with every entry in it (an unchanged size
    proves no entry was added, whatever the coarse timestamps say) and timestamps have the
    kernel's tick as their grain (not seconds, as on some other filesystems)."""
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
