"""A call that brings a new importsEpoch sees packages installed since, on a warm worker."""

import os
import unittest

from .harness_client import HarnessClient, scratch_dir


class ImportRefreshTest(unittest.TestCase):
    def start(self, config, packages_dir):
        # The packages directory is on sys.path from the start but does not exist yet, as a
        # pip --target directory before its first install: finders remember it as missing.
        saved = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = packages_dir
        try:
            harness = HarnessClient(dict(config, workDir=scratch_dir(self)))
        finally:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved
        self.addCleanup(harness.close)
        return harness

    def install(self, packages_dir):
        os.makedirs(os.path.join(packages_dir, "freshly_installed"))
        with open(os.path.join(packages_dir, "freshly_installed", "__init__.py"), "w") as module:
            module.write("VERSION = '1.0'\n")

    def check(self, mode):
        packages_dir = os.path.join(scratch_dir(self), "site")
        harness = self.start({"mode": mode}, packages_dir)
        before, _ = harness.run("import freshly_installed")
        self.assertEqual(before["error"]["type"], "ModuleNotFoundError")
        self.install(packages_dir)
        stale, _ = harness.run("import freshly_installed")
        self.assertEqual(stale["error"]["type"], "ModuleNotFoundError")  # the finders' old view
        fresh, _ = harness.run("import freshly_installed\nfreshly_installed.VERSION", importsEpoch=1)
        self.assertEqual(fresh.get("value"), "'1.0'", fresh)
        again, _ = harness.run("import freshly_installed\nfreshly_installed.VERSION", importsEpoch=1)
        self.assertEqual(again.get("value"), "'1.0'", again)

    def test_an_optimized_worker_refreshes_its_import_caches(self):
        self.check("optimized")

    def test_an_isolated_worker_refreshes_them_and_its_snapshot_keeps_them(self):
        self.check("isolated")


if __name__ == "__main__":
    unittest.main()
