"""Accounts of every role, hearings and questions on the live server, and Socket.IO clients that call events
and report the outcome, for the socket tests that attack (tests/security/test_socket_*.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import socketio

from tests.hearings.live_support import USER_AGENT, live_db, log_in

# Every role the matrix probes: anonymous (no account), each account role, an official of the hearing's
# department and one of another department, and a member of the hearing's panel.
ROLES = (
    "anonymous",
    "citizen",
    "entrepreneur",
    "unit",
    "official_right",
    "official_other",
    "dispatcher",
    "moderator",
    "host",
    "panel_member",
    "editor",
    "admin",
)
NAMESPACES = ("/hearings", "/notices")


def registered_events() -> dict[str, set[str]]:
    """Every (namespace → events) the Socket.IO server handles, read from its registered handlers: function
    handlers (``@socketio.on``) and the ``on_<event>`` methods of namespace classes. ``disconnect`` is the
    server's own, never a client's event."""
    from portal.extensions import socketio as server

    found: dict[str, set[str]] = {}
    for namespace, handlers in server.server.handlers.items():
        found.setdefault(namespace, set()).update(handlers)
    for namespace, handler in server.server.namespace_handlers.items():
        found.setdefault(namespace, set()).update(
            name[3:] for name in dir(type(handler)) if name.startswith("on_") and callable(getattr(handler, name))
        )
    return {ns: events - {"disconnect"} for ns, events in found.items()}


def make_cast(live_server) -> tuple[dict[str, str], int, int]:
    """One fresh account per role (role → username), the panel member's user id and the hearing's department."""
    from portal.accounts.models import Role
    from tests.support.factories import Factory

    tag = uuid.uuid4().hex[:6]
    with live_db(live_server):
        f = Factory()
        right, other = f.department(f"安全测试部门甲{tag}"), f.department(f"安全测试部门乙{tag}")
        spec = {
            "citizen": (Role.CITIZEN, None),
            "entrepreneur": (Role.ENTREPRENEUR, None),
            "unit": (Role.UNIT, right),
            "official_right": (Role.OFFICIAL, right),
            "official_other": (Role.OFFICIAL, other),
            "dispatcher": (Role.DISPATCHER, None),
            "moderator": (Role.MODERATOR, None),
            "host": (Role.HOST, None),
            "panel_member": (Role.OFFICIAL, right),
            "editor": (Role.EDITOR, None),
            "admin": (Role.ADMIN, None),
        }
        users = {
            role: f.user(r, username=f"sec{role.replace('_', '')}{tag}", department=dept)
            for role, (r, dept) in spec.items()
        }
        return {role: u.username for role, u in users.items()}, users["panel_member"].id, right.id


def make_hearing(
    live_server, *, state: str = "live", premoderation: bool = True, panel_user: int | None = None, department=None
) -> int:
    from portal.actors import SYSTEM
    from portal.extensions import db
    from portal.hearings import services
    from portal.hearings.models import HearingKind, HearingState, PanelMember
    from portal.times import utcnow

    with live_db(live_server):
        hearing = services.create_hearing(
            SYSTEM,
            services.HearingData(
                kind=HearingKind.DEFENSE,
                title=f"安全测试答辩{uuid.uuid4().hex[:6]}",
                starts_at=utcnow() - timedelta(minutes=5),
                premoderation=premoderation,
            ),
        )
        hearing.state = HearingState(state)
        if panel_user is not None:
            db.session.add(
                PanelMember(
                    hearing_id=hearing.id, user_id=panel_user, name="答辩团成员", title="局长", department_id=department
                )
            )
        db.session.commit()
        return hearing.id


def set_hearing_state(live_server, hearing_id: int, state: str) -> None:
    from portal.hearings.models import Hearing, HearingState
    from portal.times import utcnow

    with live_db(live_server) as db:
        hearing = db.session.get(Hearing, hearing_id)
        hearing.state = HearingState(state)
        if state in ("closed", "archived"):
            hearing.closed_at = hearing.closed_at or utcnow()
        db.session.commit()


def make_question(
    live_server,
    hearing_id: int,
    state: str = "approved",
    votes: int = 0,
    text: str = "",
    author: str | None = None,
    answerer: int | None = None,
) -> int:
    """A question row in ``state`` (written directly: the matrix needs many, in every state), by the first account
    or the one named ``author``, taken by the panel member ``answerer``."""
    import sqlalchemy as sa

    from portal.accounts.models import User
    from portal.hearings.models import Question, QuestionState, RaiserKind
    from portal.times import utcnow

    with live_db(live_server) as db:
        by_name = sa.select(User.id).where(User.username == author)
        author = db.session.scalar(by_name if author else sa.select(User.id).order_by(User.id).limit(1))
        q = Question(
            hearing_id=hearing_id,
            author_id=author,
            client_id=uuid.uuid4().hex,
            text=text or f"请问这项工作何时完成？{uuid.uuid4().hex[:4]}",
            asker_kind=RaiserKind.CITIZEN,
            asker_name="测试提问人",
            state=QuestionState(state),
            votes=votes,
            answerer_id=answerer,
            published_at=utcnow() if state != "pending" else None,
        )
        db.session.add(q)
        db.session.commit()
        return q.id


def question_row(live_server, question_id: int) -> dict[str, Any]:
    from portal.hearings.models import Question

    with live_db(live_server) as db:
        q = db.session.get(Question, question_id)
        return {"state": q.state.value, "text": q.text, "votes": q.votes}


class Client:
    """A python-socketio client of one role (cookie or none), connected to one namespace."""

    def __init__(self, live_server, cookie: str | None, namespace: str = "/hearings", transport: str = "websocket"):
        self.url, self.cookie, self.namespace, self.transport = live_server.url, cookie, namespace, transport
        self.sio = socketio.Client(reconnection=False)
        if transport == "polling":
            # A polling client's orderly disconnect waits for its pending long poll (up to the server's ping
            # interval, 25 s), also when a namespace refuses it: the tests drop the transport at once instead.
            eio_disconnect = self.sio.eio.disconnect
            self.sio.eio.disconnect = lambda abort=False, reason=None: eio_disconnect(abort=True, reason=reason)

    def connect(self, origin: str | None = None, auth: Any = None) -> Client:
        headers = {"User-Agent": USER_AGENT}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.transport == "websocket":
            # websocket-client sends an Origin of its own (the server's): name ours there, or send none
            self.sio.eio.websocket_extra_options = {"origin": origin} if origin else {"suppress_origin": True}
        elif origin:
            headers["Origin"] = origin
        self.sio.connect(
            self.url,
            headers=headers,
            auth=auth,
            namespaces=[self.namespace],
            transports=[self.transport],
            wait_timeout=10,
        )
        return self

    def try_connect(self, origin: str | None = None, auth: Any = None) -> str:
        """ "ok" when the namespace accepted the connection, "refused" otherwise (then disconnected again)."""
        try:
            self.connect(origin, auth)
        except socketio.exceptions.ConnectionError:
            self.disconnect()
            return "refused"
        try:
            return "ok" if self.namespace in self.sio.namespaces else "refused"
        finally:
            self.disconnect()

    def call(self, event: str, data: Any = None, timeout: float = 15) -> Any:
        return self.sio.call(event, data, namespace=self.namespace, timeout=timeout)

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
        elif self.sio.eio.state == "connected":
            self.sio.eio.disconnect(abort=True)


def outcome(ack: Any) -> str:
    """An ack as one word: "ok", or the error code (unauthorized, forbidden, conflict, invalid, …)."""
    if isinstance(ack, dict) and ack.get("ok") is True:
        return "ok"
    if isinstance(ack, dict) and isinstance(ack.get("error"), dict):
        return str(ack["error"].get("code"))
    return f"unexpected:{ack!r}"[:120]


def cookies_for(live_server, names: dict[str, str]) -> dict[str, str | None]:
    cookies: dict[str, str | None] = {"anonymous": None}
    cookies.update({role: log_in(live_server.url, name) for role, name in names.items()})
    return cookies
