"""The isolated harness restores interpreter state after every call, or asks to be recycled."""

import os
import unittest

from pyexec_harness.protocol import check_harness_message

from .harness_client import DAEMON, HarnessClient, is_running, scratch_dir


class IsolationTest(unittest.TestCase):
    def setUp(self):
        self.harness = HarnessClient({"mode": "isolated", "workDir": scratch_dir(self), "gcInterval": 2})

    def tearDown(self):
        self.harness.close()

    def value(self, code):
        result, _ = self.harness.run(code)
        self.assertEqual(result["status"], "ok", result)
        self.assertNotIn("recycle", result)
        return result["value"] if "value" in result else None

    def test_module_attributes_sys_and_builtins_are_restored(self):
        self.value("import json, sys, builtins\njson.dumps = None\nsys.leaked = 1\nvars(builtins)['len'] = None\nbuiltins.extra = 1")
        probe = "import json, sys, builtins\n(json.dumps({}), hasattr(sys, 'leaked'), len('ab'), hasattr(builtins, 'extra'))"
        self.assertEqual(self.value(probe), "('{}', False, 2, False)")

    def test_sys_modules_entries_added_or_replaced_are_undone(self):
        self.value("import sys, types\nsys.modules['fake'] = types.ModuleType('fake')\nsys.modules['os'] = None\nimport colorsys")
        self.assertEqual(self.value("import sys\n('fake' in sys.modules, sys.modules['os'] is not None, 'colorsys' in sys.modules)"), "(False, True, False)")

    def test_process_state_is_restored(self):
        self.value(
            "import os, sys, signal, warnings\nos.environ['LEAK'] = '1'\nsys.path.insert(0, '/x')\nsys.setrecursionlimit(5000)\n"
            "signal.signal(signal.SIGUSR2, lambda *a: None)\nwarnings.simplefilter('error')\nos.umask(0o077)\nsys.settrace(lambda *a: None)"
        )
        seen = self.value(
            "import os, sys, signal, warnings\nu = os.umask(0o022)\n"
            "('LEAK' in os.environ, '/x' in sys.path, sys.getrecursionlimit(), signal.getsignal(signal.SIGUSR2) == signal.SIG_DFL,"
            " warnings.filters[0][0] == 'error', u, sys.gettrace())"
        )
        self.assertEqual(seen, "(False, False, 1000, True, False, 18, None)")

    def test_each_call_starts_in_an_empty_directory(self):
        self.value("open('f.txt', 'w').write('x')\nimport os\nos.mkdir('sub')")
        self.assertEqual(self.value("import os\nos.listdir('.')"), "[]")

    def test_a_directory_swapped_in_for_the_call_directory_is_not_the_next_calls(self):
        # The harness holds its call directory open: a call that renames it away and plants
        # another at its path must not have the next call start in either.
        self.value(
            "import os\nhere = os.getcwd()\nos.rename(here, here + '-moved')\nos.mkdir(here)\n"
            "open(os.path.join(here, 'planted.txt'), 'w').write('x')"
        )
        self.assertEqual(self.value("import os\n(os.listdir('.'), os.getcwd().endswith('-moved'))"), "([], False)")

    def test_a_call_that_closes_the_directory_descriptor_leaves_the_next_one_a_fresh_directory(self):
        self.value(
            "import os\nhere = os.getcwd()\nfor fd in map(int, os.listdir('/proc/self/fd')):\n"
            "    try:\n        same = os.readlink('/proc/self/fd/%d' % fd) == here\n    except OSError:\n        same = False\n"
            "    if same:\n        os.close(fd)\n        os.open('/dev/null', os.O_RDONLY)  # the number, reused\n"
            "open('left.txt', 'w').write('x')\nos.chdir('/')"
        )
        for _ in range(2):
            self.assertEqual(self.value("import os\n(os.listdir('.'), os.getcwd() == '/')"), "([], False)")
            self.value("open('again.txt', 'w').write('x')")

    @unittest.skipUnless(os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK), "needs a tmpfs at /dev/shm")
    def test_on_tmpfs_one_stat_per_call_still_notices_every_file_left(self):
        # Calls this close together fall in one timestamp tick on kernels with coarse timestamps:
        # there only the directory's size tells them apart.
        root = scratch_dir(self, "/dev/shm")
        harness = HarnessClient({"mode": "isolated", "workDir": scratch_dir(self), "callRoot": root})
        try:
            for _ in range(30):
                written, _ = harness.run("open('f.txt', 'w').close()")
                self.assertEqual(written["status"], "ok", written)
                listed, _ = harness.run("import os\nos.listdir('.')")
                self.assertEqual(listed["value"], "[]")
        finally:
            harness.close()

    def test_tmpfs_is_recognised_from_the_mount_table(self):
        from pyexec_harness.filesystems import on_tmpfs

        self.assertFalse(on_tmpfs(os.path.dirname(os.path.abspath(__file__))))
        if os.path.isdir("/dev/shm"):
            self.assertTrue(on_tmpfs(scratch_dir(self, "/dev/shm")))

    def spoiled_after(self, code):
        result, _ = self.harness.run(code)
        self.assertEqual(result["status"], "ok")
        spoiled = self.harness.read()
        self.assertIsNone(check_harness_message(spoiled))
        return spoiled

    def test_threads_left_running_spoil_the_worker_after_its_result(self):
        spoiled = self.spoiled_after("import threading, time\nthreading.Thread(target=time.sleep, args=(5,), name='t1', daemon=True).start()")
        self.assertEqual(spoiled, {"type": "spoiled", "reason": "threads still running: t1"})

    def killed_and_still_serving(self, code):
        """Runs `code`, which prints the pids of processes it leaves running: they are gone once
        its result is in, and the worker serves on."""
        harness = HarnessClient({"mode": "isolated", "workDir": scratch_dir(self), "preload": ["subprocess", "threading"]})
        self.addCleanup(harness.close)
        result, _ = harness.run(code)
        self.assertEqual(result["status"], "ok", result)
        second, _ = harness.run("'still serving'")  # a spoiled worker would read no more
        self.assertEqual(second["value"], "'still serving'")
        pids = [int(pid) for pid in result["stdout"].split()]
        self.assertTrue(pids)
        for pid in pids:
            self.assertFalse(is_running(pid), "process %d outlived its call" % pid)

    def test_child_processes_left_running_are_killed_at_the_end_of_the_call(self):
        self.killed_and_still_serving("import subprocess\nprint(subprocess.Popen(['sleep', '30']).pid)")

    def test_a_double_forked_setsid_daemon_is_killed_at_the_end_of_the_call(self):
        self.killed_and_still_serving(DAEMON)

    def test_children_that_ended_do_not_spoil_the_worker(self):
        # One the call waited for, one it did not (a zombie until the worker reaps it), and one
        # started by a thread that has ended (the kernel hands it to the main thread).
        code = (
            "import subprocess, threading, time\n"
            "subprocess.run(['true'])\n"
            "subprocess.Popen(['true'])\n"
            "t = threading.Thread(target=subprocess.Popen, args=(['true'],))\n"
            "t.start(); t.join(); time.sleep(0.2)"
        )
        harness = HarnessClient({"mode": "isolated", "workDir": scratch_dir(self), "preload": ["subprocess"]})
        self.addCleanup(harness.close)
        result, _ = harness.run(code)
        self.assertEqual(result["status"], "ok")
        second, _ = harness.run("'still serving'")  # a spoiled worker would read no more
        self.assertEqual(second["value"], "'still serving'")

    def test_a_child_left_by_a_thread_that_ended_is_killed_at_the_end_of_the_call(self):
        self.killed_and_still_serving(
            "import subprocess, threading\nchildren = []\n"
            "t = threading.Thread(target=lambda: children.append(subprocess.Popen(['sleep', '30'])))\n"
            "t.start(); t.join()\nprint(children[0].pid)"
        )

    def test_c_extensions_spoil_the_worker_and_are_named_for_preloading(self):
        spoiled = self.spoiled_after("import csv")
        self.assertIn("_csv", spoiled["reason"])
        self.assertEqual(spoiled["preload"], ["_csv", "csv"])

    def test_a_spoiled_worker_reads_no_further_call_and_waits_to_be_killed(self):
        import select

        self.spoiled_after("import threading, time\nthreading.Thread(target=time.sleep, args=(5,), daemon=True).start()")
        self.harness.start("'never run'")
        readable, _, _ = select.select([self.harness.process.stdout], [], [], 0.5)
        self.assertEqual(readable, [])
        self.assertIsNone(self.harness.process.poll())


class LeftoverChildrenTest(unittest.TestCase):
    """Both ways of finding children: the kernel's list, and waitpid alone where there is none."""

    def check(self, leftovers, expected):
        import subprocess

        self.assertIsNone(leftovers.reason())
        child = subprocess.Popen(["sleep", "5"])
        try:
            self.assertEqual(leftovers.reason(), expected)
        finally:
            child.kill()
            child.wait()
        subprocess.Popen(["true"]).wait()
        self.assertIsNone(leftovers.reason())

    def test_with_the_kernels_list_of_children(self):
        from pyexec_harness.isolation.leftovers import Leftovers

        leftovers = Leftovers()
        self.assertTrue(leftovers._kernel_lists_children)
        self.check(leftovers, None)  # the harness kills them before the result: the worker serves on

    def test_with_waitpid_alone(self):
        from pyexec_harness.isolation.leftovers import Leftovers

        leftovers = Leftovers()
        leftovers._kernel_lists_children = False
        self.check(leftovers, "child processes still running")  # cannot be found below: recycled


class ResetHookTest(unittest.TestCase):
    def test_a_failing_hook_spoils_the_worker_after_its_result(self):
        harness = HarnessClient({"resetHooks": ["raise ValueError('no')"]})
        try:
            result, _ = harness.run("1")
            self.assertEqual(result["value"], "1")
            spoiled = harness.read()
            self.assertEqual(spoiled["type"], "spoiled")
            self.assertIn("ValueError: no", spoiled["reason"])
            self.assertIsNone(check_harness_message(spoiled))
        finally:
            harness.close()

    def test_configure_replaces_the_hooks(self):
        harness = HarnessClient({})
        try:
            harness.send({"type": "configure", "resetHooks": ["import builtins\nbuiltins.hook_ran = True"]})
            harness.run("1")
            result, _ = harness.run("import builtins\ngetattr(builtins, 'hook_ran', False)")
            self.assertEqual(result["value"], "True")
        finally:
            harness.close()

    def test_an_unresolvable_hook_fails_start_with_a_fault(self):
        def harness_start():
            return HarnessClient({"resetHooks": ["missing_module_x:run"]})

        harness = harness_start()
        try:
            self.assertEqual(harness.hello["type"], "fault")
            self.assertIn("missing_module_x", harness.hello["message"])
        finally:
            harness.close()


if __name__ == "__main__":
    unittest.main()


class LearnedImportsTest(unittest.TestCase):
    def test_a_library_module_imported_by_two_calls_is_named_for_preloading(self):
        harness = HarnessClient({"mode": "isolated", "workDir": scratch_dir(self)})
        try:
            first, _ = harness.run("import colorsys\ncolorsys.rgb_to_hsv(1, 0, 0)")
            second, _ = harness.run("import colorsys\n'again'")
            spoiled = harness.read()
            self.assertEqual((first["status"], second["value"]), ("ok", "'again'"))
            self.assertEqual(spoiled["preload"], ["colorsys"])
            self.assertIn("calls keep importing colorsys", spoiled["reason"])
        finally:
            harness.close()

    def test_user_modules_are_never_learned(self):
        harness = HarnessClient({"mode": "isolated", "workDir": scratch_dir(self)})
        try:
            for _ in range(3):
                # Only modules every interpreter build has loaded already: a call that loads a C
                # extension (tempfile's _random and math, on most builds) is recycled, not this.
                result, _ = harness.run(
                    "import sys, os\nopen('mine.py', 'w').write('X = 1')\nsys.path.insert(0, os.getcwd())\nimport mine\nmine.X"
                )
                self.assertEqual(result["value"], "1")
        finally:
            harness.close()
