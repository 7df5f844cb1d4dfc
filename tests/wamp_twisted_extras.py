"""More of tests/test_wamp_crossbar.py on Twisted, as a process of its own (txaio serves one framework
per process) on Twisted's default reactor: ``python wamp_twisted_extras.py CASE WS_URL RS_PORT UNIX_PATH
REALM`` with CASE one of cancel-skip, cancel-killnowait, call-timeout, large-batched. Prints ``OK`` and
exits 0 when every check held."""

import sys

from twisted.internet import defer, reactor, task
from wamp_twisted_client import check, join  # before autobahn: it selects Twisted for txaio

from autobahn.wamp import serializer as wamp_serializer
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallOptions


@defer.inlineCallbacks
def cancel(where, mode):
    callee = yield join(*where)
    caller = yield join(*where)
    started, interrupted = defer.Deferred(), defer.Deferred()

    def forever():
        started.callback(None)
        return defer.Deferred(lambda _: interrupted.callback(True))

    yield callee.register(forever, "tx.forever")
    caller.set_cancel_mode(mode)
    call = caller.call("tx.forever")
    yield started.addTimeout(5, reactor)
    call.cancel()
    try:
        yield call
        check(False, "the cancelled call succeeded")
    except defer.CancelledError:
        pass
    if mode == "skip":
        yield task.deferLater(reactor, 0.3, lambda: None)
        check(not interrupted.called, "skip: the callee was told")
    else:
        yield interrupted.addTimeout(5, reactor)
    yield callee.register(lambda: "ok", "tx.after")  # the session goes on after the cancelled call
    check((yield caller.call("tx.after")) == "ok", "the call after the cancelled one")
    return caller, callee


@defer.inlineCallbacks
def call_timeout(where):
    callee = yield join(*where)
    caller = yield join(*where)
    yield callee.register(lambda: task.deferLater(reactor, 5, lambda: None), "tx.slow")
    try:
        yield caller.call("tx.slow", options=CallOptions(timeout=1))  # Crossbar: whole seconds
        check(False, "the call did not time out")
    except ApplicationError as e:
        check(e.error in ("wamp.error.canceled", "wamp.error.timeout"), f"timeout error: {e.error}")
    return caller, callee


@defer.inlineCallbacks
def large_batched(where):
    ws = where[0:1]
    callee = yield join(*ws, wamp_serializer.MsgPackSerializer(batched=True), *where[2:])
    caller = yield join(*ws, wamp_serializer.CBORSerializer(batched=True), *where[2:])
    yield callee.register(lambda data: data[::-1], "tx.reverse")
    blob = bytes(range(256)) * 4096  # 1 MiB
    check((yield caller.call("tx.reverse", blob)) == blob[::-1], "the reversed MiB")
    return caller, callee


@defer.inlineCallbacks
def main(reactor_, case, ws_url, rs_port, unix_path, realm):
    where = ("websocket", wamp_serializer.JsonSerializer(), ws_url, int(rs_port), unix_path, realm)
    if case.startswith("cancel-"):
        sessions = yield cancel(where, case.removeprefix("cancel-"))
    elif case == "call-timeout":
        sessions = yield call_timeout(where)
    elif case == "large-batched":
        sessions = yield large_batched(where)
    else:
        raise ValueError(case)
    for session in sessions:
        session.leave()
    yield task.deferLater(reactor, 0.3, lambda: None)
    print("OK", flush=True)


if __name__ == "__main__":
    task.react(main, sys.argv[1:6])
