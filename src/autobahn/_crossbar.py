"""A Crossbar.io router on 127.0.0.1 for the WAMP tests and benchmarks.

Crossbar depends on the original autobahn, so it lives in a virtual environment of its own
(``.ci/setup-crossbar.sh``; ``AUTOBAHN_CROSSBAR_VENV`` names it). A second installation,
"Crossbar on ours" (``.ci/setup-crossbar-ours.sh``; ``AUTOBAHN_CROSSBAR_OURS_VENV``), is the same
Crossbar with our package installed over the original: the router tests run on both (:data:`ROUTERS`).
:class:`Router` writes a node configuration into a directory, starts ``crossbar start`` on it and stops it again. The
configuration has one realm (:data:`REALM`) and, on free ports:

- ``ws_url``: WebSocket, anonymous, every serializer Crossbar can load (:data:`SERIALIZERS`);
- ``auth_ws_url``: WebSocket with ticket, WAMP-CRA, WAMP-SCRAM and WAMP-cryptosign;
- ``rs_port``: RawSocket over TCP, anonymous; ``auth_rs_port``: RawSocket with the same auth;
- ``unix_path``: RawSocket over a Unix socket, anonymous;
- ``tls_ws_url``, ``tls_rs_port``: WebSocket and RawSocket over TLS that ask for a client certificate:
  authentication by it (``tls``, the principal :data:`TLS_CLIENT`) or by cryptosign, which may bind
  the signature to the TLS channel (``tls-unique``). The certificates are self-signed, made in the
  node directory (:attr:`Router.certs`).

The server side of the SCRAM and cryptosign credentials (stored/server keys, the public key) is
derived inside the Crossbar venv with its own libraries, so the router never trusts our code for it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

DEFAULT_VENV = "/var/cache/autobahn-ci/crossbar-venv"
DEFAULT_OURS_VENV = "/var/cache/autobahn-ci/crossbar-ours-venv"
# The two Crossbar installations a router can run on: with the original autobahn, and with ours.
ROUTERS = ("crossbar", "crossbar-on-ours")
REALM = "realm1"
# Crossbar 26.10.1 fails to start a WebSocket transport that lists "flatbuffers": it constructs
# FlatBuffersSerializer(batched=True), which autobahn 26.10.2 refuses with an AssertionError.
# Its RawSocket transport does not accept flatbuffers at all.
SERIALIZERS = ["json", "msgpack", "cbor", "ubjson"]

# Client-side credentials of the test principals (the router's config derives its side from these).
TICKET = {"authid": "ticket-user", "ticket": "ticket-secret-1"}
WAMPCRA = {"authid": "cra-user", "secret": "cra-secret-1"}
WAMPCRA_SALTED = {"authid": "cra-salted", "secret": "cra-secret-2", "salt": "salt123", "iterations": 100, "keylen": 32}
SCRAM = {"authid": "scram-user", "password": "scram-secret-1"}
CRYPTOSIGN = {"authid": "cryptosign-user", "seed_hex": "4d" * 32}
# The TLS client certificate's common name, which is also the principal authenticated by it.
TLS_CLIENT = "tls-client"

# Self-signed certificates for the TLS transports: the router's (localhost, 127.0.0.1) and a client's;
# prints the client certificate's SHA-1 fingerprint as Crossbar's static TLS principals name it.
_CERTS = r"""
import datetime, ipaddress, sys
from pathlib import Path
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
folder = Path(sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc)
def make(name, cn, san):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName(san), critical=False).sign(key, hashes.SHA256()))
    (folder / (name + ".key")).write_bytes(key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    (folder / (name + ".crt")).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert
make("server", "localhost", [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
client = make("client", sys.argv[2], [x509.DNSName(sys.argv[2])])
print(":".join(f"{b:02X}" for b in client.fingerprint(hashes.SHA1())))
"""

_DERIVE = r"""
import base64, binascii, hashlib, hmac, json, sys
from argon2.low_level import Type, hash_secret
from nacl.signing import SigningKey
args = json.loads(sys.argv[1])
salt = hashlib.sha256(args["scram"]["authid"].encode()).digest()[:16]
raw = hash_secret(secret=args["scram"]["password"].encode(), salt=salt, time_cost=16, memory_cost=512,
                  parallelism=1, hash_len=32, type=Type.ID, version=19)
salted = raw.split(b"$")[-1]
client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
print(json.dumps({
    "scram": {"kdf": "argon2id-13", "iterations": 16, "memory": 512, "salt": salt.hex(),
              "stored-key": hashlib.sha256(client_key).hexdigest(),
              "server-key": hmac.new(salted, b"Server Key", hashlib.sha256).hexdigest()},
    "cryptosign_pubkey": SigningKey(bytes.fromhex(args["seed_hex"])).verify_key.encode().hex(),
}))
"""


def venv_path(router: str = "crossbar") -> Path:
    """The virtual environment of a router installation (one of :data:`ROUTERS`)."""
    if router == "crossbar-on-ours":
        return Path(os.environ.get("AUTOBAHN_CROSSBAR_OURS_VENV", DEFAULT_OURS_VENV))
    if router != "crossbar":
        raise ValueError(f"unknown router installation {router!r} (one of {ROUTERS})")
    return Path(os.environ.get("AUTOBAHN_CROSSBAR_VENV", DEFAULT_VENV))


def setup_command(router: str = "crossbar") -> str:
    """The command that installs a router installation."""
    return "bash .ci/setup-crossbar-ours.sh" if router == "crossbar-on-ours" else "bash .ci/setup-crossbar.sh"


def crossbar_executable(router: str = "crossbar") -> Path | None:
    """The ``crossbar`` script of a router installation, or None when it is not installed."""
    exe = venv_path(router) / "bin" / "crossbar"
    return exe if exe.is_file() and os.access(exe, os.X_OK) else None


def peer_python() -> Path:
    """The Python of the Crossbar venv, which has the original autobahn 26.10.2 (the peer for mixed sessions)."""
    return venv_path() / "bin" / "python"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _full_permissions() -> list[dict[str, Any]]:
    allow = {"call": True, "register": True, "publish": True, "subscribe": True}
    # disclose the caller/publisher so tests can check CallDetails/EventDetails
    return [{"uri": "", "match": "prefix", "allow": allow, "disclose": {"caller": True, "publisher": True}}]


def _auth_config(derived: dict[str, Any]) -> dict[str, Any]:
    role = "authenticated"
    return {
        "ticket": {"type": "static", "principals": {TICKET["authid"]: {"ticket": TICKET["ticket"], "role": role}}},
        "wampcra": {
            "type": "static",
            "users": {
                WAMPCRA["authid"]: {"secret": WAMPCRA["secret"], "role": role},
                WAMPCRA_SALTED["authid"]: {
                    "secret": WAMPCRA_SALTED["secret"],  # Crossbar derives the key (PBKDF2) itself
                    "role": role,
                    "salt": WAMPCRA_SALTED["salt"],
                    "iterations": WAMPCRA_SALTED["iterations"],
                    "keylen": WAMPCRA_SALTED["keylen"],
                },
            },
        },
        "scram": {"type": "static", "principals": {SCRAM["authid"]: {**derived["scram"], "role": role}}},
        "cryptosign": {
            "type": "static",
            "principals": {
                CRYPTOSIGN["authid"]: {
                    "realm": REALM,
                    "role": role,
                    "authorized_keys": [derived["cryptosign_pubkey"]],
                }
            },
        },
    }


def node_config(
    ports: dict[str, int], unix_path: str, derived: dict[str, Any], client_cert_sha1: str | None = None
) -> dict[str, Any]:
    """The Crossbar node configuration (``config.json``) for the given ports; with ``client_cert_sha1``,
    also the TLS transports (``tls_ws``, ``tls_rs``; the certificates in the node's ``.crossbar``)."""
    auth = _auth_config(derived)
    anonymous = {"anonymous": {"type": "static", "role": "anonymous"}}
    # generous limits: the tests send oversized payloads on purpose and the benchmark 64 KiB args
    ws_options = {"max_frame_size": 16 * 1024 * 1024, "max_message_size": 16 * 1024 * 1024, "fail_by_drop": True}

    def ws(port: int, auth_cfg: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "websocket",
            "endpoint": {"type": "tcp", "interface": "127.0.0.1", "port": port},
            "serializers": SERIALIZERS,
            "options": ws_options,
            "auth": auth_cfg,
        }

    def rs(endpoint: dict[str, Any], auth_cfg: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "rawsocket",
            "endpoint": endpoint,
            "serializers": SERIALIZERS,
            "options": {"max_message_size": 16 * 1024 * 1024},
            "auth": auth_cfg,
        }

    transports = [
        ws(ports["ws"], anonymous),
        ws(ports["auth_ws"], auth),
        rs({"type": "tcp", "interface": "127.0.0.1", "port": ports["rs"]}, anonymous),
        rs({"type": "tcp", "interface": "127.0.0.1", "port": ports["auth_rs"]}, auth),
        rs({"type": "unix", "path": unix_path}, anonymous),
    ]
    if client_cert_sha1 is not None:
        tls = {"certificate": "server.crt", "key": "server.key", "ca_certificates": ["client.crt"]}
        tls_auth = {
            "tls": {
                "type": "static",
                "principals": {TLS_CLIENT: {"certificate-sha1": client_cert_sha1, "role": "authenticated"}},
            },
            "cryptosign": auth["cryptosign"],
        }
        for name, make in (
            ("tls_ws", ws),
            ("tls_rs", lambda port, cfg: rs({"type": "tcp", "interface": "127.0.0.1", "port": port}, cfg)),
        ):
            transport = make(ports[name], tls_auth)
            transport["endpoint"]["tls"] = tls
            transports.append(transport)
    return {
        "version": 2,
        "controller": {},
        "workers": [
            {
                "type": "router",
                "realms": [
                    {
                        "name": REALM,
                        "roles": [
                            {"name": "anonymous", "permissions": _full_permissions()},
                            {"name": "authenticated", "permissions": _full_permissions()},
                        ],
                    }
                ],
                "transports": transports,
            }
        ],
    }


def derive_server_credentials() -> dict[str, Any]:
    """The router's side of the test credentials, computed by the Crossbar venv's own libraries."""
    args = {"scram": SCRAM, "seed_hex": CRYPTOSIGN["seed_hex"]}
    out = subprocess.run(
        [str(peer_python()), "-c", _DERIVE, json.dumps(args)], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout)


def make_certificates(folder: Path) -> str:
    """Write the router's and the client's self-signed certificates and keys into ``folder`` (with the
    Crossbar venv's ``cryptography``); returns the client certificate's SHA-1 fingerprint."""
    out = subprocess.run(
        [str(peer_python()), "-c", _CERTS, str(folder), TLS_CLIENT],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.strip()


def wait_for_ports(proc: subprocess.Popen, ports: list[int], unix_path: str | None, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"crossbar exited with {proc.returncode} before listening; log:\n{_tail(log)}")
        while pending:
            try:
                socket.create_connection(("127.0.0.1", pending[0]), timeout=0.5).close()
                pending.pop(0)
            except OSError:
                break
        if not pending and (unix_path is None or os.path.exists(unix_path)):
            return
        time.sleep(0.1)
    raise RuntimeError(f"crossbar does not listen on {pending} after {timeout}s; log:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class CrossbarProcess:
    """``crossbar start`` on a node directory (``<dir>/.crossbar/config.json``), stopped by :meth:`stop`."""

    def __init__(self, node_dir: Path, router: str = "crossbar"):
        exe = crossbar_executable(router)
        if exe is None:
            raise FileNotFoundError(f"crossbar is not installed in {venv_path(router)} (run {setup_command(router)})")
        self.node_dir = node_dir
        self.log = node_dir / "crossbar.log"
        self._logfile = open(self.log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(exe), "start", "--cbdir", str(node_dir / ".crossbar"), "--loglevel", "warn"],
            cwd=node_dir,
            stdout=self._logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # crossbar forks workers: stop() signals the whole group
        )

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        try:  # workers left behind by a killed controller
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._logfile.close()


class Router:
    """The test router: :data:`REALM` on WebSocket and RawSocket, anonymous and authenticated."""

    def __init__(self, node_dir: Path, start_timeout: float = 60.0, router: str = "crossbar"):
        node_dir.mkdir(parents=True, exist_ok=True)
        self.router = router
        self.ports = {name: free_port() for name in ("ws", "auth_ws", "rs", "auth_rs", "tls_ws", "tls_rs")}
        self.unix_path = str(node_dir / "rawsocket.sock")
        cbdir = node_dir / ".crossbar"
        cbdir.mkdir(exist_ok=True)
        self.certs = cbdir  # server.crt/.key, client.crt/.key
        client_sha1 = make_certificates(cbdir)
        config = node_config(self.ports, self.unix_path, derive_server_credentials(), client_sha1)
        (cbdir / "config.json").write_text(json.dumps(config, indent=2))
        self.process = CrossbarProcess(node_dir, router)
        try:
            wait_for_ports(
                self.process.proc, list(self.ports.values()), self.unix_path, start_timeout, self.process.log
            )
        except BaseException:
            self.process.stop()
            raise
        self.realm = REALM
        self.ws_url = f"ws://127.0.0.1:{self.ports['ws']}/ws"
        self.auth_ws_url = f"ws://127.0.0.1:{self.ports['auth_ws']}/ws"
        self.rs_port = self.ports["rs"]
        self.auth_rs_port = self.ports["auth_rs"]
        self.tls_ws_url = f"wss://localhost:{self.ports['tls_ws']}/ws"
        self.tls_rs_port = self.ports["tls_rs"]

    def stop(self) -> None:
        self.process.stop()

    def __enter__(self) -> Router:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def examples_node(examples_dir: Path, node_dir: Path) -> tuple[dict[str, int], dict[str, Any]]:
    """A copy of autobahn's ``examples/router/.crossbar`` in ``node_dir`` with free ports instead of its fixed
    ones (8080 universal, 1883 MQTT, 8083 TLS) and the Unix socket inside ``node_dir``; nothing else changes.
    Returns the port map and the config."""
    src = examples_dir / "router" / ".crossbar"
    dst = node_dir / ".crossbar"
    shutil.copytree(src, dst, dirs_exist_ok=True)
    config = json.loads((src / "config.json").read_text())
    ports: dict[str, int] = {}
    worker = config["workers"][0]
    # the authorizer component is loaded from examples/twisted/wamp/rpc/authorize (relative to the cbdir)
    worker["options"]["pythonpath"] = [str(examples_dir / "twisted" / "wamp" / "rpc" / "authorize")]
    for transport in worker["transports"]:
        endpoint = transport["endpoint"]
        if endpoint["type"] == "tcp":
            new = free_port()
            ports[str(endpoint["port"])] = new
            endpoint["port"] = new
            endpoint["interface"] = "127.0.0.1"
        elif endpoint["type"] == "unix":
            endpoint["path"] = str(node_dir / "unix_socket")
        web = transport.get("web", {}).get("paths", {}).get("/")
        if web and web.get("type") == "static":
            web["directory"] = str(examples_dir)
    (dst / "config.json").write_text(json.dumps(config, indent=2))
    return ports, config
