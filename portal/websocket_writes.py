"""Direct websocket writes under gevent + gevent-websocket: one frame per broadcast, one syscall per client.

Engine.IO hands every packet to a per-client queue that a per-client writer greenlet drains: a broadcast to
2,000 clients costs 2,000 queue puts, 2,000 greenlet switches, 2,000 timeouts re-armed by ``poll()`` and 2,000
times encoding the same text and building the same websocket frame. At a live hearing that is three quarters of
the server's CPU (bench/fanout, docs/PERFORMANCE.md). After :func:`install`, once a socket is on websocket and
has nothing queued, ``Socket.send`` writes the packet's frame — built once per packet and shared by every
recipient of a broadcast — straight to the client's non-blocking OS socket:

* a write the kernel takes whole costs one ``send`` syscall and no greenlet switch, and leaves at once
  (TCP_NODELAY: Nagle's algorithm would hold a frame behind an unacknowledged one);
* a write the kernel takes in part (a slow client) leaves the rest, and every later frame, in that client's
  backlog, drained in order by one greenlet of its own; the broadcaster never waits for a slow client;
* a client whose backlog passes ``MAX_BACKLOG_BYTES`` is cut off (its socket shut down): it reconnects and
  resyncs, instead of the server buffering without bound for a client that cannot keep up;
* gevent-websocket's own writes (the upgrade probe, pongs, the close frame) and Engine.IO's writer greenlet,
  which still sends what was queued before a socket went direct, go through the same per-client writer, so
  frames never interleave and leave in the order they were sent.

Packets never get reordered: ``send`` takes the direct path only while the socket's queue is empty; whatever was
queued earlier is written first by the writer greenlet (it drains the queue without yielding, since the
direct writer never blocks).
"""

from __future__ import annotations

import logging
import socket as _socket
from collections import deque

from engineio import base_socket, exceptions
from engineio import socket as eio_socket
from gevent import sleep, spawn
from geventwebsocket.websocket import Header, WebSocket

from portal.internals import Need, available

log = logging.getLogger(__name__)

MAX_BACKLOG_BYTES = 4 * 1024 * 1024
# A broadcast to thousands of clients never waits for I/O, so it would hold the process for its whole length
# (~10 µs per client): every this many direct writes it lets other greenlets run (a handler whose database
# reply has arrived, say), so an action's own round trips do not queue behind a broadcast's tail.
YIELD_EVERY = 256

_installed = False

FEATURE = "direct websocket writes"
# What install() replaces or uses, as python-engineio 4.15.1 and gevent-websocket 0.10.1 (pinned) have it.
NEEDS = (
    Need(eio_socket.Socket, "send", ("self", "pkt")),
    Need(eio_socket.Socket, "poll", ("self",)),
    Need(eio_socket.Socket, "_websocket_handler", ("self", "ws")),
    Need(eio_socket.Socket, "check_ping_timeout", ("self",)),
    Need(base_socket.BaseSocket, "__init__", source=("self.queue", "self.upgraded", "self.upgrading")),
    Need(exceptions, "QueueEmpty"),
    Need(Header, "encode_header", ("fin", "opcode", "mask", "length", "flags")),
    Need(WebSocket, "OPCODE_TEXT"),
    Need(WebSocket, "OPCODE_BINARY"),
    Need(WebSocket, "send_frame", source=("self.raw_write",)),
)


def _frame(message: str | bytes) -> bytes:
    """A final, unmasked websocket frame (text for ``str``, binary for ``bytes``), as gevent-websocket builds it."""
    if isinstance(message, str):
        payload, opcode = message.encode("utf-8"), WebSocket.OPCODE_TEXT
    else:
        payload, opcode = bytes(message), WebSocket.OPCODE_BINARY
    return bytes(Header.encode_header(True, opcode, b"", len(payload), 0)) + payload


def packet_frame(pkt) -> bytes:
    """The websocket frame of an Engine.IO packet, built once per packet object (a broadcast shares one)."""
    frame = pkt.__dict__.get("_ws_frame")
    if frame is None:
        frame = pkt._ws_frame = _frame(pkt.encode())
    return frame


class DirectWriter:
    """Ordered, non-blocking writes to one client's socket (see the module docstring)."""

    __slots__ = ("backlog", "backlog_bytes", "failed", "raw", "sock")

    def __init__(self, sock) -> None:
        self.sock = sock  # gevent's cooperative socket: used to drain a backlog
        self.raw = sock._sock  # the non-blocking OS socket under it: used for direct writes
        self.backlog: deque[bytes | memoryview] | None = None
        self.backlog_bytes = 0
        self.failed = False
        # Every frame is a complete message: without TCP_NODELAY, Nagle's algorithm holds a small frame until
        # the client acknowledges the previous one, which a client's delayed ACK can put off for 40 ms.
        try:
            self.raw.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        except OSError:  # not TCP (a Unix socket behind a proxy)
            pass

    def write(self, data: bytes | bytearray) -> None:
        if self.failed:
            raise OSError("websocket write failed earlier")
        if self.backlog is not None:
            self.backlog.append(data)
            self.backlog_bytes += len(data)
            if self.backlog_bytes > MAX_BACKLOG_BYTES:
                log.warning("websocket client too slow (%d bytes queued): disconnecting", self.backlog_bytes)
                self._fail()
            return
        try:
            sent = self.raw.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            self._fail()
            raise
        if sent < len(data):
            rest = memoryview(data)[sent:]
            self.backlog = deque([rest])
            self.backlog_bytes = len(rest)
            spawn(self._drain)

    def _drain(self) -> None:
        backlog = self.backlog
        try:
            while backlog:
                chunk = backlog.popleft()
                self.sock.sendall(chunk)  # yields while the client's socket is full
                self.backlog_bytes -= len(chunk)
        except OSError:
            self._fail()
        finally:
            if self.backlog is backlog:
                self.backlog = None
                self.backlog_bytes = 0

    def _fail(self) -> None:
        """Drop what is queued and shut the socket down: the reader sees it, Engine.IO closes the session."""
        self.failed = True
        self.backlog = None
        self.backlog_bytes = 0
        try:
            self.raw.shutdown(_socket.SHUT_RDWR)
        except OSError:
            pass


def install() -> bool:
    """Patch Engine.IO's ``Socket`` (once per process) when gevent-websocket serves the websockets; where the
    installed libraries differ from what :data:`NEEDS` describes, leave Engine.IO's own writer in place."""
    global _installed
    if _installed:
        return True
    if not available(FEATURE, NEEDS):
        return False
    Socket = eio_socket.Socket
    original_send = Socket.send
    original_poll = Socket.poll
    original_handler = Socket._websocket_handler
    Socket._direct_writer = None
    writes = 0  # direct writes since this process last yielded

    def send(self, pkt):
        nonlocal writes
        writer = self._direct_writer
        if writer is None or not self.upgraded or self.upgrading or self.queue.qsize():
            return original_send(self, pkt)
        if not self.check_ping_timeout():
            return None
        try:
            writer.write(packet_frame(pkt))
        except OSError:
            pass  # the reader sees the dead socket and closes the session, as with engineio's own writer
        writes += 1
        if writes >= YIELD_EVERY:
            writes = 0
            sleep(0)
        return None

    def poll(self):
        # Engine.IO's websocket writer ends (and closes the websocket) when its queue stays empty for
        # ping_interval + ping_timeout, which used to be impossible (pings went through the queue). With direct
        # writes the queue is idle by design: keep waiting until the session ends (close() queues None).
        while True:
            try:
                return original_poll(self)
            except exceptions.QueueEmpty:
                if self._direct_writer is None or not self.upgraded or self.closed:
                    raise

    def _websocket_handler(self, ws):
        inner = getattr(ws, "_sock", None)  # engineio's gevent driver wraps the gevent-websocket WebSocket
        handler = getattr(inner, "handler", None)
        sock = getattr(handler, "socket", None)
        if sock is None or not hasattr(sock, "_sock"):
            return original_handler(self, ws)
        writer = DirectWriter(sock)
        inner.raw_write = writer.write  # every gevent-websocket frame of this client goes through the writer
        self._direct_writer = writer
        try:
            return original_handler(self, ws)
        finally:
            self._direct_writer = None

    Socket.send = send
    Socket.poll = poll
    Socket._websocket_handler = _websocket_handler
    _installed = True
    return True
