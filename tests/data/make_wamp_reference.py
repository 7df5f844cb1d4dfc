"""Write wamp_autobahn_26_10_2.json: how autobahn 26.10.2 (the package we replace) encodes
the sample messages of tests/wamp_samples.py with each of its serializers.

Run it with the original autobahn, in a virtual environment of its own (it has our import
name): ``/path/to/venv-orig/bin/python tests/data/make_wamp_reference.py``. The committed
output is what tests/test_wamp_serializer.py decodes with ours.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import txaio  # noqa: E402

txaio.use_asyncio()  # the original's serializers time their statistics through txaio

from wamp_samples import sample_messages  # noqa: E402

import autobahn  # noqa: E402
from autobahn.wamp import serializer  # noqa: E402

assert autobahn.__version__ == "26.10.2", autobahn.__version__


def _plain(value):
    """memoryviews (as the original's FlatBuffers reader returns) as bytes, tuples as lists."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


entries = []
for index, msg in enumerate(sample_messages()):
    encodings = {}
    for ser_id in ("json", "msgpack", "cbor", "ubjson", "flatbuffers"):
        try:
            data, _ = serializer.create_transport_serializer(ser_id).serialize(msg)
        except Exception as e:  # the original cannot encode every message with every serializer
            print(f"{index} {type(msg).__name__} {ser_id}: {type(e).__name__} {e}", file=sys.stderr)
            continue
        encodings[ser_id] = data.hex()
    entry = {"index": index, "type": type(msg).__name__, "encodings": encodings}
    if "flatbuffers" in encodings:
        # The original's FlatBuffers code drops some fields; record whether this message
        # comes back whole when the original reads its own bytes.
        try:
            again = serializer.FlatBuffersSerializer().unserialize(bytes.fromhex(encodings["flatbuffers"]))[0]
            entry["flatbuffers_lossless"] = _plain(again.marshal()) == _plain(msg.marshal())
        except Exception:  # some it cannot even read back
            entry["flatbuffers_lossless"] = False
    entries.append(entry)

out = HERE / "wamp_autobahn_26_10_2.json"
out.write_text(json.dumps({"autobahn": autobahn.__version__, "messages": entries}, indent=1) + "\n")
print(f"wrote {out} ({len(entries)} messages)")
