"""Generations: a recycled isolated worker costs a fork, not an interpreter start.

The process the host starts builds the harness (imports, preloads, limits, the isolation
snapshot) and never runs user code. It forks a generation that serves calls over the channel it
inherits. When that generation ends (the host's `recycle` after maxExecutions calls, or a call
that killed it), this process reports `exited` and forks the next one: a pristine worker in about
2 ms instead of an interpreter start (50-90 ms here, with a core busy all along).

One generation lives at a time, and this process writes only once it has reaped it, so messages
never interleave on the channel."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import _signal
import os
import time

from .descendants import become_subreaper, kill_descendants
from .exit_report import exit_report
from .fork_guard import harness_fork

RECYCLED_EXIT_CODE = 75  # a generation that made way for a fresh one
# Generations that keep dying young (say, a crash at start) must not turn this into a fork loop.
_MAX_QUICK_DEATHS = 5
_QUICK_DEATH_S = 1.0
_SIGINT = {_signal.SIGINT}


def serve_generations(harness, channel, hello):
    """Never returns: forks generations until one ends on end of input or `shutdown`."""
    current = [0]

    def forward_interrupt(signum, frame):
        # The host interrupts the process it started; the call runs in the generation.
        if current[0]:
            try:
                os.kill(current[0], _signal.SIGINT)
            except OSError:
                pass

    _signal.signal(_signal.SIGINT, forward_interrupt)
    quick_deaths = 0
    while True:
        born = time.monotonic()
        current[0] = _fork_generation(harness, channel, hello)
        _, status = os.waitpid(current[0], 0)
        report = exit_report(current[0], status)
        current[0] = 0
        # What the generation started and left behind was re-parented to us: it goes with it.
        kill_descendants()
        if report.get("code") == 0:
            os._exit(0)  # end of input, or shutdown: the host is done with this worker
        channel.send(report)
        if report.get("code") == RECYCLED_EXIT_CODE or time.monotonic() - born >= _QUICK_DEATH_S:
            quick_deaths = 0
        else:
            quick_deaths += 1
            if quick_deaths >= _MAX_QUICK_DEATHS:
                os._exit(1)


def _fork_generation(harness, channel, hello):
    # SIGINT stays blocked until the child has its own handler: the inherited one forwards.
    _signal.pthread_sigmask(_signal.SIG_BLOCK, _SIGINT)
    try:
        pid = harness_fork()
    except OSError as exc:
        channel.send({"type": "fault", "message": "could not fork a worker generation: %r" % (exc,)})
        os._exit(1)
    if pid == 0:
        try:
            become_subreaper()
            harness.start_generation()
            _signal.pthread_sigmask(_signal.SIG_UNBLOCK, _SIGINT)
            harness.serve(hello())
        finally:
            os._exit(70)
    _signal.pthread_sigmask(_signal.SIG_UNBLOCK, _SIGINT)
    return pid
