"""Resource limits from the host's `limits` option, applied with setrlimit.

Memory, file size and process limits hold for the worker's lifetime; the CPU limit is re-armed
before every call so each call gets the full budget."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal
import resource

_MIB = 1024 * 1024
_getrusage = resource.getrusage
_setrlimit = resource.setrlimit
_RUSAGE_SELF = resource.RUSAGE_SELF
_RLIMIT_CPU = resource.RLIMIT_CPU


class CPUTimeLimitExceeded(Exception):
    """Raised in user code when a call uses more CPU seconds than `limits.cpuSeconds`."""


class ResourceLimiter:
    def __init__(self, limits, interrupts):
        self._cpu_seconds = limits.get("cpuSeconds")
        self._interrupts = interrupts
        memory = limits.get("memoryMb")
        if memory:
            _setrlimit(resource.RLIMIT_AS, (memory * _MIB, memory * _MIB))
        file_size = limits.get("maxFileSizeMb")
        if file_size:
            # Without this SIGXFSZ would kill the worker; ignored, the write raises OSError(EFBIG).
            _signal.signal(_signal.SIGXFSZ, _signal.SIG_IGN)
            size = int(file_size * _MIB)
            _setrlimit(resource.RLIMIT_FSIZE, (size, size))
        processes = limits.get("maxProcesses")
        if processes:
            _setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        if self._cpu_seconds:
            _signal.signal(_signal.SIGXCPU, self._on_cpu_exceeded)

    def arm_call(self):
        if not self._cpu_seconds:
            return
        usage = _getrusage(_RUSAGE_SELF)
        soft = int(usage.ru_utime + usage.ru_stime) + 1 + self._cpu_seconds
        _setrlimit(_RLIMIT_CPU, (soft, resource.RLIM_INFINITY))

    def _on_cpu_exceeded(self, signum, frame):
        if self._interrupts.armed:
            raise CPUTimeLimitExceeded("the call used more than %d CPU seconds" % self._cpu_seconds)
