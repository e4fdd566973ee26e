"""Every harness module binds the pristine builtins (see _pristine.py): one that forgot would
break when user code replaces a builtin (`__builtins__['len'] = None`), and nothing else would
say so. Package initialisers that define nothing, and the tools (short-lived helper programs
that run no user code), are the exceptions."""

import ast
import os
import unittest

HARNESS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pyexec_harness")


def _binds_pristine_builtins(path):
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("_pristine"):
            if any(alias.name == "BUILTINS" and alias.asname == "__builtins__" for alias in node.names):
                return True
    return False


def _defines_something(path):
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    return any(not isinstance(node, (ast.Expr, ast.Assign, ast.ImportFrom)) for node in tree.body)


class PristineBuiltinsTest(unittest.TestCase):
    def test_every_harness_module_binds_the_pristine_builtins(self):
        missing = []
        for directory, _subdirs, files in os.walk(HARNESS):
            if os.path.basename(directory) in ("tools", "__pycache__"):
                continue
            for name in files:
                path = os.path.join(directory, name)
                if not name.endswith(".py") or name == "_pristine.py":
                    continue
                if name == "__init__.py" and not _defines_something(path):
                    continue
                if not _binds_pristine_builtins(path):
                    missing.append(os.path.relpath(path, HARNESS))
        self.assertEqual(missing, [])

    def test_the_check_finds_a_module_without_them(self):
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as module:
            module.write("import os\n\ndef f():\n    return len('x')\n")
        try:
            self.assertFalse(_binds_pristine_builtins(module.name))
        finally:
            os.unlink(module.name)


if __name__ == "__main__":
    unittest.main()
