"""Names of Socket.IO rooms shared across namespaces (foundation: imports no capability package)."""

from __future__ import annotations


def user_room(user_id: int) -> str:
    """The room of one account's sockets: every socket of a logged-in user joins it, in every namespace."""
    return f"user:{user_id}"
