"""autobahn.twisted.util: sleep, peer descriptors, transport details."""

from __future__ import annotations

import pytest

pytest.importorskip("twisted")

from twisted.internet.address import IPv4Address, IPv6Address, UNIXAddress  # noqa: E402
from twisted.internet.task import Clock  # noqa: E402
from twisted.internet.testing import StringTransport  # noqa: E402

from autobahn.twisted import util  # noqa: E402


def test_sleep_fires_after_the_delay():
    clock = Clock()
    fired = []
    util.sleep(2.5, clock).addCallback(fired.append)
    clock.advance(2.4)
    assert fired == []
    clock.advance(0.2)
    assert fired == [None]


@pytest.mark.parametrize(
    "address, expected",
    [
        (IPv4Address("TCP", "127.0.0.1", 9000), "tcp4:127.0.0.1:9000"),
        (IPv6Address("TCP", "::1", 9000), "tcp6:::1:9000"),
        (UNIXAddress("/tmp/x.sock"), "unix:/tmp/x.sock"),
        (UNIXAddress(None), "unix"),
    ],
)
def test_peer2str(address, expected):
    assert util.peer2str(StringTransport(peerAddress=address)) == expected


def test_transport_details_of_a_plain_tcp_transport():
    details = util.create_transport_details(StringTransport(peerAddress=IPv4Address("TCP", "10.0.0.1", 1)), True)
    assert details.peer == "tcp4:10.0.0.1:1" and details.is_server and not details.is_secure
    assert details.channel_id == {} and details.peer_cert is None
    assert details.channel_framing == details.CHANNEL_FRAMING_WEBSOCKET and details.own_pid > 0
    # as autobahn: no type asked for gives 32 NUL bytes; a transport without TLS has no tls-unique
    assert util.transport_channel_id(StringTransport(), True) == b"\x00" * 32
    with pytest.raises(RuntimeError, match="TLS is not available"):
        util.transport_channel_id(StringTransport(), True, "tls-unique")
    with pytest.raises(RuntimeError, match="invalid TLS channel ID type"):
        util.transport_channel_id(StringTransport(), True, "tls-server-end-point")
