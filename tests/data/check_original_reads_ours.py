"""Does autobahn 26.10.2 (and so Crossbar.io, which reads with its code) understand our
WAMP-FlatBuffers bytes as it understands its own? Two steps, as the two packages share a name:

    python tests/data/check_original_reads_ours.py write /tmp/ours.json        # with ours
    /path/to/venv-orig/bin/python tests/data/check_original_reads_ours.py check /tmp/ours.json

``check`` reads each of our encodings of tests/wamp_samples.py with the original and compares
the message it gets with what it gets from its own encoding of the same message, printing
the differences (the original's reader has known gaps: see the report in the commit log).
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wamp_samples import sample_messages  # noqa: E402


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def write(path):
    from autobahn.wamp import serializer

    ser = serializer.FlatBuffersSerializer()
    Path(path).write_text(json.dumps([ser.serialize(m)[0].hex() for m in sample_messages()]))


def check(path):
    import txaio

    txaio.use_asyncio()
    from autobahn.wamp import serializer

    ser = serializer.FlatBuffersSerializer()
    ours = json.loads(Path(path).read_text())
    counts = {"same": 0, "differ": 0, "unreadable": 0, "original cannot encode": 0}
    for index, msg in enumerate(sample_messages()):
        try:
            theirs = _plain(ser.unserialize(ser.serialize(msg)[0])[0].marshal())
        except Exception as e:
            theirs = f"{type(e).__name__}: {e}"
        try:
            from_ours = _plain(ser.unserialize(bytes.fromhex(ours[index]))[0].marshal())
        except Exception as e:
            from_ours = f"{type(e).__name__}: {e}"
        if from_ours == theirs:
            counts["same"] += 1
            continue
        kind = "unreadable" if isinstance(from_ours, str) else "differ"
        if not isinstance(theirs, list):
            kind = "original cannot encode" if kind != "unreadable" else kind
        counts[kind] += 1
        print(f"{index} {type(msg).__name__} [{kind}]\n  ours read:  {from_ours!s:.200}\n  own read:   {theirs!s:.200}")
    print(counts)


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
