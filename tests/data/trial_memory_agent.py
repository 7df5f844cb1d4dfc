"""A program's own test suite using autobahn.twisted.testing, as such suites are written:
twisted.trial test cases on trial's global reactor, the pumper started in setUp and stopped
in tearDown (trial then fails the test if anything stays scheduled on the reactor).
tests/test_twisted_modules.py runs this file with ``python -m twisted.trial``. On autobahn
26.10.2 the same file passes four tests: there a refused handshake never fires the Deferred
(the test hangs) and a wss:// connection fails on the in-memory transport's missing TLS
channel ID."""

from twisted.internet.defer import inlineCallbacks
from twisted.internet.interfaces import ISSLTransport
from twisted.trial import unittest

from autobahn.exception import Disconnected
from autobahn.twisted.testing import MemoryReactorClockResolver, create_memory_agent, create_pumper
from autobahn.twisted.websocket import WebSocketServerProtocol


class EchoServer(WebSocketServerProtocol):
    def onConnect(self, request):
        self.secure = ISSLTransport.providedBy(self.transport)
        if request.path == "/refuse":
            from autobahn.websocket.types import ConnectionDeny

            raise ConnectionDeny(403, "not here")

    def onMessage(self, payload, isBinary):
        self.sendMessage(payload, isBinary)


class TestMemoryAgent(unittest.TestCase):
    def setUp(self):
        self.pumper = create_pumper()
        self.reactor = MemoryReactorClockResolver()
        return self.pumper.start()

    def tearDown(self):
        return self.pumper.stop()

    @inlineCallbacks
    def test_echo_and_clean_close(self):
        agent = create_memory_agent(self.reactor, self.pumper, EchoServer)
        proto = yield agent.open("ws://localhost:1234/ws", {})
        messages = []
        proto.on("message", lambda payload, is_binary: messages.append((payload, is_binary)))
        proto.sendMessage(b"hello", isBinary=True)
        proto.sendMessage("text ✓".encode())
        proto.sendClose(1000, "bye")
        yield proto.is_closed
        self.assertEqual(messages, [(b"hello", True), ("text ✓".encode(), False)])
        self.assertTrue(proto.wasClean)

    @inlineCallbacks
    def test_unclean_close(self):
        agent = create_memory_agent(self.reactor, self.pumper, EchoServer)
        proto = yield agent.open("ws://localhost:1234/ws", {})
        proto.transport.loseConnection()
        yield proto.is_closed
        self.assertFalse(proto.wasClean)

    @inlineCallbacks
    def test_wss_looks_secure_to_both_ends(self):
        agent = create_memory_agent(self.reactor, self.pumper, EchoServer)
        proto = yield agent.open("wss://example.com/ws", {"headers": {"X-Test": "1"}})
        self.assertTrue(ISSLTransport.providedBy(proto.transport))
        server = agent._servers[proto]
        self.assertTrue(server.secure)
        self.assertEqual(server.http_headers.get("x-test"), "1")
        proto.sendClose()
        yield proto.is_closed

    @inlineCallbacks
    def test_refused_handshake_fails_the_deferred(self):
        agent = create_memory_agent(self.reactor, self.pumper, EchoServer)
        with self.assertRaises(Disconnected):
            yield agent.open("ws://localhost:1234/refuse", {})

    @inlineCallbacks
    def test_default_server_protocol(self):
        agent = create_memory_agent(self.reactor, self.pumper, None)
        proto = yield agent.open("ws://localhost/", {})
        proto.sendClose()
        yield proto.is_closed
        self.assertTrue(proto.wasClean)

    def test_bad_url_and_options_are_refused(self):
        agent = create_memory_agent(self.reactor, self.pumper, EchoServer)
        self.assertRaises(ValueError, agent.open, "http://localhost/", {})
        self.assertRaises(ValueError, agent.open, "ws://localhost/", {"bogus": 1})
