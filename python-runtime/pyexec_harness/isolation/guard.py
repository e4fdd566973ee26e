"""The isolated strategy's per-call guard: fresh working directory, full restore, leftovers."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

from .call_directory import CallDirectory
from .leftovers import Leftovers
from .modules import ModuleState
from .process_state import ProcessState


class IsolationGuard:
    """Snapshots interpreter state when created; construct it last, once the harness is ready."""

    def __init__(self, work_dir):
        self._directory = CallDirectory(work_dir)
        self._leftovers = Leftovers()
        self._process = ProcessState()
        self._modules = ModuleState()
        self.learned_preloads = ()

    def before_call(self):
        self._directory.enter()

    def check(self):
        """Before the result is sent: what cannot be undone in place recycles the worker."""
        reason = self._leftovers.reason()
        extensions = self._modules.loaded_extensions()
        if extensions:
            self.learned_preloads = extensions
            reason = reason or "the call loaded C extensions that cannot be unloaded: " + ", ".join(extensions)
        return reason

    def restore(self):
        """After the result is sent, before the next message is read: put everything back."""
        self._directory.leave()
        self._modules.restore()
        self._process.restore()

    def take_learned_preloads(self):
        """Top-level packages of C extensions the last call loaded; the host preloads them."""
        learned, self.learned_preloads = self.learned_preloads, ()
        return learned
