"""What a running call asks its host and waits for: an answer to input() (the host's onInput)
and the value of a host function (`pyexec_host`).

A request goes out after the call's output so far (so a prompt printed before input() is seen
first); the reply comes on the channel the harness reads its messages from (a forked child: on
its socket, where its template passes replies on). Requests may come from several threads at
once: one of them reads at a time and hands each reply to the thread that asked for it. A
message that is not a reply (a call the host sent early) is handed back to the main loop.
Waiting stays interruptible: the call's timeout, stop() and abort reach a call that waits."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import select
import threading
import time

_READ_SLICE_MS = 50  # how often a waiting reader looks whether its call is still running
_SPIN_S = 0.0003  # how long a reader waits awake for the reply before it sleeps in poll()
_now = time.perf_counter
_yield = os.sched_yield


class CallEnded(Exception):
    """The call that asked ended (a thread of it asked too late, or the host is gone)."""


class HostRequests:
    def __init__(self):
        self._capture = _NoCall()  # until attach(): no call runs
        self._source = None  # the channel replies come on: read_fd, read_message(), defer()
        self._state = threading.Condition(threading.Lock())
        self._reading = False  # a thread is reading the source now (outside the lock)
        self._replies = {}
        self._last_request = 0
        self.functions = frozenset()  # the host functions the running call was given
        self.answers_input = False  # the running call's input() asks the host
        # Threads that were running before the call began (but the main one): in a worker that
        # serves many tenants, a thread an earlier call left behind must not call this call's
        # functions or read its answers. A session's threads are its own: none are refused.
        self._earlier_threads = frozenset()

    def attach(self, capture, source):
        self._capture = capture
        self._source = source

    def begin_call(self, message, own_threads):
        """own_threads: threads of earlier calls belong to this one's tenant (a session)."""
        functions = message.get("functions")
        answers_input = message.get("input") is True
        if not (functions or answers_input):
            return  # the usual call (end_call left everything empty)
        self.functions = frozenset(functions or ())
        self.answers_input = answers_input
        if not own_threads:
            self._earlier_threads = _running_threads() - {threading.get_native_id()}  # (the thread that runs calls)

    def end_call(self):
        """After the call's capture ended: no thread of it reads the channel from now on."""
        if not (self.functions or self.answers_input or self._reading or self._replies):
            return  # the usual call: it asked nothing (a thread that starts to read now sees it ended)
        self.functions = frozenset()
        self.answers_input = False
        self._earlier_threads = frozenset()
        with self._state:
            while self._reading:
                self._state.wait(_READ_SLICE_MS / 1000)
            self._replies.clear()

    def ask(self, fields):
        """Sends a request of the running call and returns the host's reply (a dict)."""
        capture = self._capture
        call_id = capture.current_call()
        if call_id is None:
            raise CallEnded("no call is running to ask the host")
        if threading.get_native_id() in self._earlier_threads:
            raise CallEnded("a thread an earlier call left running cannot ask the host for this call")
        with self._state:
            self._last_request += 1
            request_id = self._last_request
        message = dict(fields)
        message["type"] = "request"
        message["requestId"] = request_id
        if not capture.send_in_order(message):
            raise CallEnded("the call ended before the host was asked")
        return self._wait(call_id, request_id)

    def _wait(self, call_id, request_id):
        state = self._state
        with state:
            while True:
                reply = self._replies.pop(request_id, None)
                if reply is not None:
                    return reply
                if self._capture.current_call() != call_id:
                    raise CallEnded("the call ended before the host answered")
                if self._reading:  # another thread reads: it hands this one its reply
                    state.wait(_READ_SLICE_MS / 1000)
                    continue
                self._reading = True
                state.release()
                try:
                    message = self._read_one()
                finally:
                    state.acquire()
                    self._reading = False
                    state.notify_all()
                if message is not None:
                    self._take(message, call_id)

    def _read_one(self):
        # A message if one comes within the slice, else None. An interrupt lands here too.
        source = self._source
        if source is None:
            raise CallEnded("no channel to the host")
        message = source.buffered_line()
        if message is not None:
            return message
        poller = select.poll()
        poller.register(source.read_fd, select.POLLIN | select.POLLHUP)
        # A host function usually answers within tens of microseconds: waiting awake that long
        # costs less than the wake-up of a process asleep in poll() (on a VM, an idle vCPU halts).
        deadline = _now() + _SPIN_S
        while not poller.poll(0):
            if _now() > deadline:
                if not poller.poll(_READ_SLICE_MS):
                    return None
                break
            _yield()
        message = source.read_message(deferred=False)
        if message is None:
            raise CallEnded("the host is gone")
        return message

    def _take(self, message, call_id):
        # Under the lock.
        if type(message) is dict and message.get("type") == "reply":
            request_id = message.get("requestId")
            if message.get("id") == call_id and type(request_id) is int:
                self._replies[request_id] = message
            return  # a late reply to a call that ended: nobody waits for it
        if self._source is not None:
            self._source.defer(message)


def _running_threads():
    # The kernel's list: threads user code started with _thread (which threading does not know
    # of) are in it too. Thread ids are not reused until the pid space wraps around.
    try:
        return frozenset(int(name) for name in os.listdir("/proc/self/task"))
    except OSError:
        return frozenset(thread.native_id for thread in threading.enumerate())


class _NoCall:
    """The capture of a process that runs no calls (yet)."""

    def current_call(self):
        return None

    def send_in_order(self, message):
        return False


requests = HostRequests()
