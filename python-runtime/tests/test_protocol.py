import json
import unittest

from pyexec_harness import codec
from pyexec_harness.protocol import check_harness_message, check_host_message

from .harness_client import load_examples


class SharedExamplesTest(unittest.TestCase):
    def setUp(self):
        self.examples = load_examples()

    def test_every_host_example_is_accepted_by_the_harness(self):
        for message in self.examples["hostToHarness"]:
            self.assertIsNone(check_host_message(message), message)

    def test_every_invalid_host_example_is_refused(self):
        for message in self.examples["invalidHostToHarness"]:
            self.assertIsNotNone(check_host_message(message), message)

    def test_every_harness_example_fits_the_harness_schema(self):
        for message in self.examples["harnessToHost"]:
            self.assertIsNone(check_harness_message(message), message)

    def test_every_invalid_harness_example_breaks_the_schema(self):
        for message in self.examples["invalidHarnessToHost"]:
            self.assertIsNotNone(check_harness_message(message), message)


class PrivateCodecTest(unittest.TestCase):
    def test_round_trips_every_example_as_ascii(self):
        for message in load_examples()["harnessToHost"]:
            encoded = codec.encode(message)
            encoded.encode("ascii")
            self.assertEqual(codec.decode(encoded), message)

    def test_keeps_working_when_the_json_module_is_poisoned(self):
        saved = (json.dumps, json.loads, json.JSONEncoder.encode, json.JSONEncoder.iterencode)
        try:
            json.dumps = json.loads = None
            json.JSONEncoder.encode = json.JSONEncoder.iterencode = None
            self.assertEqual(codec.decode(codec.encode({"a": ["é", 1, None]})), {"a": ["é", 1, None]})
        finally:
            json.dumps, json.loads, json.JSONEncoder.encode, json.JSONEncoder.iterencode = saved

    def test_plain_results_encode_exactly_as_the_generic_encoder(self):
        def generic(message):
            return json.dumps(message, separators=(",", ":"))  # ensure_ascii by default

        messages = [
            {"type": "result", "id": "a", "status": "ok", "stdout": "2\n", "stderr": "", "figures": []},
            {"type": "result", "id": "b", "status": "ok", "value": "'é\\\"\x00'", "stdout": "\u2603\ud800", "stderr": "w\t", "figures": []},
            {"type": "result", "id": "g", "status": "ok", "valueJson": "{\"é\":1}", "value": "{'é': 1}", "stdout": "", "stderr": "", "figures": [],
             "usage": {"cpuUserMs": 0.125, "cpuSystemMs": 1e-05, "maxRssMb": 12.0}},
            {"type": "result", "id": "h", "status": "ok", "stdout": "", "stderr": "", "figures": [],
             "usage": {"cpuUserMs": 1.0, "cpuSystemMs": 0.0, "maxRssMb": 3.5}},
            # Not plain: left to the generic encoder.
            {"type": "result", "id": "c", "status": "error", "stdout": "", "stderr": "", "figures": [], "error": {"type": "E"}},
            {"type": "result", "id": "d", "status": "ok", "stdout": "", "stderr": "", "figures": [], "truncated": True},
            {"type": "result", "id": "e", "status": "ok", "stdout": "", "stderr": "", "figures": [{"mime": "image/png", "data": ""}]},
            {"type": "result", "id": "f", "status": "ok", "value": None, "stdout": "", "stderr": "", "figures": []},
            {"type": "result", "id": "i", "status": "ok", "stdout": "", "stderr": "", "figures": [],
             "usage": {"cpuUserMs": 1, "cpuSystemMs": 0.0, "maxRssMb": 3.5}},
        ]
        for message in messages:
            encoded = codec.encode(message)
            self.assertEqual(encoded, generic(message))
            self.assertEqual(codec.decode(encoded), message)

    def test_refuses_trailing_garbage(self):
        with self.assertRaises(ValueError):
            codec.decode('{"type":"run"} x')


if __name__ == "__main__":
    unittest.main()


def _result(stdout, stderr="", **more):
    return dict({"type": "result", "id": "c1", "status": "ok", "stdout": stdout, "stderr": stderr, "figures": []}, **more)


class PackedTextTest(unittest.TestCase):
    """Large texts that JSON would escape many times over cross as base64 (4/3 of their bytes)."""

    MIB = 1 << 20

    def test_control_characters_on_both_streams_cross_in_4_3_of_their_bytes(self):
        line = codec.encode_line(_result("\x01" * self.MIB, "\x02" * self.MIB))
        self.assertLessEqual(len(line), 2 * self.MIB * 4 // 3 + 200)
        message = json.loads(line)
        self.assertEqual(message["stdout"], {"utf8": "AQEB" * (self.MIB // 3) + "AQ=="})

    def test_emoji_in_the_value_and_the_exception_are_packed_too(self):
        error = {"type": "ValueError", "message": "😀" * 100_000, "traceback": "\x1b" * 100_000}
        line = codec.encode_line(_result("", value="😀" * 100_000, error=error, status="error"))
        self.assertLessEqual(len(line), 3 * 400_000 * 4 // 3 + 300)
        message = json.loads(line)
        self.assertEqual(set(message["value"]), {"utf8"})
        self.assertEqual(set(message["error"]["message"]), {"utf8"})
        self.assertEqual(set(message["error"]["traceback"]), {"utf8"})

    def test_lone_surrogates_cross_as_utf16(self):
        message = json.loads(codec.encode_line({"type": "stream", "id": "c1", "name": "stdout", "text": "\udc80\x01" * 50_000}))
        self.assertEqual(message["text"]["utf16le"][:8], "gNwBAIDc")

    def test_plain_text_and_small_fields_stay_readable(self):
        message = json.loads(codec.encode_line(_result("a" * self.MIB, "\x01" * 100)))
        self.assertEqual((len(message["stdout"]), message["stderr"]), (self.MIB, "\x01" * 100))
