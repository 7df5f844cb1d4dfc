"""asyncio integration: ``autobahn.asyncio.websocket`` has autobahn's WebSocket classes."""
