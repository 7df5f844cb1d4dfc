"""The echo testee as a process, on asyncio and on Twisted: it echoes, and on SIGTERM closes
connections with 1001."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys

import pytest

from autobahn.asyncio.websocket import WebSocketClientFactory, WebSocketClientProtocol
from autobahn.websocket import HAS_NVX


class Client(WebSocketClientProtocol):
    def onOpen(self):
        self.received = []
        self.factory.opened.set_result(self)
        self.sendMessage("grüß dich".encode())

    def onMessage(self, payload, isBinary):
        self.received.append(payload)

    def onClose(self, wasClean, code, reason):
        self.close_info = (wasClean, code, reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("switch", ["1", "0"], ids=["nvx", "py"])
def test_echo_then_clean_shutdown(framework, switch):
    if switch == "1" and not HAS_NVX:
        pytest.skip("NVX is not built into this installation")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "autobahn.testee", "--framework", framework.name, "server", "--port", str(port)],
        env={**os.environ, "AUTOBAHN_USE_NVX": switch},
        stdout=subprocess.PIPE,
        text=True,
    )

    async def main():
        loop = asyncio.get_running_loop()
        assert "echo server on" in await loop.run_in_executor(None, server.stdout.readline)
        factory = WebSocketClientFactory(f"ws://127.0.0.1:{port}")
        factory.protocol = Client
        factory.opened = loop.create_future()
        await loop.create_connection(factory, "127.0.0.1", port)
        proto = await asyncio.wait_for(factory.opened, 10)
        while not proto.received:
            await asyncio.sleep(0.01)
        server.terminate()
        await asyncio.wait_for(proto.is_closed, 10)
        return proto

    try:
        proto = asyncio.run(main())
        assert server.wait(10) == 0
    finally:
        server.kill()
        server.stdout.close()
    assert proto.received == ["grüß dich".encode()]
    assert proto.close_info == (True, 1001, "server shutting down")
