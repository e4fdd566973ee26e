"""Per-call output buffers for stdout and stderr, bounded by the output limit."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import codecs
import threading

from .text_limits import cut_utf8, utf8_size


class StreamSink:
    """Collects one stream's text for the running call; keeps at most ``limit`` bytes of it."""

    def __init__(self, name):
        self.name = name
        self._lock = threading.Lock()
        self._chunks = []
        self._accepted = 0
        self.limit = 0  # bytes the running call may keep; OutputCapture.begin sets it
        self.truncated = False
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._decoding = False  # bytes arrived this call, so the decoder may hold a partial char

    def clear(self):
        """Forgets the last call's output; its tail was taken with the result."""
        with self._lock:
            del self._chunks[:]  # in place: take() relies on the list staying the same object
            self._accepted = 0
            self.truncated = False
            if self._decoding:
                self._decoder.reset()
                self._decoding = False

    def add_text(self, text):
        # utf8_size inline: this runs on every print.
        size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        with self._lock:
            room = self.limit - self._accepted
            if size > room:
                self.truncated = True
                if room <= 0:
                    return
                text = cut_utf8(text, room)
                size = utf8_size(text)
            self._chunks.append(text)
            self._accepted += size

    def add_bytes(self, data):
        self._decoding = True
        text = self._decoder.decode(data)
        if text:
            self.add_text(text)

    def end_bytes(self):
        """Flushes a trailing partial UTF-8 sequence (as U+FFFD) at the end of a call."""
        if self._decoding:
            text = self._decoder.decode(b"", True)
            if text:
                self.add_text(text)

    def has_pending(self):
        return bool(self._chunks)

    def take(self):
        """Everything collected since the last take, as one string.

        No lock (it would cost a call more than the rest of take): writers only ever append to
        this list, and under the GIL the copy and the delete are each atomic, so a write racing
        with this take stays in the list for the next one. Takes themselves never overlap: the
        capture makes them under its call lock."""
        chunks = self._chunks
        if not chunks:
            return ""
        taken = chunks[:]
        del chunks[: len(taken)]
        return "".join(taken)
