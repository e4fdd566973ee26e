"""The harness of a worker that serves many calls (optimized, isolated; baseline serves one)."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import gc
import os
import sys

from . import os_exit
from .capture import OutputCapture
from .descendants import has_children, kill_descendants, reap_left_out
from .fork_guard import silence_diagnostics
from .generations import RECYCLED_EXIT_CODE
from .maintenance import PeriodicCollection, RssCeiling
from .private_paths import copy_working_directory, make_fresh_directory, remove_path, unguessable_name
from .process_setup import call_root, prepare_process, use_private_matplotlib_dir
from .protocol import check_host_message
from .host_requests import requests
from .reset_hooks import ResetHooks
from .runner import DEFAULT_FILENAME, CallRunner
from .script_end import script_end
from .unrestorable import Unrestorable

_exit = os._exit


class Harness:
    def __init__(
        self,
        config,
        channel,
        isolate=False,
        forks_generations=False,
        ends_processes_with_call=False,
        one_call=False,
        keeps_namespace=False,
    ):
        """ends_processes_with_call: processes a call started are killed before its result is
        sent (baseline, isolated), as if it ran in a cgroup of its own; otherwise only when the
        call was interrupted (a timeout or a stop). one_call: the worker serves a single call
        (baseline), started ahead of it while other calls run. keeps_namespace: calls share one
        __main__ (a session)."""
        self.channel = channel
        self._ends_processes_with_call = ends_processes_with_call
        self._forks_generations = forks_generations
        self._one_call = one_call
        self._isolate = isolate
        self._keeps_namespace = keeps_namespace
        # Optimized: every call runs in the worker's directory (isolated, forked and baseline
        # calls, and sessions, have their own).
        self._shares_working_directory = not (isolate or forks_generations or one_call or keeps_namespace)
        self._work_dir = None  # known once prepare_process has settled it
        self._script_dir = None
        # A process that forks generations must stay single-threaded: each generation starts
        # its own output thread (start_generation).
        self.capture = OutputCapture(
            self.channel,
            pump="later" if forks_generations else "thread",
            on_host_lost=self.remove_directories,
            announces_running=not one_call,
        )
        self.isolation = None
        interrupts, limiter = prepare_process(config)
        self._work_dir = config["workDir"]
        self.interrupts = interrupts
        self.reset_hooks = ResetHooks(config.get("resetHooks") or [])
        script_end()  # atexit's per-call recorder, in place before the isolated snapshot
        # Beside the call directories, named after the process the host started (generations share
        # it); never in the working directory, which calls see. Through a launcher without the
        # host's call root, beside the worker's own directory.
        root = config.get("callRoot")
        root = root if root and os.path.isdir(root) else os.path.dirname(config["workDir"])
        self._script_dir = os.path.join(root, "script-%d" % os.getpid())
        use_private_matplotlib_dir(config, self._script_dir)  # before the isolated snapshot
        # What a call's sys.argv usually is, so the isolated snapshot holds it and a call with the
        # default script and no arguments changes nothing there.
        sys.argv[:] = [os.path.join(self._script_dir, DEFAULT_FILENAME)]
        guards = self._guards(config, isolate)
        self.runner = CallRunner(self.capture, interrupts, limiter, guards, self._script_dir, keeps_namespace)
        requests.attach(self.capture, channel)  # replies to a call's requests come on the channel
        # Everything alive now (harness, preloads, the isolation snapshot) lives as long as the
        # worker: frozen out of the collector's sight, a periodic gc.collect() costs microseconds.
        gc.freeze()
        os_exit.on_exit_during_call(self._exit_during_call)
        self.handlers = {
            "run": self._on_run,
            "configure": self._on_configure,
            "recycle": self._on_recycle,
            "shutdown": self._on_shutdown,
            "reply": self._on_late_reply,
        }

    def start_generation(self):
        """In a worker just forked from this (never used) harness: takes over its capture."""
        self.interrupts.install()  # not the parent's forwarding handler
        self.capture.start_generation()
        if self.isolation is not None:
            self.isolation.start_generation()

    def _guards(self, config, isolate):
        # Order matters: hooks see the call's state; the checks and restore come after them.
        guards: list = [self.reset_hooks]  # objects with after_call(), some with before_call()
        if config.get("maxRssMb"):
            guards.append(RssCeiling(config["maxRssMb"]))
        if isolate:
            from .errors import warm_up as warm_up_error_formatting
            from .isolation.guard import IsolationGuard  # imported only by the strategy that uses it

            warm_up_error_formatting()
            self.capture.install_streams()  # part of the snapshot, so not a change each call
            self.isolation = IsolationGuard(call_root(config))
            guards.append(self.isolation)
        if config.get("gcInterval"):
            guards.append(PeriodicCollection(config["gcInterval"]))
        return guards

    def serve(self, hello):
        try:
            self._serve(hello)
        except BrokenPipeError:  # the host is gone before reading what we sent (a spare's hello)
            pass
        # The host is gone (it kills its workers rather than hang up): nobody else cleans up now.
        self.remove_directories()
        kill_descendants()
        _exit(0)

    def _serve(self, hello):
        self.channel.send(hello)
        while True:
            try:
                message = self.channel.read_message()
            except KeyboardInterrupt:
                continue  # a late interrupt for a call that already ended
            except BaseException as exc:
                self.channel.send({"type": "fault", "message": "unreadable message: %r" % (exc,)})
                continue
            if message is None:
                return
            self._dispatch(message)

    def remove_directories(self):
        """Once the host is gone, nobody else removes what calls left in this worker's directories."""
        import shutil  # only when the host died: a start-up cost the common case skips

        if self.isolation is not None:
            self.isolation.remove_directory()
        if self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
        if self._script_dir is not None:
            shutil.rmtree(self._script_dir, ignore_errors=True)

    def _dispatch(self, message):
        try:
            problem = check_host_message(message)
            if problem is not None:
                self._send_fault(message, "%s: %.200r" % (problem, message))
                return
            self.handlers[message["type"]](message)
        except BaseException as exc:  # the loop never dies
            self._send_fault(message, "harness failure: %r" % (exc,))
            if isinstance(message, dict) and message.get("type") == "run":
                # The harness itself failed on a call (no descriptor left to write the script,
                # say): what the call did to the process is unknown, so no other call runs here.
                self._retire(Unrestorable("the harness failed during a call: %r" % (exc,)))

    def _send_fault(self, message, text):
        fault = {"type": "fault", "message": text}
        # With the id, the host can settle the call the bad message was meant to start.
        if isinstance(message, dict) and isinstance(message.get("id"), str):
            fault["id"] = message["id"]
        self.channel.send(fault)

    def _on_run(self, message):
        if self._keeps_namespace:
            reap_left_out()  # copies this session forked that have exited since
        if self._keeps_namespace and "fork" in message:
            from .session_fork import fork_copies  # only sessions that fork pay its import

            result = fork_copies(self, message)
            if result is not None:  # None: this is a copy, which said hello on its own channel
                # Asleep until the next message: a busy-poll would take the core the copies need.
                self.channel.poll_next = False
                self.channel.send_alone(result)
            return
        if self._keeps_namespace and "fileOp" in message:
            from .session_files import file_operation  # only sessions whose host uses files

            self.channel.send_alone(file_operation(self._work_dir, message))
            return
        own_directory = None
        if self._one_call or (self._shares_working_directory and ("files" in message or "collectFiles" in message)):
            # Started ahead while other calls ran, which could see (and write into) its working
            # directory: the call gets one made now, under a name none of them can know. So does
            # an optimized call given files, which later calls must not find, or whose files are
            # collected (what it wrote, never what an earlier tenant left in the shared one).
            own_directory = make_fresh_directory(os.path.join(self._work_dir or ".", unguessable_name("call-")))
            os.chdir(own_directory)
        # Alone: the run ended its call in OutputCapture.finish (under the lock the output thread
        # sends stream messages with), so that thread sends nothing until the next call begins.
        result = self.runner.run(message)
        self.channel.poll_next = message.get("poll") is not False
        if self.interrupts.fired or (self._ends_processes_with_call and has_children()):
            kill_descendants()  # before the result: when the call ends, what it started is gone
        if self._keeps_namespace:
            # A session: its host must know, when the result arrives, whether this process serves
            # on (the next call would otherwise meet a fresh interpreter): upkeep comes first.
            problem = self.runner.after_call()
            if problem is not None:
                self._retire(problem, result)
            self.channel.send_alone(result)
            self.runner.prepare_next()
            return
        self.channel.send_alone(result)
        # Upkeep after the result overlaps with the host's turnaround; the next message is read
        # only once it is done, so every call starts from restored state.
        problem = self.runner.after_call()
        if problem is not None:
            self._retire(problem)
        if self._isolate:
            self.runner.discard_script_if_changed()  # what a call left there, no later call reads
        if own_directory is not None and not self._one_call:
            os.chdir(self._work_dir or "/")
            remove_path(own_directory)
        self.runner.prepare_next()

    def copy_directories(self, work_dir):
        """Before a fork (session_fork.py): the copy's working directory, with this session's
        files. Returns where the copy's current directory is to be."""
        original = self._work_dir or os.getcwd()
        make_fresh_directory(os.path.dirname(work_dir))  # the copy's own, holding both directories
        return copy_working_directory(original, work_dir)

    def become_copy(self, channel_fd, work_dir, script_dir, cwd):
        """In a copy of a session's process (session_fork.py), before it reads its first
        message: its own channel, output pipes, output thread and directories."""
        self.channel.move_to(channel_fd)
        silence_diagnostics()
        self.capture.renew_after_fork()
        self.interrupts.install()
        os.chdir(cwd)
        self._work_dir = work_dir
        matplotlib_dir = os.path.join(self._script_dir or script_dir, ".matplotlib")
        if os.environ.get("MPLCONFIGDIR") == matplotlib_dir:
            os.environ["MPLCONFIGDIR"] = os.path.join(script_dir, ".matplotlib")
        self._script_dir = script_dir
        self.runner.use_script_dir(script_dir)
        self.capture.start_output_thread()

    def _exit_during_call(self, status):
        # os._exit in a call (see os_exit.py): its result goes out as for sys.exit(status), marked
        # `exiting`, and the process ends; the host gives the next call (which it may have sent
        # already) to this worker's successor.
        result = self.runner.finish_on_exit(status)
        if result is None:
            return status
        if has_children():
            kill_descendants()
        if not self._one_call:  # (a baseline worker takes one call anyway)
            result["exiting"] = True  # the host sends this process no other call
        self.channel.send(result)
        # A generation exits as recycled: the process that forks them serves on from the next.
        return RECYCLED_EXIT_CODE if self._forks_generations else status

    def _retire(self, problem, result=None):
        # The host may already have sent the next call: it gives that call to a replacement.
        # `result`: the call's, sent after the word that this process ends (a session's).
        # We wait for the host's word rather than exit, so this worker ends as every worker does:
        # on `shutdown` it kills and reaps what it started (all of it is below this subreaper),
        # and nothing is left to a PID 1 that may never reap; the host kills the tree if we do
        # not answer. If the host dies instead, its end of the channel closes, and nobody else
        # will ever end what is left.
        spoiled = {"type": "spoiled", "reason": problem.reason}
        if problem.preload:
            spoiled["preload"] = problem.preload
        self.channel.send(spoiled)
        if result is not None:
            self.channel.send_alone(result)
        if self.channel.wait_for_shutdown():
            self._on_shutdown(None)
        self.capture.host_lost()

    def _on_late_reply(self, message):
        pass  # to a request of a call that ended meanwhile: nobody waits for it

    def _on_configure(self, message):
        self.reset_hooks.configure(message["resetHooks"])

    def _on_recycle(self, message):
        # The process that forked this one forks a fresh successor (see generations.py).
        _exit(RECYCLED_EXIT_CODE)

    def _on_shutdown(self, message):
        # os._exit: user atexit handlers and leftover non-daemon threads must not delay shutdown.
        kill_descendants()
        _exit(0)
