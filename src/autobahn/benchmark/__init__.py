"""Benchmarks of the WebSocket hot path: ``python -m autobahn.benchmark --help``.

NVX and pure Python (and, where installed, peer libraries) are timed side by side in one
process on the same inputs, so ratios are meaningful on a noisy shared machine.
"""
