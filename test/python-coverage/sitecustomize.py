"""Loaded by every Python process of `npm run coverage:python` (it is on their PYTHONPATH), so that
harness processes started by the tests are measured too. They end with os._exit (no atexit, so
coverage would save nothing) and fork (a child would overwrite its parent's data): both handled
here, for coverage 6.5 (Debian 12), which has no option for either."""

import os

import coverage

_cov = coverage.process_startup()
if _cov is not None:
    _real_exit = os._exit

    def _save():
        try:
            _cov.stop()
            _cov.save()
        except Exception:
            pass

    def _exit(status):
        _save()
        _real_exit(status)

    def _restart_in_child():
        global _cov
        # The parent's measurement stays the parent's: the child measures into a file of its own.
        _cov = coverage.Coverage(config_file=os.environ["COVERAGE_PROCESS_START"], data_suffix=True)
        _cov.start()

    os._exit = _exit
    os.register_at_fork(after_in_child=_restart_in_child)
