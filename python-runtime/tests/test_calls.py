"""How one call runs: globals, values, exceptions, environment, exit requests."""

import unittest

from pyexec_harness.protocol import check_harness_message

from .harness_client import HarnessClient


class CallTest(unittest.TestCase):
    def setUp(self):
        self.harness = HarnessClient()

    def tearDown(self):
        self.harness.close()

    def test_hello_announces_protocol_python_pid_and_executable(self):
        hello = self.harness.hello
        self.assertIsNone(check_harness_message(hello))
        self.assertEqual(hello["pid"], self.harness.process.pid)
        self.assertTrue(hello["executable"])

    def test_the_last_expression_value_is_its_repr(self):
        result, _ = self.harness.run("x = 'a'\nx * 2")
        self.assertEqual(result["value"], "'aa'")
        self.assertIsNone(check_harness_message(result))

    def test_statements_and_none_have_no_value(self):
        for code in ("x = 1", "None", "print('p')", ""):
            result, _ = self.harness.run(code)
            self.assertNotIn("value", result, code)

    def test_every_call_gets_fresh_main_globals(self):
        self.harness.run("leftover = 1\ndef f(): pass")
        result, _ = self.harness.run("(__name__, 'leftover' in globals(), 'f' in globals())")
        self.assertEqual(result["value"], "('__main__', False, False)")

    def test_classes_defined_in_a_call_can_be_pickled(self):
        result, _ = self.harness.run("import pickle\nclass Point: pass\nlen(pickle.dumps(Point())) > 0")
        self.assertEqual(result["value"], "True")

    def test_exceptions_report_type_message_and_a_traceback_without_harness_frames(self):
        result, _ = self.harness.run("def inner():\n    raise ValueError('bad input')\ninner()")
        error = result["error"]
        self.assertEqual(result["status"], "error")
        self.assertEqual((error["type"], error["message"]), ("ValueError", "bad input"))
        self.assertRegex(error["traceback"], r'File ".*/main\.py", line 2, in inner')
        self.assertNotIn("pyexec_harness", error["traceback"])

    def test_a_syntax_error_is_an_error_result(self):
        result, _ = self.harness.run("def broken(:\n    pass")
        self.assertEqual(result["error"]["type"], "SyntaxError")
        self.assertNotIn("pyexec_harness", result["error"]["traceback"])
        self.assertNotIn("ast.py", result["error"]["traceback"])

    def test_sys_exit_zero_is_ok_and_nonzero_is_an_error_and_the_harness_lives_on(self):
        ok, _ = self.harness.run("import sys\nprint('bye')\nsys.exit(0)")
        failed, _ = self.harness.run("import sys\nsys.exit(3)")
        after, _ = self.harness.run("1 + 1")
        self.assertEqual((ok["status"], ok["stdout"]), ("ok", "bye\n"))
        self.assertEqual((failed["status"], failed["error"]["type"], failed["error"]["message"]), ("error", "SystemExit", "3"))
        self.assertEqual(after["value"], "2")

    def test_call_environment_applies_to_that_call_only(self):
        self.harness.run("import os\nos.environ['KEEP'] = 'k'\nos.environ['GONE'] = 'g'")
        during, _ = self.harness.run("import os\n(os.environ.get('NEW'), os.environ.get('GONE'))", env={"NEW": "n", "GONE": None})
        after, _ = self.harness.run("import os\n(os.environ.get('NEW'), os.environ.get('GONE'))")
        self.assertEqual(during["value"], "('n', None)")
        self.assertEqual(after["value"], "(None, 'g')")

    def test_a_poisoned_json_module_does_not_break_the_next_call(self):
        poisoned, _ = self.harness.run(
            "import json, sys\njson.dumps = json.loads = None\njson.JSONEncoder.encode = None\nsys.modules['json'] = None"
        )
        after, _ = self.harness.run("{'still': 'fine'}")
        self.assertEqual(poisoned["status"], "ok")
        self.assertEqual(after["value"], "{'still': 'fine'}")

    def test_a_value_whose_repr_fails_is_an_error(self):
        result, _ = self.harness.run("class Bad:\n    def __repr__(self):\n        raise RuntimeError('no repr')\nBad()")
        self.assertEqual(result["error"]["type"], "RuntimeError")

    def test_a_value_past_the_output_limit_is_truncated(self):
        result, _ = self.harness.run("'x' * 1000", maxOutputBytes=50)
        self.assertEqual(len(result["value"]), 50)
        self.assertTrue(result["truncated"])

    def test_invalid_messages_get_a_fault_and_the_loop_survives(self):
        self.harness.send({"type": "run", "id": "broken", "maxOutputBytes": 10})
        fault = self.harness.read()
        self.harness.send({"type": "jump"})
        unknown = self.harness.read()
        self.assertEqual((fault["type"], fault["id"]), ("fault", "broken"))
        self.assertEqual(unknown["type"], "fault")
        self.assertIsNone(check_harness_message(fault))
        result, _ = self.harness.run("'alive'")
        self.assertEqual(result["value"], "'alive'")


class InterruptTest(unittest.TestCase):
    def setUp(self):
        self.harness = HarnessClient()

    def tearDown(self):
        self.harness.close()

    def test_sigint_interrupts_the_running_call_and_keeps_its_output(self):
        import signal

        call_id = self.harness.start("import time\nprint('before')\nwhile True:\n    time.sleep(0.01)")
        self.harness.wait_for_output(call_id)
        self.harness.process.send_signal(signal.SIGINT)
        result, _ = self.harness.collect(call_id)
        self.assertEqual(result["error"]["type"], "KeyboardInterrupt")
        self.assertEqual(result["stdout"], "before\n")
        self.assertNotIn("pyexec_harness", result["error"]["traceback"])
        after, _ = self.harness.run("'alive'")
        self.assertEqual(after["value"], "'alive'")

    def test_sigint_between_calls_is_ignored(self):
        import signal

        # The signal is pending before the message is written, so it is handled first, between calls.
        self.harness.process.send_signal(signal.SIGINT)
        result, _ = self.harness.run("'alive'")
        self.assertEqual(result["value"], "'alive'")

    def test_user_code_cannot_disable_interrupts_for_later_calls(self):
        import signal

        self.harness.run("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)")
        call_id = self.harness.start("import time\nprint('running')\nwhile True:\n    time.sleep(0.01)")
        self.harness.wait_for_output(call_id)
        self.harness.process.send_signal(signal.SIGINT)
        result, _ = self.harness.collect(call_id)
        self.assertEqual(result["error"]["type"], "KeyboardInterrupt")


class ShutdownTest(unittest.TestCase):
    def test_shutdown_exits_at_once_despite_threads_left_running(self):
        harness = HarnessClient()
        try:
            harness.run("import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()")
            harness.send({"type": "shutdown"})
            self.assertEqual(harness.process.wait(timeout=5), 0)
        finally:
            harness.close()

    def test_end_of_input_ends_the_harness(self):
        harness = HarnessClient()
        try:
            harness.process.stdin.close()
            self.assertEqual(harness.process.wait(timeout=5), 0)
        finally:
            harness.process.stdin = open("/dev/null", "wb")
            harness.close()

    def test_a_working_directory_missing_here_is_replaced_by_a_fresh_one(self):
        # Through a launcher (docker exec…) the host's directory may not exist on the worker's side.
        import os
        import shutil

        harness = HarnessClient({"workDir": "/nonexistent/pyexec-host-dir"})
        try:
            result, _ = harness.run("import os\nos.getcwd(), os.listdir('.')")
            work_dir, listing = eval(result["value"])
            self.addCleanup(shutil.rmtree, work_dir, True)
            self.assertTrue(os.path.basename(work_dir).startswith("pyexec-worker-"), work_dir)
            self.assertEqual(listing, [])
        finally:
            harness.close()

    def test_a_worker_whose_host_is_gone_removes_its_directory(self):
        # The host removes a worker's directory when the worker exits; a host that died cannot.
        import os
        import shutil

        harness = HarnessClient({"workDir": "/nonexistent/pyexec-host-dir"})
        try:
            result, _ = harness.run("import os\nopen('left-behind.txt', 'w').write('x')\nos.getcwd()")
            work_dir = eval(result["value"])
            self.addCleanup(shutil.rmtree, work_dir, True)
            self.assertTrue(os.path.exists(os.path.join(work_dir, "left-behind.txt")))
            harness.process.stdin.close()  # what the host's death looks like from here
            self.assertEqual(harness.process.wait(timeout=10), 0)
            self.assertFalse(os.path.exists(work_dir))
        finally:
            harness.close()


if __name__ == "__main__":
    unittest.main()
