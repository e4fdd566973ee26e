"""Everything user code writes lands in the call's output; nothing it writes reaches the channel."""

import unittest

from pyexec_harness.protocol import check_harness_message

from .harness_client import RUNTIME_DIR, HarnessClient

# The output thread has read the last bytes of a call from fd 1 and not yet added them to the
# sink when the call ends (the pipe is empty by then): the result must still hold them. Run in a
# process of its own, as OutputCapture takes over fds 0-2.
_READ_IN_FLIGHT = """
import os, sys, threading, time
sys.path.insert(0, %r)
from pyexec_harness.capture import OutputCapture
report = os.dup(1)

class Channel:
    read_fd = os.open(os.devnull, os.O_RDONLY)

    def send(self, message):
        pass

capture = OutputCapture(Channel(), pump="later")
capture.begin("call", 1 << 20)
os.write(1, b"last bytes")
holding = threading.Event()

def output_thread_in_the_middle_of_a_read():
    with capture._drain_lock:
        data = os.read(capture._out_read, 100)
        holding.set()
        time.sleep(0.3)
        capture.stdout.add_bytes(data)

threading.Thread(target=output_thread_in_the_middle_of_a_read).start()
holding.wait()
stdout, _stderr, _truncated = capture.finish()
os.write(report, stdout.encode())
""" % (RUNTIME_DIR,)


class CaptureTest(unittest.TestCase):
    def setUp(self):
        self.harness = HarnessClient()

    def tearDown(self):
        self.harness.close()

    def test_bytes_the_output_thread_is_adding_when_the_call_ends_are_in_its_result(self):
        import subprocess
        import sys

        done = subprocess.run([sys.executable, "-c", _READ_IN_FLIGHT], capture_output=True, timeout=60)
        self.assertEqual(done.stdout, b"last bytes", done.stderr)

    def test_print_and_sys_stdout_write_are_captured(self):
        result, _ = self.harness.run("import sys\nprint('a')\nsys.stdout.write('b\\n')\nprint('c', file=sys.stderr)")
        self.assertEqual(result["stdout"], "a\nb\n")
        self.assertEqual(result["stderr"], "c\n")

    def test_writes_to_file_descriptors_1_and_2_are_captured(self):
        result, _ = self.harness.run("import os\nos.write(1, b'one\\n')\nos.write(2, b'two\\n')")
        self.assertEqual(result["stdout"], "one\n")
        self.assertEqual(result["stderr"], "two\n")

    def test_output_of_c_code_is_captured(self):
        code = "import ctypes\nlibc = ctypes.CDLL(None)\nlibc.printf(b'from C\\n')\nlibc.fflush(None)"
        result, _ = self.harness.run(code)
        self.assertEqual(result["stdout"], "from C\n")

    def test_output_of_child_processes_is_captured(self):
        result, _ = self.harness.run("import subprocess\nsubprocess.run(['echo', 'hi'])\nsubprocess.run('echo err >&2', shell=True)")
        self.assertEqual(result["stdout"], "hi\n")
        self.assertEqual(result["stderr"], "err\n")

    def test_printed_protocol_messages_are_plain_output(self):
        fake = '{"type":"result","id":"call-1","status":"ok","stdout":"","stderr":"","figures":[]}'
        code = "import os\nprint(%r)\nos.write(1, b%r + b'\\n')" % (fake, fake)
        result, _ = self.harness.run(code)
        self.assertEqual(result["status"], "ok")
        self.assertEqual(result["stdout"], fake + "\n" + fake + "\n")
        follow_up, _ = self.harness.run("print('next')")
        self.assertEqual(follow_up["stdout"], "next\n")

    def test_input_gets_end_of_file_instead_of_hanging(self):
        result, _ = self.harness.run("input('name? ')")
        self.assertEqual(result["status"], "error")
        self.assertEqual(result["error"]["type"], "EOFError")

    def test_closing_fds_1_and_2_does_not_break_the_next_call(self):
        result, _ = self.harness.run("import os, sys\nsys.stdout.close()\nos.close(1)\nos.close(2)")
        self.assertEqual(result["status"], "ok")
        follow_up, _ = self.harness.run("import os\nprint('py')\nos.write(1, b'fd\\n')")
        self.assertEqual(follow_up["stdout"], "py\nfd\n")

    def test_replacing_sys_stdout_does_not_break_the_next_call(self):
        self.harness.run("import sys\nsys.stdout = None\nsys.stderr = None")
        result, _ = self.harness.run("print('back')")
        self.assertEqual(result["stdout"], "back\n")

    def test_a_long_call_streams_output_before_its_result(self):
        code = "import time\nprint('first', flush=True)\ntime.sleep(0.4)\nprint('last')"
        result, streams = self.harness.run(code)
        self.assertEqual(result["stdout"], "first\nlast\n")
        self.assertTrue(streams, "expected a stream message while the call ran")
        self.assertEqual(streams[0]["text"], "first\n")
        for message in streams:
            self.assertIsNone(check_harness_message(message))

    def test_output_written_while_it_is_streamed_is_neither_lost_nor_repeated(self):
        # A thread prints while the call flushes (each flush takes the pending output) as fast as
        # it can; a tiny switch interval makes the two interleave between every few bytecodes.
        code = (
            "import sys, threading\n"
            "sys.setswitchinterval(1e-6)\n"
            "def write():\n"
            "    for i in range(20000):\n"
            "        print('w%d' % i)\n"
            "writer = threading.Thread(target=write)\n"
            "writer.start()\n"
            "while writer.is_alive():\n"
            "    sys.stdout.flush()\n"
            "sys.setswitchinterval(0.005)"
        )
        result, streams = self.harness.run(code)
        self.assertEqual(result["stdout"], "".join("w%d\n" % i for i in range(20000)))
        self.assertGreater(len(streams), 1)

    def test_stdout_and_stderr_reach_the_host_in_the_order_they_were_written(self):
        # Python-level writes and fd-level ones each in order across the two streams. (Two fd
        # writes in a row to fds 1 and 2 have no order once in their pipes: as under Jupyter.)
        code = (
            "import os, sys\n"
            "print('out 1')\n"
            "print('err 1', file=sys.stderr)\n"
            "os.write(1, b'out 2\\n')\n"
            "sys.stderr.write('err 2\\n')\n"
            "print('out 3')"
        )
        result, streams = self.harness.run(code)
        runs = [(message["name"], message["text"]) for message in streams]
        streamed = {name: "".join(text for stream, text in runs if stream == name) for name in ("stdout", "stderr")}
        # What was not streamed comes with the result: one stream at most.
        rest = [(name, result[name][len(streamed[name]):]) for name in ("stdout", "stderr")]
        rest = [(name, text) for name, text in rest if text]
        self.assertLessEqual(len(rest), 1)
        self.assertEqual(
            runs + rest,
            [("stdout", "out 1\n"), ("stderr", "err 1\n"), ("stdout", "out 2\n"), ("stderr", "err 2\n"), ("stdout", "out 3\n")],
        )

    def test_a_call_that_writes_to_one_stream_only_sends_no_stream_message(self):
        result, streams = self.harness.run("import sys\nfor i in range(100):\n    print(i, file=sys.stderr)")
        self.assertEqual(streams, [])
        self.assertEqual(result["stderr"], "".join("%d\n" % i for i in range(100)))

    def test_a_long_call_is_named_while_it_runs_and_a_short_one_never(self):
        self.harness.running.clear()
        self.harness.run("import time\ntime.sleep(0.8)")
        self.assertGreaterEqual(len(self.harness.running), 2)
        self.harness.running.clear()
        for _ in range(5):
            self.harness.run("1")
        self.assertEqual(self.harness.running, [])

    def test_a_trivial_call_costs_exactly_one_result_message(self):
        for _ in range(20):
            result, streams = self.harness.run("print(1 + 1)")
            self.assertEqual(streams, [])
            self.assertEqual(result["stdout"], "2\n")

    def test_output_past_the_limit_keeps_head_and_tail_and_counts_what_was_dropped(self):
        result, _ = self.harness.run("print('x' * 5000)\nimport os\nos.write(2, b'y' * 4000 + 'é'.encode() * 500)", maxOutputBytes=101)
        note = "\n[pyexec: %d bytes of %s dropped here (limits.maxOutputBytes keeps the first and last part)]\n"
        self.assertEqual(result["stdout"], "x" * 51 + note % (4900, "stdout") + "x" * 49 + "\n")
        self.assertEqual(result["stderr"], "y" * 51 + note % (4899, "stderr") + "é" * 25)  # never half a character
        self.assertEqual(result["droppedBytes"], {"stdout": 4900, "stderr": 4899})
        self.assertTrue(result["truncated"])

    def test_output_within_the_limit_past_its_head_is_kept_whole(self):
        result, _ = self.harness.run("print('x' * 80)", maxOutputBytes=100)
        self.assertEqual(result["stdout"], "x" * 80 + "\n")
        self.assertNotIn("truncated", result)
        self.assertNotIn("droppedBytes", result)

    def test_endless_output_is_bounded_until_the_call_is_interrupted(self):
        import signal

        call_id = self.harness.start("import os\nwhile True:\n    os.write(1, b'z' * 4096)\n    print('line')", maxOutputBytes=10000)
        self.harness.wait_for_output(call_id)
        self.harness.process.send_signal(signal.SIGINT)
        result, streams = self.harness.collect(call_id)
        head, _, tail = result["stdout"].partition("\n[pyexec: ")
        self.assertEqual(len(head), 5000)
        self.assertEqual(len(tail.split("part)]\n", 1)[1]), 5000)
        self.assertGreater(result["droppedBytes"]["stdout"], 0)
        self.assertTrue(result["truncated"])
        self.assertEqual(result["error"]["type"], "KeyboardInterrupt")


if __name__ == "__main__":
    unittest.main()
