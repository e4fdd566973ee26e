"""Compiles a cell into a body and an optional last expression, as the Python REPL splits it."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import ast
import linecache

CELL_FILENAME = "<cell>"
_CACHE_SIZE = 256


class CompiledCell:
    __slots__ = ("body", "last_expression", "lines")

    def __init__(self, body, last_expression, lines):
        self.body = body
        self.last_expression = last_expression
        self.lines = lines


_cache = {}


def compile_cell(source):
    """Code objects are immutable, so identical sources share one compilation."""
    cell = _cache.get(source)
    if cell is None:
        cell = _compile(source)
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[source] = cell
    # Tracebacks read source lines from linecache; the entry has no mtime so it is never evicted.
    linecache.cache[CELL_FILENAME] = (len(source), None, cell.lines, CELL_FILENAME)
    return cell


def _compile(source):
    tree = ast.parse(source, CELL_FILENAME, "exec")
    last_expression = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body.pop()
        last_expression = compile(ast.Expression(last.value), CELL_FILENAME, "eval")
    body = compile(tree, CELL_FILENAME, "exec") if tree.body else None
    return CompiledCell(body, last_expression, source.splitlines(True))
