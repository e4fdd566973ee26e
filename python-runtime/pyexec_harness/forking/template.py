"""The template: never runs user code; forks a waiting child ahead of each call.

The child for the next call is forked and fully set up (process group, working directory,
capture) while the current call runs, so a call costs a round trip, not a fork. Each child
writes its own stream and result messages to the host; the template writes only when no child
can be writing (a call's start, or the death of a child that never finished), so messages never
interleave on the shared channel."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal
import os
import select
import shutil
import socket

from .. import codec
from ..descendants import is_left_out, kill_descendants, own_children, reap_left_out
from ..exit_report import exit_report
from ..fork_guard import harness_fork
from ..private_paths import unguessable_name
from ..process_setup import call_root
from ..runner import DEFAULT_FILENAME
from ..protocol import check_host_message
from .child import call_directories, serve_one_call
from .session_child import fork_session

_SIGKILL = _signal.SIGKILL


def _alive(pid):
    """False once the child has exited (reaping it) or is gone."""
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0


def _remove_directory(path, usual_file=None):
    # Once per call, on the template's turn between calls: the usual case (an empty working
    # directory, a script directory holding the default script) takes two or three syscalls
    # where rmtree takes a dozen and more Python.
    if usual_file is not None:
        try:
            os.unlink(os.path.join(path, usual_file))
        except OSError:
            pass
    try:
        os.rmdir(path)
    except FileNotFoundError:
        pass
    except OSError:  # not empty, or something else in the way: the thorough way
        shutil.rmtree(path, ignore_errors=True)


class Spare:
    __slots__ = ("pid", "sock", "exit_fd", "directories", "call_id")

    def __init__(self, pid, sock, directories):
        self.pid = pid
        self.sock = sock
        self.directories = directories  # (working, script): made by the child once its call comes
        self.call_id = None  # once it runs a call
        # Readable once the child has exited. Its socket's end of file is not enough: something
        # the call started may hold the child's end open long after the child died.
        self.exit_fd = _pidfd(pid)

    def close(self):
        """Idempotent: a fork while the spare is also the active child sees it twice."""
        self.sock.close()
        if self.exit_fd is not None:
            os.close(self.exit_fd)
            self.exit_fd = None


def _end_group(child):
    try:
        os.killpg(child.pid, _SIGKILL)
    except OSError:
        pass


def _pidfd(pid):
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # before Python 3.9 or Linux 5.3: the socket alone tells
        return None


class TemplateServer:
    def __init__(self, channel, config, interrupts, limiter):
        self._channel = channel
        self._config = config
        self._work_dir = call_root(config)
        self._interrupts = interrupts
        self._limiter = limiter
        self._spare = None
        self._active = None  # the child running a call, until it says done or dies
        self._finished = []  # pids of children past their call, still to be reaped

    def serve(self, hello):
        """Serves until shutdown or end of input, then kills its children and exits."""
        self._spare = self._fork()
        self._channel.send(hello)
        self._poller = select.poll()
        self._poller.register(self._channel.read_fd, select.POLLIN)
        try:
            while True:
                try:
                    if not self._serve_once():
                        return
                except Exception as exc:  # the loop outlives any single failure
                    self._channel.send({"type": "fault", "message": "template failure: %r" % (exc,)})
        finally:
            self.shutdown()
            os._exit(0)

    def _serve_once(self):
        """Handles what is ready (a host message, the active child's end); False to stop."""
        message = self._channel.buffered_message()
        if message is not None:
            return self._dispatch(message)
        active = self._active
        watched = () if active is None else [fd for fd in (active.sock.fileno(), active.exit_fd) if fd is not None]
        for fd in watched:
            self._poller.register(fd, select.POLLIN)
        try:
            ready = [fd for fd, _event in self._poller.poll()]
        finally:
            for fd in watched:
                self._poller.unregister(fd)
        if any(fd in ready for fd in watched):
            self._on_active_child()
        if self._channel.read_fd in ready:
            message = self._channel.read_message()
            if message is None or not self._dispatch(message):
                return False
        self._reap_finished()
        return True

    def _dispatch(self, message):
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "run" and isinstance(message.get("id"), str):
            try:
                self._start_call(message)
            except Exception as exc:  # the template must outlive any one call's trouble
                self._channel.send({"type": "fault", "id": message["id"], "message": "could not start the call: %r" % (exc,)})
            return True
        if kind == "shutdown":
            return False
        if kind == "reply":
            self._pass_reply(message)
            return True
        if kind == "session" and check_host_message(message) is None:
            # Nothing is said on the channel (a call's child may be writing there): the host hears
            # from the session on its socket, or sees it close there if the fork failed.
            try:
                fork_session(self._channel, message, self._config, self._close_children_sockets)
            except Exception:
                pass
            return True
        fault = {"type": "fault", "message": "the forked template takes run, session and shutdown messages only"}
        if isinstance(message, dict) and isinstance(message.get("id"), str):
            fault["id"] = message["id"]
        self._channel.send(fault)
        return True

    def _start_call(self, message):
        # The previous child already sent its result (the host waits for it): it is finished.
        finished = self._active
        self._active = None
        if self._spare is None or not _alive(self._spare.pid):  # none, or killed while it waited
            if self._spare is not None:
                self._spare.close()
            self._spare = None
            self._spare = self._fork()  # before speaking: a failure here is this call's fault
        spare, self._spare = self._spare, None
        if finished is not None:
            _end_group(finished)  # nothing of the last call may watch this one's directories appear
        self._channel.send({"type": "started", "id": message["id"], "pid": spare.pid})
        spare.sock.sendall(codec.encode_line(message))
        spare.call_id = message["id"]
        self._active = spare
        # After the hand-over the call is the child's: trouble here (no process left to fork, say)
        # must not fault it. Without a spare, the next call forks its own child and reports.
        try:
            if finished is not None:  # cleanup off the call's path
                self._release(finished)
            self._spare = self._fork()
        except Exception:
            pass

    def _pass_reply(self, message):
        # The host answers a request of the running call: its child waits for it on its socket.
        # A reply to a call that ended meanwhile is dropped (that child reads nothing now).
        active = self._active
        if active is None or message.get("id") != active.call_id or check_host_message(message) is not None:
            return
        try:
            active.sock.sendall(codec.encode_line(message))
        except OSError:
            pass  # the child died: the template hears of it from its socket

    def _on_active_child(self):
        child = self._active
        if child is None:  # only called while a child is active
            return
        try:
            data = child.sock.recv(16, socket.MSG_DONTWAIT)
        except OSError:
            # It exited without a word: its socket is held open by what it started (would block),
            # or it died with our message unread (connection reset).
            data = b""
        if data:
            self._active = None
            self._release(child)  # finished cleanly
            return
        # Gone without "done": the child died during its call. It cannot write any more, and no
        # other child is active, so the template may speak.
        self._active = None
        child.close()
        _, status = os.waitpid(child.pid, 0)
        self._channel.send(exit_report(child.pid, status))
        self._remove_call_dir(child)

    def _release(self, child):
        # Past its call (it said done, or the host sent the next call: its result came), yet it
        # may run on: a call can forge its result on the channel. Its group goes now; orphans it
        # leaves come to us and are killed in _kill_orphans.
        _end_group(child)
        child.close()
        self._remove_call_dir(child)
        self._finished.append(child.pid)

    def _remove_call_dir(self, child):
        working, script = child.directories
        _remove_directory(working)
        _remove_directory(script, DEFAULT_FILENAME)

    def _reap_finished(self):
        # Only children past their call: the active one's status is read where its death is seen.
        self._finished = [pid for pid in self._finished if _alive(pid)]
        self._kill_orphans()

    def _kill_orphans(self):
        # A child that died (killed on timeout, or by its own code) leaves what it started to us,
        # its subreaper: any child of ours that is not a call child is such an orphan.
        ours = set(self._finished)
        for child in (self._active, self._spare):
            if child is not None:
                ours.add(child.pid)
        # One pread of the kernel's list (the template is single-threaded): it runs every turn.
        # Without /proc lists there is nothing to find orphans by. Sessions it forked are left
        # out (see session_child.py), and reaped once they have exited.
        reap_left_out()
        if any(pid not in ours and not is_left_out(pid) for pid in own_children() or ()):
            kill_descendants(keep=ours)

    def _close_children_sockets(self):
        # In a process forked from the template: the call children's sockets are not its own.
        for child in (self._active, self._spare):
            if child is not None:
                child.close()

    def _fork(self):
        parent_sock, child_sock = socket.socketpair()
        # Named now, made by the child only when its call comes: the call running meanwhile can
        # neither name nor find them, and the child makes them over anything planted there.
        directories = call_directories(self._work_dir, unguessable_name(""))
        pid = harness_fork()
        if pid == 0:
            parent_sock.close()
            self._close_children_sockets()
            serve_one_call(self._channel, child_sock, directories, self._interrupts, self._limiter, self._config)
        child_sock.close()
        return Spare(pid, parent_sock, directories)

    def shutdown(self):
        for child in (self._active, self._spare):
            if child is not None:
                try:
                    os.killpg(child.pid, _SIGKILL)
                    os.waitpid(child.pid, 0)  # gone before its directory is removed
                except OSError:
                    pass
                # The host removes the call root only if it is still alive to do so.
                self._remove_call_dir(child)
        kill_descendants()  # finished children and orphans: no zombie is left to a PID 1 that never reaps
        # The template's own directory: the host removes it too, unless it died (a signal).
        shutil.rmtree(self._config["workDir"], ignore_errors=True)
