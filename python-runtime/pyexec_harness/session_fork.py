"""Session fork: copies of a session's live interpreter, each a process with a channel of its own.

The host asks between calls, in a run message with `fork` (src/sessions/session-fork.ts). A copy
is this process's child but not part of its tree: its own process group, left out of every
kill of this process's descendants (here and in the host's kill of the tree), so the session's
end or a timeout's kill does not take its copies along; this process only reaps it once it has
exited.

What can be done before the fork is done here, where it costs no copy-on-write faults: the
connection to the host's socket (with the copy's one-time token) and the copy's working
directory. The result names the copies as soon as they exist; each then moves into its own cgroup
and takes its channel, output pipes and directories before it reads its first message (which
waits on its socket meanwhile), so a fork costs the host about one fork().

Threads do not survive fork(): only the thread that forks is copied, and a lock another thread
held stays held for ever in the copy. A session running threads of its own (threading's) is
refused."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import socket
import sys

from .descendants import become_subreaper, forget_left_out, leave_out
from .fork_guard import harness_fork


def fork_copies(harness, message):
    """In this process: the result that answers `message` (the copies' pids, or why there are
    none). In each copy: None, once it is ready to read its first message."""
    spec = message["fork"]
    threads = _running_threads()
    if threads > 0:
        return _failure(message, "ForkUnsafe", "%d thread%s of its own running" % (threads, "" if threads == 1 else "s"))
    pids = []
    try:
        for copy in spec["copies"]:
            sock = connect_with_token(spec["socket"], copy["token"])
            try:
                cwd = harness.copy_directories(copy["workDir"])
                pid = harness_fork()
                if pid == 0:
                    _become_copy(harness, sock, copy, cwd)
                    return None
            finally:
                sock.close()
            leave_out(pid)
            pids.append(pid)
    except OSError as exc:  # no process left to fork (a limit), no memory, no room for the files
        _kill_all(pids)
        return _failure(message, "ForkFailed", "could not fork: %s" % (exc,))
    return {
        "type": "result",
        "id": message["id"],
        "status": "ok",
        "stdout": "",
        "stderr": "",
        "value": ",".join(str(pid) for pid in pids),
        "figures": [],
    }


def _running_threads():
    # Threads user code started through `threading` (Thread, ThreadPoolExecutor...): what a copy
    # would lose mid-work. Threads of native libraries' pools (OpenBLAS under numpy) are left
    # to them: they prepare for fork themselves (pthread_atfork), and a copy starts its own.
    threading = sys.modules.get("threading")
    if threading is None:
        return 0
    main = threading.main_thread()
    return sum(
        1
        for thread in threading.enumerate()
        if thread is not main and thread.is_alive() and not isinstance(thread, threading._DummyThread)
    )


def connect_with_token(path, token):
    """A connection to the host's socket for forked processes, presenting a one-time token."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        sock.sendall(token.encode("ascii") + b"\n")
    except OSError:
        sock.close()
        raise
    return sock


def stand_apart(cgroups):
    """In a process just forked to live apart from its parent (a copy, a template's session):
    into its own cgroups first, before anything of user code runs there (its parent's is removed,
    with whatever is left in it, when the parent ends), then a process group of its own (the
    host's kill of it reaches all it starts), a subreaper of what it starts, with no left-out
    children of its parent's."""
    for directory in cgroups or ():
        with open(os.path.join(directory, "cgroup.procs"), "w") as procs:
            procs.write("0")
    os.setsid()
    become_subreaper()
    forget_left_out()


def _become_copy(harness, sock, copy, cwd):
    try:
        stand_apart(copy.get("cgroups"))
        harness.become_copy(sock.fileno(), copy["workDir"], copy["scriptDir"], cwd)
        sock.close()
    except BaseException:
        os._exit(1)  # the host finds its channel closed: the copy is lost, and says so


def _kill_all(pids):
    import _signal

    for pid in pids:
        try:
            os.kill(pid, _signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass


def _failure(message, kind, text):
    return {
        "type": "result",
        "id": message["id"],
        "status": "error",
        "stdout": "",
        "stderr": "",
        "error": {"type": kind, "message": text, "traceback": ""},
        "figures": [],
    }
