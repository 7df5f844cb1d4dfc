"""Selecting txaio's framework the way autobahn's framework modules do, without the clash.

autobahn 26.10.2 calls ``txaio.use_asyncio()`` when ``autobahn.asyncio.websocket`` is imported and
``txaio.use_twisted()`` for ``autobahn.twisted.websocket``, so programs that call txaio after
importing one of them find it set up. Importing both raised RuntimeError there. Our WebSocket
classes do not depend on txaio's choice (they only take its loggers), so the second import keeps
the first choice instead of failing: programs, and our tests, may use both frameworks in one
process.
"""

import txaio


def use_framework(name: str) -> None:
    """``txaio.use_asyncio()`` or ``txaio.use_twisted()``, unless another was chosen before."""
    try:
        getattr(txaio, f"use_{name}")()
    except RuntimeError:
        pass  # the other framework was selected first (see the module docstring)
