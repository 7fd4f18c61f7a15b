"""Socket.IO namespace /notices: each logged-in user joins the room ``rooms.user_room(id)`` to get live notices."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import join_room

from portal.accounts import sockets
from portal.extensions import socketio
from portal.feedback.history import NAMESPACE
from portal.rooms import user_room


@socketio.on("connect", namespace=NAMESPACE)
def connect(auth=None):
    """Anonymous visitors get no notices: refuse the connection."""
    if not current_user.is_authenticated:
        return False
    join_room(user_room(current_user.id))
    sockets.track(NAMESPACE, request.sid, current_user._get_current_object())
    return True


@socketio.on("disconnect", namespace=NAMESPACE)
def disconnect(reason=None):
    sockets.forget(NAMESPACE, request.sid)
