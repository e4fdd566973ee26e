"""baseline: the persistent harness, started for one call (the host kills it after its result)."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

from .optimized import serve

__all__ = ["serve"]
