"""A session's files, for the host (`session.writeFile`, `readFile`, `listFiles`, `removeFile`).

Run between the session's calls, in their order, by the session's own process (in the sandbox,
inside it). Paths are relative to the session's working directory and walked one component at a
time from it with O_NOFOLLOW: a symlink the session's code left, anywhere on the path, is never
followed out of the directory, and `..` or an absolute path is refused."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import json
import os
import stat
from binascii import a2b_base64, b2a_base64

from .private_paths import read_up_to, relative_parts, write_all

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def file_operation(work_dir, message):
    """The result message answering `message` (its `fileOp`)."""
    request = message["fileOp"]
    try:
        value = _OPERATIONS[request["op"]](work_dir, request)
    except OSError as exc:
        kind = type(exc).__name__
        text = "%s: %s" % (exc.strerror or exc, request.get("path"))
        return _result(message, None, {"type": kind, "message": text, "traceback": ""})
    return _result(message, value, None)


def _write(work_dir, request):
    parent, name = _walk(work_dir, request["path"], make=True)
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=parent)
        try:
            write_all(fd, a2b_base64(request.get("base64") or ""))
        finally:
            os.close(fd)
    finally:
        os.close(parent)
    return ""


def _read(work_dir, request):
    parent, name = _walk(work_dir, request["path"])
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent)
    finally:
        os.close(parent)
    try:
        size = os.fstat(fd).st_size
        limit = request.get("maxBytes") or 0
        if size > limit:
            raise OSError(27, "larger than limits.maxOutputBytes (%d bytes, the file has %d)" % (limit, size))
        return b2a_base64(read_up_to(fd, size), newline=False).decode("ascii")
    finally:
        os.close(fd)


def _list(work_dir, request):
    path = request.get("path") or ""
    if path:
        parent, name = _walk(work_dir, path)
        try:
            fd = os.open(name, _DIRECTORY, dir_fd=parent)
        finally:
            os.close(parent)
    else:
        fd = os.open(work_dir, _DIRECTORY)
    entries = []
    try:
        for name in sorted(os.listdir(fd)):
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
            kind = "symlink" if stat.S_ISLNK(info.st_mode) else "directory" if stat.S_ISDIR(info.st_mode) else "file"
            entries.append({"name": name, "type": kind, "size": info.st_size, "modifiedAt": int(info.st_mtime * 1000)})
    finally:
        os.close(fd)
    return json.dumps(entries)


def _remove(work_dir, request):
    parent, name = _walk(work_dir, request["path"])
    try:
        os.unlink(name, dir_fd=parent)  # a directory: IsADirectoryError; a symlink: the link only
    finally:
        os.close(parent)
    return ""


_OPERATIONS = {"write": _write, "read": _read, "list": _list, "remove": _remove}


def _walk(work_dir, path, make=False):
    """(descriptor of the directory holding `path`'s last part, that part), never through a
    symlink; with `make`, missing directories on the way are made."""
    parts = relative_parts(path)
    fd = os.open(work_dir, _DIRECTORY)
    try:
        for part in parts[:-1]:
            if make:
                try:
                    os.mkdir(part, 0o755, dir_fd=fd)
                except FileExistsError:
                    pass
            inner = os.open(part, _DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd, parts[-1]


def _result(message, value, error):
    result = {"type": "result", "id": message["id"], "status": "ok", "stdout": "", "stderr": "", "figures": []}
    if value is not None:
        result["value"] = value
    if error is not None:
        result["status"] = "error"
        result["error"] = error
    return result
