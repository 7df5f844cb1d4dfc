"""WAMP-cryptosign with an Ed25519 key held by an SSH agent (Twisted).

``SSHAgentCryptosignKey.new(pubkey)`` (a Deferred) looks the key up in the agent at
``SSH_AUTH_SOCK`` by its OpenSSH public key line; the key's ``sign(data)`` asks the agent for
the signature, so the private key never enters this process. ``HAS_CRYPTOSIGN_SSHAGENT``
tells whether this works here: it needs WAMP-cryptosign (``autobahn[encryption]``) and
Twisted's SSH agent client (``twisted.conch``, which needs ``cryptography``).
"""

from __future__ import annotations

import os
from typing import Any

from autobahn.wamp.cryptosign import HAS_CRYPTOSIGN

__all__ = ["HAS_CRYPTOSIGN_SSHAGENT"]

try:
    from twisted.conch.ssh.agent import SSHAgentClient
    from twisted.internet.defer import Deferred, fail, maybeDeferred
    from twisted.internet.endpoints import UNIXClientEndpoint
    from twisted.internet.protocol import Factory
except ImportError:
    HAS_CRYPTOSIGN_SSHAGENT = False
else:
    HAS_CRYPTOSIGN_SSHAGENT = HAS_CRYPTOSIGN

_ED25519 = b"ssh-ed25519"


if HAS_CRYPTOSIGN_SSHAGENT:
    from nacl import signing

    from autobahn.wamp.cryptosign import CryptosignKey, _pack, _read_ssh_ed25519_pubkey, _unpack

    __all__.append("SSHAgentCryptosignKey")

    def _with_agent(reactor: Any, use: Any) -> Deferred:
        """Connect to the SSH agent, run ``use(agent)`` (may return a Deferred), disconnect."""
        socket = os.environ.get("SSH_AUTH_SOCK")
        if not socket:
            return fail(Exception("no ssh-agent is running (SSH_AUTH_SOCK is not set)"))
        factory = Factory.forProtocol(SSHAgentClient)
        factory.noisy = False

        def connected(agent: Any) -> Deferred:
            def disconnect(outcome: Any) -> Any:
                agent.transport.loseConnection()
                return outcome

            return maybeDeferred(use, agent).addBoth(disconnect)

        return UNIXClientEndpoint(reactor, socket).connect(factory).addCallback(connected)

    class SSHAgentCryptosignKey(CryptosignKey):
        """A cryptosign key whose private half stays in the SSH agent: this object holds the
        public key, and signs by asking the agent. Create it with :meth:`new`."""

        def __init__(self, key: Any, comment: str | None = None, reactor: Any = None) -> None:
            CryptosignKey.__init__(self, key, False, comment=comment)
            if reactor is None:
                from twisted.internet import reactor
            self._reactor = reactor

        @property
        def can_sign(self) -> bool:
            """True: the agent signs."""
            return True

        @classmethod
        def new(cls, pubkey: str | None = None, reactor: Any = None) -> Deferred:
            """A Deferred of the key for ``pubkey`` (``ssh-ed25519 AAAA... comment``), failing
            when no agent runs or the agent does not hold that key."""
            raw, _ = _read_ssh_ed25519_pubkey(pubkey)
            if reactor is None:
                from twisted.internet import reactor

            def find(agent: Any) -> Deferred:
                def pick(identities: list[tuple[bytes, bytes]]) -> SSHAgentCryptosignKey:
                    for blob, comment in identities:
                        parts = _unpack(blob)
                        if len(parts) == 2 and parts[0] == _ED25519 and parts[1] == raw:
                            return cls(signing.VerifyKey(raw), comment.decode("utf8", "replace"), reactor)
                    raise Exception("Ed25519 key not held in ssh-agent")

                return agent.requestIdentities().addCallback(pick)

            return _with_agent(reactor, find)

        def sign(self, challenge: bytes) -> Deferred:
            """A Deferred of the 64-byte Ed25519 signature of ``challenge``, made by the agent."""
            if type(challenge) is not bytes:
                raise Exception("data to be signed must be binary")
            key_blob = _pack([_ED25519, self.public_key(binary=True)])

            def ask(agent: Any) -> Deferred:
                def signature(blob: bytes) -> bytes:
                    algorithm, sig = _unpack(blob)
                    if algorithm != _ED25519 or len(sig) != 64:
                        raise Exception(f"ssh-agent returned a {algorithm!r} signature of {len(sig)} bytes")
                    return sig

                return agent.signData(key_blob, challenge).addCallback(signature)

            return _with_agent(self._reactor, ask)
