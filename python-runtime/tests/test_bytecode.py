"""The harness's own bytecode is cached even under PYTHONDONTWRITEBYTECODE, and the user's setting
holds for the calls."""

import json
import os
import shutil
import subprocess
import sys
import unittest

from .harness_client import BOOTSTRAP, RUNTIME_DIR, scratch_dir


class BytecodeTest(unittest.TestCase):
    def test_the_harness_is_compiled_once_while_calls_keep_the_users_setting(self):
        runtime = os.path.join(scratch_dir(self), "python-runtime")
        shutil.copytree(os.path.join(RUNTIME_DIR, "pyexec_harness"), os.path.join(runtime, "pyexec_harness"), ignore=shutil.ignore_patterns("__pycache__"))
        config = {"mode": "baseline", "workDir": scratch_dir(self)}
        run = json.dumps({"type": "run", "id": "c1", "code": "import sys\nsys.dont_write_bytecode", "maxOutputBytes": 1000})
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run([sys.executable, "-c", BOOTSTRAP, runtime, json.dumps(config)], input=run + "\n", env=env, capture_output=True, text=True, timeout=60)
        results = [json.loads(line) for line in done.stdout.splitlines() if '"result"' in line]
        self.assertEqual(results[0]["value"], "True")
        cached = os.listdir(os.path.join(runtime, "pyexec_harness", "__pycache__"))
        self.assertTrue(any(name.startswith("main.") for name in cached), cached)


if __name__ == "__main__":
    unittest.main()
