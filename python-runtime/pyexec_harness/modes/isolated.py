"""isolated: a persistent worker whose interpreter state is restored after every call.

With `generations` (no launcher in between), the started process takes the snapshot and forks
the generations that serve calls (see generations.py); otherwise it serves them itself."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

from ..generations import serve_generations
from ..persistent import Harness
from ..process_setup import hello


def serve(config, channel):
    generations = bool(config.get("generations"))
    harness = Harness(config, channel, isolate=True, forks_generations=generations, ends_processes_with_call=True)
    if generations:
        serve_generations(harness, channel, hello)
    harness.serve(hello())
