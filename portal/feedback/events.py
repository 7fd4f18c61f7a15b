"""Socket.IO namespace /notices: each logged-in user joins the room ``user:<id>`` to get live notices."""

from __future__ import annotations

from flask_login import current_user
from flask_socketio import join_room

from portal.extensions import socketio
from portal.feedback.history import NAMESPACE


@socketio.on("connect", namespace=NAMESPACE)
def connect(auth=None):
    """Anonymous visitors get no notices: refuse the connection."""
    if not current_user.is_authenticated:
        return False
    join_room(f"user:{current_user.id}")
    return True
