"""Server-side login sessions: log-out, a password change and "sign out everywhere" end them for good.

Flask's session cookie and flask-login's remember-me cookie are signed but stateless: a copy kept from before a
log-out would stay valid for as long as it is signed. So every log-in creates a ``LoginSession`` row under a random
key (the table holds only its SHA-256); ``User.get_id`` writes "user id:key" into both cookies, and every request
loads the user through the row (``load``). Ending the row signs that browser out, wherever its cookies went:

* log-out ends the browser's own session (its remember-me cookie with it);
* a password change ends every other session of the account and gives this browser a new key, so that copies of
  its old cookies die too while it stays signed in;
* "sign out everywhere", an administrator setting a password, or deactivating the account, end them all.

Live sockets authenticate once, at connect; ``portal.accounts.sockets`` drops those whose session has ended.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts import sockets
from portal.accounts.models import LoginSession, User
from portal.extensions import db
from portal.times import utcnow


def lifetime() -> timedelta:
    """How long a session lives at most: the remember-me cookie's duration (flask-login's default: a year)."""
    value = current_app.config.get("REMEMBER_COOKIE_DURATION") or timedelta(days=365)
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def start(user: User, remember: bool = False) -> None:
    """A new session for ``user`` (committed); ``user.get_id()`` then names it for ``login_user``."""
    cutoff = utcnow() - lifetime()
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.created_at < cutoff))
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=LoginSession.digest(key), remember=remember))
    db.session.commit()
    user.session_key = key


def load(ident: str) -> User | None:
    """The active user whose live session ``ident`` ("user id:key", from a cookie) names, or None."""
    user_id, _, key = (ident or "").partition(":")
    if not user_id.isdigit() or not key:
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            LoginSession.key_hash == LoginSession.digest(key),
            LoginSession.created_at >= utcnow() - lifetime(),
        )
    )
    if user is None or not user.active:
        return None
    user.session_key = key
    return user


def _current(user: User):
    return LoginSession.key_hash == LoginSession.digest(user.session_key or "")


def end(user: User) -> None:
    """End the session ``user`` was loaded for (log-out), committed."""
    if user.session_key:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id, _current(user)))
        user.session_key = None
        _after_ending()
        db.session.commit()


def end_all(user: User) -> None:
    """End every session of ``user``, in the caller's transaction (the caller commits)."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    user.session_key = None
    _after_ending()


def renew(user: User) -> bool:
    """End every session of ``user`` but give the current browser a new one (after a password change), in the
    caller's transaction; returns whether the current session had remember-me, for ``login_user``."""
    remember = bool(
        user.session_key
        and db.session.scalar(sa.select(LoginSession.remember).where(LoginSession.user_id == user.id, _current(user)))
    )
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=LoginSession.digest(key), remember=remember))
    user.session_key = key
    _after_ending()
    return remember


def count(user: User) -> int:
    """How many browsers are signed in to this account."""
    cutoff = utcnow() - lifetime()
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.created_at >= cutoff)
    )


def _after_ending() -> None:
    sockets.sweep_after_commit()
