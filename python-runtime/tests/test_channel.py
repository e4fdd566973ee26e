import os
import threading
import unittest

from pyexec_harness.channel import Channel

MESSAGE = b'{"type":"shutdown"}\n'
WINDOW_US = 100_000


class BusyPollTest(unittest.TestCase):
    """The channel polls for a message instead of sleeping only while messages come back to back,
    and never for longer than its window. Checked by what the channel counts of its own polling
    (never by CPU or wall-clock thresholds of the test itself, which a busy machine would break)."""

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

    def read_waiting(self):
        """Reads a message already written: it comes back to back with the last one."""
        os.write(self.write_fd, MESSAGE)
        self.assertEqual(self.channel.read_message(), {"type": "shutdown"})

    def read_after(self, delay_s):
        """Reads one message written delay_s from now."""
        writer = threading.Timer(delay_s, os.write, (self.write_fd, MESSAGE))
        writer.start()
        message = self.channel.read_message()
        writer.join()
        self.assertEqual(message, {"type": "shutdown"})

    def test_a_first_message_is_awaited_asleep(self):
        self.read_after(0.05)
        self.assertEqual(self.channel.poll_windows, 0)

    def test_polls_for_the_next_message_while_messages_come_back_to_back(self):
        self.read_waiting()
        self.assertEqual(self.channel.poll_windows, 0)  # the first message: nothing came before it
        self.read_after(0.02)
        self.assertEqual(self.channel.poll_windows, 1)
        self.assertGreater(self.channel.polled_s, 0)

    def test_polls_no_longer_than_its_window_and_sleeps_after_a_long_gap(self):
        self.read_waiting()
        self.read_after(0.5)  # polls for the 0.1 s window, then sleeps until the message
        self.assertEqual(self.channel.poll_windows, 1)
        self.assertGreater(self.channel.polled_s, 0.9 * WINDOW_US / 1e6)  # its clock starts a moment late
        # The poll ends at its deadline, not with the message 0.5 s later (the margin is for a
        # busy machine descheduling the poll near its end).
        self.assertLess(self.channel.polled_s, 0.45)
        self.read_after(0)  # the gap was long: no longer back to back, so no poll
        self.assertEqual(self.channel.poll_windows, 1)

    def test_sleeps_when_the_host_says_polling_does_not_pay(self):
        self.read_waiting()
        self.channel.poll_next = False  # a run message said `poll: false` (see persistent.py)
        self.read_after(0.02)
        self.assertEqual(self.channel.poll_windows, 0)
        self.channel.poll_next = True
        self.read_after(0.02)
        self.assertEqual(self.channel.poll_windows, 1)

    def test_off_by_default(self):
        self.channel = self.make_channel()
        self.read_waiting()
        self.read_after(0.02)
        self.assertFalse(hasattr(self.channel, "_poll"))
        self.assertEqual(self.channel.poll_windows, 0)

    def test_end_of_input_ends_the_poll(self):
        self.read_waiting()
        write_fd, self.write_fd = self.write_fd, None
        closer = threading.Timer(0.02, os.close, (write_fd,))
        closer.start()
        self.assertIsNone(self.channel.read_message())
        closer.join()


if __name__ == "__main__":
    unittest.main()


class RetiredWorkerWaitTest(unittest.TestCase):
    """A retired (spoiled) worker serves no more calls: it drops what comes until the host asks it
    to shut down, or closes its end."""

    def setUp(self):
        self.read_fd, write_fd = os.pipe()
        self.writer = os.fdopen(write_fd, "wb", buffering=0)
        self.addCleanup(os.close, self.read_fd)
        null = os.open(os.devnull, os.O_WRONLY)
        self.addCleanup(os.close, null)
        self.channel = Channel(self.read_fd, null)

    def test_drops_calls_and_garbage_until_shutdown(self):
        self.writer.write(b'{"type":"run","id":"late","code":"1"}\nnot json\n{"type":"shutdown"}\n')
        self.assertTrue(self.channel.wait_for_shutdown())
        self.writer.close()

    def test_reports_the_host_gone_at_end_of_input(self):
        self.writer.write(b'{"type":"run","id":"late","code":"1"}\n')
        self.writer.close()
        self.assertFalse(self.channel.wait_for_shutdown())
