"""The modules a piece of code imports, and which of them this interpreter cannot find.

Reads {"code": str, "dotted": [str], "searchPaths": [str]} as JSON on stdin ("dotted": module
paths the host maps to a distribution of their own, such as google.protobuf; "searchPaths":
directories workers also find modules in, put first on sys.path); writes one JSON object on stdout:
{"imports": [top-level names, in order of appearance], "missing": [{"module", "top"}]} or
{"syntaxError": {"message", "line"}}. Imports inside functions and try/except blocks count;
relative imports do not; standard-library modules are never missing."""

import ast
import importlib.util
import json
import sys


def _imported_paths(tree):
    """Every absolute module path the code imports, in source order (dotted, as written)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, node.col_offset, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.col_offset, node.module))
            # `from google import protobuf` imports google.protobuf when it is a module
            found.extend((node.lineno, node.col_offset, node.module + "." + alias.name) for alias in node.names if alias.name != "*")
    return [path for _, _, path in sorted(found, key=lambda entry: (entry[0], entry[1]))]


def _stdlib_names():
    names = getattr(sys, "stdlib_module_names", None)  # 3.10+
    if names is not None:
        return set(names)
    import pkgutil
    import sysconfig

    stdlib = sysconfig.get_paths()["stdlib"]
    places = [stdlib, stdlib + "/lib-dynload"]
    return set(sys.builtin_module_names) | {module.name for module in pkgutil.iter_modules(places)}


def _findable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):  # a parent that is not a package, say
        return False


def _unique(names):
    seen = set()
    return [name for name in names if not (name in seen or seen.add(name))]


def analyse(code, dotted):
    paths = _imported_paths(ast.parse(code))
    tops = _unique(path.split(".")[0] for path in paths)
    stdlib = _stdlib_names()
    missing = []
    reported = set()
    for path in _unique(paths):
        top = path.split(".")[0]
        if top in stdlib or top in reported:
            continue
        mapped = next((key for key in dotted if path == key or path.startswith(key + ".")), None)
        if mapped is not None and not _findable(mapped):
            missing.append({"module": mapped, "top": top})
            reported.add(top)
    for top in tops:
        if top not in stdlib and top not in reported and not _findable(top):
            missing.append({"module": top, "top": top})
            reported.add(top)
    return {"imports": [top for top in tops if top != "__future__"], "missing": missing}


def main(argv):
    request = json.loads(sys.stdin.read())
    sys.path[:0] = request.get("searchPaths") or []
    try:
        answer = analyse(request["code"], request.get("dotted") or [])
    except SyntaxError as error:
        answer = {"syntaxError": {"message": str(error.msg), "line": error.lineno}}
    sys.stdout.write(json.dumps(answer))
