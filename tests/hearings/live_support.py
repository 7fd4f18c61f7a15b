"""Real Socket.IO clients against the live server, and direct access to its database for setup and checks.

``Mirror`` is a client that follows the protocol as the browser does (snapshot on join, events applied
in seq order, an out-of-order event held briefly, a gap that stays open triggers ``sync``), so tests can
compare what a client ends up with against the database.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import requests
import socketio

from portal.actors import SYSTEM

NS = "/hearings"
PASSWORD = "password123"
USER_AGENT = "portal-live-tests"
_apps: dict[str, object] = {}


def live_app(live_server):
    """A bare app bound to the live server's database (not create_app: that would rebind the global
    extensions, rate limiter included, under the rest of the suite)."""
    url = live_server.env["DATABASE_URL"]
    if url not in _apps:
        import importlib

        from flask import Flask

        from portal import CAPABILITIES
        from portal.config import _database_url
        from portal.extensions import db

        for name in CAPABILITIES:
            for module in ("models", "permissions"):  # services check permission rules, for SYSTEM too
                try:
                    importlib.import_module(f"portal.{name}.{module}")
                except ModuleNotFoundError:
                    pass
        app = Flask("live-helper")
        app.config.update(
            SQLALCHEMY_DATABASE_URI=_database_url(url),
            PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
            RATELIMIT_ENABLED=False,
        )
        db.init_app(app)
        _apps[url] = app
    return _apps[url]


@contextmanager
def live_db(live_server):
    from portal.extensions import db

    with live_app(live_server).app_context():
        try:
            yield db
        finally:
            db.session.remove()


def make_users(live_server, count: int, prefix: str = "voter") -> list[str]:
    from portal.accounts import services
    from portal.accounts.models import Role

    names = []
    with live_db(live_server):
        for _ in range(count):
            name = f"{prefix}{uuid.uuid4().hex[:8]}"
            services.create_user(
                SYSTEM,
                services.UserData(
                    username=name, display_name=f"测试{name[-4:]}", roles={Role.CITIZEN}, password=PASSWORD
                ),
            )
            names.append(name)
    return names


def make_hearing(live_server, premoderation: bool = False) -> int:
    from portal.extensions import db
    from portal.hearings import services
    from portal.hearings.models import HearingKind, HearingState
    from portal.times import utcnow

    with live_db(live_server):
        hearing = services.create_hearing(
            SYSTEM,
            services.HearingData(
                kind=HearingKind.DEFENSE,
                title=f"实时测试答辩{uuid.uuid4().hex[:6]}",
                starts_at=utcnow() - timedelta(minutes=5),
                premoderation=premoderation,
            ),
        )
        hearing.state = HearingState.LIVE
        db.session.commit()
        return hearing.id


def db_state(live_server, hearing_id: int) -> dict:
    """Public questions and their vote counts as the database has them."""
    import sqlalchemy as sa

    from portal.hearings.models import PUBLIC_STATES, Question, Vote

    with live_db(live_server) as db:
        rows = db.session.execute(
            sa.select(Question.id, Question.votes, Question.state).where(Question.hearing_id == hearing_id)
        ).all()
        counted = dict(
            db.session.execute(
                sa.select(Vote.question_id, sa.func.count())
                .join(Question, Question.id == Vote.question_id)
                .where(Question.hearing_id == hearing_id)
                .group_by(Vote.question_id)
            ).all()
        )
    public = {qid: votes for qid, votes, state in rows if state in PUBLIC_STATES}
    assert all(votes == counted.get(qid, 0) for qid, votes in public.items()), "vote column differs from vote rows"
    return public


def log_in(base_url: str, username: str, password: str = PASSWORD, verify: bool = True) -> str:
    """Log in through the real form (CSRF on) and return the Cookie header for sockets."""
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT  # Flask-Login's strong session protection binds the agent
    page = http.get(f"{base_url}/login", timeout=10, verify=verify).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = http.post(
        f"{base_url}/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers={"Referer": f"{base_url}/login"},  # as a browser sends it (over https Flask-WTF checks it)
        allow_redirects=False,
        timeout=10,
        verify=verify,
    )
    assert response.status_code == 302, response.text[:300]
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


class Mirror:
    """A protocol-following client holding the state a page would show."""

    def __init__(self, base_url: str, hearing_id: int, cookie: str | None = None, ssl_verify: bool = True):
        self.base_url, self.hearing_id, self.cookie = base_url, hearing_id, cookie
        self.sio = socketio.Client(reconnection=False, ssl_verify=ssl_verify)
        self.lock = threading.RLock()
        self.seq = -1
        self.questions: dict[int, dict] = {}
        self.now = None
        self.events: list[tuple[str, dict]] = []
        self.syncs = 0
        self.held: dict[int, tuple[str, dict]] = {}
        for name in ("question", "votes", "now", "hearing", "commitment", "presence", "mine", "moderation"):
            self.sio.on(name, self._handler(name), namespace=NS)

    def connect(self, origin: str | None = None, transports: list[str] | None = None) -> Mirror:
        headers = {"User-Agent": USER_AGENT}
        if self.cookie:
            headers["Cookie"] = self.cookie
        transports = transports or ["websocket"]
        if origin:
            # websocket-client sends an Origin of its own (the server's): named there, not as a second header
            self.sio.eio.websocket_extra_options = {"origin": origin}
            if "polling" in transports:  # the handshake, whose Origin the connect is judged by
                headers["Origin"] = origin
        self.sio.connect(self.base_url, headers=headers, namespaces=[NS], transports=transports, wait_timeout=10)
        self.apply_snapshot(self.call("join", {"hearing_id": self.hearing_id}))
        return self

    def call(self, event: str, data: dict) -> dict:
        return self.sio.call(event, data, namespace=NS, timeout=10)

    def disconnect(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def apply_snapshot(self, snapshot: dict) -> None:
        assert snapshot["ok"], snapshot
        with self.lock:
            self.seq = snapshot["seq"]
            self.questions = {q["id"]: q for q in snapshot["questions"]}
            self.now = snapshot["now"]["id"] if snapshot["now"] else None
            self._drain_held()

    HOLD_SECONDS = 0.3  # as the browser: an out-of-order event waits this long for the missing ones

    def _handler(self, name: str):
        def handle(data):
            with self.lock:
                self.events.append((name, data))
                if name in ("presence", "mine", "moderation") or data["hearing_id"] != self.hearing_id:
                    return
                if data["seq"] <= self.seq:
                    return
                self.held[data["seq"]] = (name, data)
                gap = self._drain_held()
            if gap:
                self.sio.start_background_task(self._sync_if_still_gapped, self.seq)

        return handle

    def _drain_held(self) -> bool:
        """Apply held events in seq order; True when a gap remains."""
        for seq in [s for s in self.held if s <= self.seq]:
            del self.held[seq]
        while self.seq + 1 in self.held:
            name, data = self.held.pop(self.seq + 1)
            self.seq = data["seq"]
            self._apply(name, data)
        return bool(self.held)

    def _apply(self, name: str, data: dict) -> None:
        if name == "question":
            q = data["question"]
            if q["visible"]:
                self.questions[q["id"]] = q
            else:
                self.questions.pop(q["id"], None)
        elif name == "votes":
            for qid, n in data["counts"].items():
                if int(qid) in self.questions:
                    self.questions[int(qid)]["votes"] = n
        elif name == "now":
            self.now = data["now"]["id"] if data["now"] else None

    def _sync_if_still_gapped(self, seq: int) -> None:
        time.sleep(self.HOLD_SECONDS)
        with self.lock:
            still = bool(self.held) and self.seq == seq
        if still:
            self.sync()

    def sync(self) -> None:
        self.syncs += 1
        try:
            snapshot = self.call("sync", {"hearing_id": self.hearing_id})
        except socketio.exceptions.SocketIOError:  # disconnected meanwhile: the next join resyncs
            return
        self.apply_snapshot(snapshot)

    def votes(self) -> dict[int, int]:
        with self.lock:
            return {qid: q["votes"] for qid, q in self.questions.items()}

    def received(self, name: str) -> list[dict]:
        with self.lock:
            return [data for event, data in self.events if event == name]


def wait_for(condition, timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
