"""The protocol's message shapes on the Python side (the host's twin is src/protocol/).

Each schema maps a field to its JSON type, whether it is required and, for enumerations, the
values allowed. Host messages are
checked on arrival; harness messages are built to these shapes and tested against them."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

_STR, _INT, _BOOL, _OBJ, _LIST = "string", "integer", "boolean", "object", "array"

HOST_MESSAGES = {
    "run": {
        "id": (_STR, True),
        "code": (_STR, True),
        "maxOutputBytes": (_INT, True),
        "env": (_OBJ, False),
        "importsEpoch": (_INT, False),
        "filename": (_STR, False),
        "argv": (_LIST, False),
        "poll": (_BOOL, False),
        "fork": (_OBJ, False),
        "stdin": (_STR, False),
        "stdinBase64": (_STR, False),
        "files": (_LIST, False),
        "fileOp": (_OBJ, False),
        "figureFormats": (_LIST, False),
        "input": (_BOOL, False),
        "functions": (_LIST, False),
        "collectFiles": (_OBJ, False),
        "usage": (_BOOL, False),
    },
    # The answer to a running call's request (host_requests.py); `value` is JSON text for a
    # function, the answer for input.
    "reply": {
        "id": (_STR, True),
        "requestId": (_INT, True),
        "ok": (_BOOL, True),
        "value": (_STR, False),
        "error": (_STR, False),
    },
    "configure": {"resetHooks": (_LIST, True)},
    # The forked template: fork a session's process (forking/session_child.py).
    "session": {
        "socket": (_STR, True),
        "token": (_STR, True),
        "workDir": (_STR, True),
        "scriptDir": (_STR, True),
        "cgroups": (_LIST, False),
        "maxRssMb": (_INT, False),
    },
    "recycle": {},
    "shutdown": {},
}

HARNESS_MESSAGES = {
    "hello": {"protocol": (_INT, True), "python": (_STR, True), "pid": (_INT, True), "executable": (_STR, True)},
    "stream": {"id": (_STR, True), "name": (_STR, True, ("stdout", "stderr")), "text": (_STR, True)},
    "result": {
        "id": (_STR, True),
        "status": (_STR, True, ("ok", "error")),
        "stdout": (_STR, True),
        "stderr": (_STR, True),
        "value": (_STR, False),
        "error": (_OBJ, False),
        "figures": (_LIST, True),
        "truncated": (_BOOL, False),
        "exiting": (_BOOL, False),
        "droppedBytes": (_OBJ, False),
        "valueJson": (_STR, False),
        "valueBundle": (_OBJ, False),
        "files": (_LIST, False),
        "usage": (_OBJ, False),
    },
    "request": {
        "id": (_STR, True),
        "requestId": (_INT, True),
        "kind": (_STR, True, ("input", "function")),
        "prompt": (_STR, False),
        "password": (_BOOL, False),
        "name": (_STR, False),
        "args": (_STR, False),
    },
    "display": {
        "id": (_STR, True),
        "data": (_OBJ, True),
        "metadata": (_OBJ, True),
        "displayId": (_STR, False),
        "update": (_BOOL, False),
        "figure": (_BOOL, False),
    },
    "fault": {"message": (_STR, True), "id": (_STR, False)},
    "spoiled": {"reason": (_STR, True), "preload": (_LIST, False)},
    "started": {"id": (_STR, True), "pid": (_INT, True)},
    "running": {"id": (_STR, True)},
    "exited": {"pid": (_INT, True), "code": (_INT, False), "signal": (_STR, False)},
}

_PYTHON_TYPES = {_STR: (str,), _INT: (int,), _BOOL: (bool,), _OBJ: (dict,), _LIST: (list,)}


def _json_type_matches(value, kind):
    if kind == _INT and isinstance(value, bool):
        return False
    return isinstance(value, _PYTHON_TYPES[kind])


def check_message(message, schemas):
    """Returns a problem description, or None when the message fits its schema."""
    if not isinstance(message, dict):
        return "a message must be a JSON object"
    schema = schemas.get(message.get("type"))
    if schema is None:
        return "unknown message type %r" % (message.get("type"),)
    for field, rule in schema.items():
        kind, required = rule[0], rule[1]
        if field not in message:
            if required:
                return "%s message lacks %r" % (message["type"], field)
        elif not _json_type_matches(message[field], kind):
            return "%s message field %r must be %s" % (message["type"], field, kind)
        elif len(rule) > 2 and message[field] not in rule[2]:
            return "%s message field %r must be one of %s" % (message["type"], field, ", ".join(rule[2]))
    return None


def check_host_message(message):
    # The hot path: a well-formed run message is recognised without walking its schema.
    if (
        type(message) is dict
        and message.get("type") == "run"
        and type(message.get("id")) is str
        and type(message.get("code")) is str
        and type(message.get("maxOutputBytes")) is int
        and (len(message) == 4 or (len(message) == 5 and message.get("poll") is False))
    ):
        return None
    return check_message(message, HOST_MESSAGES)


def check_harness_message(message):
    """As check_message, and to full depth where the host's types rely on it (src/protocol/codec.ts)."""
    problem = check_message(message, HARNESS_MESSAGES)
    if problem is not None:
        return problem
    kind = message["type"]
    if kind == "result":
        return _check_result_depth(message)
    if kind == "display" and not _is_bundle(message["data"]):
        return "display message field 'data' must map MIME types to strings"
    if kind == "spoiled" and not all(type(name) is str for name in message.get("preload", ())):
        return "spoiled message field 'preload' must be a list of module names"
    return None


def _check_result_depth(message):
    error = message.get("error")
    if message["status"] == "error" and error is None:
        return "an error result must say which exception ('error')"
    if error is not None and not all(type(error.get(key)) is str for key in ("type", "message", "traceback")):
        return "result message field 'error' must be a {type, message, traceback} of strings"
    if not all(_is_bundle(figure) for figure in message["figures"]):
        return "result message field 'figures' must be a list of MIME bundles"
    if "valueBundle" in message and not _is_bundle(message["valueBundle"]):
        return "result message field 'valueBundle' must map MIME types to strings"
    usage = message.get("usage")
    if usage is not None and not (
        type(usage) is dict
        and all(type(usage.get(key)) in (int, float) and usage[key] >= 0 for key in ("cpuUserMs", "cpuSystemMs", "maxRssMb"))
    ):
        return "result message field 'usage' must hold cpuUserMs, cpuSystemMs and maxRssMb as numbers"
    if "droppedBytes" in message:
        counts = message["droppedBytes"]
        valid = sorted(counts) == ["stderr", "stdout"] and all(type(count) is int and count >= 0 for count in counts.values())
        if not valid:
            return "result message field 'droppedBytes' must hold the stdout and stderr counts"
    return None


def _is_bundle(data):
    return type(data) is dict and all(type(value) is str for value in data.values())
