"""The isolated strategy's per-call guard: fresh working directory, full restore, leftovers."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

from ..descendants import has_children
from ..unrestorable import Unrestorable
from .audit_watch import AuditWatch
from .call_directory import CallDirectory
from .descriptors import Descriptors
from .leftovers import Leftovers
from .modules import ModuleState
from .process_state import ProcessState


class IsolationGuard:
    """Snapshots interpreter state when created; construct it last, once the harness is ready."""

    def __init__(self, work_dir):
        self._directory = CallDirectory(work_dir)
        self._directory.create()
        self._leftovers = Leftovers()
        self._process = ProcessState()
        self._modules = ModuleState()
        self._audit = AuditWatch()
        has_children()  # opens this process's children list now, so it counts as the harness's
        self._descriptors = Descriptors()

    def start_generation(self):
        """In a worker forked from the process that took the snapshot, once its threads run."""
        self._leftovers.adopt_current_threads()
        has_children()
        self._descriptors.adopt()
        # Made once by that process and shared by its generations; one that died mid-call may
        # have left files in it, in which case the first call gets a new one.
        self._directory.leave()

    def remove_directory(self):
        self._directory.remove()

    def imports_changed(self):
        """Packages were installed: the snapshot takes the refreshed import caches as its own."""
        self._process.imports_changed()

    def before_call(self):
        self._directory.enter()

    def after_call(self):
        """Puts everything back, or raises Unrestorable for what cannot be undone in place."""
        reason = self._leftovers.reason()
        if reason:
            raise Unrestorable(reason)
        self._audit.after_call()
        self._descriptors.restore()
        imports = self._modules.imports_to_preload()
        if imports:
            raise Unrestorable(*imports)
        self._directory.leave()
        self._modules.restore()
        self._process.restore()
