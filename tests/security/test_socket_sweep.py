"""The socket bad-input sweep: a fixed set of hostile values sent to every field of every Socket.IO event (the
fields read from each handler's schema), as whole payloads and with fields left out, by a host (whose account
reaches the deepest code: moderation). Never a ``server_error`` ack, never a missing ack, and no traceback in the
server log afterwards. Threat: input that crashes a handler (a 500 in socket form), poisons a shared batch or a
database transaction, or fills the log with tracebacks that hide a real attack.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
import websocket

from tests.hearings.live_support import live_db, log_in, make_users
from tests.security.socket_support import Client, make_cast, make_hearing, make_question, outcome


def _nested(depth: int, leaf: Any = 1, kind: str = "list") -> Any:
    value = leaf
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


HOSTILE: list[Any] = [
    10**30,
    2**63,
    2**31,
    -1,
    0,
    -(2**63),
    1.5,
    1e308,
    float("inf"),
    float("nan"),
    True,
    None,
    "",
    " ",
    "\x00",
    "问题\x00内容",
    "\ud800",
    "a\udfffb",
    "x" * 100_000,
    "中" * 20_000,
    "12345678901234567890",
    "-1",
    "1e5",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    [],
    [1, 2],
    {},
    {"$gt": ""},
    _nested(200),
    _nested(200, kind="dict"),
]
# What a refused value may be answered with: anything but a server error (and a missing ack).
ALLOWED = {"ok", "invalid", "not_found", "conflict", "forbidden", "unauthorized", "rate_limited"}


def _valid(field: str, kind: str, ids: dict[str, int]) -> Any:
    if kind == "id":
        return {"question_id": ids["question"], "into": ids["into"], "poll_id": ids["poll"]}.get(field, ids["hearing"])
    if kind == "ids":
        return [ids["option"]]
    if kind == "token":
        return uuid.uuid4().hex
    if kind == "flag":
        return False
    if kind == "choice":
        return "edit"
    return f"扫描测试的正常内容 {uuid.uuid4().hex[:6]}"


def _payloads(schema: dict, ids: dict[str, int]):
    """(label, payload) for every hostile value in every field, every field left out, and hostile whole payloads."""

    def base() -> dict[str, Any]:
        return {name: _valid(name, field.kind, ids) for name, field in schema.items()}

    for name in schema:
        for i, value in enumerate(HOSTILE):
            yield f"{name}={i}", {**base(), name: value}
        payload = base()
        del payload[name]
        yield f"without {name}", payload
    for i, value in enumerate(HOSTILE):
        if not isinstance(value, dict):
            yield f"payload={i}", value
    yield "no payload", None


@pytest.fixture(scope="module")
def log_start(live_server):
    start = len(live_server.log())
    yield start
    tail = live_server.log()[start:]
    assert "Traceback" not in tail, tail[tail.index("Traceback") - 300 :][:3000]


def test_hostile_values_in_every_field_of_every_event_never_get_a_server_error(app, live_server, log_start):
    from portal.hearings.events import HearingsNamespace

    names, _, _ = make_cast(live_server)
    hearing_id = make_hearing(live_server, premoderation=False)
    ids = {
        "hearing": hearing_id,
        "question": make_question(live_server, hearing_id),
        "into": make_question(live_server, hearing_id),
    }
    with live_db(live_server) as db:
        from portal.actors import SYSTEM
        from portal.hearings import polls

        poll = polls.create_poll(
            SYSTEM, db.session.get(polls.Hearing, hearing_id), "扫描测试表决", "甲\n乙", open_now=True
        )
        ids.update(poll=poll.id, option=poll.options[0].id)
    host = Client(live_server, log_in(live_server.url, names["host"])).connect()
    events = {name[3:]: getattr(HearingsNamespace, name) for name in dir(HearingsNamespace) if name.startswith("on_")}
    events = {name: handler.schema for name, handler in events.items() if hasattr(handler, "schema")}
    assert set(events) == {
        *("join", "leave", "sync", "ask", "vote", "unvote", "moderate"),
        *("poll_sync", "poll_answer", "poll_create", "poll_action"),
    }
    seen: dict[str, int] = {}
    wrong: list[tuple[str, str, str]] = []
    sent = 0
    try:
        for event, schema in sorted(events.items()):
            for label, payload in _payloads(schema, ids):
                try:
                    got = outcome(host.call(event, payload))
                except Exception as error:  # a missing ack (timeout) or a dropped connection
                    got = f"no ack: {type(error).__name__}"
                    host.disconnect()
                    host = Client(live_server, host.cookie).connect()
                sent += 1
                seen[got] = seen.get(got, 0) + 1
                if got not in ALLOWED:
                    wrong.append((event, label, got))
    finally:
        host.disconnect()
    assert not wrong, wrong[:20]
    assert seen.get("invalid", 0) > sent / 2, seen  # most hostile values are refused at the edge
    assert sent > 800


def test_hostile_connection_data_and_frames_are_refused_cleanly(live_server, log_start):
    (name,) = make_users(live_server, 1, prefix="sweep")
    cookie = log_in(live_server.url, name)
    for namespace in ("/hearings", "/notices"):
        for auth in ({"token": "\x00"}, {"n": 10**30}, {"s": "\ud800"}, {"deep": _nested(200)}):
            assert Client(live_server, cookie, namespace).try_connect(auth=auth) == "ok", (namespace, auth)
    # A websocket text frame that is not UTF-8: the websocket closes (1007), nothing else happens.
    client = Client(live_server, cookie).connect()
    closed = threading.Event()
    client.sio.on("disconnect", closed.set, namespace="/hearings")
    client.sio.eio.ws.send(b'42/hearings,["join",{"hearing_id":"\xff\xfe"}]', opcode=websocket.ABNF.OPCODE_TEXT)
    assert closed.wait(10)
    time.sleep(0.2)
    client.disconnect()
