"""The Twisted modules programs import besides the WebSocket and WAMP classes:
autobahn.twisted.testing (in-memory agent and pumper, run under trial as programs' suites
run it), autobahn.twisted.forwarder (a TCP relay, over 127.0.0.1), autobahn.twisted.cryptosign
(Ed25519 keys held by an SSH agent), the twistd plugins, and the package's re-exports."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("twisted")

from frameworks import run, wait  # noqa: E402
from twisted.internet import defer, protocol, reactor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


# --- autobahn.twisted (package re-exports) ---


def test_package_reexports_without_installing_a_reactor():
    code = (
        "import sys\n"
        "from autobahn.twisted import install_reactor, sleep, ApplicationSession, WebSocketServerFactory, USES_NVX\n"
        "from autobahn.twisted import *\n"
        "import autobahn.twisted as t\n"
        "from autobahn.twisted.choosereactor import install_reactor as direct\n"
        "assert install_reactor is direct and WrappingWebSocketServerFactory and t.__ident__.startswith('Autobahn/')\n"
        "assert 'twisted.internet.reactor' not in sys.modules, 'importing names installed a reactor'\n"
        "reactor = install_reactor()\n"
        "print(type(reactor).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("Reactor")


def test_unknown_name_is_an_attribute_error():
    import autobahn.asyncio
    import autobahn.twisted

    for package in (autobahn.twisted, autobahn.asyncio):
        with pytest.raises(AttributeError, match="no_such_name"):
            package.no_such_name  # noqa: B018
        assert "ApplicationSession" in dir(package)


# --- autobahn.twisted.testing ---


def test_memory_agent_under_trial(tmp_path):
    """A trial suite written as programs write theirs (tests/data/trial_memory_agent.py):
    echo, clean and unclean close, wss://, a refused handshake, and a clean reactor after
    every test (trial's check)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests" / "data")}
    result = subprocess.run(
        [sys.executable, "-m", "twisted.trial", "trial_memory_agent"],
        cwd=tmp_path,  # trial's _trial_temp
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "PASSED (successes=6)" in result.stdout


def test_memory_agent_on_the_running_reactor():
    """The same pieces in this process: the pumper runs on whichever reactor is installed."""
    from autobahn.twisted.testing import MemoryReactorClockResolver, create_memory_agent, create_pumper
    from autobahn.twisted.websocket import WebSocketServerProtocol

    class Upper(WebSocketServerProtocol):
        def onMessage(self, payload, isBinary):
            self.sendMessage(payload.upper(), isBinary)

    async def main():
        pumper = create_pumper()
        await wait(pumper.start())
        agent = create_memory_agent(MemoryReactorClockResolver(), pumper, Upper)
        proto = await wait(agent.open("ws://localhost:9/x", {}))
        got = defer.Deferred()
        proto.on("message", lambda payload, is_binary: got.callback(payload))
        proto.sendMessage(b"memory")
        reply = await wait(got)
        proto.sendClose()
        await wait(proto.is_closed)
        await wait(pumper.stop())
        return reply, pumper._call

    reply, pending = run(main())
    assert reply == b"MEMORY" and pending is None


# --- autobahn.twisted.forwarder ---


class Echo(protocol.Protocol):
    def connectionMade(self):
        self.factory.connections += 1

    def dataReceived(self, data):
        self.transport.write(data)

    def connectionLost(self, reason):
        self.factory.lost.append(reason)
        if not self.factory.closed.called:
            self.factory.closed.callback(None)


def _echo_factory():
    factory = protocol.Factory.forProtocol(Echo)
    factory.connections, factory.lost, factory.closed = 0, [], defer.Deferred()
    return factory


def test_forwarder_relays_both_ways_and_closes_both_ends():
    from autobahn.twisted.forwarder import EndpointForwardingService

    payload = os.urandom(4 * 1024 * 1024)  # more than any socket buffer: the relay must throttle

    async def main():
        echo = _echo_factory()
        echo_port = reactor.listenTCP(0, echo, interface="127.0.0.1")
        svc = EndpointForwardingService(
            "tcp:0:interface=127.0.0.1", f"tcp:host=127.0.0.1:port={echo_port.getHost().port}", reactor=reactor
        )
        port = await wait(svc.startService())
        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        writer.write(b"hello ")
        first = await asyncio.wait_for(reader.readexactly(6), 20)
        writer.write(payload)
        echoed = await asyncio.wait_for(reader.readexactly(len(payload)), 60)
        writer.close()  # the source closes: the relay closes the destination
        await wait(echo.closed)
        await wait(svc.stopService())
        await wait(echo_port.stopListening())
        return first, echoed, echo.connections

    first, echoed, connections = run(main())
    assert first == b"hello " and echoed == payload and connections == 1


def test_forwarder_closes_the_source_when_the_destination_closes():
    from autobahn.twisted.forwarder import EndpointForwardingService

    class Greet(protocol.Protocol):
        def connectionMade(self):
            self.transport.write(b"bye")
            self.transport.loseConnection()

    async def main():
        dest = reactor.listenTCP(0, protocol.Factory.forProtocol(Greet), interface="127.0.0.1")
        svc = EndpointForwardingService(
            "tcp:0:interface=127.0.0.1", f"tcp:host=127.0.0.1:port={dest.getHost().port}", reactor=reactor
        )
        port = await wait(svc.startService())
        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        data = await asyncio.wait_for(reader.read(), 20)  # to EOF: the relay closed us
        writer.close()
        await wait(svc.stopService())
        await wait(dest.stopListening())
        return data

    assert run(main()) == b"bye"


def test_forwarder_closes_the_source_when_the_destination_is_unreachable():
    from autobahn.twisted.forwarder import EndpointForwardingService

    async def main():
        closed = reactor.listenTCP(0, protocol.Factory.forProtocol(protocol.Protocol), interface="127.0.0.1")
        unused = closed.getHost().port
        await wait(closed.stopListening())  # nothing listens there now
        svc = EndpointForwardingService("tcp:0:interface=127.0.0.1", f"tcp:host=127.0.0.1:port={unused}", reactor)
        port = await wait(svc.startService())
        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        writer.write(b"anyone?")
        data = await asyncio.wait_for(reader.read(), 20)
        writer.close()
        await wait(svc.stopService())
        return data

    assert run(main()) == b""


def test_forwarder_command_line():
    from twisted.python import usage

    from autobahn.twisted.forwarder import EndpointForwardingService, Options, makeService

    options = Options()
    options.parseOptions(["--endpoint", "tcp:8080", "-d", "tcp:host=127.0.0.1:port=9000"])
    svc = makeService(options)
    assert isinstance(svc, EndpointForwardingService)
    assert (svc._endpointDescriptor, svc._destEndpointDescriptor) == ("tcp:8080", "tcp:host=127.0.0.1:port=9000")
    with pytest.raises(usage.UsageError):
        Options().parseOptions(["--endpoint", "tcp:8080"])


# --- the twistd plugins ---


def test_twistd_plugins_are_found():
    """Twisted finds both plugins in the installed twisted/plugins/ (as twistd would)."""
    code = (
        "from twisted.plugin import getPlugins\n"
        "from twisted.application.service import IServiceMaker\n"
        "from twisted.internet.interfaces import IStreamServerEndpointStringParser, "
        "IStreamClientEndpointStringParserWithReactor\n"
        "makers = [p.tapname for p in getPlugins(IServiceMaker)]\n"
        "servers = [p.prefix for p in getPlugins(IStreamServerEndpointStringParser)]\n"
        "clients = [p.prefix for p in getPlugins(IStreamClientEndpointStringParserWithReactor)]\n"
        "print('endpointforward' in makers, 'autobahn' in servers, 'autobahn' in clients)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


def test_autobahn_endpoints_carry_a_stream_over_websocket():
    """serverFromString/clientFromString with the ``autobahn:`` prefix: a byte stream over
    WebSocket over TCP on 127.0.0.1, options parsed from the endpoint string."""
    from twisted.internet.endpoints import clientFromString, serverFromString

    class Upper(protocol.Protocol):
        def dataReceived(self, data):
            self.transport.write(data.upper())

    class Ask(protocol.Protocol):
        def connectionMade(self):
            self.transport.write(b"over websocket")

        def dataReceived(self, data):
            self.factory.answer.callback(data)
            self.transport.loseConnection()

    async def main():
        server = serverFromString(
            reactor, r"autobahn:tcp\:0\:interface\=127.0.0.1:url=ws\://127.0.0.1/:compression=false:autofrag=0"
        )
        port = await wait(server.listen(protocol.Factory.forProtocol(Upper)))
        number = port.getHost().port
        client = clientFromString(
            reactor, rf"autobahn:tcp\:host\=127.0.0.1\:port\={number}:url=ws\://127.0.0.1\:{number}/"
        )
        factory = protocol.Factory.forProtocol(Ask)
        factory.answer = defer.Deferred()
        await wait(client.connect(factory))
        answer = await wait(factory.answer)
        await wait(port.stopListening())
        return answer

    assert run(main()) == b"OVER WEBSOCKET"


@pytest.mark.parametrize(
    "options, message",
    [
        ({}, "url"),
        ({"url": "ws://h", "compression": "maybe"}, "compression"),
        ({"url": "ws://h", "autofrag": "-1"}, "autofrag"),
    ],
)
def test_autobahn_endpoint_options_are_checked(options, message):
    sys.path.insert(0, str(_plugins_parent()))
    try:
        from twisted.plugins.autobahn_endpoints import _parseOptions
    finally:
        sys.path.pop(0)
    with pytest.raises(ValueError, match=message):
        _parseOptions(options)


def _plugins_parent() -> Path:
    import twisted.plugins

    for folder in twisted.plugins.__path__:
        if (Path(folder) / "autobahn_endpoints.py").is_file():
            return Path(folder).parent.parent
    raise AssertionError(f"autobahn_endpoints.py is in none of {twisted.plugins.__path__}")


# --- autobahn.twisted.cryptosign ---


def test_ssh_agent_key_signs_through_the_agent(tmp_path, monkeypatch):
    """A key held by an SSH agent (Twisted's agent server on a UNIX socket, with an Ed25519
    key): found by its public key line, and its signatures verify with that public key."""
    keys = pytest.importorskip("twisted.conch.ssh.keys", reason="twisted.conch needs bcrypt (the test extra)")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from nacl.signing import VerifyKey
    from twisted.conch.ssh.agent import SSHAgentServer

    from autobahn.twisted import cryptosign

    assert cryptosign.HAS_CRYPTOSIGN_SSHAGENT
    held, other = keys.Key(Ed25519PrivateKey.generate()), keys.Key(Ed25519PrivateKey.generate())
    agent = protocol.Factory.forProtocol(SSHAgentServer)
    agent.keys = {held.blob(): (held, b"held key"), other.blob(): (other, b"other key")}
    socket = str(tmp_path / "agent.sock")
    monkeypatch.setenv("SSH_AUTH_SOCK", socket)
    challenge = os.urandom(32)
    absent = keys.Key(Ed25519PrivateKey.generate()).public().toString("openssh").decode()

    async def main():
        listening = reactor.listenUNIX(socket, agent)
        try:
            pubkey_line = held.public().toString("openssh").decode() + " held-key"
            key = await wait(cryptosign.SSHAgentCryptosignKey.new(pubkey_line, reactor=reactor))
            signature = await wait(key.sign(challenge))
            with pytest.raises(Exception, match="not held"):
                await wait(cryptosign.SSHAgentCryptosignKey.new(absent + " x", reactor=reactor))
            return key, signature
        finally:
            await wait(listening.stopListening())

    key, signature = run(main())
    assert key.comment == "held key" and key.can_sign
    from autobahn.wamp.cryptosign import _unpack

    assert key.public_key(binary=True) == _unpack(held.public().blob())[1]
    VerifyKey(key.public_key(binary=True)).verify(challenge, signature)  # raises when it does not verify
    assert len(signature) == 64


def test_ssh_agent_key_needs_a_running_agent(monkeypatch):
    pytest.importorskip("twisted.conch.ssh.keys", reason="twisted.conch needs bcrypt (the test extra)")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from twisted.conch.ssh import keys

    from autobahn.twisted import cryptosign

    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    line = keys.Key(Ed25519PrivateKey.generate()).public().toString("openssh").decode() + " c"

    async def main():
        await wait(cryptosign.SSHAgentCryptosignKey.new(line, reactor=reactor))

    with pytest.raises(Exception, match="SSH_AUTH_SOCK"):
        run(main())
