"""Signed-in Socket.IO connections end with their login session.

A socket authenticates once, when it connects, from the session cookie (``portal.accounts.sessions.load``): a
socket of a session that has ended cannot reconnect as that account. One already connected keeps its account
for its whole life, so every process remembers the session of each of its signed-in sockets and disconnects
those whose session is gone: at once in the process that ended it (after the commit), and within
``CHECK_SECONDS`` in every other process (one query for all of a process's signed-in sockets).
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from flask import Flask, current_app

from portal.accounts.models import LoginSession, User
from portal.aftercommit import after_commit
from portal.errors import is_unavailable
from portal.extensions import db, socketio

log = logging.getLogger(__name__)

CHECK_SECONDS = 5.0

_lock = threading.Lock()
_tracked: dict[tuple[str, str], str] = {}  # (namespace, sid) -> the session's key hash
_checker_started = False


def track(namespace: str, sid: str, user: User | None) -> None:
    """Remember the login session of a socket that has just connected as ``user``."""
    key = getattr(user, "session_key", None)
    if not key:
        return
    with _lock:
        _tracked[(namespace, sid)] = LoginSession.digest(key)
    _ensure_checker(current_app._get_current_object())


def forget(namespace: str, sid: str) -> None:
    with _lock:
        _tracked.pop((namespace, sid), None)


def session_alive(namespace: str, sid: str) -> bool:
    """Whether the socket's login session still exists (for privileged events; True for anonymous sockets)."""
    with _lock:
        key_hash = _tracked.get((namespace, sid))
    if key_hash is None:
        return True
    return db.session.scalar(sa.select(LoginSession.id).where(LoginSession.key_hash == key_hash)) is not None


def sweep() -> int:
    """Disconnect this process's sockets whose login session has ended; how many."""
    with _lock:
        tracked = dict(_tracked)
    if not tracked:
        return 0
    hashes = sorted(set(tracked.values()))
    alive: set[str] = set()
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        alive.update(db.session.scalars(sa.select(LoginSession.key_hash).where(LoginSession.key_hash.in_(chunk))))
    dead = [socket for socket, key_hash in tracked.items() if key_hash not in alive]
    for namespace, sid in dead:
        forget(namespace, sid)
        try:
            socketio.server.disconnect(sid, namespace=namespace)
        except Exception:  # the socket went away by itself meanwhile
            log.debug("socket %s %s already gone", namespace, sid, exc_info=True)
    return len(dead)


def sweep_after_commit() -> None:
    """Disconnect the sockets of the sessions the current transaction ends, once it commits."""
    after_commit(sweep)


def _ensure_checker(app: Flask) -> None:
    global _checker_started
    with _lock:
        if _checker_started:
            return
        _checker_started = True
    socketio.start_background_task(_check_loop, app)


def _check_loop(app: Flask) -> None:
    while True:
        socketio.sleep(CHECK_SECONDS)
        with app.app_context():
            try:
                sweep()
            except Exception as error:
                if is_unavailable(error):  # PostgreSQL restarting: the next check catches up
                    log.warning("checking the sessions of live sockets: database unavailable: %s", error)
                else:
                    log.exception("checking the sessions of live sockets failed")
                db.session.rollback()
            finally:
                db.session.remove()
