"""baseline: the persistent harness, started for one call (the host kills it after its result)."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

from ..persistent import Harness
from ..process_setup import hello


def serve(config, channel):
    Harness(config, channel, ends_processes_with_call=True, one_call=True).serve(hello())
