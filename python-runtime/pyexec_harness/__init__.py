"""pyexec's Python harness: runs code sent by a Node.js host over a JSON-lines channel.

Standard library only. The host starts it with a tiny bootstrap (see ``main.main``)."""

PROTOCOL_VERSION = 1
