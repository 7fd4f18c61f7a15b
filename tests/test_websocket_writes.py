"""Direct websocket writes (portal/websocket_writes.py) on real gevent sockets: order, slow clients, limits."""

from __future__ import annotations

import gevent
import pytest
from gevent import socket as gsocket

from portal import websocket_writes
from portal.websocket_writes import DirectWriter, packet_frame


def _pair():
    a, b = gsocket.socketpair()
    a.setsockopt(gsocket.SOL_SOCKET, gsocket.SO_SNDBUF, 4096)
    b.setsockopt(gsocket.SOL_SOCKET, gsocket.SO_RCVBUF, 4096)
    return a, b


def _read_exactly(sock, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(65536, size - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def test_frames_to_a_client_that_does_not_read_are_kept_in_order_and_written_later():
    a, b = _pair()
    writer = DirectWriter(a)
    frames = [(f"{i:05d}" * 300).encode() for i in range(200)]  # 1.5 KB each, far more than the buffers
    for frame in frames:
        writer.write(frame)  # never blocks, although nobody reads yet
    assert writer.backlog is not None and writer.backlog_bytes > 0
    received = gevent.spawn(_read_exactly, b, sum(map(len, frames))).get(timeout=10)
    assert received == b"".join(frames)
    gevent.sleep(0)
    assert writer.backlog is None and writer.backlog_bytes == 0
    writer.write(b"after")  # back on the direct path once drained
    assert writer.backlog is None
    assert _read_exactly(b, 5) == b"after"


def test_a_client_that_falls_too_far_behind_is_cut_off(monkeypatch):
    monkeypatch.setattr(websocket_writes, "MAX_BACKLOG_BYTES", 64 * 1024)
    a, b = _pair()
    writer = DirectWriter(a)
    for _ in range(200):
        writer.write(b"x" * 1024)
        if writer.failed:
            break
    assert writer.failed
    with pytest.raises(OSError):
        writer.write(b"more")
    # The peer sees the connection end instead of a stream with a hole in it.
    received = _read_exactly(b, 10**7)
    assert len(received) < 200 * 1024


def test_a_broadcast_packet_is_framed_once_as_gevent_websocket_would():
    from engineio import packet

    pkt = packet.Packet(packet.MESSAGE, '2/hearings,["question",{"seq":7,"text":"问"}]')
    frame = packet_frame(pkt)
    payload = ('42/hearings,["question",{"seq":7,"text":"问"}]').encode()
    assert frame[0] == 0x81  # FIN + text
    assert frame[1] == len(payload) and frame[2:] == payload
    assert packet_frame(pkt) is frame  # shared by every recipient
    long = packet.Packet(packet.MESSAGE, "x" * 70000)
    framed = packet_frame(long)
    assert framed[1] == 127 and int.from_bytes(framed[2:10], "big") == 70001


def test_frames_leave_at_once_without_waiting_for_acknowledgements():
    import socket

    server = gsocket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = gsocket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    DirectWriter(accepted)
    assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    for sock in (client, accepted, server):
        sock.close()
