"""Redirects the OS-level stdin/stdout/stderr of the harness process and collects call output.

fd 0 reads /dev/null; fds 1 and 2 are pipes drained by a reader thread, so output from C code,
os.write and child processes is captured too. Python-level writes skip the pipes (see streams).
The reader thread also streams pending output of long calls and notices a dead host."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal
import _thread
import os
import select
import sys
import threading
import time
import types

from .descendants import exit_orphaned
from .fork_guard import also_in_foreign_children
from .sinks import StreamSink
from .streams import CapturedText, devnull_stdin, fd_text_stream

STREAM_INTERVAL_S = 0.05  # first output of a long call reaches the host within about this
# A call running longer than this is named to the host this often (`running`): a call sent after
# one that forged its result is found waiting behind it within about this, and rerun elsewhere.
RUNNING_INTERVAL_S = 0.25
_READ_SIZE = 1 << 16
# A writer blocks once the pipe is full, so at a call's end the pipe holds at most its capacity.
_MAX_DRAIN_READS = 32

_os_read = os.read
_os_dup2 = os.dup2
_os_getppid = os.getppid
_sys_dict = sys.__dict__
_monotonic = time.monotonic
_set_module_attribute = types.ModuleType.__setattr__
_setitimer = _signal.setitimer
_ITIMER_REAL = _signal.ITIMER_REAL
_start_thread = _thread.start_new_thread


class OutputCapture:
    """Owns fds 0-2 for the harness process's lifetime and attributes output to the running call."""

    def __init__(self, channel, pump="thread", on_host_lost=None, announces_running=False):
        """pump: "thread" starts the output thread now; "lazy" only for a call still running after
        STREAM_INTERVAL_S (forked children); "later" waits for start_generation() (a process that
        forks the workers and must itself stay single-threaded). on_host_lost: called before the
        worker takes itself down because the host died during a call. announces_running: the
        output thread sends `running` for a long call (workers that serve many calls)."""
        self._channel = channel
        self._announces_running = announces_running
        self._last_running = 0.0
        self._on_host_lost = on_host_lost
        self.stdout = StreamSink("stdout")
        self.stderr = StreamSink("stderr")
        self._other_sink = {self.stdout: self.stderr, self.stderr: self.stdout}
        self._last_sink = None  # the stream the running call wrote to last
        self._null_fd = os.open(os.devnull, os.O_RDONLY)
        self._make_pipes()
        self._call_id = None
        self._call_lock = threading.Lock()  # orders stream messages before the call's result
        # One reader of the pipes at a time; reentrant, for a signal handler that prints while the
        # main thread is inside write_in_order.
        self._drain_lock = threading.RLock()
        self._last_flush = 0.0
        self._parent_pid = _os_getppid()
        self.restore_descriptors()
        self._stdin = devnull_stdin(0)
        self._stdout_stream = self._stderr_stream = None
        self._pump_started = False
        self._lazy_pump = pump == "lazy"
        if self._lazy_pump:
            # Forked children: a thread costs ~1 ms to start here, more than most calls. A one-shot
            # alarm starts it only for calls still running after STREAM_INTERVAL_S; it also
            # interrupts a write blocked on a full pipe, so no output deadlocks before then.
            _signal.signal(_signal.SIGALRM, self._start_pump_from_alarm)
        elif pump == "thread":
            self._start_pump()
        also_in_foreign_children(self._leave_streams_to_fds)

    def start_generation(self):
        """In a worker just forked from the process that built this capture: owns it from now on."""
        self._parent_pid = _os_getppid()
        # A previous generation that died mid-call may have left output in the pipes.
        for fd in self._sink_by_fd:
            self._read_ready(fd, _MAX_DRAIN_READS)
        self._start_pump()

    def _make_pipes(self):
        self._out_read, self._out_write = os.pipe()
        self._err_read, self._err_write = os.pipe()
        os.set_blocking(self._out_read, False)
        os.set_blocking(self._err_read, False)
        self._sink_by_fd = {self._out_read: self.stdout, self._err_read: self.stderr}
        self._drain_poll = select.poll()
        for fd in self._sink_by_fd:
            self._drain_poll.register(fd, select.POLLIN)

    def renew_after_fork(self):
        """In a copy of a session's process (session_fork.py), between calls: the pipes were the
        original's, still read by its output thread, and that thread did not survive the fork.
        Fresh pipes and a thread of its own, so neither process reads the other's output. Its
        host is its channel, not its parent (which it outlives): only the channel's end counts."""
        inherited = (self._out_read, self._out_write, self._err_read, self._err_write)
        self._make_pipes()
        for fd in inherited:
            os.close(fd)
        # A lock the original's threads held at the fork would stay held here for ever.
        self._call_lock = threading.Lock()
        self._drain_lock = threading.RLock()
        self._parent_pid = None
        self.stdout.clear()
        self.stderr.clear()
        self.restore_descriptors()

    def outlive_parent(self):
        """A session the forked template made: its host is its channel, not its parent (the
        template, which it outlives); only the channel's end counts, not a new parent pid."""
        self._parent_pid = None

    def start_output_thread(self):
        """After renew_after_fork, once the copy has said hello."""
        self._start_pump()

    def restore_descriptors(self):
        """Points fds 0-2 back at the harness's capture, whatever user code did to them."""
        _os_dup2(self._null_fd, 0)
        _os_dup2(self._out_write, 1)
        _os_dup2(self._err_write, 2)

    def install_streams(self):
        """Installs capture streams as sys.stdin/stdout/stderr, replacing closed or foreign ones."""
        if self._stdout_stream is None or self._stdout_stream.closed:
            self._stdout_stream = CapturedText(self.stdout, 1, "<stdout>", self.stream_pending, self.write_in_order)
        if self._stderr_stream is None or self._stderr_stream.closed:
            self._stderr_stream = CapturedText(self.stderr, 2, "<stderr>", self.stream_pending, self.write_in_order)
        if self._stdin.closed:
            self._stdin = devnull_stdin(0)
        self._stdout_stream.reset()
        self._stderr_stream.reset()
        # Plain module setattr: the isolated strategy must not count this as a change by user code.
        _set_module_attribute(sys, "stdin", self._stdin)
        _set_module_attribute(sys, "stdout", self._stdout_stream)
        _set_module_attribute(sys, "stderr", self._stderr_stream)

    def _leave_streams_to_fds(self):
        # In a process user code forked: nobody reads this capture's sinks there, so its
        # Python-level output goes to fds 1 and 2, which it shares with the call (as under python3).
        for name, ours, fd in (("stdout", self._stdout_stream, 1), ("stderr", self._stderr_stream, 2)):
            if ours is not None and _sys_dict.get(name) is ours:
                _set_module_attribute(sys, name, fd_text_stream(fd, ours.errors))

    def write_in_order(self, add, data):
        """Adds a Python-level write (`add(data)` into its sink) after whatever fd-level output
        (os.write, C code, child processes) is already waiting in the pipes: that was written
        first. Under the drain lock, so a read the output thread has in hand lands first too.
        One poll(0) a write, as python3 -u pays one write() a print."""
        lock = self._drain_lock
        lock.acquire()  # acquire/release: half the cost of `with` on 3.11, on every print
        try:
            ready = self._drain_poll.poll(0)
            if ready:
                for fd, _event in ready:
                    self._read_ready(fd, _MAX_DRAIN_READS)
            sink = add.__self__
            if sink is not self._last_sink:
                self._switch_to(sink)
            add(data)
        finally:
            lock.release()

    def send_in_order(self, message):
        """Sends a message of the running call (a display) after its output so far: what waits
        in the pipes and in the sinks goes first. Dropped between calls (a thread of a call
        that ended): it belongs to no call. Returns whether it was sent."""
        with self._drain_lock:
            self._read_waiting()
            with self._call_lock:
                call_id = self._call_id
                if call_id is None:
                    return False
                self._send_pending(call_id)
                message["id"] = call_id
                self._channel.send(message)
            self._last_flush = _monotonic()
        return True

    def current_call(self):
        """The running call's id; None between calls."""
        return self._call_id

    def note_on_stderr(self, text):
        """A line of the harness's own on the running call's stderr (what a display left out)."""
        self.write_in_order(self.stderr.add_text, text)

    def _switch_to(self, sink):
        # The call writes to the other stream now: what the previous one holds is sent first, so
        # the host sees stdout and stderr in the order they were written (one stream holds pending
        # text at any time). A message per switch; none for a call that writes to one stream.
        self._last_sink = sink
        if self._other_sink[sink].has_pending() and self._call_id is not None:
            self.stream_pending()

    def owns_stream(self, stream):
        return stream is self._stdout_stream or stream is self._stderr_stream

    def streams_in_place(self):
        """True while sys.stdout and sys.stderr are still ours (no user stream to flush)."""
        return _sys_dict.get("stdout") is self._stdout_stream and _sys_dict.get("stderr") is self._stderr_stream

    def clear(self):
        """Empties the sinks for the next call (between calls, so off its path)."""
        self.stdout.clear()
        self.stderr.clear()

    def begin(self, call_id, limit):
        # The sinks are empty: prepare_next cleared them once the previous result was sent.
        self.stdout.limit = self.stderr.limit = limit
        # No lock: between calls the output thread only reads _call_id, and it is set last.
        self._last_flush = self._last_running = _monotonic()
        self._last_sink = None
        self._call_id = call_id
        if self._lazy_pump and not self._pump_started:
            _setitimer(_ITIMER_REAL, STREAM_INTERVAL_S)

    def finish(self):
        """Ends the call: returns (stdout, stderr) not yet streamed, and the bytes of each that were
        dropped between head and tail (None when nothing was)."""
        if self._lazy_pump and not self._pump_started:
            _setitimer(_ITIMER_REAL, 0)
        # Under the drain lock even when the pipes are empty: the output thread may have just read
        # the last bytes and not yet added them to the sinks (they would land after the result).
        # One poll(0) syscall in the usual case where nothing was written to fds 1 and 2.
        lock = self._drain_lock
        lock.acquire()
        try:
            self._read_waiting()
        finally:
            lock.release()
        self.stdout.end_bytes()
        self.stderr.end_bytes()
        # acquire/release rather than `with`, which costs twice as much on 3.11: safe here, as the
        # call's interrupts are disarmed and no KeyboardInterrupt can land between the two.
        call_lock = self._call_lock
        call_lock.acquire()
        try:
            self._call_id = None
            stdout, stderr = self.stdout.take(), self.stderr.take()
        finally:
            call_lock.release()
        dropped = None
        if self.stdout.has_tail() or self.stderr.has_tail():  # only past half the output limit
            stdout += self.stdout.take_tail()
            stderr += self.stderr.take_tail()
            if self.stdout.dropped or self.stderr.dropped:
                dropped = {"stdout": self.stdout.dropped, "stderr": self.stderr.dropped}
        return stdout, stderr, dropped

    def _start_pump(self):
        self._pump_started = True
        # A bare OS thread, unknown to the threading module: user code that counts or lists its
        # threads (threading.active_count(), enumerate()) sees only its own, as under python3.
        _start_thread(self._pump, ())

    def _start_pump_from_alarm(self, signum, frame):
        self.start_lazy_pump_now()

    def start_lazy_pump_now(self):
        """For a call that starts a process (see forking/spawn_watch.py): its output may fill a pipe
        before the alarm, and the call may have taken SIGALRM for itself."""
        if self._lazy_pump and not self._pump_started:
            _setitimer(_ITIMER_REAL, 0)
            self._start_pump()

    def _read_waiting(self):
        # Under the drain lock: what waits in the pipes goes into the sinks (one poll(0) when
        # nothing does). write_in_order has this inline: it runs on every print.
        for fd, _event in self._drain_poll.poll(0):
            self._read_ready(fd, _MAX_DRAIN_READS)

    def _read_ready(self, fd, max_reads):
        sink = self._sink_by_fd[fd]
        for _ in range(max_reads):
            try:
                data = _os_read(fd, _READ_SIZE)
            except BlockingIOError:
                return
            if not data:
                return
            if self._call_id is not None:  # output between calls belongs to no call
                if sink is not self._last_sink:
                    self._switch_to(sink)
                sink.add_bytes(data)

    def _pump(self):
        poller = select.poll()
        for fd in self._sink_by_fd:
            poller.register(fd, select.POLLIN)
        # Registered for no events, the channel is reported only once the host's end of it is
        # gone. A generation needs this: its parent outlives a dead host, so getppid() stays put.
        channel_fd = self._channel.read_fd
        poller.register(channel_fd, 0)
        channel_closed = False
        interval_ms = int(STREAM_INTERVAL_S * 1000)
        while True:
            try:
                ready = poller.poll(interval_ms)
                if ready:
                    with self._drain_lock:
                        for fd, _event in ready:
                            if fd == channel_fd:
                                poller.unregister(fd)  # it would be reported at every poll now
                                channel_closed = True
                            else:
                                self._read_ready(fd, 4)
                # Between calls the main thread reads the end of input and exits cleanly by itself.
                orphaned = self._parent_pid is not None and _os_getppid() != self._parent_pid
                if (channel_closed and self._call_id is not None) or orphaned:
                    exit_orphaned(self._parent_pid, self._on_host_lost)
                self.stream_pending(STREAM_INTERVAL_S)
                if self._announces_running:
                    self._announce_running()
            except Exception:  # the pump must outlive any single failure
                time.sleep(STREAM_INTERVAL_S)

    def _announce_running(self):
        if self._call_id is None or _monotonic() - self._last_running < RUNNING_INTERVAL_S:
            return
        with self._call_lock:  # never after the call's result: finish() clears _call_id under it
            call_id = self._call_id
            if call_id is not None:
                self._channel.send({"type": "running", "id": call_id})
                self._last_running = _monotonic()

    def host_lost(self):
        """The host is gone: takes this worker and all it started down (never returns)."""
        exit_orphaned(self._parent_pid, self._on_host_lost)

    def stream_pending(self, min_interval=0.0):
        """Sends the running call's collected output (batching thread, or an explicit flush).

        The batching thread passes min_interval so that a call shorter than it, which started
        just before the tick, still costs one result message and no stream message."""
        if self._call_id is None or not (self.stdout.has_pending() or self.stderr.has_pending()):
            return
        with self._call_lock:
            call_id = self._call_id
            if call_id is None or _monotonic() - self._last_flush < min_interval:
                return
            self._send_pending(call_id)
            self._last_flush = _monotonic()

    def _send_pending(self, call_id):
        # Under the call lock.
        for sink in (self.stdout, self.stderr):
            text = sink.take()
            if text:
                self._channel.send({"type": "stream", "id": call_id, "name": sink.name, "text": text})
