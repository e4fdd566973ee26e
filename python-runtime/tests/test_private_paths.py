"""A call's directories and script file are made over anything another call planted there."""

import os
import unittest

from pyexec_harness.private_paths import make_fresh_directory, unguessable_name, write_private_text

from .harness_client import scratch_dir


class FreshDirectoryTest(unittest.TestCase):
    def setUp(self):
        self.root = scratch_dir(self)
        self.outside = os.path.join(self.root, "outside")
        os.mkdir(self.outside)
        with open(os.path.join(self.outside, "keep.txt"), "w") as handle:
            handle.write("kept")

    def test_replaces_a_planted_directory_symlink_or_file_with_an_empty_directory(self):
        planted_dir = os.path.join(self.root, "a")
        os.mkdir(planted_dir)
        with open(os.path.join(planted_dir, "json.py"), "w") as handle:
            handle.write("raise SystemExit")
        planted_link = os.path.join(self.root, "b")
        os.symlink(self.outside, planted_link)
        planted_file = os.path.join(self.root, "c")
        open(planted_file, "w").close()
        for path in (planted_dir, planted_link, planted_file):
            make_fresh_directory(path)
            self.assertFalse(os.path.islink(path))
            self.assertEqual(os.listdir(path), [])
        self.assertEqual(os.listdir(self.outside), ["keep.txt"])  # never followed

    def test_names_differ_every_time(self):
        names = {unguessable_name("call-") for _ in range(100)}
        self.assertEqual(len(names), 100)
        self.assertTrue(all(len(name) == len("call-") + 24 for name in names))


class PrivateTextTest(unittest.TestCase):
    def setUp(self):
        self.root = scratch_dir(self)

    def test_never_writes_through_a_planted_symlink(self):
        target = os.path.join(self.root, "target.txt")
        with open(target, "w") as handle:
            handle.write("untouched")
        script = os.path.join(self.root, "main.py")
        os.symlink(target, script)
        write_private_text(script, "print(1)")
        self.assertFalse(os.path.islink(script))
        with open(script) as handle:
            self.assertEqual(handle.read(), "print(1)")
        with open(target) as handle:
            self.assertEqual(handle.read(), "untouched")

    def test_a_planted_fifo_does_not_block(self):
        script = os.path.join(self.root, "main.py")
        os.mkfifo(script)
        write_private_text(script, "print(2)")
        with open(script) as handle:
            self.assertEqual(handle.read(), "print(2)")


if __name__ == "__main__":
    unittest.main()


class ScriptFileTest(unittest.TestCase):
    """What a call does to its script directory is found after the call, however quickly done."""

    def setUp(self):
        import time

        from pyexec_harness.script_file import ScriptFile

        self.now = time.time_ns
        self.directory = os.path.join(scratch_dir(self), "script")
        self.script = ScriptFile(self.directory)

    def test_an_untouched_script_is_kept_and_not_rewritten(self):
        path = self.script.write("main.py", "print(1)")
        inode = os.stat(path).st_ino
        self.script.discard_if_changed(self.now())
        self.assertEqual(self.script.write("main.py", "print(1)"), path)
        self.assertEqual(os.stat(path).st_ino, inode)

    def test_a_same_size_rewrite_at_once_is_found(self):
        began = self.now()
        path = self.script.write("main.py", "print(1)")
        with open(path, "w") as handle:
            handle.write("print(2)")  # the same size, within the same timestamp tick
        self.script.discard_if_changed(began)
        self.assertFalse(os.path.exists(self.directory))
        self.script.write("main.py", "print(1)")
        with open(path) as handle:
            self.assertEqual(handle.read(), "print(1)")

    def test_a_module_added_beside_the_script_is_found(self):
        began = self.now()
        self.script.write("main.py", "print(1)")
        open(os.path.join(self.directory, "helper.py"), "w").close()
        self.script.discard_if_changed(began)
        self.assertFalse(os.path.exists(self.directory))

    def test_another_name_removes_the_last_calls_file(self):
        first = self.script.write("tenant_a.py", "secret = 1")
        self.script.write("main.py", "print(1)")
        self.assertFalse(os.path.exists(first))
        self.assertEqual(os.listdir(self.directory), ["main.py"])
