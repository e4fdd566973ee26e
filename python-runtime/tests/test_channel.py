import os
import threading
import time
import unittest

from pyexec_harness.channel import Channel

MESSAGE = b'{"type":"shutdown"}\n'
WINDOW_US = 100_000  # a window far longer than the test's delays, so CPU time tells what happened


class BusyPollTest(unittest.TestCase):
    """The channel polls for a message instead of sleeping only while messages come back to back,
    and never for longer than its window. Checked by the reading thread's CPU time: a thread asleep
    in read() uses next to none, a polling one uses about the time it waited."""

    def setUp(self):
        self.read_fd, self.write_fd = os.pipe()
        self.addCleanup(os.close, self.read_fd)
        self.channel = self.make_channel(busy_poll_us=WINDOW_US)

    def tearDown(self):
        if self.write_fd is not None:
            os.close(self.write_fd)

    def make_channel(self, **options):
        null = os.open(os.devnull, os.O_WRONLY)
        self.addCleanup(os.close, null)
        return Channel(self.read_fd, null, **options)

    def read_after(self, delay_s):
        """Reads one message written delay_s from now; returns the CPU seconds the read used."""
        writer = threading.Timer(delay_s, os.write, (self.write_fd, MESSAGE))
        writer.start()
        started = time.thread_time()
        message = self.channel.read_message()
        used = time.thread_time() - started
        writer.join()
        self.assertEqual(message, {"type": "shutdown"})
        return used

    def test_a_first_message_is_awaited_asleep(self):
        self.assertLess(self.read_after(0.05), 0.02)

    def test_polls_for_the_next_message_while_messages_come_back_to_back(self):
        self.read_after(0)  # arrives at once: messages now come back to back
        self.assertGreater(self.read_after(0.05), 0.02)

    def test_sleeps_once_the_window_has_passed_and_after_a_long_gap(self):
        self.read_after(0)
        used = self.read_after(0.3)  # polls for the 0.1 s window, then sleeps
        self.assertGreater(used, 0.04)
        self.assertLess(used, 0.25)
        self.assertLess(self.read_after(0.05), 0.02)  # the gap was long: no longer back to back

    def test_off_by_default(self):
        self.channel = self.make_channel()
        self.read_after(0)
        self.assertLess(self.read_after(0.05), 0.02)

    def test_end_of_input_ends_the_poll(self):
        self.read_after(0)
        write_fd, self.write_fd = self.write_fd, None
        closer = threading.Timer(0.02, os.close, (write_fd,))
        closer.start()
        self.assertIsNone(self.channel.read_message())
        closer.join()


if __name__ == "__main__":
    unittest.main()
