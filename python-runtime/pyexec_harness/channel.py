"""The protocol channel: private duplicates of the original stdin/stdout, framed as JSON lines."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import select
import threading
import time

from . import codec

_read = os.read
_write = os.write
_yield = os.sched_yield
_now = time.perf_counter
_READ_SIZE = 1 << 16


class Channel:
    """Reads host messages line by line and writes harness messages atomically."""

    def __init__(self, read_fd, write_fd, busy_poll_us=0):
        """busy_poll_us: how long to poll for the next message before sleeping in read(), while
        messages come back to back and the host says polling pays (see _wait_briefly)."""
        self.read_fd = read_fd
        self._write_fd = write_fd
        self._pending = b""
        self._deferred = []  # messages read early by a call waiting for a reply (host_requests.py)
        self._write_lock = threading.Lock()
        self._busy_poll_s = busy_poll_us / 1e6
        self._back_to_back = False  # the last message came within the busy-poll window
        # The host measures whether polling is the faster way here (src/pool/polling-choice.ts)
        # and says so in each run message: it applies to the wait for the next message.
        self.poll_next = True
        # What polling cost so far (read by tests and the benchmark, never on the call path).
        self.poll_windows = 0
        self.polled_s = 0.0
        if busy_poll_us:
            poller = select.poll()
            poller.register(read_fd, select.POLLIN)
            self._poll = poller.poll

    def move_to(self, fd):
        """From now on the channel runs over `fd` (a session's copy, on a socket of its own),
        under the same descriptor numbers, which fork_guard keeps from user code's children."""
        os.dup2(fd, self.read_fd, inheritable=False)
        os.dup2(fd, self._write_fd, inheritable=False)
        self._pending = b""
        self._back_to_back = False
        self._write_lock = threading.Lock()  # one the original's output thread held stays held here

    def defer(self, message):
        """Hands back a message read early: the next read returns it (in order) first."""
        self._deferred.append(message)

    def buffered_message(self):
        """The next host message if a whole line is already buffered, else None (never reads)."""
        if self._deferred:
            return self._deferred.pop(0)
        return self.buffered_line()

    def buffered_line(self):
        """buffered_message(), but never one handed back by defer() (a reader of replies)."""
        pending = self._pending
        newline = pending.find(b"\n")
        while newline >= 0:
            line = pending[:newline]
            pending = pending[newline + 1:]
            if line and not line.isspace():
                self._pending = pending
                return codec.decode(line.decode("utf-8"))
            newline = pending.find(b"\n")
        self._pending = pending
        return None

    def read_message(self, deferred=True):
        """The next host message as a dict, or None at end of input. deferred=False: never one
        handed back by defer() (a reader of replies, which hands back what it does not take)."""
        while True:
            if deferred and self._deferred:
                return self._deferred.pop(0)
            if self._pending:
                message = self.buffered_line()
                if message is not None:
                    return message
            if self._busy_poll_s:
                chunk = self._read_polling()
            else:
                chunk = _read(self.read_fd, _READ_SIZE)
            if not chunk:
                return None
            self._pending = self._pending + chunk if self._pending else chunk

    def _read_polling(self):
        started = _now()
        if self._back_to_back and self.poll_next:
            self._wait_briefly(started + self._busy_poll_s)
        chunk = _read(self.read_fd, _READ_SIZE)
        self._back_to_back = _now() - started < self._busy_poll_s
        return chunk

    def _wait_briefly(self, deadline):
        # A process asleep in read() is woken by the host's write: on a VM that costs more than a
        # small call (an idle vCPU halts). While calls come back to back, polling for the next one
        # keeps this process awake for it. Yielding lets anything else on this core go first.
        poll = self._poll
        started = _now()
        while not poll(0) and _now() < deadline:
            _yield()
        self.poll_windows += 1
        self.polled_s += _now() - started

    def wait_for_shutdown(self):
        """Drops every message but `shutdown` (a retired worker serves no more calls): True once
        the host asks for it, False when the host closes its end (it is gone)."""
        while True:
            try:
                message = self.read_message()
            except KeyboardInterrupt:
                continue
            except OSError:
                return False
            except Exception:
                continue  # not a message (buffered_message consumed the line): dropped too
            if message is None:
                return False
            if type(message) is dict and message.get("type") == "shutdown":
                return True

    def send(self, message):
        # One write call per message under a lock: the output thread and the main thread both send.
        data = codec.encode_line(message)
        with self._write_lock:
            self._write_all(data)

    def send_alone(self, message):
        """send() without the lock, for a caller that knows no other thread can send meanwhile."""
        self._write_all(codec.encode_line(message))

    def _write_all(self, data):
        written = _write(self._write_fd, data)
        if written < len(data):  # a pipe takes a large message in parts
            view = memoryview(data)[written:]
            while view:
                view = view[_write(self._write_fd, view):]
