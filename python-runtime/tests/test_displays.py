"""MIME bundles as IPython makes them, display classes, and the publisher's budget (no process)."""

import os
import tempfile
import unittest

from pyexec_harness.display import bundles, classes
from pyexec_harness.display.publisher import Displays
from pyexec_harness.output_files import OutputFiles


class Notes(list):
    def __call__(self, text):
        self.append(text)


class BundleTest(unittest.TestCase):
    def format(self, obj, **kwargs):
        notes = Notes()
        data, metadata = bundles.format_bundle(obj, notes, **kwargs)
        return data, metadata, notes

    def test_plain_data_gives_its_repr_only(self):
        for value in (1, "x", [1], {"a": None}, 2.5, int):
            data, metadata, notes = self.format(value)
            self.assertEqual(data, {"text/plain": repr(value)})
            self.assertEqual((metadata, notes), ({}, []))

    def test_a_mock_that_answers_every_name_gives_no_rich_repr(self):
        class Anything:
            def __getattr__(self, name):
                return lambda *args, **kwargs: "<b>fake</b>"

            def __repr__(self):
                return "Anything()"

        self.assertEqual(self.format(Anything())[0], {"text/plain": "Anything()"})

    def test_binary_json_and_text_types_become_strings(self):
        class Rich:
            def _repr_png_(self):
                return b"\x00\x01"

            def _repr_jpeg_(self):
                return "AAE="  # base64 already

            def _repr_json_(self):
                return {"k": [1, 2]}, {"expanded": True}

            def _repr_latex_(self):
                return b"$x$"

        data, metadata, notes = self.format(Rich())
        self.assertEqual(data["image/png"], "AAE=")
        self.assertEqual(data["image/jpeg"], "AAE=")
        self.assertEqual(data["application/json"], '{"k":[1,2]}')
        self.assertEqual(data["text/latex"], "$x$")
        self.assertEqual(metadata, {"application/json": {"expanded": True}})
        self.assertEqual(notes, [])

    def test_json_that_cannot_encode_and_a_failing_property_are_left_out(self):
        class Bad:
            def _repr_json_(self):
                return {"nan": float("nan")}

            @property
            def _repr_html_(self):
                raise RuntimeError("no")

        data, _metadata, notes = self.format(Bad())
        self.assertEqual(list(data), ["text/plain"])
        self.assertEqual(len(notes), 1)
        self.assertIn("application/json", notes[0])

    def test_mimebundle_errors_are_notes(self):
        class Raises:
            def _repr_mimebundle_(self, include=None, exclude=None):
                raise ValueError("broken")

        class WrongType:
            def _repr_mimebundle_(self, include=None, exclude=None):
                return ["not", "a", "dict"]

        self.assertIn("raised ValueError: broken", self.format(Raises())[2][0])
        self.assertIn("returned list, not a dict", self.format(WrongType())[2][0])

    def test_include_and_exclude_filter_text_plain_too(self):
        class Html:
            def _repr_html_(self):
                return "<p/>"

        self.assertEqual(self.format(Html(), include=["text/html"])[0], {"text/html": "<p/>"})
        self.assertEqual(list(self.format(Html(), exclude=["text/html"])[0]), ["text/plain"])

    def test_raw_bundles_keep_strings_and_note_the_rest(self):
        notes = Notes()
        given = {"text/html": "<i/>", "image/png": b"\x00", 3: "x"}
        self.assertEqual(bundles.raw_bundle(given, notes), {"text/html": "<i/>", "image/png": "AA=="})
        self.assertEqual(len(notes), 1)
        self.assertEqual(bundles.raw_bundle("nope", notes), {})


class ClassesTest(unittest.TestCase):
    def test_each_class_gives_its_type(self):
        png = b"\x89PNG\r\n\x1a\nrest"
        cases = [
            (classes.HTML("<b/>"), "text/html"),
            (classes.Markdown("# t"), "text/markdown"),
            (classes.SVG(b"<svg/>"), "image/svg+xml"),
            (classes.Latex("$x$"), "text/latex"),
            (classes.Javascript("f()", lib="https://x/lib.js"), "application/javascript"),
            (classes.JSON('{"a": 1}'), "application/json"),
            (classes.Image(png, width=10), "image/png"),
            (classes.Image(url="https://example.com/a.png"), "text/html"),
        ]
        for obj, mime in cases:
            data, metadata = bundles.format_bundle(obj, Notes())
            self.assertIn(mime, data, obj)
        data, metadata = bundles.format_bundle(classes.Image(png, width=10), Notes())
        self.assertEqual(metadata, {"image/png": {"width": 10}})

    def test_files_are_read_and_urls_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as handle:
            handle.write("<p>from a file</p>")
        try:
            self.assertEqual(classes.HTML(filename=handle.name).data, "<p>from a file</p>")
            self.assertEqual(classes.HTML(handle.name).data, "<p>from a file</p>")
        finally:
            os.unlink(handle.name)
        with self.assertRaises(ValueError):
            classes.HTML(url="https://example.com")
        with self.assertRaises(ValueError):
            classes.Image(b"GIF89a", format="bmp")
        self.assertEqual(classes.Image(b"\xff\xd8\xff\xe0").format, "jpeg")


class BudgetTest(unittest.TestCase):
    def test_displays_past_the_limit_are_dropped_and_said(self):
        displays = Displays()
        said = []

        class Capture:
            def note_on_stderr(self, text):
                said.append(text)

            def send_in_order(self, message):
                said.append(message["data"]["text/plain"])
                return True

        displays.attach(Capture())
        displays.begin_call(10, None)
        displays.publish({"text/plain": "12345"}, {})
        displays.publish({"text/plain": "1234567"}, {})
        displays.publish({"text/plain": "123"}, {})
        self.assertEqual(said[0], "12345")
        self.assertIn("a display of 7 bytes left out", said[1])
        self.assertEqual(said[2], "123")
        self.assertTrue(displays.end_call())
        self.assertFalse(displays.end_call())


class OutputFilesTest(unittest.TestCase):
    def test_lists_what_changed_and_reads_what_is_asked(self):
        saved = os.getcwd()
        with tempfile.TemporaryDirectory() as root:
            os.chdir(root)
            try:
                with open("kept.txt", "w") as handle:
                    handle.write("before")
                files = OutputFiles({"patterns": ["*.csv"], "maxFileBytes": 100, "maxTotalBytes": 100})
                os.makedirs("out")
                with open("out/a.csv", "w") as handle:
                    handle.write("a,b")
                with open("out/b.txt", "w") as handle:
                    handle.write("b")
                os.symlink("/etc", "out/link")
                os.mkfifo("out/fifo.csv")
                entries, truncated = files.collect()
            finally:
                os.chdir(saved)
        self.assertFalse(truncated)
        self.assertEqual([entry["path"] for entry in entries], ["out/a.csv", "out/b.txt", "out/link"])
        self.assertEqual(entries[0]["base64"], "YSxi")
        self.assertNotIn("base64", entries[1])
        self.assertEqual((entries[2]["type"], entries[2]["target"]), ("symlink", "/etc"))


if __name__ == "__main__":
    unittest.main()
