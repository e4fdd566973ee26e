"""Per-call output buffers for stdout and stderr, bounded by the output limit.

Past the limit a stream keeps its head and its tail (a log's error is at its end): the first
half of the limit is kept and streamed as it comes, the last half is kept in a rolling buffer
and sent with the result, after a line saying how many bytes were dropped between them."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import codecs
import threading

from .text_limits import cut_utf8, drop_utf8_front, utf8_size

_DROPPED_NOTE = "\n[pyexec: %d bytes of %s dropped here (limits.maxOutputBytes keeps the first and last part)]\n"


class StreamSink:
    """Collects one stream's text for the running call; keeps at most ``limit`` bytes of it, its
    head (streamed) and its tail (with the result)."""

    def __init__(self, name):
        self.name = name
        self._lock = threading.Lock()
        self._chunks = []
        self._accepted = 0
        self.limit = 0  # bytes the running call may keep; OutputCapture.begin sets it
        self.dropped = 0  # bytes between the head and the tail that were not kept
        self._tail = []  # the latest text once the head is full, at most limit - head_limit bytes
        self._tail_bytes = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._decoding = False  # bytes arrived this call, so the decoder may hold a partial char

    def clear(self):
        """Forgets the last call's output; its tail was taken with the result."""
        with self._lock:
            del self._chunks[:]  # in place: take() relies on the list staying the same object
            self._accepted = 0
            self.dropped = 0
            self._tail = []
            self._tail_bytes = 0
            if self._decoding:
                self._decoder.reset()
                self._decoding = False

    def add_text(self, text):
        # utf8_size inline: this runs on every print.
        size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        with self._lock:
            room = self.limit - (self.limit >> 1) - self._accepted  # what the head still takes
            if size <= room:
                self._chunks.append(text)
                self._accepted += size
                return
            if room > 0:
                head = cut_utf8(text, room)
                self._chunks.append(head)
                self._accepted += utf8_size(head)
                text = text[len(head):]
                size = utf8_size(text)
            self._add_tail(text, size)

    def _add_tail(self, text, size):
        # Under the lock. Keeps the last (limit >> 1) bytes: the oldest go first.
        tail = self._tail
        tail.append(text)
        self._tail_bytes += size
        excess = self._tail_bytes - (self.limit >> 1)
        while excess > 0:
            first = tail[0]
            first_size = utf8_size(first)
            kept = "" if first_size <= excess else drop_utf8_front(first, excess)
            removed = first_size - utf8_size(kept)
            if kept:
                tail[0] = kept
            else:
                del tail[0]
            self._tail_bytes -= removed
            self.dropped += removed
            excess -= removed

    def has_tail(self):
        return bool(self._tail)

    def take_tail(self):
        """At the call's end: the tail kept past the head, after a note of what was dropped."""
        with self._lock:
            tail, self._tail, self._tail_bytes = self._tail, [], 0
        if not tail:
            return ""
        text = "".join(tail)
        # Measured again: a KeyboardInterrupt (a timeout) may have landed inside _add_tail,
        # between adding a write and trimming the oldest.
        excess = utf8_size(text) - (self.limit >> 1)
        if excess > 0:
            kept = drop_utf8_front(text, excess)
            self.dropped += utf8_size(text) - utf8_size(kept)
            text = kept
        note = _DROPPED_NOTE % (self.dropped, self.name) if self.dropped else ""
        return note + text

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
