"""What a session's fork relies on: the copy's working directory, the thread check, and copies
left out of the session's own kills."""

import os
import threading
import time
import unittest

from pyexec_harness import descendants
from pyexec_harness.private_paths import copy_working_directory
from pyexec_harness.session_fork import _running_threads

from .harness_client import scratch_dir


class CopyWorkingDirectoryTest(unittest.TestCase):
    def setUp(self):
        self.root = scratch_dir(self)
        self.source = os.path.join(self.root, "work")
        os.makedirs(os.path.join(self.source, "data", "deep"))
        with open(os.path.join(self.source, "data", "deep", "rows.csv"), "w") as handle:
            handle.write("a,b\n")
        with open(os.path.join(self.source, "notes.txt"), "w") as handle:
            handle.write("kept")
        os.symlink("/etc/hostname", os.path.join(self.source, "link"))
        self.cwd = os.getcwd()
        self.addCleanup(os.chdir, self.cwd)

    def test_copies_files_and_directories_and_keeps_symlinks_as_symlinks(self):
        target = os.path.join(self.root, "copy")
        copy_working_directory(self.source, target)
        self.assertEqual(sorted(os.listdir(target)), ["data", "link", "notes.txt"])
        with open(os.path.join(target, "data", "deep", "rows.csv")) as handle:
            self.assertEqual(handle.read(), "a,b\n")
        self.assertEqual(os.readlink(os.path.join(target, "link")), "/etc/hostname")

    def test_replaces_what_was_planted_at_the_target(self):
        target = os.path.join(self.root, "copy")
        os.mkdir(target)
        with open(os.path.join(target, "json.py"), "w") as handle:
            handle.write("raise SystemExit")
        copy_working_directory(self.source, target)
        self.assertNotIn("json.py", os.listdir(target))

    def test_moves_the_current_directory_along_when_it_was_inside(self):
        os.chdir(os.path.join(self.source, "data"))
        target = os.path.join(self.root, "copy")
        self.assertEqual(copy_working_directory(self.source, target), os.path.join(target, "data"))
        os.chdir(self.root)
        self.assertEqual(copy_working_directory(self.source, os.path.join(self.root, "other")), self.root)


class RunningThreadsTest(unittest.TestCase):
    def test_counts_threads_user_code_started_and_not_those_that_ended(self):
        before = _running_threads()
        stop = threading.Event()
        worker = threading.Thread(target=stop.wait)
        worker.start()
        self.assertEqual(_running_threads(), before + 1)
        stop.set()
        worker.join()
        self.assertEqual(_running_threads(), before)


class LeftOutChildrenTest(unittest.TestCase):
    def test_kill_descendants_spares_a_left_out_child_and_reap_left_out_reaps_it_once_it_exits(self):
        # In a child of the test process, so that kill_descendants reaches nothing of the runner's.
        tester = os.fork()
        if tester == 0:
            os._exit(_left_out_child_survives_and_is_reaped())
        _, status = os.waitpid(tester, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)


def _left_out_child_survives_and_is_reaped():
    try:
        copy = os.fork()
        if copy == 0:
            time.sleep(30)
            os._exit(0)
        doomed = os.fork()
        if doomed == 0:
            time.sleep(30)
            os._exit(0)
        descendants.leave_out(copy)
        descendants.kill_descendants()
        if not _exited(doomed):
            return 3  # kill_descendants reaped what it killed
        os.kill(copy, 0)  # still there (a ProcessLookupError otherwise)
        os.kill(copy, 9)
        deadline = time.monotonic() + 10
        while descendants.is_left_out(copy) and time.monotonic() < deadline:
            descendants.reap_left_out()
            time.sleep(0.01)
        return 0 if not descendants.is_left_out(copy) and _exited(copy) else 4
    except BaseException:
        return 5


def _exited(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # reaped already
    return False


if __name__ == "__main__":
    unittest.main()
