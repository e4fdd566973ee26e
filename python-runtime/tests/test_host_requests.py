"""Requests to the host: replies handed to the thread that asked, other messages handed back."""

import json
import os
import threading
import unittest

from pyexec_harness.channel import Channel
from pyexec_harness.host_requests import CallEnded, HostRequests


class FakeHost:
    """A capture whose call is running, and a host that answers each request on a real pipe."""

    def __init__(self, answer):
        read_fd, self.write_fd = os.pipe()
        self.channel = Channel(read_fd, -1)
        self.call = "call-1"
        self.asked = []
        self._answer = answer

    def current_call(self):
        return self.call

    def send_in_order(self, message):
        if self.call is None:
            return False
        message["id"] = self.call
        self.asked.append(message)
        for reply in self._answer(message):
            os.write(self.write_fd, (json.dumps(reply) + "\n").encode())
        return True

    def close(self):
        os.close(self.write_fd)
        os.close(self.channel.read_fd)


def reply_to(message, value):
    return {"type": "reply", "id": message["id"], "requestId": message["requestId"], "ok": True, "value": value}


class HostRequestsTest(unittest.TestCase):
    def make(self, answer, own_threads=True):
        host = FakeHost(answer)
        requests = HostRequests()
        requests.attach(host, host.channel)
        requests.begin_call({"functions": ["f"], "input": True}, own_threads)
        self.addCleanup(host.close)
        return host, requests

    def test_a_reply_for_another_call_is_dropped_and_other_messages_handed_back(self):
        def answer(message):
            return [
                {"type": "reply", "id": "call-0", "requestId": message["requestId"], "ok": True, "value": "stale"},
                {"type": "run", "id": "next", "code": "", "maxOutputBytes": 1},
                reply_to(message, "fresh"),
            ]

        host, requests = self.make(answer)
        self.assertEqual(requests.ask({"kind": "input"})["value"], "fresh")
        self.assertEqual(host.channel.read_message()["id"], "next")  # the main loop gets it after the call

    def test_threads_get_their_own_replies_whatever_the_order(self):
        pending = []
        lock = threading.Lock()

        def answer(message):
            with lock:  # answer both once both asked, in reverse order
                pending.append(message)
                if len(pending) < 2:
                    return []
                return [reply_to(pending[1], "second"), reply_to(pending[0], "first")]

        host, requests = self.make(answer)
        results = {}

        def ask(name):
            results[name] = requests.ask({"kind": "function", "name": name})["value"]

        threads = [threading.Thread(target=ask, args=(name,)) for name in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        asked = {message["name"]: message["requestId"] for message in host.asked}
        expected = {name: "first" if asked[name] == min(asked.values()) else "second" for name in asked}
        self.assertEqual(results, expected)

    def test_a_call_that_ended_gets_no_answer(self):
        host, requests = self.make(lambda message: [])
        done = []

        def ask():
            try:
                requests.ask({"kind": "input"})
            except CallEnded as ended:
                done.append(str(ended))

        thread = threading.Thread(target=ask)
        thread.start()
        while not host.asked:
            threading.Event().wait(0.01)
        host.call = None
        thread.join(10)
        requests.end_call()
        self.assertEqual(done, ["the call ended before the host answered"])
        with self.assertRaises(CallEnded):
            requests.ask({"kind": "input"})

    def test_threads_running_before_a_tenants_call_may_not_ask(self):
        started = threading.Event()
        release = threading.Event()
        outcome = []

        def earlier():
            started.set()
            release.wait(10)
            try:
                requests.ask({"kind": "function", "name": "f"})
            except CallEnded as refused:
                outcome.append(str(refused))

        thread = threading.Thread(target=earlier)
        thread.start()
        started.wait(10)
        host, requests = self.make(lambda message: [reply_to(message, "x")], own_threads=False)
        release.set()
        thread.join(10)
        self.assertEqual(outcome, ["a thread an earlier call left running cannot ask the host for this call"])
        self.assertEqual(requests.ask({"kind": "input"})["value"], "x")  # the thread that runs calls may


if __name__ == "__main__":
    unittest.main()
