"""Socket.IO namespace ``/hearings``: thin handlers that parse, call one service and ack.

Client → server: join, leave, ask, vote, unvote, sync, moderate (every row of the question table: moderators',
hosts', the panel's take and answer, the asker's revise and withdraw). Server → client: question, votes,
now, hearing, presence (public room), moderation (moderators), mine (the asker). See docs/API.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace

from portal.accounts import sockets
from portal.accounts.models import User
from portal.accounts.permissions import can
from portal.errors import DomainError, Invalid, Unavailable, ack_error, is_unavailable
from portal.extensions import db
from portal.hearings import live, payloads, questions, services
from portal.rooms import user_room
from portal.sockets import Choice, Field, Flag, Id, Text, Token, parse

log = logging.getLogger(__name__)


# The account behind each socket, loaded once at connect (the session cookie cannot change during a
# socket's life): asking and voting, the hot path, would otherwise load the user and roles again. Detached
# from the session with what the services read (roles, department, enterprise) already loaded. Privileged
# events (moderation, entering the moderators' room) read the account again (``_account_now``).
_socket_users: dict[str, User] = {}


def _remember_user() -> None:
    if not current_user.is_authenticated:
        return
    user = current_user._get_current_object()
    _ = (user.roles, user.department, user.enterprise)
    db.session.expunge(user)
    _socket_users[request.sid] = user
    sockets.track(live.NAMESPACE, request.sid, user)


def _user(sid: str) -> User | None:
    return _socket_users.get(sid)


def _account_now(sid: str) -> User | None:
    """The socket's account as the database has it now, for privileged events: a role taken away (or an
    account deactivated, its session ended) after the socket connected no longer counts. None when there is no
    account."""
    remembered = _socket_users.get(sid)
    if remembered is None or not sockets.session_alive(live.NAMESPACE, sid):
        return None
    user = db.session.get(User, remembered.id)
    return user if user is not None and user.active else None


def _handler(**schema: Field) -> Callable[..., Callable[..., dict[str, Any]]]:
    """Check the payload against ``schema`` (portal.sockets) and call the handler with the checked values; turn
    domain errors into ``{ok: false, error}`` acks; never leak a traceback to a client. The schema stays on the
    handler (``.schema``): the tests send hostile values to every field it names."""

    def decorate(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @wraps(fn)
        def wrapper(self, sid, data=None):
            try:
                return fn(self, sid, parse(data, schema))
            except DomainError as error:
                db.session.rollback()
                return ack_error(error)
            except Exception as error:
                db.session.rollback()
                if is_unavailable(error):  # the database or Redis is restarting: the client retries the request
                    log.warning("socket handler %s: database or Redis unavailable: %s", fn.__name__, error)
                    return ack_error(Unavailable())
                log.exception("socket handler %s failed", fn.__name__)
                return {"ok": False, "error": {"code": "server_error", "message": "系统繁忙，请稍后重试"}}

        wrapper.schema = schema
        return wrapper

    return decorate


def _release_session() -> None:
    """Give the event's connection back before its ack is sent: a connection the database dropped meanwhile
    fails its rollback, and that failure, raised from the context's teardown, would swallow the ack."""
    try:
        db.session.remove()
    except Exception as error:
        log.warning("releasing a socket event's database session failed: %s", error)


HEARING = {"hearing_id": Id()}
MODERATION_ACTIONS = frozenset({*(t.action for t in questions.QUESTIONS), "answered_next"})


class HearingsNamespace(Namespace):
    """Handlers after ``connect`` take the socket id and run in an application context only.

    Flask-SocketIO would build a full request context for every event: decode and untag the
    session cookie and bind the URL map, about a fifth of the server's CPU under a live hearing's
    votes (py-spy, bench/fanout). Nothing after connect needs them: the account is remembered per
    socket at connect, and rooms are entered through the Socket.IO server with the socket id.
    """

    def trigger_event(self, event, *args):
        if event == "connect":  # the HTTP request decides: session cookie, account (origin: portal.sockets)
            return super().trigger_event(event, *args)
        handler = getattr(self, f"on_{event}", None)
        if handler is None:
            return None
        environ = self.socketio.server.get_environ(args[0], namespace=self.namespace) or {}
        app = environ.get("flask.app")
        if app is None:  # the socket is already gone
            return handler(*args) if event == "disconnect" else None
        with app.app_context():
            try:
                return handler(*args)
            finally:
                _release_session()

    def _enter(self, sid: str, room: str) -> None:
        self.socketio.server.enter_room(sid, room, namespace=self.namespace)

    def _leave(self, sid: str, room: str) -> None:
        self.socketio.server.leave_room(sid, room, namespace=self.namespace)

    def on_connect(self, auth=None):
        """Watching needs no account (other origins were refused before: portal.sockets.origin_check)."""
        live.ensure_flusher(current_app._get_current_object())
        try:
            _remember_user()
        except Exception as error:
            if not is_unavailable(error):
                raise
            db.session.rollback()
            log.warning("socket connect: database unavailable: %s", error)
            raise ConnectionRefusedError("服务暂时不可用，请稍后重试") from None

    def on_disconnect(self, sid, reason=None):
        live.presence.leave_all(sid)
        _socket_users.pop(sid, None)
        sockets.forget(live.NAMESPACE, sid)

    @_handler(**HEARING)
    def on_join(self, sid, data):
        hearing = services.get_hearing(data["hearing_id"])
        user = _user(sid)
        self._enter(sid, live.public_room(hearing.id))
        if user is not None:
            self._enter(sid, user_room(user.id))
            if can(_account_now(sid), "hearings.moderate", hearing):
                self._enter(sid, live.moderators_room(hearing.id))
        live.presence.join(hearing.id, sid)
        return services.snapshot(hearing, user)

    @_handler(**HEARING)
    def on_leave(self, sid, data):
        hearing_id = data["hearing_id"]
        self._leave(sid, live.public_room(hearing_id))
        self._leave(sid, live.moderators_room(hearing_id))
        live.presence.leave(hearing_id, sid)
        return {"ok": True}

    @_handler(**HEARING)
    def on_sync(self, sid, data):
        return services.snapshot(services.get_hearing(data["hearing_id"]), _user(sid))

    @_handler(hearing_id=Id(), text=Text(), client_id=Token(), anonymous=Flag())
    def on_ask(self, sid, data):
        hearing = services.get_hearing(data["hearing_id"])
        result = questions.ask(_user(sid), hearing, data["text"], data["client_id"], data["anonymous"])
        return {
            "ok": True,
            "created": result.created,
            "question": result.mine,
            "public": result.public,
            "reason": result.mine.get("held_reason", ""),
        }

    @_handler(question_id=Id(), client_id=Token())
    def on_vote(self, sid, data):
        question_id = questions.queue_vote(_user(sid), data["question_id"], data["client_id"])
        return {"ok": True, "question_id": question_id, "voted": True}

    @_handler(question_id=Id(), client_id=Token())
    def on_unvote(self, sid, data):
        question_id = questions.queue_vote(_user(sid), data["question_id"], data["client_id"], add=False)
        return {"ok": True, "question_id": question_id, "voted": False}

    @_handler(
        action=Choice(MODERATION_ACTIONS),
        question_id=Id(required=False),
        hearing_id=Id(required=False),
        into=Id(required=False),
        member=Id(required=False),
        reason=Text(1000),
        text=Text(),
        summary=Text(2000),
    )
    def on_moderate(self, sid, data):
        action = data["action"]
        if action == "answered_next":
            if data["hearing_id"] is None:
                raise Invalid("缺少 hearing_id", field="hearing_id")
            hearing = services.get_hearing(data["hearing_id"])
            q = questions.answered_next(_account_now(sid), hearing, data["summary"])
            return {"ok": True, "now": q.id if q else None}
        if data["question_id"] is None:
            raise Invalid("缺少 question_id", field="question_id")
        params = {k: data[k] for k in ("reason", "text", "into", "summary", "member")}
        q = questions.moderate(_account_now(sid), data["question_id"], action, **params)
        return {"ok": True, "question": payloads.moderation(q)}


# Live polls (现场表决) answer on this namespace too (portal.hearings.poll_events).
from portal.hearings import poll_events  # noqa: E402

poll_events.install(HearingsNamespace)
