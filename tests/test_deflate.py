"""permessage-deflate (RFC 7692): negotiation, compressed messages, and the bomb limit."""

from __future__ import annotations

import zlib

import pytest
from ws_helpers import failed_code, frame, open_pair, open_server

from autobahn.websocket import _deflate
from autobahn.websocket import sansio as core
from autobahn.websocket._deflate import DeflateOptions


def _raw_deflate(data: bytes) -> bytes:
    """A message compressed as RFC 7692 §7.2.1 says: raw deflate, sync flush, tail removed."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def _accept(offer: str, **kw):
    return _deflate.server_accept(_deflate.parse_extensions(offer), DeflateOptions(**kw))


@pytest.mark.parametrize(
    ("offer", "response"),
    [
        ("permessage-deflate", "permessage-deflate"),
        ("permessage-deflate; client_max_window_bits", "permessage-deflate"),
        ("permessage-deflate; client_max_window_bits=10", "permessage-deflate"),
        ("permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover"),
        ("permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover"),
        ("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=10"),
        ('permessage-deflate; server_max_window_bits="12"', "permessage-deflate; server_max_window_bits=12"),
        # The first offer we can honour wins; invalid or unknown ones are declined.
        ("permessage-deflate; foo, permessage-deflate", "permessage-deflate"),
        ("permessage-deflate; server_max_window_bits=8, permessage-deflate", "permessage-deflate"),
        ("permessage-deflate; server_max_window_bits=16, permessage-deflate", "permessage-deflate"),
        ("permessage-deflate; server_max_window_bits, permessage-deflate", "permessage-deflate"),
        ("permessage-deflate; client_max_window_bits=7, permessage-deflate", "permessage-deflate"),
        ("permessage-deflate; server_no_context_takeover=1, permessage-deflate", "permessage-deflate"),
        # A declined first offer that would otherwise show in the response.
        (
            "permessage-deflate; client_max_window_bits=7; server_no_context_takeover, permessage-deflate",
            "permessage-deflate",
        ),
        (
            "permessage-deflate; client_no_context_takeover=1; server_no_context_takeover, permessage-deflate",
            "permessage-deflate",
        ),
        (
            "permessage-deflate; server_no_context_takeover=1; client_no_context_takeover, permessage-deflate",
            "permessage-deflate",
        ),
        (
            "x-webkit-deflate-frame, permessage-deflate; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover",
        ),
        ("permessage-deflate; client_max_window_bits; client_max_window_bits", None),
        ("x-webkit-deflate-frame", None),
        ("", None),
    ],
)
def test_server_negotiation(offer, response):
    accepted = _accept(offer)
    assert (accepted[0] if accepted else None) == response


def test_server_options_shape_the_response():
    response, codec = _accept("permessage-deflate", no_context_takeover=True, request_no_context_takeover=True)
    assert response == "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
    assert codec.compress_no_context_takeover and codec.decompress_no_context_takeover


def test_the_server_compresses_with_its_options_and_the_window_granted():
    # 9 bits, the smallest window zlib compresses with, is granted; the options' level and memory level are used.
    response, codec = _accept("permessage-deflate; server_max_window_bits=9", level=1, mem_level=1)
    assert response == "permessage-deflate; server_max_window_bits=9"
    message = b"".join(b"%d lorem ipsum, " % i for i in range(3000))
    reference = zlib.compressobj(1, zlib.DEFLATED, -9, 1)
    expected = reference.compress(message) + reference.flush(zlib.Z_SYNC_FLUSH)
    assert codec.compress(message) == expected[:-4]


@pytest.mark.parametrize(
    "response",
    [
        "unknown_param",
        "client_max_window_bits=8",  # zlib cannot compress within a 256-byte window
        "client_max_window_bits=99",
        "server_max_window_bits=99",
        "server_max_window_bits=16",
        "server_max_window_bits=010",  # at most two digits
        "client_max_window_bits=¹",  # a digit to str.isdigit(), not to int()
        "server_max_window_bits",
        "server_no_context_takeover=yes",
        "client_no_context_takeover=yes",
        "server_max_window_bits=10; server_max_window_bits=11",
    ],
)
def test_client_refuses_bad_responses(response):
    params = _deflate.parse_extensions(f"permessage-deflate; {response}")[0][1]
    with pytest.raises(_deflate.NegotiationError, match=params[0][0]):  # the error names the parameter
        _deflate.client_accept(params, DeflateOptions())


def test_client_refuses_a_response_that_ignores_its_no_context_takeover_request():
    with pytest.raises(_deflate.NegotiationError, match="^server_no_context_takeover was requested but not granted$"):
        _deflate.client_accept([], DeflateOptions(request_no_context_takeover=True))


def test_client_says_why_it_cannot_compress_with_an_8_bit_window():
    params = _deflate.parse_extensions("permessage-deflate; client_max_window_bits=8")[0][1]
    with pytest.raises(_deflate.NegotiationError, match="^client_max_window_bits=8 cannot be honoured by zlib$"):
        _deflate.client_accept(params, DeflateOptions())


@pytest.mark.parametrize(
    ("response", "compress_bits", "compress_reset", "decompress_reset"),
    [
        ("", 15, False, False),
        ("server_max_window_bits=8", 15, False, False),  # the server's window: we inflate with 15 anyway
        ("server_max_window_bits=15", 15, False, False),
        ("client_max_window_bits=9", 9, False, False),
        ("client_max_window_bits=15", 15, False, False),
        ("client_no_context_takeover", 15, True, False),
        ("server_no_context_takeover", 15, False, True),
    ],
)
def test_client_accepts_what_the_server_may_answer(response, compress_bits, compress_reset, decompress_reset):
    params = _deflate.parse_extensions(f"permessage-deflate; {response}")[0][1] if response else []
    options = DeflateOptions(level=1, mem_level=1)
    codec = _deflate.client_accept(params, options)
    assert codec.compress_window_bits == compress_bits
    assert (codec.compress_no_context_takeover, codec.decompress_no_context_takeover) == (
        compress_reset,
        decompress_reset,
    )
    # The compressor uses the options' level and memory level: the same bytes as zlib set so.
    message = b"".join(b"%d lorem ipsum, " % i for i in range(3000))
    reference = zlib.compressobj(1, zlib.DEFLATED, -compress_bits, 1)
    expected = reference.compress(message) + reference.flush(zlib.Z_SYNC_FLUSH)
    assert codec.compress(message) == expected[:-4]


def test_malformed_extension_header_is_a_400(impl):
    from ws_helpers import options, request

    conn = core.ServerConnection(options(impl, deflate=DeflateOptions()))
    [event] = conn.receive_data(request('Sec-WebSocket-Extensions: permessage-deflate; a="b\r\n'))
    assert event.status == 400


@pytest.mark.parametrize("takeover", [False, True])
def test_compressed_round_trip(impl, takeover):
    options = DeflateOptions(no_context_takeover=takeover, request_no_context_takeover=takeover)
    client, server = open_pair(impl, deflate=options)
    assert client.deflate is not None and server.deflate is not None
    assert server.deflate.decompress_no_context_takeover == takeover
    for i in range(3):
        text = f"message {i} " + "lorem ipsum " * 500
        data = client.send_message(text)
        assert data[0] & 0x40 and len(data) < 500  # RSV1 set, and actually compressed
        assert server.receive_data(data) == [core.Message(text.encode(), False)]
        payload = bytes(range(256)) * 100
        assert client.receive_data(server.send_message(payload, True, fragment_size=100)) == [
            core.Message(payload, True)
        ]
    assert server.receive_data(client.send_message(b"", True)) == [core.Message(b"", True)]
    assert server.receive_data(client.send_message(b"raw", True, compress=False)) == [core.Message(b"raw", True)]


def test_compressed_frames_split_everywhere(impl):
    compressed = _raw_deflate("ünïcödé ".encode() * 50)
    data = frame(core.OP_TEXT, compressed[:10], fin=False, rsv=4) + frame(0, compressed[10:])
    for split in range(len(data)):
        conn = open_server(impl, "Sec-WebSocket-Extensions: permessage-deflate\r\n", deflate=DeflateOptions())
        events = conn.receive_data(data[:split]) + conn.receive_data(data[split:])
        assert events == [core.Message("ünïcödé ".encode() * 50, False)], split


def test_compression_bomb_closes_with_1009(impl):
    bomb = _raw_deflate(b"\0" * (50 * 1024 * 1024))  # 50 MiB of zeros: about 50 KiB compressed
    assert len(bomb) < 100_000
    conn = open_server(
        impl, "Sec-WebSocket-Extensions: permessage-deflate\r\n", deflate=DeflateOptions(), max_message_size=1 << 20
    )
    assert failed_code(conn.receive_data(frame(core.OP_BINARY, bomb, rsv=4))) == 1009


def test_compressed_text_fails_fast_on_invalid_utf8(impl):
    conn = open_server(impl, "Sec-WebSocket-Extensions: permessage-deflate\r\n", deflate=DeflateOptions())
    compressed = _raw_deflate(b"good \xff" + b"x" * 10000)
    # The frame announces more than is sent: the failure must not wait for the rest.
    data = frame(core.OP_TEXT, compressed + b"\0" * 100, rsv=4)
    assert failed_code(conn.receive_data(data[:-100])) == 1007


def test_corrupt_compressed_data(impl):
    conn = open_server(impl, "Sec-WebSocket-Extensions: permessage-deflate\r\n", deflate=DeflateOptions())
    assert failed_code(conn.receive_data(frame(core.OP_BINARY, b"\xff\xff\xff\xff", rsv=4))) == 1007


def test_rsv1_on_continuation_is_a_protocol_error(impl):
    conn = open_server(impl, "Sec-WebSocket-Extensions: permessage-deflate\r\n", deflate=DeflateOptions())
    compressed = _raw_deflate(b"abc")
    data = frame(core.OP_TEXT, compressed[:1], fin=False, rsv=4) + frame(0, compressed[1:], rsv=4)
    assert failed_code(conn.receive_data(data)) == 1002


def test_client_offer_and_accept(impl):
    client, server = open_pair(impl, deflate=DeflateOptions(request_no_context_takeover=True))
    assert "server_no_context_takeover" in server.request.extensions[0]
    assert client.deflate.decompress_no_context_takeover


_OFFER = "Sec-WebSocket-Extensions: permessage-deflate\r\n"


def _compressed_frames(payload: bytes, pieces: int) -> bytes:
    """``payload`` as one compressed binary message sent in ``pieces`` frames."""
    compressed = _raw_deflate(payload)
    size = -(-len(compressed) // pieces)
    chunks = [compressed[i : i + size] for i in range(0, len(compressed), size)]
    return b"".join(
        frame(core.OP_BINARY if i == 0 else 0, chunk, fin=i == len(chunks) - 1, rsv=4 if i == 0 else 0)
        for i, chunk in enumerate(chunks)
    )


@pytest.mark.parametrize("pieces", [1, 7])
def test_a_compressed_message_of_exactly_the_limit_is_accepted(impl, pieces):
    limit = 1 << 16
    conn = open_server(impl, _OFFER, deflate=DeflateOptions(), max_message_size=limit)
    payload = bytes(range(256)) * (limit // 256)
    assert conn.receive_data(_compressed_frames(payload, pieces)) == [core.Message(payload, True)]
    conn = open_server(impl, _OFFER, deflate=DeflateOptions(), max_message_size=limit)
    assert failed_code(conn.receive_data(_compressed_frames(payload + b"!", pieces))) == 1009


def test_a_compressed_message_without_a_size_limit_is_whole(impl):
    conn = open_server(impl, _OFFER, deflate=DeflateOptions(), max_message_size=0)
    payload = bytes(range(256)) * 1000
    assert conn.receive_data(_compressed_frames(payload, 3)) == [core.Message(payload, True)]


@pytest.mark.parametrize("pieces", [1, 7])
def test_decompression_stops_one_byte_past_the_message_limit(impl, pieces):
    """Over all of a bomb's frames, zlib gives out no more than the limit and the one byte that
    shows it is passed: what the bomb costs in memory is bounded by the limit, not by the bomb."""
    limit = 1 << 16
    conn = open_server(impl, _OFFER, deflate=DeflateOptions(), max_message_size=limit)
    output_sizes = []
    decompress = conn.deflate.decompress

    def recording_decompress(chunk, max_length):
        out = decompress(chunk, max_length)
        output_sizes.append(len(out))
        return out

    conn.deflate.decompress = recording_decompress
    assert failed_code(conn.receive_data(_compressed_frames(b"\0" * (limit * 8), pieces))) == 1009
    assert sum(output_sizes) == limit + 1


def test_an_empty_message_compresses_to_one_zero_octet():
    # RFC 7692 7.2.3.6: an empty message goes out as the single octet 0x00 (an empty stored block).
    codec = _deflate.client_accept([], DeflateOptions())
    assert codec.compress(b"") == b"\x00"
    assert codec.compress(b"") == b"\x00"  # with the context kept


def test_a_codec_compresses_as_zlib_does_by_default():
    message = b"".join(b"%d lorem ipsum, " % i for i in range(3000))
    reference = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # memory level 8
    expected = reference.compress(message) + reference.flush(zlib.Z_SYNC_FLUSH)
    assert _deflate.PerMessageDeflate(False, False, 15).compress(message) == expected[:-4]


def test_empty_items_of_an_extension_list_are_skipped():
    assert _deflate.parse_extensions(' permessage-deflate , , x-foo; a="1" ,') == [
        ("permessage-deflate", []),
        ("x-foo", [("a", "1")]),
    ]
    with pytest.raises(_deflate.NegotiationError, match="extension without a name"):
        _deflate.parse_extensions("permessage-deflate, ; a=1")


def test_extension_header_details():
    assert _deflate.parse_extensions('x; a=""') == [("x", [("a", "")])]  # an empty quoted value
    with pytest.raises(_deflate.NegotiationError, match="^unbalanced quotes in 'x; a=\"b'$"):
        _deflate.parse_extensions('x; a="b')
    with pytest.raises(_deflate.NegotiationError, match="^empty extension parameter in 'x; ; a'$"):
        _deflate.parse_extensions("x; ; a")
