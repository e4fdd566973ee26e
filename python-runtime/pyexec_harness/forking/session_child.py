"""A session forked from the forked strategy's template: no interpreter start, no imports.

The host asks the template (a `session` message); the template connects to the host's socket
with the session's one-time token, then forks. The child leaves the template's tree (its own
process group and cgroup; the template leaves it out of every kill of its children), takes the
socket as its channel, and becomes the harness in session mode, as a session process started
afresh would: it says hello (with its pid) on that socket and serves the session's calls. The
template writes nothing on its own channel for it: a call's child may be writing there."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os

from ..descendants import leave_out
from ..fork_guard import harness_fork, silence_diagnostics
from ..private_paths import make_fresh_directory
from ..session_fork import connect_with_token, stand_apart


def fork_session(channel, request, config, close_in_child):
    """In the template: forks the session's process (never returns in it); the child's pid."""
    sock = connect_with_token(request["socket"], request["token"])
    try:
        pid = harness_fork()
        if pid == 0:
            close_in_child()
            _serve_session(channel, sock, request, config)
    finally:
        sock.close()
    leave_out(pid)
    return pid


def _serve_session(channel, sock, request, config):
    try:
        stand_apart(request.get("cgroups"))
        channel.move_to(sock.fileno())
        sock.close()
        silence_diagnostics()  # the template's stderr pipe to the host is not this process's
        work_dir, script_dir = request["workDir"], request["scriptDir"]
        make_fresh_directory(os.path.dirname(work_dir))
        make_fresh_directory(work_dir)
        # The session mode's harness, as a started one would be; its script directory is
        # script-<pid> beside the working directory (the call root is the session's own).
        session_config = dict(
            config,
            mode="session",
            workDir=work_dir,
            callRoot=os.path.dirname(script_dir),
            maxRssMb=request.get("maxRssMb"),
            resetHooks=[],  # a session's state is its own: nothing resets it between calls
        )
        from ..persistent import Harness
        from ..process_setup import hello

        harness = Harness(session_config, channel, keeps_namespace=True)
        harness.capture.outlive_parent()  # else its output thread ends it when the template dies
        harness.serve(hello())
    except BaseException:
        pass
    os._exit(1)
