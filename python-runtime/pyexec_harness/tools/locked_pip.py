"""pip of this interpreter under an exclusive lock on the environment it installs into.

argv: LOCK_FILE PIP_ARGS... (the lock: see install_lock.py). pip runs in this process, exactly as
`python -m pip` would. Last, one line on stdout names what changed:
`pyexec-installed [{"name", "version"}]`, with each distribution's name as its metadata spells it."""

import importlib
import json
import runpy
import sys

from . import install_lock

MARKER = "pyexec-installed "


def _installed(paths):
    from importlib import metadata

    importlib.invalidate_caches()
    found = {}
    for distribution in metadata.distributions(**({"path": paths} if paths else {})):
        name = distribution.metadata["Name"]
        if name:
            found[name] = distribution.version
    return found


def main(argv):
    lock_path, pip_args = argv[0], argv[1:]
    install_lock.take(lock_path)
    target = pip_args[pip_args.index("--target") + 1] if "--target" in pip_args else None
    paths = [target] if target else None
    before = _installed(paths)
    sys.argv = ["pip"] + pip_args
    code = 0
    try:
        runpy.run_module("pip", run_name="__main__", alter_sys=True)
    except SystemExit as exit_request:
        code = exit_request.code
    after = _installed(paths)
    changed = [{"name": name, "version": version} for name, version in sorted(after.items()) if before.get(name) != version]
    sys.stdout.flush()
    sys.stdout.write("\n" + MARKER + json.dumps(changed) + "\n")
    sys.stdout.flush()
    sys.exit(code)
