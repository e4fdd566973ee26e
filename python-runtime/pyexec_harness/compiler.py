"""Compiles a cell into a body and an optional last expression, as the Python REPL splits it.

The cell is compiled under the path of its script file (see runner.py), as `python3 script.py`
would, so tracebacks, inspect and multiprocessing find its source."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import ast
import sys

from .top_level_await import COMPILE_FLAGS, awaits

_sys_modules = sys.modules

_CACHE_SIZE = 256
_BOM = "\ufeff"


class CompiledCell:
    __slots__ = ("body", "last_expression", "lines", "awaits")

    def __init__(self, body, last_expression, lines):
        self.body = body
        self.last_expression = last_expression
        self.lines = lines
        # Top-level await anywhere in the cell: it runs on an event loop (top_level_await.py).
        self.awaits = any(code is not None and awaits(code) for code in (body, last_expression))


_cache = {}


def compile_cell(source, filename):
    """Code objects are immutable, so identical sources (under one path) share one compilation."""
    key = (source, filename)
    cell = _cache.get(key)
    if cell is None:
        cell = _compile(source[1:] if source.startswith(_BOM) else source, filename)
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = cell
    # Tracebacks read source lines from linecache; the entry has no mtime so it is never evicted
    # (and stays right if user code rewrites the file). Only once something imported linecache:
    # its import (tokenize, re) is a sixth of a baseline worker's start, and until it is loaded
    # it would read the file, which holds this source.
    linecache = _sys_modules.get("linecache")
    if linecache is not None:
        linecache.cache[filename] = (len(source), None, cell.lines, filename)
    return cell


def _compile(source, filename):
    tree = ast.parse(source, filename, "exec")
    last_expression = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body.pop()
        last_expression = compile(ast.Expression(last.value), filename, "eval", COMPILE_FLAGS)
    body = compile(tree, filename, "exec", COMPILE_FLAGS) if tree.body else None
    return CompiledCell(body, last_expression, source.splitlines(True))
