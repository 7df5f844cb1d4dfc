"""autobahn.websocket.compress: autobahn's negotiation classes, and the bridge to the core's codecs.

The negotiation tests run both ends: a client's offers become a header, the server's
``perMessageCompressionAccept`` picks one, its response header goes back through the client's
``perMessageCompressionAccept``, and the two codecs then exchange messages. That the agreed
window is really used is checked with a decompressor limited to that window (zlib fails on a
back reference beyond it).
"""

from __future__ import annotations

import os
import random
import zlib

import pytest

from autobahn.exception import PayloadCorruptError, PayloadExceededError
from autobahn.websocket import _deflate, compress
from autobahn.websocket._deflate import DeflateOptions, NegotiationError
from autobahn.websocket.compress import (
    PerMessageBzip2Offer,
    PerMessageBzip2OfferAccept,
    PerMessageBzip2ResponseAccept,
    PerMessageDeflate,
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)
from autobahn.websocket.compress_brotli import (
    PerMessageBrotli,
    PerMessageBrotliOffer,
    PerMessageBrotliOfferAccept,
    PerMessageBrotliResponseAccept,
)
from autobahn.websocket.compress_snappy import (
    PerMessageSnappy,
    PerMessageSnappyOffer,
    PerMessageSnappyOfferAccept,
    PerMessageSnappyResponseAccept,
)


def _far_repeats(distance: int, copies: int = 8) -> bytes:
    """Random blocks, each repeated ``distance`` bytes later: compressible only by a window
    of at least ``distance`` bytes."""
    rng = random.Random(distance)
    block = bytes(rng.getrandbits(8) for _ in range(distance))
    return block * copies


def _inflate(data: bytes, wbits: int) -> bytes:
    """Inflate with a ``wbits`` window. Output comes in 64-byte steps: zlib then resolves every
    back reference from its window (within one output buffer it would reach further)."""
    d = zlib.decompressobj(-wbits)
    out, pending = [], data + b"\x00\x00\xff\xff"
    while pending:
        out.append(d.decompress(pending, 64))
        pending = d.unconsumed_tail
    return b"".join(out)


def _negotiate(offers, server_accept, client_accept=None):
    """Both ends of a negotiation: (request header, response header, server codec, client codec)."""
    request = compress.offers_to_header(offers)
    seen = {}

    def on_offers(parsed):
        seen["offers"] = parsed
        return server_accept(parsed)

    negotiated = compress.server_negotiate(request, on_offers)
    if negotiated is None:
        return request, None, None, None
    response, server_codec = negotiated
    client_codec = compress.client_negotiate(
        response, offers, client_accept or compress.PerMessageDeflateResponseAccept
    )
    return request, response, server_codec, client_codec


def _exchange(sender, receiver, messages):
    for message in messages:
        receiver.start_message()
        out = receiver.decompress(sender.compress(message), 0) + receiver.finish_message(0)
        assert out == message


# The offers, headers and codecs of real parameter combinations.


def test_default_offer_and_accept():
    request, response, server, client = _negotiate(
        [PerMessageDeflateOffer()], lambda offers: PerMessageDeflateOfferAccept(offers[0])
    )
    assert request == "permessage-deflate; client_no_context_takeover; client_max_window_bits"
    assert response == "permessage-deflate"
    assert isinstance(server, _deflate.PerMessageDeflate) and isinstance(client, _deflate.PerMessageDeflate)
    assert (server.compress_window_bits, client.compress_window_bits) == (15, 15)
    assert not server.compress_no_context_takeover and not client.compress_no_context_takeover
    messages = [b"hello " * 100, b"", b"hello " * 100, os.urandom(3000)]
    _exchange(server, client, messages)
    _exchange(client, server, messages)


def test_context_takeover_makes_repeats_small():
    _, _, server, client = _negotiate([PerMessageDeflateOffer()], lambda o: PerMessageDeflateOfferAccept(o[0]))
    payload = os.urandom(2000)
    first, second = server.compress(payload), server.compress(payload)
    assert len(second) < len(first) // 10  # the second refers back into the first
    client.start_message()
    assert client.decompress(first, 0) + client.finish_message(0) == payload
    client.start_message()
    assert client.decompress(second, 0) + client.finish_message(0) == payload


@pytest.mark.parametrize("bits", [9, 10, 12, 14])
def test_client_requests_server_window(bits):
    offer = PerMessageDeflateOffer(request_max_window_bits=bits)
    request, response, server, client = _negotiate([offer], lambda o: PerMessageDeflateOfferAccept(o[0]))
    assert request.endswith(f"server_max_window_bits={bits}")
    assert response == f"permessage-deflate; server_max_window_bits={bits}"
    assert server.compress_window_bits == bits and client.compress_window_bits == 15
    data = _far_repeats(3 * 2 ** (bits - 1))  # beyond the agreed window, within zlib's 15-bit reach
    compressed = server.compress(data)
    assert _inflate(compressed, bits) == data  # a decoder with only the agreed window decodes it
    client_data = client.compress(data)
    with pytest.raises(zlib.error):  # ... while the client (15 bits) uses the longer distances
        _inflate(client_data, bits)
    _exchange(server, client, [data])


@pytest.mark.parametrize("bits", [9, 11, 13])
def test_server_requests_client_window(bits):
    request, response, server, client = _negotiate(
        [PerMessageDeflateOffer()], lambda o: PerMessageDeflateOfferAccept(o[0], request_max_window_bits=bits)
    )
    assert response == f"permessage-deflate; client_max_window_bits={bits}"
    assert client.compress_window_bits == bits and server.compress_window_bits == 15
    data = _far_repeats(2 ** (bits + 1))
    assert _inflate(client.compress(data), bits) == data
    _exchange(client, server, [data, data])


def test_server_window_override_and_mem_level():
    accept = lambda o: PerMessageDeflateOfferAccept(o[0], window_bits=10, mem_level=3)  # noqa: E731
    _, response, server, client = _negotiate([PerMessageDeflateOffer()], accept)
    assert response == "permessage-deflate"  # the server's own choices need no parameter
    assert server.compress_window_bits == 10 and server._mem_level == 3
    data = _far_repeats(4096)
    assert _inflate(server.compress(data), 10) == data
    _exchange(server, client, [data, b"x" * 10000])


def test_mem_level_changes_the_compressor():
    data = bytes(random.Random(1).choice(b"abcdefgh ") for _ in range(200_000))
    sizes = {}
    for level in (1, 9):
        _, _, server, _ = _negotiate(
            [PerMessageDeflateOffer()], lambda o, lv=level: PerMessageDeflateOfferAccept(o[0], mem_level=lv)
        )
        sizes[level] = len(server.compress(data))
    assert sizes[1] != sizes[9]


def _is_reset_per_message(codec) -> bool:
    payload = os.urandom(1000)
    return len(codec.compress(payload)) == len(codec.compress(payload))


def test_no_context_takeover_both_ways():
    offer = PerMessageDeflateOffer(request_no_context_takeover=True)
    accept = lambda o: PerMessageDeflateOfferAccept(o[0], request_no_context_takeover=True)  # noqa: E731
    request, response, server, client = _negotiate([offer], accept)
    assert "server_no_context_takeover" in request
    assert response == "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
    assert server.compress_no_context_takeover and server.decompress_no_context_takeover
    assert client.compress_no_context_takeover and client.decompress_no_context_takeover
    assert _is_reset_per_message(server) and _is_reset_per_message(client)
    # Each message stands alone: a fresh decoder decodes the second one.
    server.compress(b"abc" * 100)
    assert _inflate(server.compress(b"abc" * 100), 15) == b"abc" * 100
    _exchange(server, client, [b"abc" * 100] * 3)
    _exchange(client, server, [b"abc" * 100] * 3)


def test_server_chooses_no_context_takeover_itself():
    _, response, server, client = _negotiate(
        [PerMessageDeflateOffer()], lambda o: PerMessageDeflateOfferAccept(o[0], no_context_takeover=True)
    )
    assert response == "permessage-deflate"
    assert _is_reset_per_message(server) and not _is_reset_per_message(client)


def test_client_accept_overrides():
    _, _, server, client = _negotiate(
        [PerMessageDeflateOffer()],
        lambda o: PerMessageDeflateOfferAccept(o[0], request_max_window_bits=12),
        lambda r: PerMessageDeflateResponseAccept(r, no_context_takeover=True, window_bits=9, mem_level=2),
    )
    assert client.compress_window_bits == 9 and client._mem_level == 2 and _is_reset_per_message(client)
    _exchange(client, server, [_far_repeats(2048)])


def test_server_picks_among_offers():
    offers = [
        PerMessageDeflateOffer(request_max_window_bits=10),
        PerMessageDeflateOffer(accept_max_window_bits=False),
        PerMessageBzip2Offer(),
    ]
    request = compress.offers_to_header(offers)
    parsed = compress.offers_from_header(request)
    assert [type(o) for o in parsed] == [PerMessageDeflateOffer, PerMessageDeflateOffer, PerMessageBzip2Offer]
    assert [o.request_max_window_bits for o in parsed[:2]] == [10, 0]
    assert parsed[1].accept_max_window_bits is False
    response, codec = compress.server_negotiate(request, lambda o: PerMessageDeflateOfferAccept(o[1]))
    assert response == "permessage-deflate" and codec.compress_window_bits == 15


def test_server_declines():
    assert compress.server_negotiate("permessage-deflate", lambda offers: None) is None
    assert compress.server_negotiate("x-webkit-deflate-frame, foo", lambda offers: pytest.fail("no offers")) is None
    assert compress.server_negotiate("", lambda offers: pytest.fail("no offers")) is None


@pytest.mark.parametrize(
    "item",
    [
        "permessage-deflate; unknown",
        "permessage-deflate; server_max_window_bits=8",  # zlib cannot compress with 8 bits
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=09",
        "permessage-deflate; server_max_window_bits=²",  # a digit to str.isdigit(), not to int()
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
    ],
)
def test_invalid_offers_are_declined(item):
    """RFC 7692 §5: an offer with invalid parameters is declined; the next valid one is used."""
    assert compress.offers_from_header(item) == []
    [offer] = compress.offers_from_header(f"{item}, permessage-deflate; server_max_window_bits=12")
    assert offer.request_max_window_bits == 12


def test_offer_parsing_details():
    [a, b] = compress.offers_from_header(
        'permessage-deflate; client_max_window_bits=8; server_max_window_bits="11", '
        "PERMESSAGE-DEFLATE; client_no_context_takeover"
    )
    assert (a.accept_max_window_bits, a.request_max_window_bits, a.accept_no_context_takeover) == (True, 11, True)
    assert (b.accept_max_window_bits, b.accept_no_context_takeover) == (False, True)
    # The core's parsed list works as well as the header string.
    parsed = _deflate.parse_extensions("permessage-deflate; server_no_context_takeover")
    assert compress.offers_from_header(parsed)[0].request_no_context_takeover is True
    with pytest.raises(NegotiationError):
        compress.offers_from_header('permessage-deflate; a="b')


def test_the_core_client_talks_to_the_bridge_server():
    """The core's own client offer, answered through the bridge, accepted by the core's client."""
    options = DeflateOptions(request_no_context_takeover=True)
    response, server = compress.server_negotiate(
        _deflate.client_offer(options), lambda o: PerMessageDeflateOfferAccept(o[0], request_max_window_bits=10)
    )
    client = _deflate.client_accept(_deflate.parse_extensions(response)[0][1], options)
    assert client.compress_window_bits == 10 and server.compress_no_context_takeover
    _exchange(server, client, [b"ping " * 300] * 2)
    _exchange(client, server, [_far_repeats(4096)])


def test_the_bridge_client_talks_to_the_core_server():
    offers = [PerMessageDeflateOffer(request_no_context_takeover=True, request_max_window_bits=11)]
    accepted = _deflate.server_accept(_deflate.parse_extensions(compress.offers_to_header(offers)), DeflateOptions())
    response, server = accepted
    client = compress.client_negotiate(response, offers, PerMessageDeflateResponseAccept)
    assert server.compress_window_bits == 11 and server.compress_no_context_takeover
    _exchange(server, client, [_far_repeats(1024)] * 2)


@pytest.mark.parametrize(
    ("response", "offers", "message"),
    [
        ("permessage-bzip2", [PerMessageDeflateOffer()], "not offered"),
        ("permessage-deflate, permessage-deflate", [PerMessageDeflateOffer()], "multiple"),
        (
            "permessage-deflate; client_max_window_bits=10",
            [PerMessageDeflateOffer(accept_max_window_bits=False)],
            "no offer",
        ),
        ("permessage-deflate; client_max_window_bits", [PerMessageDeflateOffer()], "illegal"),  # needs a value
        ("permessage-deflate; foo=1", [PerMessageDeflateOffer()], "illegal extension parameter 'foo'"),
        ("foo", [PerMessageDeflateOffer()], "not offered"),
    ],
)
def test_client_refuses_responses(response, offers, message):
    with pytest.raises(NegotiationError, match=message):
        compress.client_negotiate(response, offers, PerMessageDeflateResponseAccept)


def test_client_accept_callback_decides():
    seen = []
    with pytest.raises(NegotiationError, match="denied by client"):
        compress.client_negotiate(
            "permessage-deflate; server_max_window_bits=10", [PerMessageDeflateOffer()], lambda r: seen.append(r)
        )
    [response] = seen
    assert isinstance(response, PerMessageDeflateResponse) and response.server_max_window_bits == 10
    assert compress.client_negotiate("", [PerMessageDeflateOffer()], lambda r: pytest.fail("no response")) is None
    with pytest.raises(TypeError):
        compress.client_negotiate("permessage-deflate", [PerMessageDeflateOffer()], lambda r: "yes")


def test_accept_to_response_checks_its_argument():
    with pytest.raises(TypeError):
        compress.accept_to_response(PerMessageDeflateOffer())
    with pytest.raises(TypeError):
        compress.accept_to_response(object())
    with pytest.raises(TypeError):
        compress.offers_to_header([PerMessageDeflateOfferAccept(PerMessageDeflateOffer())])


def test_deflate_options_from_offers():
    assert compress.deflate_options_from_offers([]) is None
    assert compress.deflate_options_from_offers([PerMessageBzip2Offer()]) is None
    options = compress.deflate_options_from_offers(
        [
            PerMessageBzip2Offer(),
            PerMessageDeflateOffer(accept_no_context_takeover=False, request_no_context_takeover=True),
        ]
    )
    assert options == DeflateOptions(request_no_context_takeover=True, no_context_takeover=False)
    assert compress.deflate_options_from_offers([PerMessageDeflateOffer()]).no_context_takeover is True


# The classes themselves: autobahn's constructors, checks, strings and processors.


def test_offer_strings_json_repr():
    offer = PerMessageDeflateOffer(False, False, True, 12)
    assert offer.get_extension_string() == "permessage-deflate; server_no_context_takeover; server_max_window_bits=12"
    assert offer.__json__() == {
        "extension": "permessage-deflate",
        "accept_no_context_takeover": False,
        "accept_max_window_bits": False,
        "request_no_context_takeover": True,
        "request_max_window_bits": 12,
    }
    assert repr(offer) == (
        "PerMessageDeflateOffer(accept_no_context_takeover = False, accept_max_window_bits = False, "
        "request_no_context_takeover = True, request_max_window_bits = 12)"
    )
    parsed = PerMessageDeflateOffer.parse({"server_no_context_takeover": [True], "server_max_window_bits": ["12"]})
    assert parsed.__json__() == {**offer.__json__(), "accept_no_context_takeover": True}
    accept = PerMessageDeflateOfferAccept(PerMessageDeflateOffer(request_max_window_bits=10), True, 9)
    assert accept.get_extension_string() == (
        "permessage-deflate; server_max_window_bits=10; client_no_context_takeover; client_max_window_bits=9"
    )
    assert accept.__json__()["offer"]["request_max_window_bits"] == 10
    assert repr(accept).startswith("PerMessageDeflateOfferAccept(offer = PerMessageDeflateOffer(")


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: PerMessageDeflateOffer(accept_no_context_takeover=1), TypeError),
        (lambda: PerMessageDeflateOffer(request_max_window_bits=8), ValueError),
        (lambda: PerMessageDeflateOffer(request_max_window_bits=16), ValueError),
        (lambda: PerMessageDeflateOfferAccept("offer"), TypeError),
        (
            lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(accept_no_context_takeover=False), True),
            ValueError,
        ),
        (
            lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(accept_max_window_bits=False), False, 10),
            ValueError,
        ),
        (
            lambda: PerMessageDeflateOfferAccept(
                PerMessageDeflateOffer(request_no_context_takeover=True), no_context_takeover=False
            ),
            ValueError,
        ),
        (
            lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(request_max_window_bits=10), window_bits=11),
            ValueError,
        ),
        (lambda: PerMessageDeflateOfferAccept(PerMessageDeflateOffer(), mem_level=10), ValueError),
        (lambda: PerMessageDeflateResponseAccept(PerMessageDeflateOffer()), TypeError),
        (
            lambda: PerMessageDeflateResponseAccept(
                PerMessageDeflateResponse(0, True, 0, False), no_context_takeover=False
            ),
            ValueError,
        ),
        (
            lambda: PerMessageDeflateResponseAccept(PerMessageDeflateResponse(10, False, 0, False), window_bits=12),
            ValueError,
        ),
        (lambda: PerMessageBzip2Offer(request_max_compress_level=10), ValueError),
        (lambda: PerMessageBzip2OfferAccept(PerMessageBzip2Offer(accept_max_compress_level=False), 5), ValueError),
        (
            lambda: PerMessageBzip2OfferAccept(PerMessageBzip2Offer(request_max_compress_level=3), compress_level=4),
            ValueError,
        ),
    ],
)
def test_constructors_check_their_arguments(make, error):
    with pytest.raises(error):
        make()


def _pmce_pair(**accept_kw):
    offer = PerMessageDeflateOffer()
    server = PerMessageDeflate.create_from_offer_accept(True, PerMessageDeflateOfferAccept(offer, **accept_kw))
    response = PerMessageDeflateResponse.parse({})
    client = PerMessageDeflate.create_from_response_accept(False, PerMessageDeflateResponseAccept(response))
    return server, client


def _send(pmce, pieces):
    pmce.start_compress_message()
    return b"".join(pmce.compress_message_data(p) for p in pieces) + pmce.end_compress_message()


def test_pmce_streaming_round_trip():
    server, client = _pmce_pair()
    for message in [b"one " * 50, b"two " * 50, b""]:
        data = _send(server, [message[:7], message[7:]])
        client.start_decompress_message()
        assert client.decompress_message_data(data[:3]) + client.decompress_message_data(data[3:]) == message
        client.end_decompress_message()
    assert repr(server).startswith("PerMessageDeflate(is_server = True, server_no_context_takeover = False")
    assert server.__json__()["server_max_window_bits"] == 15 and server.mem_level == 8


def test_pmce_decompression_limits():
    server, client = _pmce_pair()
    data = _send(server, [b"a" * 1000])
    client.start_decompress_message()
    assert len(client.decompress_message_data(data, max_output_len=1000)) == 1000  # exactly at the limit
    client.end_decompress_message()
    data = _send(server, [b"a" * 1001])
    client.start_decompress_message()
    with pytest.raises(PayloadExceededError):
        client.decompress_message_data(data, max_output_len=1000)
    _, capped = _pmce_pair()
    capped.max_message_size = 100
    capped.start_decompress_message()
    stream = _send(PerMessageDeflate(True, False, False, 0, 0, None), [b"b" * 101])
    with pytest.raises(PayloadExceededError):  # the message limit adds up over the calls
        capped.decompress_message_data(stream[: len(stream) // 2])
        capped.decompress_message_data(stream[len(stream) // 2 :])


def test_pmce_corrupt_data():
    _, client = _pmce_pair()
    client.start_decompress_message()
    with pytest.raises(PayloadCorruptError) as info:
        client.decompress_message_data(b"\xff\xff\xff\xff")
    assert isinstance(info.value, zlib.error)  # what the core fails with 1007


def test_from_codec_describes_the_connection():
    _, server_codec = compress.accept_to_response(
        PerMessageDeflateOfferAccept(PerMessageDeflateOffer(request_no_context_takeover=True), window_bits=11)
    )
    pmce = PerMessageDeflate.from_codec(server_codec)
    assert (pmce.server_max_window_bits, pmce.server_no_context_takeover, pmce.codec()) == (11, True, server_codec)
    client = PerMessageDeflate.from_codec(_deflate.PerMessageDeflate(False, True, 12), is_server=False)
    assert (client.client_max_window_bits, client.server_no_context_takeover) == (12, True)


# bzip2, snappy and brotli.


def test_bzip2_negotiation_and_codec():
    offers = [PerMessageBzip2Offer(request_max_compress_level=4)]
    request = compress.offers_to_header(offers)
    assert request == "permessage-bzip2; client_max_compress_level; server_max_compress_level=4"
    response, server = compress.server_negotiate(request, lambda o: PerMessageBzip2OfferAccept(o[0], 2))
    assert response == "permessage-bzip2; server_max_compress_level=4; client_max_compress_level=2"
    client = compress.client_negotiate(response, offers, PerMessageBzip2ResponseAccept)
    messages = [b"bzip " * 500, b"", os.urandom(5000)]
    _exchange(server, client, messages)
    _exchange(client, server, messages)
    # Each message is one bzip2 stream that the standard library decodes alone.
    import bz2

    assert bz2.decompress(server.compress(b"x" * 100)) == b"x" * 100


def test_bzip2_bad_data_and_limits():
    _, codec = compress.accept_to_response(PerMessageBzip2OfferAccept(PerMessageBzip2Offer()))
    codec.start_message()
    with pytest.raises(zlib.error):
        codec.decompress(b"BZh9 not bzip2 data", 0)
    stream = codec.compress(b"y" * 10_000)
    codec.start_message()
    codec.decompress(stream[:-5], 0)
    with pytest.raises(PayloadCorruptError, match="truncated"):
        codec.finish_message(0)
    codec.start_message()
    assert len(codec.decompress(stream, 101)) == 101  # stops one byte over a budget of 100
    pmce = compress.PerMessageBzip2(True, 0, 0)
    pmce.start_decompress_message()
    with pytest.raises(PayloadExceededError):
        pmce.decompress_message_data(stream, max_output_len=9_999)


_OPTIONAL = pytest.mark.parametrize(
    ("pmce", "offer", "accept", "response_accept", "module"),
    [
        (
            PerMessageSnappy,
            PerMessageSnappyOffer,
            PerMessageSnappyOfferAccept,
            PerMessageSnappyResponseAccept,
            "snappy",
        ),
        (
            PerMessageBrotli,
            PerMessageBrotliOffer,
            PerMessageBrotliOfferAccept,
            PerMessageBrotliResponseAccept,
            "brotli",
        ),
    ],
    ids=["snappy", "brotli"],
)


@_OPTIONAL
def test_optional_extensions_negotiate(pmce, offer, accept, response_accept, module, monkeypatch):
    name = pmce.EXTENSION_NAME
    assert offer(request_no_context_takeover=True).get_extension_string() == (
        f"{name}; client_no_context_takeover; server_no_context_takeover"
    )
    assert offer.parse({"client_no_context_takeover": [True]}).__json__() == {
        "extension": name,
        "accept_no_context_takeover": True,
        "request_no_context_takeover": False,
    }
    with pytest.raises(NegotiationError):
        offer.parse({"server_max_window_bits": ["10"]})
    made = accept(offer(), request_no_context_takeover=True)
    assert made.get_extension_string() == f"{name}; client_no_context_takeover"
    with pytest.raises(ValueError):
        accept(offer(request_no_context_takeover=True), no_context_takeover=False)
    assert pmce.available() == (name in compress.PERMESSAGE_COMPRESSION_EXTENSION)
    # Without its library, the processor says what to install.
    monkeypatch.setattr(pmce, "_MODULE", "no_such_module_here")
    assert not pmce.available()
    with pytest.raises(ImportError, match=f"pip install {pmce._PACKAGE}"):
        pmce(True, False, False)


@_OPTIONAL
def test_optional_extensions_exchange(pmce, offer, accept, response_accept, module):
    # pmce._MODULE, not `module`: on PyPy permessage-brotli takes brotlicffi.
    pytest.importorskip(pmce._MODULE, reason=f"{pmce.EXTENSION_NAME} needs {pmce._PACKAGE}")
    request = offer(request_no_context_takeover=True).get_extension_string()
    response, server = compress.server_negotiate(request, lambda o: accept(o[0], request_no_context_takeover=True))
    client = compress.client_negotiate(response, [offer()], response_accept)
    messages = [b"snappy or brotli " * 300, os.urandom(200_000), b"again " * 300]
    _exchange(server, client, messages)
    _exchange(client, server, messages)
    server.start_message()
    with pytest.raises(PayloadCorruptError):
        server.decompress(b"\x00\x10\x00\x00" + os.urandom(16), 0)
        server.finish_message(0)
    # A limit is noticed within one framing chunk / output block, not after the whole message.
    server.start_message()
    out = server.decompress(client.compress(b"z" * 1_000_000), 1001)
    assert 1001 <= len(out) < 200_000


def test_registry_and_all():
    for name, classes in compress.PERMESSAGE_COMPRESSION_EXTENSION.items():
        assert set(classes) == {"Offer", "OfferAccept", "Response", "ResponseAccept", "PMCE"}
        assert all(name == c.EXTENSION_NAME for c in classes.values())
        assert all(c.__name__ in compress.__all__ for c in classes.values())
    assert "permessage-deflate" in compress.PERMESSAGE_COMPRESSION_EXTENSION
    assert "permessage-bzip2" in compress.PERMESSAGE_COMPRESSION_EXTENSION


def test_same_strings_and_bytes_as_autobahn():
    """Vectors from autobahn 26.10.2 (tests/data/deflate_vectors.py): for each offer/accept
    the same extension strings, and the core's codec compresses to the very same bytes."""
    import base64
    import json
    import pathlib

    path = pathlib.Path(__file__).parent / "data" / "deflate-vectors-autobahn-26.10.2.json"
    vectors = json.loads(path.read_text())
    messages = [m.encode() for m in vectors["messages"]]
    assert len(vectors["records"]) >= 15
    for record in vectors["records"]:
        offer = PerMessageDeflateOffer(*record["offer"])
        assert offer.get_extension_string() == record["request"]
        [parsed] = compress.offers_from_header(record["request"])
        response, server = compress.accept_to_response(PerMessageDeflateOfferAccept(parsed, *record["accept"]))
        assert response == record["response"]
        client = compress.client_negotiate(response, [offer], PerMessageDeflateResponseAccept)
        for message, expected in zip(messages, record["server_messages"], strict=True):
            assert server.compress(message) == base64.b64decode(expected)
            client.start_message()
            assert client.decompress(base64.b64decode(expected), 0) + client.finish_message(0) == message
