"""A copy of the builtins taken when the harness is imported, before any user code runs.

Every harness module binds it as its own ``__builtins__``, so user code that replaces or
deletes builtins (``__builtins__['len'] = None``) cannot break the harness."""

import builtins

BUILTINS = dict(builtins.__dict__)
