"""Per-call upkeep of persistent workers: periodic garbage collection and the RSS ceiling."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import gc
import resource

from .unrestorable import Unrestorable

_getrusage = resource.getrusage
_RUSAGE_SELF = resource.RUSAGE_SELF


class PeriodicCollection:
    def __init__(self, interval):
        self._interval = interval
        self._calls = 0

    def after_call(self):
        self._calls += 1
        if self._calls % self._interval == 0:
            gc.collect()


class RssCeiling:
    # Peak RSS (ru_maxrss, KiB on Linux) costs one syscall; memory once grown is rarely returned.
    def __init__(self, max_rss_mb):
        self._max_kib = max_rss_mb * 1024

    def after_call(self):
        peak = _getrusage(_RUSAGE_SELF).ru_maxrss
        if peak > self._max_kib:
            raise Unrestorable("RSS %d MiB exceeds maxRssMb %d" % (peak // 1024, self._max_kib // 1024))
