# The C module behind `signal`, which the harness imports to skip the enum wrappers: the names it
# uses, typed as `signal` types them (typeshed has no stub for `_signal`).
from signal import getsignal as getsignal
from signal import pthread_sigmask as pthread_sigmask
from signal import setitimer as setitimer
from signal import signal as signal
from signal import valid_signals as valid_signals

ITIMER_REAL: int
SIGALRM: int
SIGINT: int
SIGKILL: int
SIGSTOP: int
SIGXCPU: int
SIGXFSZ: int
SIG_BLOCK: int
SIG_IGN: int
SIG_SETMASK: int
SIG_UNBLOCK: int
