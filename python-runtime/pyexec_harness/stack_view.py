"""User code sees only its own stack, as under `python3 script.py`.

A script's module frame is the bottom of its stack; a call's runs on top of ten or so harness
frames (the serving loop, the runner). Python offers no way to run code without the frames that
called it (only a new thread starts with an empty stack, and user code must run on the main
thread, where signals land). So what user code looks at leaves them out instead:
- stack inspection: traceback.extract_stack, format_stack, print_stack and walk_stack, and
  inspect.stack and getouterframes (each patched when first imported, if a worker's start did
  not load it: inspect costs 7 ms, traceback with linecache and re 4 ms);
- the recursion limit: sys.getrecursionlimit and setrecursionlimit count from the call's first
  frame, so a call recurses exactly as deep as a script (998 frames under the default 1000).
Frames of harness code that user code calls into (print, atexit) are left out too."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import operator
import os
import sys

_HARNESS_FILES = os.path.dirname(os.path.abspath(__file__)) + os.sep
_getframe = sys._getframe
_real_getrecursionlimit = sys.getrecursionlimit
_real_setrecursionlimit = sys.setrecursionlimit
_originals = {}  # traceback's functions the patched ones call, kept when it is patched
# base: the code object of the frame that runs a call's code; place: the code that called the
# runner; offset: what the harness's frames below take of the recursion limit; script_reach: see
# measure_script_reach.
_state = {"base": None, "place": None, "offset": 0, "script_reach": None}


def install():
    """At a worker's start, before any call (and before an isolated snapshot): once per process.
    traceback and inspect are patched now if loaded, else when first imported."""
    if getattr(sys.getrecursionlimit, "__module__", None) == __name__:
        return
    sys.getrecursionlimit = getrecursionlimit
    sys.setrecursionlimit = setrecursionlimit
    later = {}
    for name, patch in (("traceback", _patch_traceback), ("inspect", _patch_inspect)):
        if name in sys.modules:
            patch(sys.modules[name])
        else:
            later[name] = patch
    if later:
        sys.meta_path.insert(0, _PatchOnImport(later))


def measure_script_reach():
    """Called first thing by main(), which the bootstrap's module-level code calls: that code
    stands where a script's module frame does. How deep a call made there can recurse is what
    every call's code must get. Measured, not counted: interpreters count some calls made
    through C twice, and which ones differ between versions."""
    limit = _frames_below(_getframe()) + _PROBE_ROOM
    # main() stands where a script's first call does; the frames between it and the probe
    # (this function, _reach) match those between the runner's frame and its probe (begin,
    # _reach), so they cancel out in the offset.
    _state["script_reach"] = _reach(limit, _probe) - limit


def begin(base_frame):
    """The frame about to run a call's code (the runner's). What lies below it is the same for
    every call a process serves from the same place, so the limit's offset is measured once
    per place (the code that called the runner: a forked child's warm-up call comes from the
    same place as its call, see child.py)."""
    place = base_frame.f_back.f_back.f_code
    if place is not _state["place"]:
        _state["place"] = place
        _state["base"] = base_frame.f_code
        user_limit = getrecursionlimit()
        below = _frames_below(base_frame)
        limit = below + _PROBE_ROOM
        # A call's code runs from a module frame exec'd by the runner's; the probe's runs from
        # one exec'd by _exec_probe, which stands where main() does in measure_script_reach.
        call_reach = _reach(limit, _exec_probe) - limit  # pyright: ignore[reportOperatorIssue]  (an int: the depth)
        script_reach = _state["script_reach"]
        _state["offset"] = below if script_reach is None else script_reach - call_reach
        _real_setrecursionlimit(user_limit + _state["offset"])


_PROBE_ROOM = 64  # the probes recurse this far at most, under a limit lowered for them
_PROBE_CODE = compile("reach = probe(0)", "<pyexec recursion probe>", "exec")


def _frames_below(frame):
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def _reach(limit, probe):
    saved = _real_getrecursionlimit()
    _real_setrecursionlimit(limit)
    try:
        return probe()
    finally:
        _real_setrecursionlimit(saved)


def _probe(depth=0):
    try:
        return _probe(depth + 1)
    except RecursionError:
        return depth


def _exec_probe():
    namespace = {"probe": _probe}
    exec(_PROBE_CODE, namespace)
    return namespace["reach"]


def getrecursionlimit():
    return _real_getrecursionlimit() - _state["offset"]


def setrecursionlimit(limit):
    limit = operator.index(limit)
    if limit < 1:
        raise ValueError("recursion limit must be greater or equal than 1")
    _real_setrecursionlimit(limit + _state["offset"])


def _user_frames(frame):
    """Frames from `frame` down to the call's first, harness frames left out."""
    base = _state["base"]
    while frame is not None:
        code = frame.f_code
        if code is base:
            return
        if not code.co_filename.startswith(_HARNESS_FILES):
            yield frame
        frame = frame.f_back


def _walk(frame):
    for user_frame in _user_frames(frame):
        yield user_frame, user_frame.f_lineno


def walk_stack(f):
    """traceback.walk_stack: (frame, line number) from f (the caller's frame if None) down."""
    return _walk(_getframe(1) if f is None else f)


def extract_stack(f=None, limit=None):
    stack = _originals["extract"](_walk(_getframe(1) if f is None else f), limit=limit)
    stack.reverse()
    return stack


def format_stack(f=None, limit=None):
    return _originals["format_list"](extract_stack(_getframe(1) if f is None else f, limit))


def print_stack(f=None, limit=None, file=None):
    _originals["print_list"](extract_stack(_getframe(1) if f is None else f, limit), file=file)


def _patch_traceback(traceback):
    _originals.update(extract=traceback.StackSummary.extract, format_list=traceback.format_list, print_list=traceback.print_list)
    for name, function in (("walk_stack", walk_stack), ("extract_stack", extract_stack), ("format_stack", format_stack), ("print_stack", print_stack)):
        setattr(traceback, name, function)


def _patch_inspect(inspect):
    original = inspect.getouterframes

    def getouterframes(frame, context=1):
        keep = set(map(id, _user_frames(frame)))
        return [info for info in original(frame, context) if id(info.frame) in keep]

    getouterframes.__doc__ = original.__doc__
    inspect.getouterframes = getouterframes  # inspect.stack() calls it


class _PatchOnImport:
    """A meta path finder that only wraps the loaders of the modules it patches, to patch each
    once it has run (again if it is imported again)."""

    def __init__(self, patches):
        self._patches = patches

    def find_spec(self, name, path=None, target=None):
        patch = self._patches.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader, patch)  # pyright: ignore[reportAttributeAccessIssue]  (a loader)
                return spec
        return None

    def invalidate_caches(self):
        pass


class _PatchingLoader:
    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):  # get_source, get_filename… for linecache and friends
        return getattr(self._loader, name)
