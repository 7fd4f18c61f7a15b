"""portal/internals.py: the fast paths check what they need inside their libraries and step aside when it moved."""

from __future__ import annotations

import logging

import pytest

from portal import internals
from portal.internals import Need


class Library:
    VERSION = 2

    def __init__(self):
        self._state = None

    def send(self, pkt):
        return pkt


def test_needs_that_hold_report_no_problem():
    needs = [Need(Library, "send", ("self", "pkt")), Need(Library, "__init__", source=("self._state",))]
    assert internals.problems(needs) == []


@pytest.mark.parametrize(
    ("need", "problem"),
    [
        (Need(Library, "receive"), "Library.receive is missing"),
        (
            Need(Library, "send", ("self", "pkt", "timeout")),
            "Library.send(self, pkt) is not Library.send(self, pkt, timeout)",
        ),
        (Need(Library, "__init__", source=("self._queue",)), "Library.__init__ no longer uses self._queue"),
    ],
)
def test_a_missing_name_another_signature_or_a_dropped_attribute_is_named(need, problem):
    assert internals.problems([need]) == [problem]


def test_an_unavailable_feature_warns_once_and_answers_false(caplog):
    internals.forget("test feature")
    with caplog.at_level(logging.WARNING, logger="portal.internals"):
        assert internals.available("test feature", [Need(Library, "receive")]) is False
        assert internals.available("test feature", [Need(Library, "receive")]) is False
    assert [r.getMessage() for r in caplog.records] == [
        "test feature: off, the library's own path is used instead (an installed version differs from the pinned "
        "one: Library.receive is missing)"
    ]
    internals.forget("test feature")


def test_the_pinned_libraries_have_everything_the_fast_paths_need():
    from portal import websocket_writes
    from portal.search import bulk, segments

    assert internals.problems(websocket_writes.NEEDS) == []
    assert internals.problems(bulk.NEEDS) == []
    assert internals.problems(segments.BLOCK_NEEDS) == []


def test_direct_writes_are_not_installed_over_an_engineio_with_another_signature(monkeypatch):
    from engineio import socket

    from portal import websocket_writes

    original = socket.Socket.send
    monkeypatch.setattr(websocket_writes, "_installed", False)
    monkeypatch.setattr(websocket_writes, "NEEDS", (*websocket_writes.NEEDS, Need(socket.Socket, "send", ("self",))))
    internals.forget(websocket_writes.FEATURE)
    try:
        assert websocket_writes.install() is False
        assert socket.Socket.send is original
    finally:
        internals.forget(websocket_writes.FEATURE)
