"""``python -m autobahn``: what is installed and what is active, and why; and autobahn's
``wamp`` command-line WAMP client.

Without arguments (or with ``--json``) it prints the versions, whether NVX is built, whether
it is selected (and the reason when not), how this installation was built, and which kernels
run on this CPU: users of the package we replace had no easy way to see why NVX was missing.

With WAMP options it is the ``wamp`` tool autobahn ships (also installed as the ``wamp``
console script; needs ``autobahn[twisted]``)::

    wamp --url ws://127.0.0.1:8080/ws --realm realm1 call com.example.add 2 3
    wamp --url rs://127.0.0.1:8081 publish com.example.topic hello --keyword who world
    wamp --url ws://... subscribe com.example.topic --times 3     # one JSON line per event
    wamp --url ws://... register com.example.run /usr/bin/env --times 1   # run a command per call

``--private-key`` (hex; or ``WAMP_PRIVATE_KEY``) with ``--authid``/``--authrole`` authenticates
with WAMP-cryptosign; ``--max-failures N`` gives up after N failed connection attempts.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable, Coroutine
from importlib import resources
from typing import Any

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import PublishOptions, SubscribeOptions


def report() -> dict[str, Any]:
    """Everything ``python -m autobahn`` prints, as a dict (``--json`` prints it as JSON)."""
    import autobahn
    import autobahn.websocket as ws

    info: dict[str, Any] = {
        "autobahn": autobahn.__version__,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        "machine": platform.machine(),
        "nvx_built": ws.HAS_NVX,
        "nvx_active": ws.USES_NVX,
        "nvx_switch": f"AUTOBAHN_USE_NVX={ws.NVX_SWITCH}",
        "nvx_reason": ws.NVX_REASON,
        "build": _build_record(),
    }
    if ws.HAS_NVX:
        from autobahn import nvx

        info["nvx_build_info"] = nvx.build_info()
    info["flatc"] = _flatc_status()
    from autobahn.websocket.utf8validator import Utf8Validator
    from autobahn.websocket.xormasker import XorMasker

    info["utf8validator"] = f"{Utf8Validator.__module__}.{Utf8Validator.__qualname__}"
    info["xormasker"] = f"{XorMasker.__module__}.{XorMasker.__qualname__}"
    return info


def _flatc_status() -> str:
    from autobahn import flatc

    try:
        return f"{flatc.path()} (FlatBuffers {flatc.version()})"
    except (OSError, subprocess.CalledProcessError) as exc:  # FlatcNotFoundError is an OSError
        return f"not available: {exc}"


def _build_record() -> Any:
    """What the build hook decided when this installation was built (hatch_build.py)."""
    try:
        return json.loads(resources.files("autobahn").joinpath("_build.json").read_text())
    except (OSError, ValueError):
        return "unknown (no build record: running from a source tree?)"


# --- the ``wamp`` command-line client ---------------------------------------------------------------

top = argparse.ArgumentParser(
    prog="wamp",
    description="A WAMP client on the command line (autobahn).",
    epilog="Without arguments, python -m autobahn reports what is installed and active (--json: as JSON).",
)
top.add_argument("--url", required=True, help="the router: ws://host:port/path, wss://..., or rs://host:port")
top.add_argument("--realm", "-r", default="default", help="the realm to join (default: %(default)s)")
top.add_argument(
    "--private-key",
    "-k",
    default=os.environ.get("WAMP_PRIVATE_KEY"),
    help="hex Ed25519 private key for WAMP-cryptosign (default: $WAMP_PRIVATE_KEY)",
)
top.add_argument("--authid", help="the authid to authenticate as")
top.add_argument("--authrole", help="the role to ask for")
top.add_argument("--max-failures", "-m", type=int, default=0, help="connection failures before giving up (0: never)")
sub = top.add_subparsers(title="subcommands", dest="subcommand_name")

call = sub.add_parser("call", help="call a procedure and print its result")
call.add_argument("uri", help="the procedure")
call.add_argument("call_args", nargs="*", help="positional arguments (strings)")
call.add_argument("--keyword", nargs=2, action="append", metavar=("NAME", "VALUE"), help="a keyword argument")

publish = sub.add_parser("publish", help="publish an event (acknowledged)")
publish.add_argument("uri", help="the topic")
publish.add_argument("publish_args", nargs="*", help="positional arguments (strings)")
publish.add_argument("--keyword", nargs=2, action="append", metavar=("NAME", "VALUE"), help="a keyword argument")

register = sub.add_parser("register", help="register a procedure that runs a command per call")
register.add_argument("uri", help="the procedure")
register.add_argument("--times", type=int, default=0, help="calls to answer before exiting (0: forever)")
register.add_argument(
    "command",
    nargs="*",
    help="the executable (absolute path) and its arguments; the call's arguments are in the environment: "
    "WAMP_ARGS, WAMP_KWARGS (text) and WAMP_ARGS_JSON, WAMP_KWARGS_JSON",
)

subscribe = sub.add_parser("subscribe", help="print one JSON line per event")
subscribe.add_argument("uri", help="the topic")
subscribe.add_argument("--times", type=int, default=0, help="events to print before exiting (0: forever)")
subscribe.add_argument("--match", default="exact", choices=["exact", "prefix", "wildcard"], help="URI matching")


def __getattr__(name: str) -> Any:
    # autobahn's module has the Twisted Component here; ours imports it only when asked, so that
    # the status report above needs no Twisted.
    if name == "Component":
        from autobahn.twisted.component import Component

        return Component
    raise AttributeError(f"module 'autobahn.__main__' has no attribute {name!r}")


def _deferred(fn: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    """Run the coroutine function ``fn`` as Twisted code: its call returns a Deferred."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from twisted.internet.defer import Deferred

        return Deferred.fromCoroutine(fn(*args, **kwargs))

    return wrapper


def _keywords(options: argparse.Namespace) -> dict[str, str]:
    return dict(options.keyword or [])


def _create_component(options: argparse.Namespace) -> Any:
    """The Twisted Component the command line describes."""
    from autobahn.twisted.component import Component

    scheme = options.url.split("://", 1)[0]
    kinds = {"ws": "websocket", "wss": "websocket", "rs": "rawsocket"}
    if scheme not in kinds:
        raise ValueError(f"--url must start with ws://, wss:// or rs://, not {options.url!r}")
    authentication = None
    if options.private_key:
        if not options.authid:
            raise ValueError("--private-key (or WAMP_PRIVATE_KEY) needs --authid (and usually --authrole)")
        authentication = {
            "cryptosign": {"authid": options.authid, "authrole": options.authrole, "privkey": options.private_key}
        }
    return Component(
        transports=[{"type": kinds[scheme], "url": options.url}], authentication=authentication, realm=options.realm
    )


def _countdown(times: int, finished: Any, reactor: Any) -> Callable[[], None]:
    """A function to call per answered call/event: fires ``finished`` after ``times`` (never for 0)."""
    left = [times]

    def count() -> None:
        if left[0] > 0:
            left[0] -= 1
            if left[0] == 0:
                reactor.callLater(0, finished.callback, None)

    return count


@_deferred
async def do_call(reactor: Any, session: Any, options: argparse.Namespace) -> None:
    """Call ``options.uri`` and print the result."""
    result = await session.call(options.uri, *options.call_args, **_keywords(options))
    print(f"result: {result}")


@_deferred
async def do_publish(reactor: Any, session: Any, options: argparse.Namespace) -> None:
    """Publish to ``options.uri``, waiting for the router's acknowledgement."""
    await session.publish(
        options.uri, *options.publish_args, options=PublishOptions(acknowledge=True), **_keywords(options)
    )


@_deferred
async def do_register(reactor: Any, session: Any, options: argparse.Namespace) -> None:
    """Register ``options.uri``: each call runs ``options.command`` (its output goes to ours) and
    returns its exit code; done after ``options.times`` calls (never for 0)."""
    from twisted.internet.defer import Deferred
    from twisted.internet.protocol import ProcessProtocol

    finished: Deferred = Deferred()
    answered = _countdown(options.times, finished, reactor)

    class Relay(ProcessProtocol):
        def __init__(self) -> None:
            self.exited: Deferred = Deferred()

        def outReceived(self, data: bytes) -> None:
            sys.stdout.write(data.decode("utf8", "replace"))
            sys.stdout.flush()

        def errReceived(self, data: bytes) -> None:
            sys.stderr.write(data.decode("utf8", "replace"))

        def processEnded(self, reason: Any) -> None:
            self.exited.callback(reason.value.exitCode)

    @_deferred
    async def called(*args: Any, **kwargs: Any) -> int:
        print(f"called: args={args}, kwargs={kwargs}", file=sys.stderr)
        env = {
            **os.environ,
            "WAMP_ARGS": " ".join(map(str, args)),
            "WAMP_ARGS_JSON": json.dumps(args),
            "WAMP_KWARGS": " ".join(f"{k}={v}" for k, v in kwargs.items()),
            "WAMP_KWARGS_JSON": json.dumps(kwargs),
        }
        relay = Relay()
        reactor.spawnProcess(relay, options.command[0], options.command, env=env)
        code = await relay.exited
        if code != 0:
            print(f"{options.command[0]} failed with exit code {code}", file=sys.stderr)
        answered()
        return code

    await session.register(called, options.uri)
    await finished


@_deferred
async def do_subscribe(reactor: Any, session: Any, options: argparse.Namespace) -> None:
    """Subscribe to ``options.uri`` and print each event as ``{"args": [...], "kwargs": {...}}``;
    done after ``options.times`` events (never for 0)."""
    from twisted.internet.defer import Deferred

    finished: Deferred = Deferred()
    received = _countdown(options.times, finished, reactor)

    def event(*args: Any, **kwargs: Any) -> None:
        print(json.dumps({"args": args, "kwargs": kwargs}), flush=True)
        received()

    await session.subscribe(event, options.uri, options=SubscribeOptions(match=options.match))
    await finished


_SUBCOMMANDS = {"call": do_call, "publish": do_publish, "register": do_register, "subscribe": do_subscribe}


def _check(options: argparse.Namespace) -> None:
    if options.subcommand_name is None:
        top.error("a subcommand is needed: call, publish, register or subscribe")
    if options.subcommand_name == "register":
        if not options.command:
            top.error("register needs the command to run")
        exe = options.command[0]
        if not os.path.isabs(exe):
            top.error(f"register needs the full path of the executable, not {exe!r}")
        if not os.path.exists(exe):
            top.error(f"executable not found: {exe}")


def _wamp(argv: list[str]) -> int:
    """Run the ``wamp`` client with ``argv``; its exit status (5: the router answered with an error)."""
    options = top.parse_args(argv)
    _check(options)
    try:
        component = _create_component(options)
    except (ImportError, ValueError) as exc:
        print(f"wamp: {exc}", file=sys.stderr)
        return 2
    from twisted.internet.defer import Deferred
    from twisted.internet.task import react

    status = [0]
    failures: list[Any] = []

    @component.on_join
    @_deferred
    async def joined(session: Any, details: Any) -> None:
        print(f"connected: authrole={details.authrole} authmethod={details.authmethod}", file=sys.stderr)
        try:
            await _SUBCOMMANDS[options.subcommand_name](reactor_ref[0], session, options)
        except ApplicationError as error:
            print(f"\n{error.error}: {' '.join(map(str, error.args))}\n")
            status[0] = 5
        left = session.leave()
        if left is not None:
            await left

    @component.on_connectfailure
    def connect_failed(comp: Any, failure: Any) -> None:
        print(f"connect failure: {failure}", file=sys.stderr)
        failures.append(failure)
        if 0 < options.max_failures < len(failures):
            print(f"Too many failures ({len(failures)}). Exiting", file=sys.stderr)
            status[0] = 1
            reactor_ref[0].stop()

    reactor_ref: list[Any] = [None]

    def run(reactor: Any) -> Deferred:
        reactor_ref[0] = reactor
        return component.start(reactor)

    try:
        react(run)
    except SystemExit as exit_:
        if exit_.code not in (0, None) and status[0] == 0:
            status[0] = int(exit_.code) if isinstance(exit_.code, int) else 1
    return status[0]


def _main() -> None:
    """The ``wamp`` console script."""
    raise SystemExit(_wamp(sys.argv[1:]))


def main(argv: list[str] | None = None) -> int:
    """``python -m autobahn [--json]``: the status report; with WAMP options, the ``wamp`` client."""
    args = sys.argv[1:] if argv is None else argv
    if args not in ([], ["--json"]):
        top.prog = "python -m autobahn"  # its real name here (the console script is "wamp")
        return _wamp(args)
    info = report()
    if args:
        print(json.dumps(info, indent=2))
        return 0
    width = max(map(len, info))
    for key, value in info.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
