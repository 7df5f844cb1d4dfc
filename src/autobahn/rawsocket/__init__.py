"""WAMP-RawSocket: WAMP messages over a byte stream (TCP, Unix sockets) with 4-byte framing."""
