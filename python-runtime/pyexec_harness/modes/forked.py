"""forked: a template that never runs user code forks a fresh child for every call."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import gc
import os
import select

from ..forking import spawn_watch
from ..forking.template import TemplateServer
from ..prctl import make_undumpable
from ..process_setup import hello, prepare_process


def serve(config, channel):
    # Every call's code passes through the template, and every later child is a copy of it: no
    # child may read or write its memory. The children inherit this (each holds a copy too).
    make_undumpable()
    # The template runs no user code and keeps no threads (fork copies only the calling thread),
    # so its fds 0-2 go to /dev/null; every forked child sets up its own capture.
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    interrupts, limiter = prepare_process(config)
    _warm_for_children()
    spawn_watch.install()
    gc.freeze()  # also keeps the collector from touching (and so copying) shared pages
    TemplateServer(channel, config, interrupts, limiter).serve(hello())


def _warm_for_children():
    # Work every child would repeat once on its own (codec lookup for its stdin wrapper, the
    # output machinery's imports), done here once and inherited through fork.
    from ..streams import devnull_stdin

    fd = os.open(os.devnull, os.O_RDONLY)
    devnull_stdin(fd).close()
    os.close(fd)
    select.poll()
