"""Drives a real harness process over its stdin/stdout, as the Node host does."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES_PATH = os.path.join(os.path.dirname(RUNTIME_DIR), "docs", "protocol-examples.json")
BOOTSTRAP = (
    "import sys;w=sys.dont_write_bytecode;sys.dont_write_bytecode=False;"
    "sys.path.insert(0,sys.argv[1]);import pyexec_harness.main as m;del sys.path[0];m.main(w)"
)


# A call that leaves a daemon behind, as a service's start script does: it forks twice, the
# middle process calls setsid and exits, and the grandchild (printed) sleeps on, orphaned.
DAEMON = """
import os, time
read_end, write_end = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(write_end, str(os.getpid()).encode())
        time.sleep(30)
    os._exit(0)
os.close(write_end)
print(os.read(read_end, 32).decode())
"""


def load_examples():
    with open(EXAMPLES_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def is_running(pid):
    """Whether process `pid` runs. A zombie has ended: it only waits for whoever inherited it to reap it."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def scratch_dir(test, parent=None):
    """A temporary directory removed once `test` has ended (after its tearDown closed the harness)."""
    path = tempfile.mkdtemp(prefix="pyexec-test-", dir=parent)
    test.addCleanup(shutil.rmtree, path, True)
    return path


class HarnessClient:
    def __init__(self, config=None, runtime_dir=RUNTIME_DIR, env=None):
        """runtime_dir: the directory holding pyexec_harness; env: the harness's environment."""
        config = dict(config or {})
        # Without one the harness makes a working directory it never removes (the launcher case).
        self._own_work_dir = None
        if "workDir" not in config:
            self._own_work_dir = config["workDir"] = tempfile.mkdtemp(prefix="pyexec-test-")
        # Where call directories and script files go; the host always gives one.
        self._own_call_root = None
        if "callRoot" not in config:
            self._own_call_root = config["callRoot"] = tempfile.mkdtemp(prefix="pyexec-test-calls-")
        self.process = subprocess.Popen(
            [sys.executable, "-c", BOOTSTRAP, runtime_dir, json.dumps(config)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.hello = self.read()
        self._next_id = 0
        self._early_streams = []  # read by wait_for_output, handed to collect
        self.running = []  # `running` messages collect() read

    def send(self, message):
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def read(self):
        line = self.process.stdout.readline()
        if not line:
            raise EOFError("harness closed its channel; stderr: %r" % self.process.stderr.read())
        return json.loads(line)

    def start(self, code, **fields):
        self._next_id += 1
        call_id = "call-%d" % self._next_id
        self.send(dict({"type": "run", "id": call_id, "code": code, "maxOutputBytes": 1 << 20}, **fields))
        return call_id

    def run(self, code, **fields):
        """Runs code; returns (result, streamed messages), the result's output joined with the streams."""
        call_id = self.start(code, **fields)
        return self.collect(call_id)

    def wait_for_output(self, call_id):
        """Reads up to the call's first stream message: proof that it runs (no fixed sleep)."""
        message = self.read()
        while message["type"] == "running":
            message = self.read()
        assert message["type"] == "stream" and message["id"] == call_id, message
        self._early_streams.append(message)
        return message

    def collect(self, call_id):
        streams, self._early_streams = self._early_streams, []
        while True:
            message = self.read()
            if message["type"] == "running":  # a long call named (see capture.py)
                assert message["id"] == call_id, message
                self.running.append(message)
                continue
            if message["type"] == "stream":
                assert message["id"] == call_id, message
                streams.append(message)
                continue
            assert message.get("id") == call_id, message
            for name in ("stdout", "stderr"):
                if name in message:
                    message[name] = "".join(s["text"] for s in streams if s["name"] == name) + message[name]
            return message, streams

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()
        if self._own_work_dir:
            shutil.rmtree(self._own_work_dir, ignore_errors=True)
        if self._own_call_root:
            shutil.rmtree(self._own_call_root, ignore_errors=True)
