"""Generations: a recycled isolated worker costs a release, not an interpreter start.

The process the host starts builds the harness (imports, preloads, limits, the isolation
snapshot) and never runs user code. It forks a generation that serves calls over the channel it
inherits. When that generation ends (the host's `recycle` after maxExecutions calls, or a call
that killed it), this process reports `exited` and releases the next one, forked while the last
one served and waiting on a pipe of its own until then: a pristine worker without an interpreter
start (50-90 ms here) and without the fork on the way either.

One generation serves at a time, and this process writes only once it has reaped it, so messages
never interleave on the channel. The waiting one reads nothing, holds no capture and runs no
thread until it is released."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal
import os
import time

from .descendants import become_subreaper, kill_descendants
from .exit_report import exit_report
from .fork_guard import harness_fork
from .prctl import make_undumpable

RECYCLED_EXIT_CODE = 75  # a generation that made way for a fresh one
# Generations that keep dying young (say, a crash at start) must not turn this into a fork loop.
_MAX_QUICK_DEATHS = 5
_QUICK_DEATH_S = 1.0
_SIGINT = {_signal.SIGINT}


def serve_generations(harness, channel, hello):
    """Never returns: serves generations until one ends on end of input or `shutdown`."""
    current = [0]

    def forward_interrupt(signum, frame):
        # The host interrupts the process it started; the call runs in the generation.
        if current[0]:
            try:
                os.kill(current[0], _signal.SIGINT)
            except OSError:
                pass

    _signal.signal(_signal.SIGINT, forward_interrupt)
    # Every later generation is a copy of this process, and the waiting one already exists: a
    # call may read or write neither (the generations inherit this).
    make_undumpable()
    quick_deaths = 0
    # Both forked before the first serves: the host counts this worker's processes once it is
    # ready (a cgroup's pids.max), and from then on there are always two generations.
    waiting = _fork_generation(harness, hello, channel)
    following = _fork_generation_or_none(harness, hello)
    while True:
        born = time.monotonic()
        current[0] = _release_one(waiting, harness, hello, channel)
        # The next one is forked now, while this one serves (its first call has a core to itself
        # on most machines): when this one ends, the next is released at once.
        waiting = following if following is not None else _fork_generation_or_none(harness, hello)
        following = None
        _, status = os.waitpid(current[0], 0)
        report = exit_report(current[0], status)
        current[0] = 0
        if report.get("code") == 0:
            kill_descendants()  # the waiting generation too: nobody would reap it
            os._exit(0)  # end of input, or shutdown: the host is done with this worker
        # What the generation started and left behind was re-parented to us: it goes with it.
        kill_descendants(keep=() if waiting is None else (waiting.pid,))
        channel.send(report)
        if report.get("code") == RECYCLED_EXIT_CODE or time.monotonic() - born >= _QUICK_DEATH_S:
            quick_deaths = 0
        else:
            quick_deaths += 1
            if quick_deaths >= _MAX_QUICK_DEATHS:
                kill_descendants()
                os._exit(1)


def _release_one(waiting, harness, hello, channel):
    """Releases the waiting generation, or one forked now if there is none or it is gone (a call
    may kill it: it is a process of the same user); returns its pid."""
    if waiting is not None:
        try:
            return waiting.release()
        except OSError:  # its end of the pipe is closed: it died
            _reap(waiting.pid)
    return _fork_generation(harness, hello, channel).release()


def _reap(pid):
    try:
        os.kill(pid, _signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


class _WaitingGeneration:
    __slots__ = ("pid", "_release_fd")

    def __init__(self, pid, release_fd):
        self.pid = pid
        self._release_fd = release_fd

    def release(self):
        """Lets it serve; returns its pid. OSError if it is gone."""
        try:
            os.write(self._release_fd, _GO)
        finally:
            os.close(self._release_fd)
            _release_fds.discard(self._release_fd)
        return self.pid


_GO = b"g"
# The write ends this process holds: a generation forked meanwhile closes them all, so that each
# waiting one sees end of file as soon as this process is gone.
_release_fds = set()


def _fork_generation_or_none(harness, hello):
    # Forking the next generation early may fail (no process left under a limit, say): the
    # serving one is not at fault, and the next is then forked when it is needed, or reported.
    try:
        return _fork_generation(harness, hello, None)
    except OSError:
        return None


def _fork_generation(harness, hello, channel):
    """A generation waiting for release(). With a channel, a failure to fork is reported there
    and ends this process; without, it raises OSError."""
    release_read, release_write = os.pipe()  # close-on-exec: nothing a call starts inherits it
    _release_fds.add(release_write)
    # SIGINT stays blocked until the child has its own handler: the inherited one forwards.
    _signal.pthread_sigmask(_signal.SIG_BLOCK, _SIGINT)
    try:
        pid = harness_fork()
    except OSError as exc:
        os.close(release_read)
        os.close(release_write)
        _release_fds.discard(release_write)
        _signal.pthread_sigmask(_signal.SIG_UNBLOCK, _SIGINT)
        if channel is None:
            raise
        channel.send({"type": "fault", "message": "could not fork a worker generation: %r" % (exc,)})
        kill_descendants()
        os._exit(1)
    if pid == 0:
        try:
            for fd in _release_fds:
                os.close(fd)
            _release_fds.clear()
            become_subreaper()
            released = os.read(release_read, 1) == _GO  # end of file: the started process is gone
            os.close(release_read)
            if not released:
                os._exit(0)
            harness.start_generation()
            _signal.pthread_sigmask(_signal.SIG_UNBLOCK, _SIGINT)
            harness.serve(hello())
        finally:
            os._exit(70)
    os.close(release_read)
    _signal.pthread_sigmask(_signal.SIG_UNBLOCK, _SIGINT)
    return _WaitingGeneration(pid, release_write)
