"""What an attacker found on the sockets (issue 15), kept found: each test failed before its fix.

One live server for the whole suite (the session's), real python-socketio clients; the server log of this module
is checked for tracebacks at the end.
"""

from __future__ import annotations

import re
import threading
import time
import uuid

import pytest
import requests

from tests.hearings.live_support import USER_AGENT, db_state, log_in, make_users
from tests.security.socket_support import (
    NAMESPACES,
    Client,
    make_cast,
    make_hearing,
    make_question,
    outcome,
    question_row,
    set_hearing_state,
)


@pytest.fixture(scope="module")
def log_start(live_server):
    start = len(live_server.log())
    yield start
    tail = live_server.log()[start:]
    assert "Traceback" not in tail, tail[tail.index("Traceback") - 300 :][:3000]


# -- finding 1: one bad vote failed every vote of its 50 ms batch -------------------------------------------------


def test_a_bad_vote_in_the_batch_window_fails_only_itself(live_server, log_start):
    hearing_id = make_hearing(live_server, premoderation=False)
    voted = make_question(live_server, hearing_id)
    withdrawn = make_question(live_server, hearing_id)
    names = make_users(live_server, 13, prefix="batchvoter")
    clients = [Client(live_server, log_in(live_server.url, name)).connect() for name in names]
    attacker, voters, withdrawers = clients[0], clients[1:9], clients[9:]
    try:
        for client in withdrawers:  # votes they will withdraw inside the attack window
            assert outcome(client.call("vote", {"question_id": withdrawn, "client_id": uuid.uuid4().hex})) == "ok"
        start, acks, bad_acks = threading.Barrier(len(clients)), [], []

        def attack():
            start.wait()
            # A bad id every 10 ms for half a second: every 50 ms batch of that time holds one (as an account at
            # its normal rate limit did). Emitted without waiting, as fast as a script sends.
            for i in range(50):
                bad = (10**30, 2**31, 2**63, -(2**63))[i % 4]
                attacker.sio.emit(
                    "vote",
                    {"question_id": bad, "client_id": uuid.uuid4().hex},
                    namespace="/hearings",
                    callback=bad_acks.append,
                )
                time.sleep(0.01)

        def vote(client, event, qid, delay):
            start.wait()
            time.sleep(delay)
            acks.append((event, client.call(event, {"question_id": qid, "client_id": uuid.uuid4().hex})))

        threads = [threading.Thread(target=attack)]
        threads += [threading.Thread(target=vote, args=(c, "vote", voted, 0.05 * i)) for i, c in enumerate(voters)]
        threads += [
            threading.Thread(target=vote, args=(c, "unvote", withdrawn, 0.05 * i + 0.02))
            for i, c in enumerate(withdrawers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert [outcome(ack) for _, ack in acks] == ["ok"] * (len(voters) + len(withdrawers)), acks
        assert db_state(live_server, hearing_id) == {voted: len(voters), withdrawn: 0}
        time.sleep(0.3)
        assert bad_acks and {outcome(ack) for ack in bad_acks} == {"invalid"}, bad_acks
    finally:
        for client in clients:
            client.disconnect()


# -- finding 2: /notices accepted any Origin ---------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_foreign_origin_is_refused_on_every_namespace_and_the_own_origin_accepted(live_server, transport, log_start):
    (name,) = make_users(live_server, 1, prefix="origin")
    cookie = log_in(live_server.url, name)
    foreign = [
        f"http://127.0.0.1:{live_server.port + 1}",  # another port of the same host: the finding
        f"http://localhost:{live_server.port}",
        "https://evil.example",
        "null",
    ]
    for namespace in NAMESPACES:
        for origin in foreign:
            got = Client(live_server, cookie, namespace, transport).try_connect(origin)
            assert got == "refused", (namespace, origin)
        assert Client(live_server, cookie, namespace, transport).try_connect(live_server.url) == "ok", namespace
        assert Client(live_server, cookie, namespace, transport).try_connect() == "ok", namespace  # not a browser


# -- finding 7: the record of a closed hearing could be changed ---------------------------------------------------


def test_closed_and_archived_hearings_refuse_moderation_and_keep_the_transcript(live_server, log_start):
    names, _, _ = make_cast(live_server)
    hearing_id = make_hearing(live_server, premoderation=False)
    shown = make_question(live_server, hearing_id, "approved", votes=1, text="公开记录里的问题，结束后不能隐藏")
    pending = make_question(live_server, hearing_id, "pending")
    moderator = Client(live_server, log_in(live_server.url, names["moderator"])).connect()
    host_cookie = log_in(live_server.url, names["host"])
    host = Client(live_server, host_cookie).connect()
    http = requests.Session()
    http.headers.update({"User-Agent": USER_AGENT, "Cookie": host_cookie})
    try:
        set_hearing_state(live_server, hearing_id, "closed")
        for client, payload, message in [
            (moderator, {"action": "hide", "question_id": shown, "reason": "事后隐藏"}, "答辩已结束"),
            (host, {"action": "hide", "question_id": shown, "reason": "事后隐藏"}, "答辩已结束"),
            (moderator, {"action": "edit", "question_id": shown, "text": "事后修改的问题内容"}, "答辩已结束"),
            (moderator, {"action": "approve", "question_id": pending}, "答辩已结束"),
            (moderator, {"action": "reject", "question_id": pending, "reason": "事后驳回"}, "答辩已结束"),
        ]:
            ack = client.call("moderate", payload)
            assert outcome(ack) == "conflict" and message in ack["error"]["message"], (payload, ack)
        console = http.get(f"{live_server.url}/hearings/{hearing_id}/host", timeout=10)
        assert console.status_code == 200 and "data-actions='{}'" in console.text
        set_hearing_state(live_server, hearing_id, "archived")
        ack = host.call("moderate", {"action": "hide", "question_id": shown, "reason": "归档后隐藏"})
        assert outcome(ack) == "conflict" and "答辩已归档" in ack["error"]["message"], ack
        assert question_row(live_server, shown) == {
            "state": "approved",
            "text": "公开记录里的问题，结束后不能隐藏",
            "votes": 1,
        }
        transcript = http.get(f"{live_server.url}/hearings/{hearing_id}/transcript.json", timeout=10).json()
        row = next(q for q in transcript["questions"] if q["id"] == shown)
        assert row["text"] == "公开记录里的问题，结束后不能隐藏" and row["state"] == "approved"
    finally:
        moderator.disconnect()
        host.disconnect()


# -- finding 12: long-polling headers, messages over 1 MB, deeply nested JSON ---------------------------------------


def test_long_polling_responses_carry_the_security_headers(live_server, log_start):
    response = requests.get(f"{live_server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert response.status_code == 200
    sid = re.search(r'"sid":"([^"]+)"', response.text).group(1)
    posted = requests.post(
        f"{live_server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", data="40/hearings,", timeout=10
    )
    for r in (response, posted):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_message_over_one_megabyte_gets_an_error_ack_and_the_socket_stays(live_server, transport, log_start):
    hearing_id = make_hearing(live_server)
    (name,) = make_users(live_server, 1, prefix="big")
    client = Client(live_server, log_in(live_server.url, name), transport=transport).connect()
    try:
        ack = client.call("ask", {"hearing_id": hearing_id, "text": "x" * 1_100_000, "client_id": "big"})
        assert outcome(ack) == "too_large" and "1 MB" in ack["error"]["message"], ack
        assert outcome(client.call("sync", {"hearing_id": hearing_id})) == "ok"  # still connected
    finally:
        client.disconnect()


def _raw_call(client: Client, body: str, timeout: float = 10) -> object:
    """Send ``body`` as the JSON of an event packet with an ack id, as a hand-written client would."""
    done, answer = threading.Event(), []
    ack_id = client.sio._generate_ack_id(client.namespace, lambda *args: (answer.extend(args), done.set()))
    client.sio.eio.send(f"2{client.namespace},{ack_id}{body}")
    assert done.wait(timeout), "no ack"
    return answer[0] if answer else None


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_deeply_nested_or_broken_json_is_refused_with_an_ack_and_no_traceback(live_server, transport, log_start):
    hearing_id = make_hearing(live_server)
    client = Client(live_server, None, transport=transport).connect()
    try:
        for body in (
            '["join",' + "[" * 100_000 + "]" * 100_000 + "]",
            '["join",' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "]",
            '["join",{"hearing_id":',  # cut off
            "not json at all",
        ):
            assert outcome(_raw_call(client, body)) == "invalid", body[:40]
        for packet in ("9/hearings,", "4/hearings,{}", "7", "5/hearings,1["):  # unknown, server-only, stray binary
            client.sio.eio.send(packet)
        assert outcome(client.call("join", {"hearing_id": hearing_id})) == "ok"
    finally:
        client.disconnect()


def test_a_long_polling_body_that_is_not_utf8_is_refused_cleanly(live_server, log_start):
    sid = re.search(
        r'"sid":"([^"]+)"', requests.get(f"{live_server.url}/socket.io/?EIO=4&transport=polling", timeout=10).text
    ).group(1)
    url = f"{live_server.url}/socket.io/?EIO=4&transport=polling&sid={sid}"
    assert requests.post(url, data=b"40/hearings,", timeout=10).status_code == 200
    response = requests.post(url, data=b'42/hearings,1["join",{"hearing_id":"\xff\xfe"}]', timeout=10)
    assert response.status_code == 400 and "UTF-8" in response.text
