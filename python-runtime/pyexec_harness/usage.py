"""What a call used (`result.usage`, when the host asks): CPU time of the process that ran it
and of the processes it started that ended (and were reaped) during the call, and that
process's peak RSS.

getrusage() counts precisely (not in clock ticks, as times() would), four times a call: several
microseconds, as much as a small call's whole harness turnaround, hence only when asked. Peak
RSS is the process's high-water mark: a forked call's child's own, a persistent worker's since
it started."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import resource

_getrusage = resource.getrusage
_SELF = resource.RUSAGE_SELF
_CHILDREN = resource.RUSAGE_CHILDREN


class CallUsage:
    def __init__(self):
        self._self = self._children = None

    def begin(self):
        self._self = _getrusage(_SELF)
        self._children = _getrusage(_CHILDREN)

    def end(self):
        """The running call's usage (None when begin() was not called for it)."""
        before_self, before_children = self._self, self._children
        if before_self is None or before_children is None:
            return None
        self._self = self._children = None
        own = _getrusage(_SELF)
        children = _getrusage(_CHILDREN)
        user = own.ru_utime - before_self.ru_utime + children.ru_utime - before_children.ru_utime
        system = own.ru_stime - before_self.ru_stime + children.ru_stime - before_children.ru_stime
        return {
            "cpuUserMs": round(max(user, 0.0) * 1000, 3),
            "cpuSystemMs": round(max(system, 0.0) * 1000, 3),
            "maxRssMb": round(own.ru_maxrss / 1024, 1),  # Linux counts it in KiB
        }
