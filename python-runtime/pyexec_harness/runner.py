"""Runs one call: fresh __main__ globals, output captured, value and exception reported."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import sys
import time
from binascii import a2b_base64 as b64decode

from .call_files import write_call_files
from .call_stdin import CallStdin
from .compiler import compile_cell
from .display.bundles import format_bundle, has_rich_repr
from .display.publisher import displays
from .environment import apply_environment, restore_environment
from .errors import describe_exception
from .figures import collect_figures
from .host_input import HostStdin
from .host_requests import requests
from .namespace import MainNamespaces
from .output_files import OutputFiles
from .fork_guard import end_foreign_process, is_foreign
from .json_value import plain_json
from . import stack_view
from .script_end import script_end
from .script_file import ScriptFile
from .text_limits import cut_utf8
from .top_level_await import CallLoop, awaits
from .unrestorable import Unrestorable
from .usage import CallUsage

_sys_modules = sys.modules
_repr = repr
_time_ns = time.time_ns
_PYPLOT = "matplotlib.pyplot"  # figures are collected only once a call has imported it
DEFAULT_FILENAME = "main.py"
_getframe = sys._getframe


class CallRunner:
    def __init__(self, capture, interrupts, limiter, guards, script_dir, keeps_namespace=False):
        """script_dir: where each call's source is written, as the script file `python3 script.py`
        would run (kept out of the call's working directory, which stays empty); None to write
        no file (a warm-up before the call's own directories exist). keeps_namespace: every call
        runs in the same __main__ (a session), and a call's end is not a script's end (threads
        are not joined, atexit handlers wait for the process's end)."""
        self._capture = capture
        displays.attach(capture)
        self._stdin = CallStdin()
        self._script = ScriptFile(script_dir)
        self._began_ns = 0
        self._script_end = None if keeps_namespace else script_end()
        self._namespaces = MainNamespaces(keep=keeps_namespace)
        self._loop = CallLoop()
        self._figures = []  # the running call's, taken before its script end closes them
        self._interrupts = interrupts
        self._limiter = limiter
        # Per-call upkeep (reset hooks, RSS ceiling, isolation, gc): before_call() for the guards
        # that have one, and after_call() once the result is sent, which raises Unrestorable to
        # retire the worker.
        self._before_call = [guard.before_call for guard in guards if hasattr(guard, "before_call")]
        self._after_call = [guard.after_call for guard in guards]
        self._imports_changed = [guard.imports_changed for guard in guards if hasattr(guard, "imports_changed")]
        self._imports_epoch = 0  # the host's install count this worker has caught up with
        self._next_main = None  # made by prepare_next, taken by the call it was made for
        self._output_files = None  # the running call's, when the host asked for its files
        self._usage = CallUsage()
        self._current = None  # (result, saved environment, script, limit) while a call runs

    def prepare_next(self):
        """Puts the capture back in place and makes the next call's fresh __main__. Called once
        the previous result is sent, it overlaps with the host's turnaround instead of delaying
        the next call."""
        self._capture.restore_descriptors()
        self._capture.install_streams()
        self._capture.clear()
        self._next_main = self._namespaces.next()

    def use_script_dir(self, script_dir):
        """Writes later calls' scripts in `script_dir`, made afresh at the first write."""
        self._script.use_directory(script_dir)

    def discard_script_if_changed(self):
        """See ScriptFile.discard_if_changed: after the call that began at the last run()."""
        self._script.discard_if_changed(self._began_ns)

    def run(self, message):
        """Returns the result message for a run message."""
        capture = self._capture
        call_id = message["id"]
        self._interrupts.expect_call()
        if self._next_main is None:
            self.prepare_next()
        main_module, self._next_main = self._next_main, None
        epoch = message.get("importsEpoch")
        if epoch is not None and epoch != self._imports_epoch:
            self._refresh_imports(epoch)
        limit = message["maxOutputBytes"]
        capture.begin(call_id, limit)
        displays.begin_call(limit, message.get("figureFormats"))
        requests.begin_call(message, self._namespaces.kept)
        for before_call in self._before_call:
            before_call()
        overrides = message.get("env")
        saved_environment = apply_environment(overrides) if overrides else None
        result = {"type": "result", "id": call_id, "status": "ok"}
        source = message["code"]
        self._began_ns = _time_ns()
        if message.get("usage") is True:
            self._usage.begin()
        script = self._script.write(message.get("filename") or DEFAULT_FILENAME, source)
        argv = message.get("argv")
        if argv or sys.argv[:1] != [script]:
            sys.argv[:] = [script] + (argv or [])  # in place: isolated restores the list
        namespace = main_module.__dict__
        namespace["__file__"] = script
        self._current = (result, saved_environment, script, limit)
        stdin = message.get("stdin")
        if stdin is not None or "stdinBase64" in message:
            self._stdin.give(stdin.encode("utf-8") if stdin is not None else b64decode(message["stdinBase64"]))
        elif message.get("input") is True:
            self._stdin.use(HostStdin())
        try:
            files = message.get("files")
            if files:
                write_call_files(files)  # in the try: a file that cannot be written is the call's error
            collect = message.get("collectFiles")
            if collect is not None:  # after the given files: those are not the call's output
                self._output_files = OutputFiles(collect)
            value, as_json, bundle = self._execute(source, script, main_module, limit)
            if as_json is not None:
                result["valueJson"] = as_json
            if bundle is not None:
                result["valueBundle"] = bundle
            if value is not None:
                kept = cut_utf8(value, limit)
                if kept is not value:
                    value = kept
                    result["truncated"] = True
                result["value"] = value
        except SystemExit as exit_request:
            if exit_request.code not in (None, 0):
                self._describe_error(result, exit_request, script, limit)
        except BaseException as exc:
            self._describe_error(result, exc, script, limit)
        if is_foreign():  # a process the call forked ran on to the end of its code: it ends here
            end_foreign_process(result)
        return self._finish(result, saved_environment)

    def finish_on_exit(self, status):
        """The running call's result when its code calls os._exit(status): as sys.exit(status)
        would make it, with the output so far. None between calls."""
        current, self._current = self._current, None
        if current is None:
            return None
        result, saved_environment, script, limit = current
        if status not in (None, 0):
            self._describe_error(result, SystemExit(status), script, limit)
        if _PYPLOT in _sys_modules:
            self._figures = self._collect_figures()
        return self._finish(result, saved_environment)

    def _describe_error(self, result, exc, script, limit):
        result["status"] = "error"
        result["error"], cut = describe_exception(exc, script, limit)
        if cut:
            result["truncated"] = True

    def _finish(self, result, saved_environment):
        self._current = None
        capture = self._capture
        if not capture.streams_in_place():
            self._flush_user_streams()
        figures, self._figures = self._figures, []
        usage = self._usage.end()
        output_files, self._output_files = self._output_files, None
        if output_files is not None:
            result["files"], cut = output_files.collect()
            if cut:
                result["truncated"] = True
        if displays.end_call():
            result["truncated"] = True
        if saved_environment is not None:
            restore_environment(saved_environment)
        self._stdin.end()
        stdout, stderr, dropped = capture.finish()
        requests.end_call()
        result["stdout"] = stdout
        result["stderr"] = stderr
        result["figures"] = figures
        if usage is not None:  # last: the codec's fast path for plain results expects it there
            result["usage"] = usage
        if dropped is not None:
            result["truncated"] = True
            result["droppedBytes"] = dropped
        return result

    def _refresh_imports(self, epoch):
        # Packages were installed since: directories that did not exist or were listed before are
        # looked at afresh (finders cache both), and the isolated snapshot must not put the old
        # view back after the call.
        # (importlib.invalidate_caches() would do this and more, but on 3.13 it also imports
        # importlib.metadata and its C extensions, which would spoil an isolated worker.)
        for path, finder in list(sys.path_importer_cache.items()):
            if finder is None:
                del sys.path_importer_cache[path]
            elif hasattr(finder, "invalidate_caches"):
                finder.invalidate_caches()  # pyright: ignore[reportAttributeAccessIssue]  (checked just above)
        for imports_changed in self._imports_changed:
            imports_changed()
        self._imports_epoch = epoch

    def after_call(self):
        """Runs once the result is sent: None, or the Unrestorable that retires this worker."""
        for after_call in self._after_call:
            try:
                after_call()
            except Unrestorable as problem:
                return problem
            except BaseException as exc:
                return Unrestorable("state could not be restored: %s: %s" % (type(exc).__name__, exc))
        return None

    def _execute(self, source, script, main_module, limit):
        """Runs the call's code: (repr of its last expression's value, that value as plain JSON,
        its MIME bundle beyond text/plain), each None when there is none."""
        stack_view.begin(_getframe())  # the call's stack starts above this frame
        interrupts = self._interrupts
        self._limiter.arm_call()
        script_end = self._script_end
        try:
            interrupts.arm()  # raises at once for a call interrupted before its code ran
            cell = compile_cell(source, script)
            _sys_modules["__main__"] = main_module  # so pickle and friends find the call's names
            namespace = main_module.__dict__
            if script_end is not None:
                script_end.begin()
            try:
                body, last = cell.body, cell.last_expression
                if cell.awaits:
                    self._loop.start()
                if body is not None:
                    if cell.awaits and awaits(body):
                        self._loop.run(eval(body, namespace))
                    else:
                        exec(body, namespace)
                value = None if last is None else eval(last, namespace)
                if cell.awaits and last is not None and awaits(last):
                    value = self._loop.run(value)
                shown = None if value is None else _repr(value)
                as_json = None if value is None else plain_json(value, limit)
                bundle = None if value is None or not has_rich_repr(value) else self._value_bundle(value, shown)
                value = None  # not kept alive past the script's end
            finally:
                # Before the script's end: pyplot's own atexit handler closes every figure.
                if _PYPLOT in _sys_modules:
                    self._figures = self._collect_figures()
                self._loop.close()
                if script_end is not None:
                    script_end.finish(namespace)
            return shown, as_json, bundle
        finally:
            if script_end is not None:
                script_end.abandon()
            interrupts.disarm()

    def _collect_figures(self):
        try:
            bundles = collect_figures()
        except BaseException as exc:
            self._capture.note_on_stderr("pyexec: could not collect matplotlib figures: %r\n" % (exc,))
            return []
        return [data for data in bundles if displays.fits(data, "a figure")]

    @staticmethod
    def _value_bundle(value, shown):
        # What the value shows beyond its repr (a DataFrame's HTML): None when nothing.
        data, _metadata = format_bundle(value, displays.note, plain=shown)
        if len(data) <= 1:
            return None
        del data["text/plain"]
        return data if displays.fits(data, "the value's rich representation") else None

    def _flush_user_streams(self):
        # User code may have installed its own buffered streams over fds 1 and 2; ours need no flush.
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name, None)
            if stream is None or self._capture.owns_stream(stream):
                continue
            try:
                stream.flush()
            except BaseException:
                pass
