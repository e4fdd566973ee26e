"""optimized: a persistent worker; fresh globals per call, interpreter state carries over."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

from ..persistent import Harness
from ..process_setup import hello


def serve(config, channel):
    Harness(config, channel).serve(hello())
