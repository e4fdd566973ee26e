"""Resource limits from the host's start configuration."""

import unittest

from .harness_client import HarnessClient


class LimitsTest(unittest.TestCase):
    def run_with(self, limits, code):
        harness = HarnessClient({"limits": limits})
        try:
            return harness.run(code)[0]
        finally:
            harness.close()

    def test_memory_limit_makes_large_allocations_fail(self):
        result = self.run_with({"memoryMb": 300}, "b = bytearray(600 * 1024 * 1024)")
        self.assertEqual(result["error"]["type"], "MemoryError")

    def test_cpu_limit_ends_a_busy_call_with_an_error(self):
        result = self.run_with({"cpuSeconds": 1}, "while True:\n    pass")
        self.assertEqual(result["error"]["type"], "CPUTimeLimitExceeded")

    def test_file_size_limit_makes_big_writes_fail(self):
        code = "import tempfile\nwith tempfile.TemporaryFile() as f:\n    f.write(b'x' * (3 * 1024 * 1024))\n    f.flush()"
        result = self.run_with({"maxFileSizeMb": 1}, code)
        self.assertEqual(result["status"], "error")
        self.assertIn("File too large", result["error"]["message"])


if __name__ == "__main__":
    unittest.main()


class EarlyInterruptTest(unittest.TestCase):
    """The host may stop a call as soon as it has sent it: a SIGINT that lands while the harness
    sets the call up interrupts that call (KeyboardInterrupt before its code runs), and one that
    lands between calls is ignored."""

    def setUp(self):
        import signal

        self.addCleanup(signal.signal, signal.SIGINT, signal.getsignal(signal.SIGINT))  # arm() installs its own

    def test_an_interrupt_during_a_calls_setup_is_raised_when_its_code_would_run(self):
        from pyexec_harness.interrupts import InterruptGuard

        guard = InterruptGuard()
        guard.expect_call()
        guard._on_sigint(2, None)  # the handler, as the signal would run it
        with self.assertRaises(KeyboardInterrupt):
            guard.arm()
        self.assertFalse(guard.armed)
        guard.disarm()

    def test_an_interrupt_between_calls_is_ignored(self):
        from pyexec_harness.interrupts import InterruptGuard

        guard = InterruptGuard()
        guard._on_sigint(2, None)
        guard.expect_call()
        guard.arm()  # does not raise
        self.assertTrue(guard.armed)
        guard.disarm()
