"""Every process user code starts stays findable, and goes when its call or worker ends.

A process that forks twice and calls setsid leaves its process group and, once its parent has
exited, would be re-parented to PID 1, where nobody finds it. Every harness process that runs
or hosts user code is a child subreaper (Linux's PR_SET_CHILD_SUBREAPER): orphans below it are
re-parented to it instead, so the kernel's children lists from it down name every descendant
still alive, and the host's kill (src/worker/kill-tree.ts) walks the same lists."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal
import os
import time

from .prctl import prctl

_PR_SET_CHILD_SUBREAPER = 36
_MAX_ROUNDS = 1000  # each round kills every process seen; only a fork racing it makes another
_own_list = [0, None]  # [pid, fd of its main thread's /proc children list] (reopened after fork)
_left_out = set()  # children that are not part of this process's tree (see leave_out)
_REAP_EVERY_S = 0.1
_last_reap = [0.0]  # when reap_left_out last swept
_monotonic = time.monotonic
_pread = os.pread
_getpid = os.getpid


def become_subreaper():
    """Makes this process its descendants' subreaper (not inherited by fork); False if it cannot."""
    return prctl(_PR_SET_CHILD_SUBREAPER, 1)


def has_children():
    """Whether this process's main thread has a child, zombies included, in one pread (~1 us),
    cheap enough for every call's end. Without /proc, assume so (the caller walks, finds none)."""
    listing = _own_children_list(1)
    return True if listing is None else bool(listing)


def own_children():
    """This process's (main thread's) children, in one pread; None without /proc."""
    listing = _own_children_list(1 << 16)
    return None if listing is None else [int(child) for child in listing.split()]


def _own_children_list(size):
    pid = _getpid()
    if _own_list[0] != pid:
        if _own_list[1] is not None:
            os.close(_own_list[1])  # the list of the process this one was forked from
        try:
            _own_list[1] = os.open("/proc/self/task/%d/children" % pid, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            _own_list[1] = None
        _own_list[0] = pid
    if _own_list[1] is None:
        return None
    try:
        return _pread(_own_list[1], size, 0)
    except OSError:  # user code closed it
        _own_list[0] = 0
        return None


def children(pid):
    """The children of process `pid` (of all its threads), zombies included; [] if it is gone."""
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return []
    found = []
    for task in tasks:
        try:
            with open("/proc/%d/task/%s/children" % (pid, task), "rb") as listing:
                found.extend(int(child) for child in listing.read().split())
        except OSError:
            continue
    return found


def descendants(pid):
    """Every descendant of `pid`, parents before their children."""
    found = []
    pending = [pid]
    while pending:
        for child in children(pending.pop()):
            found.append(child)
            pending.append(child)
    return found


def leave_out(pid):
    """Child `pid` is not part of this process's tree (a session's forked copy): never killed by
    kill_descendants, reaped by reap_left_out once it exits."""
    _left_out.add(pid)


def is_left_out(pid):
    return pid in _left_out


def forget_left_out():
    """In a process just forked: its parent's left-out children are not its own."""
    _left_out.clear()


def reap_left_out():
    """Reaps the left-out children that exited (they stay zombies until then, their exit status
    readable in /proc by the host, which is not their parent). Called at every call of a session
    and every turn of a template, it sweeps (a waitpid per left-out child) at most every
    _REAP_EVERY_S, so a process with many copies or sessions alive pays it rarely."""
    if not _left_out:
        return
    now = _monotonic()
    if now - _last_reap[0] < _REAP_EVERY_S:
        return
    _last_reap[0] = now
    for pid in list(_left_out):
        try:
            done, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _left_out.discard(pid)


def kill_descendants(keep=()):
    """SIGKILLs every descendant of this process except the children in `keep` and those left out
    (and theirs), and reaps the children it killed. Returns how many processes it killed."""
    me = os.getpid()
    killed = 0
    for _ in range(_MAX_ROUNDS):
        doomed = [child for child in children(me) if child not in keep and child not in _left_out]
        if not doomed:
            break
        victims = list(doomed)
        for child in doomed:
            victims.extend(descendants(child))
        for pid in victims:
            try:
                os.kill(pid, _signal.SIGKILL)
                killed += 1
            except OSError:
                pass  # already gone (or a zombie we reap below)
        # Their orphans come to us (we are their subreaper): the next round finds them.
        for child in doomed:
            try:
                os.waitpid(child, 0)
            except (ChildProcessError, InterruptedError):
                pass
    return killed


def exit_orphaned(parent_pid, clean_up):
    """The host died: takes the worker's whole process group (user code's children included) down
    with this process (never returns). The group is the worker's if this process leads it, or
    the one that forked this generation. `clean_up` runs first, best effort."""
    if clean_up is not None:
        try:
            clean_up()
        except BaseException:
            pass  # best effort: the processes must go regardless
    kill_descendants()
    group = os.getpgid(0)
    if group == os.getpid() or group == parent_pid:
        os.killpg(group, _signal.SIGKILL)
    os._exit(1)
