"""``python -m tests.support.serve_other_engineio``: ``portal.serve`` with an Engine.IO whose ``Socket.poll`` has
another signature than the pinned release's, as a future release might, so that the direct websocket writes
(portal/websocket_writes.py) must stay off and Engine.IO's own writer deliver every event."""

from gevent import monkey

monkey.patch_all()

import runpy  # noqa: E402

from engineio import socket  # noqa: E402

_poll = socket.Socket.poll


def poll(self, timeout=None):  # a parameter the pinned release does not have
    return _poll(self)


socket.Socket.poll = poll
runpy.run_module("portal.serve", run_name="__main__", alter_sys=True)
