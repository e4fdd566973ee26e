"""One module per strategy, the Python mirror of the host's src/strategies/.

Each mode module has serve(config, channel): it builds what serves the strategy's calls and
serves them; it never returns. A new strategy adds its module here and one line to _MODES."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

# Imported on demand: each process loads only its own mode (start-up time is per call on baseline).
_MODES = {
    "baseline": "baseline",
    "optimized": "optimized",
    "isolated": "isolated",
    "forked": "forked",
    "session": "session",  # not a strategy: the mode of every strategy's sessions
}


def load(name):
    """The mode module for `name`; ValueError for one this harness does not know."""
    module = _MODES.get(name)
    if module is None:
        raise ValueError("unknown harness mode %r (known: %s)" % (name, ", ".join(sorted(_MODES))))
    package = __import__("pyexec_harness.modes." + module)
    return getattr(package.modes, module)
