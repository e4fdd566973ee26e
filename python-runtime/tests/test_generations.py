"""Isolated workers that fork generations: the started process never runs user code."""

import os
import signal
import time
import unittest

from pyexec_harness.generations import RECYCLED_EXIT_CODE
from pyexec_harness.protocol import check_harness_message

from .harness_client import HarnessClient, is_running, scratch_dir


class GenerationsTest(unittest.TestCase):
    def setUp(self):
        config = {"mode": "isolated", "generations": True, "workDir": scratch_dir(self), "callRoot": scratch_dir(self)}
        self.harness = HarnessClient(config)

    def tearDown(self):
        self.harness.close()

    def value(self, code):
        result, _ = self.harness.run(code)
        self.assertEqual(result["status"], "ok", result)
        return result.get("value")

    def next_generation(self, ended_pid):
        """Reads the `exited` report of generation `ended_pid` and the next one's hello."""
        exited = self.harness.read()
        self.assertIsNone(check_harness_message(exited))
        self.assertEqual(exited["pid"], ended_pid)
        hello = self.harness.read()
        self.assertEqual(hello["type"], "hello")
        return exited, hello

    def test_calls_run_in_a_child_of_the_started_process(self):
        started = self.harness.process.pid
        self.assertNotEqual(self.harness.hello["pid"], started)
        self.assertEqual(self.value("import os; os.getpid()"), str(self.harness.hello["pid"]))
        self.assertEqual(self.value("import os; os.getppid()"), str(started))

    def test_recycle_forks_a_fresh_generation_that_reads_the_next_message(self):
        first = self.harness.hello["pid"]
        self.value("import json; json.dumps = None; leaked = 1")
        self.harness.send({"type": "recycle"})
        exited, hello = self.next_generation(first)
        self.assertEqual(exited.get("code"), RECYCLED_EXIT_CODE)
        self.assertNotEqual(hello["pid"], first)
        self.assertEqual(self.value("import os; os.getpid()"), str(hello["pid"]))
        self.assertEqual(self.value("import json; json.dumps is None, 'leaked' in globals()"), "(False, False)")

    def test_a_generation_that_dies_mid_call_is_reported_and_replaced(self):
        first = self.harness.hello["pid"]
        self.harness.start("print('partial', flush=True); import posix; posix._exit(3)")  # the raw exit, no result
        message = self.harness.read()
        while message["type"] == "stream":
            message = self.harness.read()
        self.assertEqual(message, {"type": "exited", "pid": first, "code": 3})
        hello = self.harness.read()
        self.assertEqual(hello["type"], "hello")
        result, _ = self.harness.run("print('clean')")
        self.assertEqual(result["stdout"], "clean\n")

    def test_a_killed_generation_is_reported_with_its_signal(self):
        first = self.harness.hello["pid"]
        os.kill(first, signal.SIGKILL)
        exited, _ = self.next_generation(first)
        self.assertEqual(exited.get("signal"), "SIGKILL")
        self.assertEqual(self.value("1 + 1"), "2")

    def test_sigint_to_the_started_process_interrupts_the_call_in_the_generation(self):
        call_id = self.harness.start("import time\nprint('running')\nwhile True: time.sleep(0.01)")
        self.harness.wait_for_output(call_id)
        os.kill(self.harness.process.pid, signal.SIGINT)
        result, _ = self.harness.collect(call_id)
        self.assertEqual(result["error"]["type"], "KeyboardInterrupt")
        self.assertEqual(self.value("import os; os.getpid()"), str(self.harness.hello["pid"]))

    def test_the_output_thread_of_a_generation_is_not_a_leftover(self):
        # Its own output thread starts after the snapshot; it must not count as one left running.
        self.value("1")
        self.value("1")
        self.assertEqual(self.value("import threading; threading.active_count()"), "1")

    def waiting_generation(self, serving):
        """The started process's other child: the next generation, forked and waiting."""
        started = self.harness.process.pid
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open("/proc/%d/task/%d/children" % (started, started)) as listing:
                others = [int(pid) for pid in listing.read().split() if int(pid) != serving and is_running(int(pid))]
            if others:
                self.assertEqual(len(others), 1, others)
                return others[0]
            time.sleep(0.01)
        self.fail("no generation waits beside %d" % serving)

    def test_the_next_generation_waits_forked_and_serves_from_the_recycle_on(self):
        first = self.harness.hello["pid"]
        waiting = self.waiting_generation(first)
        self.value("import json; json.dumps = None")
        self.harness.send({"type": "recycle"})
        _, hello = self.next_generation(first)
        self.assertEqual(hello["pid"], waiting)
        self.assertEqual(self.value("import os, json; os.getpid(), json.dumps(1)"), "(%d, '1')" % waiting)
        self.waiting_generation(waiting)  # and the one after it

    def test_a_call_that_kills_the_waiting_generation_only_costs_a_fork_at_the_recycle(self):
        first = self.harness.hello["pid"]
        waiting = self.waiting_generation(first)
        self.value("import os, signal\nos.kill(%d, signal.SIGKILL)" % waiting)
        self.harness.send({"type": "recycle"})
        # The killed generation's own `exited` report may come too, before or after the recycled
        # one's (when the started process notices it depends on the scheduler): then the hello.
        reports = {}
        message = self.harness.read()
        while message["type"] != "hello":
            self.assertIsNone(check_harness_message(message))
            reports[message["pid"]] = message
            message = self.harness.read()
        hello = message
        self.assertEqual(reports[first].get("code"), RECYCLED_EXIT_CODE)
        self.assertLessEqual(set(reports), {first, waiting})
        self.assertNotIn(hello["pid"], (first, waiting))
        self.assertEqual(self.value("import os; os.getpid()"), str(hello["pid"]))

    def test_end_of_input_ends_the_generation_and_the_started_process(self):
        self.value("1")
        waiting = self.waiting_generation(self.harness.hello["pid"])
        self.harness.process.stdin.close()
        self.assertEqual(self.harness.process.wait(timeout=10), 0)
        self.assertFalse(is_running(self.harness.hello["pid"]))
        self.assertFalse(is_running(waiting))

    def test_the_waiting_generation_ends_with_the_started_process(self):
        waiting = self.waiting_generation(self.harness.hello["pid"])
        self.harness.process.kill()
        self.harness.process.wait()
        deadline = time.monotonic() + 10
        while is_running(waiting) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertFalse(is_running(waiting))

    def test_a_worker_spoiled_by_a_leftover_thread_ends_once_the_host_is_gone(self):
        # The host would kill it on `spoiled`; a host that died first never will.
        generation = self.harness.hello["pid"]
        result, _ = self.harness.run("import threading, time\nthreading.Thread(target=time.sleep, args=(300,), daemon=True).start()")
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(self.harness.read()["type"], "spoiled")
        self.harness.process.stdin.close()
        self.harness.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while is_running(generation) and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertFalse(is_running(generation))
