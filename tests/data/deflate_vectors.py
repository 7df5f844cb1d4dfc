"""Writes deflate-vectors-autobahn-26.10.2.json: what autobahn 26.10.2's permessage-deflate
classes produce for a spread of offer/accept parameters (extension strings, and the server's
compressed messages). Run with the original first on the path, never beside ours:

    pip install --target /tmp/ab-orig --no-deps autobahn==26.10.2 && pip install --target /tmp/ab-orig txaio
    PYTHONPATH=/tmp/ab-orig python tests/data/deflate_vectors.py > tests/data/deflate-vectors-autobahn-26.10.2.json

tests/test_compress.py checks that our bridge gives the same strings and that the core's
codec compresses to the same bytes.
"""

import base64
import itertools
import json
import sys

import autobahn
from autobahn.websocket import compress

MESSAGES = [b"", b"0123456789", b"abcdefgh " * 60 + b"ijklmnop" * 10]


def main() -> None:
    records = []
    offers = itertools.product([True, False], [True, False], [True, False], [0, 9, 12, 15])
    accepts = [
        (False, 0, None, None, None),
        (True, 0, None, None, None),
        (False, 10, None, None, 4),
        (False, 0, True, 11, 9),
    ]
    for i, (offer_args, accept_args) in enumerate(itertools.product(offers, accepts)):
        if i % 5:
            continue
        offer = compress.PerMessageDeflateOffer(*offer_args)
        try:
            accept = compress.PerMessageDeflateOfferAccept(offer, *accept_args)
        except Exception:
            continue  # an accept the offer does not allow
        server = compress.PerMessageDeflate.create_from_offer_accept(True, accept)
        messages = []
        for message in MESSAGES:
            server.start_compress_message()
            data = server.compress_message_data(message) + server.end_compress_message()
            messages.append(base64.b64encode(data).decode())
        records.append(
            {
                "offer": list(offer_args),
                "accept": list(accept_args),
                "request": offer.get_extension_string(),
                "response": accept.get_extension_string(),
                "server_messages": messages,
            }
        )
    json.dump(
        {"autobahn": autobahn.__version__, "messages": [m.decode() for m in MESSAGES], "records": records},
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
