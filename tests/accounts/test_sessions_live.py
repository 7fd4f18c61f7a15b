"""Against the real gevent server: a live queue socket of an ended session is dropped and cannot act again."""

from __future__ import annotations

import re

import requests

from tests.hearings.live_support import USER_AGENT, Mirror, log_in, make_hearing, make_users, wait_for
from tests.support.factories import PASSWORD


def _browser(base_url: str, username: str) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', http.get(f"{base_url}/login", timeout=10).text)[1]
    response = http.post(
        f"{base_url}/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    return http


def test_sign_out_everywhere_drops_the_live_socket_and_a_reconnect_cannot_ask(live_server):
    hearing_id = make_hearing(live_server)
    (name,) = make_users(live_server, 1, prefix="revoked")
    cookie = log_in(live_server.url, name)
    socket = Mirror(live_server.url, hearing_id, cookie).connect()
    try:
        ack = socket.call("ask", {"hearing_id": hearing_id, "text": "退出前提出的问题", "client_id": "r1"})
        assert ack["ok"], ack
        other = _browser(live_server.url, name)
        account = other.get(f"{live_server.url}/account", timeout=10).text
        token = re.search(
            r'id="sign-out-everywhere">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', account
        )
        response = other.post(
            f"{live_server.url}/account/sign-out-everywhere",
            data={"csrf_token": token[1]},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302
        assert wait_for(lambda: not socket.sio.connected, 5), "the socket of the ended session is still connected"
        again = Mirror(live_server.url, hearing_id, cookie).connect()  # watching needs no account
        try:
            ack = again.call("ask", {"hearing_id": hearing_id, "text": "退出后再提的问题", "client_id": "r2"})
            assert not ack["ok"] and ack["error"]["code"] == "unauthorized", ack
        finally:
            again.disconnect()
    finally:
        socket.disconnect()
