"""Twisted integration: ``autobahn.twisted.websocket`` has autobahn's WebSocket classes,
``autobahn.twisted.resource`` the ``twisted.web`` resources (install ``autobahn[twisted]``)."""
