"""Top-level `await` in a call, as IPython and Jupyter allow it: the cell compiles with
PyCF_ALLOW_TOP_LEVEL_AWAIT, and a part that awaits runs on an event loop of the call's own
(asyncio is imported only by calls that need it; code without await runs exactly as before)."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import ast

COMPILE_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect


def awaits(code):
    """True for a code object compiled from source that awaits at top level."""
    return bool(code.co_flags & _CO_COROUTINE)


class CallLoop:
    """One event loop for the awaiting parts of one call, closed at its end as asyncio.run would."""

    def __init__(self):
        self._loop = None

    def start(self):
        """Makes the loop the current one before any of the cell runs: tasks that its plain
        statements schedule (asyncio.ensure_future) run when an awaiting part does."""
        if self._loop is None:
            import asyncio

            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)

    def run(self, coroutine):
        self.start()
        return self._loop.run_until_complete(coroutine)  # pyright: ignore[reportOptionalMemberAccess]  (start() made it)

    def close(self):
        loop, self._loop = self._loop, None
        if loop is None:
            return
        import asyncio

        try:
            tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
