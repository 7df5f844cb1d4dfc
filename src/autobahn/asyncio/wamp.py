"""WAMP on asyncio: autobahn's ApplicationSession, ApplicationSessionFactory and ApplicationRunner.

The session itself is framework-independent (:mod:`autobahn.wamp.protocol`); importing this module
makes txaio use asyncio futures, as autobahn does::

    class Hello(ApplicationSession):
        async def onJoin(self, details):
            print(await self.call("com.example.add2", 2, 3))
            self.leave()

        def onDisconnect(self):
            asyncio.get_event_loop().stop()

    ApplicationRunner("ws://127.0.0.1:8080/ws", "realm1").run(Hello)
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import txaio
import txaio.aio as txaio_aio

from autobahn import _framework_glue
from autobahn._txaio import use_framework

use_framework("asyncio")

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.asyncio.util import get_or_create_event_loop  # noqa: E402 - autobahn 26.11.1 has it here too
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import protocol  # noqa: E402
from autobahn.wamp.interfaces import ISession, ITransportHandler  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402

__all__ = ("ApplicationRunner", "ApplicationSession", "ApplicationSessionFactory", "Session")

_ASYNCIO_TXAIO = txaio_aio.with_config()


def _asyncio_futures(self) -> Any:
    """txaio for asyncio futures: the global one when asyncio is its choice, else a private asyncio instance."""
    return txaio if txaio.using_asyncio else _ASYNCIO_TXAIO


class _CallFuture(asyncio.Future):
    """A call's future that runs its canceller inside ``cancel()``. (txaio's asyncio canceller is a
    done-callback, which costs every call that completes normally one more callback on the loop.)"""

    _canceller: Any = None

    def cancel(self, msg: Any = None) -> bool:
        if not super().cancel(msg):
            return False
        if self._canceller is not None:
            self._canceller(self)
        return True


class ApplicationSession(protocol.ApplicationSession):
    """A WAMP application session on asyncio (ITransportHandler and ISession)."""

    log = txaio.make_logger()
    _txaio = property(_asyncio_futures)

    def _call_future(self, canceller):
        # on the loop txaio gives futures (its configured loop, else this thread's)
        api = getattr(self._txaio.create_future, "__self__", None)
        loop = getattr(api, "_loop", None)
        if not isinstance(loop, asyncio.AbstractEventLoop):
            return super()._call_future(canceller)
        future = _CallFuture(loop=loop)
        future._canceller = canceller
        return future


ITransportHandler.register(ApplicationSession)
ISession.abc_register(ApplicationSession)


class ApplicationSessionFactory(protocol.ApplicationSessionFactory):
    """Makes :class:`ApplicationSession` instances (or ``session``'s class)."""

    session = ApplicationSession
    log = txaio.make_logger()


# The running loop, else the thread's loop, else a new one set for this thread.
_event_loop = get_or_create_event_loop


class ApplicationRunner(_framework_glue.RunnerSettings):
    """Runs one WAMP component over one client connection (WebSocket ``ws://``/``wss://`` or RawSocket
    ``rs://``/``rss://``, ``rs://unix:/path`` for a Unix socket), for development and simple hosting."""

    log = txaio.make_logger()

    def __init__(self, url, realm=None, extra=None, serializers=None, ssl=None, proxy=None, headers=None):
        if not isinstance(url, str):
            raise TypeError("url must be str")
        if realm is not None and not isinstance(realm, str):
            raise TypeError("realm must be str")
        _framework_glue.RunnerSettings.__init__(self, url, realm, extra, serializers, ssl, proxy, headers)

    def stop(self):
        """Stop reconnecting (this runner does not reconnect)."""
        raise NotImplementedError()

    def run(self, make, start_loop=True, log_level="info"):
        """Connect and run the component ``make`` (a session class or factory taking a ComponentConfig).
        Runs the event loop until it is stopped, unless ``start_loop=False``: then returns the coroutine of
        ``loop.create_connection()`` (its result is ``(transport, protocol)``)."""
        if callable(make):

            def create():
                cfg = ComponentConfig(self.realm, self.extra)
                try:
                    return make(cfg)
                except Exception as e:
                    self.log.error(f"ApplicationSession could not be instantiated: {e}")
                    loop = asyncio.get_event_loop()
                    if loop.is_running():
                        loop.stop()
                    raise

        else:
            create = make

        loop = _event_loop()
        txaio.config.loop = loop
        transport_factory, is_secure, host, port = _framework_glue.runner_transport_factory(
            self, create, WampWebSocketClientFactory, WampRawSocketClientFactory, fail_by_drop=False, loop=loop
        )
        if self.ssl is None:
            ssl = is_secure or None
        else:
            if self.ssl and not is_secure:
                raise RuntimeError(
                    f'ssl argument value passed to {type(self).__name__} conflicts with the "ws:" '
                    'prefix of the url argument. Did you mean to use "wss:"?'
                )
            ssl = self.ssl
        if host == "unix":
            coro = loop.create_unix_connection(transport_factory, port, ssl=ssl)
        else:
            coro = loop.create_connection(transport_factory, host, port, ssl=ssl)
        if not start_loop:
            return coro
        _, proto = loop.run_until_complete(coro)
        txaio.start_logging(level=log_level)
        try:
            loop.add_signal_handler(signal.SIGTERM, loop.stop)
        except NotImplementedError:
            pass
        try:
            loop.run_forever()
        except KeyboardInterrupt:
            pass
        # give GOODBYE a chance when the loop was stopped while the session was still joined
        session = getattr(proto, "_session", None)
        if session is not None and session.is_attached():
            closed = session.leave()
            if isinstance(closed, asyncio.Future):
                try:
                    loop.run_until_complete(asyncio.wait_for(closed, 2.0))
                except (TimeoutError, Exception):
                    pass
        loop.close()
        return None


class Session(protocol._SessionShim):
    """The session Component uses, with PEP 8 callbacks (``on_join``, ``on_leave``, ...)."""

    _txaio = property(_asyncio_futures)

    def on_welcome(self, welcome_msg):
        pass


# Names autobahn 26.11.1 also has here (programs import them from this module).
from autobahn.rawsocket.util import parse_url as parse_rs_url  # noqa: E402, F401
from autobahn.util import public  # noqa: E402, F401
from autobahn.websocket.compress_deflate import (  # noqa: E402, F401
    PerMessageDeflateOffer,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)
from autobahn.websocket.util import parse_url as parse_ws_url  # noqa: E402, F401
