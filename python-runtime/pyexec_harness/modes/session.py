"""session: one process serves one session's calls, one after another, in a namespace that lives
as long as the session: variables, functions, imports and the working directory persist. Not a
strategy: every strategy's sessions run in this mode (see src/sessions/)."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

from ..persistent import Harness
from ..process_setup import hello


def serve(config, channel):
    Harness(config, channel, keeps_namespace=True).serve(hello())
