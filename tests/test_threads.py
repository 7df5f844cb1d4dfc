"""Concurrent use: large inputs are processed with the GIL released, so other threads may
touch the same objects meanwhile. Every outcome must be a correct result or a clear
exception, never a crash or corrupted memory."""

from __future__ import annotations

import threading

import pytest

from autobahn.websocket import HAS_NVX

pytestmark = pytest.mark.skipif(not HAS_NVX, reason="NVX not built")

BIG = ("€uro ascii ünïcödé 😀 " * 60_000).encode()  # > 1 MiB: well above the GIL-release threshold


def hammer(target, seconds: float = 0.5) -> list[BaseException]:
    """Run ``target`` in two threads for a while; return the exceptions they raised."""
    errors: list[BaseException] = []
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                target()
            except BaseException as exc:  # collected for the assertions
                errors.append(exc)

    threads = [threading.Thread(target=loop) for _ in range(2)]
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return errors


def test_one_validator_shared_by_two_threads():
    from autobahn import nvx

    validator = nvx.Utf8Validator()
    results = []

    def use():
        validator.reset()
        results.append(validator.validate(BIG))

    errors = hammer(use)
    # A call that finds the object busy is refused with PyO3's borrow error; all others are right.
    assert all(isinstance(e, RuntimeError) and "borrow" in str(e).lower() for e in errors), errors[:3]
    assert results
    assert all(r[0] and r[1] and r[2] == len(BIG) for r in results)


def test_resizing_a_buffer_while_it_is_masked():
    from autobahn import nvx

    data = bytearray(BIG)
    masker = nvx.XorMasker(b"abcd")
    refused = []

    def mask():
        masker.process_inplace(data)

    def resize():
        try:
            data.extend(b"xy")
            del data[-2:]
        except BufferError:  # exported to the masker right now: CPython refuses the resize
            refused.append(True)

    mask_errors = hammer(mask)
    assert all(isinstance(e, RuntimeError) for e in mask_errors), mask_errors[:3]
    stop = threading.Event()

    def mask_until_stopped():
        while not stop.is_set():
            mask()

    worker = threading.Thread(target=mask_until_stopped)
    worker.start()
    for _ in range(2000):
        resize()
    stop.set()
    worker.join()
    assert len(data) == len(BIG)
    # This thread ran while the masker held the buffer: the GIL was released during masking.
    assert refused


def test_two_threads_give_the_same_answers_as_one():
    from autobahn import nvx

    payloads = [BIG, BIG[:-1], BIG + b"\xff", BIG[: len(BIG) // 2]]
    expected = [nvx.Utf8Validator().validate(p) for p in payloads]
    masked = nvx.XorMasker(b"wxyz").process(BIG)
    failures = []

    def work():
        for payload, want in zip(payloads, expected, strict=False):
            got = nvx.Utf8Validator().validate(payload)
            if got != want:
                failures.append((got, want))
        if nvx.XorMasker(b"wxyz").process(BIG) != masked:
            failures.append("mask")

    assert hammer(work) == []
    assert failures == []
