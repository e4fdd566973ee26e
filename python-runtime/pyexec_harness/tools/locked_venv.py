"""`python -m venv` under the environment's install lock (see install_lock.py).

argv: LOCK_FILE DIR [VENV_OPTIONS...]. Concurrent createEnvironment and installPackages calls
into one new environment would otherwise run several `venv` at once over the same directory.
Under the lock, an environment that is already there (its pyvenv.cfg and bin/python) is complete:
nothing is done."""

import os
import runpy
import sys

from . import install_lock


def main(argv):
    lock_path, directory, options = argv[0], argv[1], argv[2:]
    install_lock.take(lock_path)
    if os.path.exists(os.path.join(directory, "pyvenv.cfg")) and os.path.exists(os.path.join(directory, "bin", "python")):
        return
    sys.argv = ["venv"] + options + [directory]
    runpy.run_module("venv", run_name="__main__", alter_sys=True)
