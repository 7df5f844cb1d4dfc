"""Twisted integration: ``autobahn.twisted.websocket`` has autobahn's WebSocket classes,
``autobahn.twisted.resource`` the ``twisted.web`` resources, ``autobahn.twisted.wamp`` and
``.component`` WAMP (install ``autobahn[twisted]``)."""

# Every autobahn.twisted module imports this package first: one check here turns a bare
# "No module named 'twisted'" into an error that names the fix.
try:
    import twisted  # noqa: F401
    import zope.interface  # noqa: F401
except ModuleNotFoundError as exc:
    raise ModuleNotFoundError(
        f'autobahn.twisted needs Twisted ({exc}): pip install "autobahn[twisted]"', name=exc.name
    ) from None
