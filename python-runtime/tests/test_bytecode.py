"""The harness's own bytecode is cached even under PYTHONDONTWRITEBYTECODE, and the user's setting
holds for the calls."""

import os
import shutil
import unittest

from .harness_client import RUNTIME_DIR, HarnessClient, scratch_dir


class BytecodeTest(unittest.TestCase):
    def test_the_harness_is_compiled_once_while_calls_keep_the_users_setting(self):
        runtime = os.path.join(scratch_dir(self), "python-runtime")
        shutil.copytree(os.path.join(RUNTIME_DIR, "pyexec_harness"), os.path.join(runtime, "pyexec_harness"), ignore=shutil.ignore_patterns("__pycache__"))
        # The channel stays open until the result is in: a closed one means the host died.
        harness = HarnessClient({"mode": "baseline", "workDir": scratch_dir(self)}, runtime_dir=runtime, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.addCleanup(harness.close)
        result, _streams = harness.run("import sys\nsys.dont_write_bytecode")
        self.assertEqual(result["value"], "True")
        cached = os.listdir(os.path.join(runtime, "pyexec_harness", "__pycache__"))
        self.assertTrue(any(name.startswith("main.") for name in cached), cached)


if __name__ == "__main__":
    unittest.main()
