"""The template forks one child per call and outlives every child."""

import errno
import json
import os
import signal
import socket
import time
import unittest

from pyexec_harness.forking.child import call_directories
from pyexec_harness.forking.template import Spare, TemplateServer, _remove_directory
from pyexec_harness.protocol import check_harness_message

from .harness_client import HarnessClient, is_running, scratch_dir


class TemplateTest(unittest.TestCase):
    def setUp(self):
        self.harness = HarnessClient({"mode": "forked", "workDir": scratch_dir(self), "callRoot": scratch_dir(self)})

    def tearDown(self):
        self.harness.close()

    def call(self, code):
        call_id = self.harness.start(code)
        started = self.harness.read()
        self.assertEqual(started["id"], call_id)
        self.assertIsNone(check_harness_message(started))
        end = self.harness.read()
        while end["type"] == "stream":
            end = self.harness.read()
        self.assertIsNone(check_harness_message(end))
        return started, end

    def test_each_call_runs_in_a_new_child_that_started_names(self):
        first_started, first = self.call("import os\nos.getpid()")
        second_started, second = self.call("import os\nos.getpid()")
        self.assertEqual(first["value"], str(first_started["pid"]))
        self.assertEqual(second["value"], str(second_started["pid"]))
        self.assertNotEqual(first_started["pid"], second_started["pid"])

    def test_a_child_that_dies_is_reported_and_the_template_serves_on(self):
        started, exited = self.call("import posix\nposix._exit(7)")  # not os._exit: that one sends a result first
        self.assertEqual(exited, {"type": "exited", "pid": started["pid"], "code": 7})
        _, killed = self.call("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
        self.assertEqual(killed["signal"], "SIGKILL")
        _, result = self.call("'alive'")
        self.assertEqual(result["value"], "'alive'")

    def test_children_start_in_empty_directories_of_their_own(self):
        self.call("open('left.txt', 'w').write('x')")
        _, result = self.call("import os\nos.listdir('.')")
        self.assertEqual(result["value"], "[]")

    def test_a_spare_killed_while_waiting_is_replaced_before_the_call(self):
        started, result = self.call("import os\nos.getppid()")
        template = int(result["value"])
        # Only the spare: the child that ran the call may not have told the template it is done
        # yet, and killing it then would report a death for a call that already ended.
        deadline = time.monotonic() + 10
        spares = []
        while not spares and time.monotonic() < deadline:
            children = [int(pid) for pid in os.popen("pgrep -P %d" % template).read().split()]
            spares = [pid for pid in children if pid != started["pid"] and is_running(pid)]
            time.sleep(0.01)
        self.assertTrue(spares, "the template forked no spare")
        for pid in spares:
            os.kill(pid, signal.SIGKILL)
        for pid in spares:  # dead (a zombie) before the call arrives, as a spare killed earlier would be
            while is_running(pid):
                time.sleep(0.01)
        _, after = self.call("'served'")
        self.assertEqual(after["value"], "'served'")

    def test_the_template_refuses_other_messages_with_a_fault(self):
        self.harness.send({"type": "configure", "resetHooks": []})
        fault = self.harness.read()
        self.assertEqual(fault["type"], "fault")


class _Sent:
    def __init__(self):
        self.messages = []

    def send(self, message):
        self.messages.append(message)


class HandOverTest(unittest.TestCase):
    """Once the template hands a call to its child, the call is the child's to answer."""

    def setUp(self):
        self.channel = _Sent()
        self.server = TemplateServer(self.channel, {"workDir": scratch_dir(self)}, None, None)
        self.waiting = os.fork()
        if self.waiting == 0:  # a stand-in spare: waits to be killed
            time.sleep(60)
            os._exit(0)
        self.template_end, self.child_end = socket.socketpair()
        self.server._spare = Spare(self.waiting, self.template_end, call_directories(self.server._work_dir, "x"))
        self.server._fork = self._no_process_left

    def tearDown(self):
        os.kill(self.waiting, signal.SIGKILL)
        os.waitpid(self.waiting, 0)
        self.template_end.close()
        self.child_end.close()

    @staticmethod
    def _no_process_left():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    def test_a_spare_that_cannot_be_forked_after_the_hand_over_does_not_fault_the_call(self):
        self.server._start_call({"type": "run", "id": "one", "code": "1"})
        self.assertEqual(self.channel.messages, [{"type": "started", "id": "one", "pid": self.waiting}])
        self.assertEqual(json.loads(self.child_end.recv(1 << 16))["id"], "one")
        self.assertIs(self.server._active.pid, self.waiting)
        # The next call has no spare: it forks its own, and its failure is that call's to report.
        with self.assertRaises(OSError):
            self.server._start_call({"type": "run", "id": "two", "code": "2"})


if __name__ == "__main__":
    unittest.main()


class RemoveDirectoryTest(unittest.TestCase):
    """The template removes each finished child's directories, whatever the call left in them."""

    def test_removes_empty_usual_and_crowded_directories(self):
        root = scratch_dir(self)
        empty, usual, crowded = (os.path.join(root, name) for name in ("empty", "usual", "crowded"))
        for path in (empty, usual, crowded):
            os.mkdir(path)
        for path in (os.path.join(usual, "main.py"), os.path.join(crowded, "main.py"), os.path.join(crowded, "data.csv")):
            with open(path, "w") as handle:
                handle.write("x")
        os.makedirs(os.path.join(crowded, "nested", "deeper"))
        _remove_directory(empty)
        _remove_directory(usual, "main.py")
        _remove_directory(crowded, "main.py")
        _remove_directory(os.path.join(root, "never-made"), "main.py")
        self.assertEqual(os.listdir(root), [])
