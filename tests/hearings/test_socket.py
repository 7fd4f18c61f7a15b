"""The live queue over real Socket.IO connections to the gevent server (python-socketio clients)."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
import socketio

from tests.hearings.live_support import (
    Mirror,
    db_state,
    live_db,
    log_in,
    make_hearing,
    make_users,
    wait_for,
)


def logged_in_mirror(live_server, hearing_id, username):
    return Mirror(live_server.url, hearing_id, log_in(live_server.url, username)).connect()


def test_a_question_asked_by_one_client_reaches_every_other_client(live_server):
    hearing_id = make_hearing(live_server)
    (asker_name,) = make_users(live_server, 1)
    watchers = [Mirror(live_server.url, hearing_id).connect() for _ in range(3)]
    asker = logged_in_mirror(live_server, hearing_id, asker_name)
    try:
        ack = asker.call(
            "ask", {"hearing_id": hearing_id, "text": "政务服务APP能否实时查看办理进度？", "client_id": "a1"}
        )
        assert ack["ok"] and ack["public"], ack
        qid = ack["question"]["id"]
        for watcher in watchers:
            assert wait_for(lambda w=watcher: qid in w.questions, 5)
            assert watcher.questions[qid]["text"] == "政务服务APP能否实时查看办理进度？"
    finally:
        for client in [*watchers, asker]:
            client.disconnect()


def test_a_pending_question_is_public_only_after_a_moderator_approves_it(live_server):
    hearing_id = make_hearing(live_server, premoderation=True)
    (asker_name,) = make_users(live_server, 1)
    watcher = Mirror(live_server.url, hearing_id).connect()
    asker = logged_in_mirror(live_server, hearing_id, asker_name)
    try:
        ack = asker.call("ask", {"hearing_id": hearing_id, "text": "审批时限还能再压缩吗？", "client_id": "p1"})
        qid = ack["question"]["id"]
        assert ack["ok"] and not ack["public"]
        assert wait_for(lambda: any(d["question"]["id"] == qid for d in watcher.received("question")), 5)
        assert qid not in watcher.questions
        assert watcher.received("question")[-1]["counts"]["received"] == 1
        assert wait_for(lambda: asker.received("mine"), 5)
        assert asker.received("mine")[-1]["question"]["state"] == "pending"
    finally:
        for client in (watcher, asker):
            client.disconnect()


def test_fifty_concurrent_voters_end_with_exact_counts_everywhere(live_server):
    hearing_id = make_hearing(live_server)
    names = make_users(live_server, 50)
    cookies = [log_in(live_server.url, name) for name in names]
    asker = Mirror(live_server.url, hearing_id, cookies[0]).connect()
    qid = asker.call("ask", {"hearing_id": hearing_id, "text": "五十人同时投票的问题", "client_id": "v"})["question"][
        "id"
    ]
    clients = [asker] + [Mirror(live_server.url, hearing_id, c).connect() for c in cookies[1:]]
    try:
        start = threading.Barrier(len(clients))
        acks = []

        def vote(client):
            start.wait()
            acks.append(client.call("vote", {"question_id": qid, "client_id": uuid.uuid4().hex}))

        threads = [threading.Thread(target=vote, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(a["ok"] for a in acks)
        assert db_state(live_server, hearing_id) == {qid: 50}
        for client in clients:
            assert wait_for(lambda c=client: c.votes().get(qid) == 50, 5), client.votes()
    finally:
        for client in clients:
            client.disconnect()


def test_a_client_that_missed_events_resyncs_and_matches_the_server(live_server):
    hearing_id = make_hearing(live_server)
    names = make_users(live_server, 3)
    cookies = [log_in(live_server.url, n) for n in names]
    actor = Mirror(live_server.url, hearing_id, cookies[0]).connect()
    dropped = Mirror(live_server.url, hearing_id, cookies[1]).connect()
    voter = Mirror(live_server.url, hearing_id, cookies[2]).connect()
    try:
        first = actor.call("ask", {"hearing_id": hearing_id, "text": "断线前提出的问题", "client_id": "r1"})
        assert wait_for(lambda: first["question"]["id"] in dropped.questions, 5)
        dropped.disconnect()  # activity continues while it is away
        second = actor.call("ask", {"hearing_id": hearing_id, "text": "断线期间提出的问题", "client_id": "r2"})
        for qid in (first["question"]["id"], second["question"]["id"]):
            assert voter.call("vote", {"question_id": qid, "client_id": f"x{qid}"})["ok"]
        assert wait_for(lambda: voter.votes() == db_state(live_server, hearing_id), 5)

        back = Mirror(live_server.url, hearing_id, cookies[1]).connect()  # reconnect: join returns a snapshot
        assert back.votes() == db_state(live_server, hearing_id)
        # and a client that merely sees a gap in seq resyncs by itself
        voter.seq -= 2
        actor.call("ask", {"hearing_id": hearing_id, "text": "重新同步之后的问题", "client_id": "r3"})
        assert wait_for(lambda: voter.syncs >= 1 and voter.votes() == db_state(live_server, hearing_id), 5)
        back.disconnect()
    finally:
        for client in (actor, voter):
            client.disconnect()


def test_retrying_ask_and_vote_with_the_same_client_id_never_duplicates(live_server):
    hearing_id = make_hearing(live_server)
    (name,) = make_users(live_server, 1)
    client = logged_in_mirror(live_server, hearing_id, name)
    try:
        payload = {"hearing_id": hearing_id, "text": "重试不会重复提交的问题", "client_id": "same-id"}
        first, again = client.call("ask", payload), client.call("ask", payload)
        assert first["created"] and not again["created"]
        assert first["question"]["id"] == again["question"]["id"]
        qid = first["question"]["id"]
        for _ in range(3):
            assert client.call("vote", {"question_id": qid, "client_id": "vote-1"})["ok"]
        assert db_state(live_server, hearing_id) == {qid: 1}
    finally:
        client.disconnect()


def test_unauthenticated_clients_may_watch_but_not_ask_or_vote(live_server):
    hearing_id = make_hearing(live_server)
    client = Mirror(live_server.url, hearing_id).connect()
    try:
        ack = client.call("ask", {"hearing_id": hearing_id, "text": "未登录用户的问题", "client_id": "anon"})
        assert ack == {"ok": False, "error": {"code": "unauthorized", "message": "请先登录"}}
        assert client.call("vote", {"question_id": 1, "client_id": "v"})["error"]["code"] == "unauthorized"
        assert db_state(live_server, hearing_id) == {}
    finally:
        client.disconnect()


def test_citizens_cannot_moderate_over_the_socket(live_server):
    hearing_id = make_hearing(live_server, premoderation=True)
    (name,) = make_users(live_server, 1)
    client = logged_in_mirror(live_server, hearing_id, name)
    try:
        qid = client.call("ask", {"hearing_id": hearing_id, "text": "我自己批准自己的问题", "client_id": "m"})[
            "question"
        ]["id"]
        ack = client.call("moderate", {"question_id": qid, "action": "approve"})
        assert ack["error"]["code"] == "forbidden"
    finally:
        client.disconnect()


def _set_roles(live_server, username: str, *roles) -> None:
    import sqlalchemy as sa

    from portal.accounts.models import User

    with live_db(live_server) as db:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        user.set_roles(set(roles))
        db.session.commit()


def _question_state(live_server, question_id: int) -> str:
    from portal.hearings.models import Question

    with live_db(live_server) as db:
        return db.session.get(Question, question_id).state.value


def test_a_moderator_who_loses_the_role_is_refused_at_the_next_event_on_the_open_socket(live_server):
    from portal.accounts.models import Role

    hearing_id = make_hearing(live_server, premoderation=True)
    moderator_name, asker_name = make_users(live_server, 2)
    _set_roles(live_server, moderator_name, Role.MODERATOR)
    moderator = logged_in_mirror(live_server, hearing_id, moderator_name)
    asker = logged_in_mirror(live_server, hearing_id, asker_name)
    try:
        first, second = (
            asker.call("ask", {"hearing_id": hearing_id, "text": text, "client_id": text})["question"]["id"]
            for text in ("第一个待审核的问题", "第二个待审核的问题")
        )
        assert moderator.call("moderate", {"question_id": first, "action": "approve"})["ok"]
        _set_roles(live_server, moderator_name, Role.CITIZEN)  # the socket stays open
        ack = moderator.call("moderate", {"question_id": second, "action": "approve"})
        assert ack["error"]["code"] == "forbidden", ack
        assert (_question_state(live_server, first), _question_state(live_server, second)) == ("approved", "pending")
    finally:
        for client in (moderator, asker):
            client.disconnect()


def test_malformed_events_get_a_clear_error_ack(live_server):
    client = Mirror(live_server.url, 0)
    client.sio.connect(live_server.url, namespaces=["/hearings"], transports=["websocket"], wait_timeout=10)
    try:
        assert client.call("join", {"hearing_id": "abc"})["error"]["code"] == "invalid"
        assert client.call("join", {"hearing_id": 999999})["error"]["code"] == "not_found"
        assert client.sio.call("sync", "not a dict", namespace="/hearings", timeout=5)["ok"] is False
    finally:
        client.disconnect()


def test_cross_origin_socket_connections_are_refused(live_server):
    client = Mirror(live_server.url, 1)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(origin="https://evil.example")


@pytest.mark.redis  # two workers share Redis
def test_a_question_asked_on_one_worker_reaches_clients_of_another(live_server, tmp_path):
    from tests.support import live

    channel = f"portal-test-{uuid.uuid4().hex[:8]}"
    env = dict(live_server.env, REDIS_URL=os.environ["REDIS_URL"], SOCKETIO_CHANNEL=channel)
    a = live.start_server(env, tmp_path / "a.log")
    b = live.start_server(env, tmp_path / "b.log")
    hearing_id = make_hearing(live_server)
    (name,) = make_users(live_server, 1)
    try:
        watcher = Mirror(a.url, hearing_id).connect()
        asker = Mirror(b.url, hearing_id, log_in(b.url, name)).connect()
        qid = asker.call("ask", {"hearing_id": hearing_id, "text": "跨进程广播的问题", "client_id": "w"})["question"][
            "id"
        ]
        assert wait_for(lambda: qid in watcher.questions, 5), a.log()[-2000:]
        assert asker.call("vote", {"question_id": qid, "client_id": "wv"})["ok"]
        assert wait_for(lambda: watcher.votes().get(qid) == 1, 5)
        watcher.disconnect()
        asker.disconnect()
    finally:
        a.stop()
        b.stop()


def test_a_quiet_client_stays_connected_across_heartbeats_and_still_receives(live_server, tmp_path):
    """Direct websocket writes leave Engine.IO's per-client queue idle; the session must outlive
    ping_interval + ping_timeout of silence (here 1 + 1 s) and keep receiving broadcasts."""
    from tests.support import live

    server = live.start_server(
        dict(live_server.env, SOCKETIO_PING_INTERVAL="1", SOCKETIO_PING_TIMEOUT="1"), tmp_path / "ping.log"
    )
    hearing_id = make_hearing(live_server)
    (name,) = make_users(live_server, 1)
    try:
        watcher = Mirror(server.url, hearing_id).connect()
        drops = []
        watcher.sio.on("disconnect", lambda *args: drops.append(args), namespace="/hearings")
        threading.Event().wait(5)  # several heartbeats with nothing else to send
        assert watcher.sio.connected and not drops, server.log()[-2000:]
        asker = Mirror(server.url, hearing_id, log_in(server.url, name)).connect()
        qid = asker.call("ask", {"hearing_id": hearing_id, "text": "安静之后还能收到吗？", "client_id": "q"})[
            "question"
        ]["id"]
        assert wait_for(lambda: qid in watcher.questions, 5), server.log()[-2000:]
        assert not drops
        watcher.disconnect()
        asker.disconnect()
    finally:
        server.stop()


@pytest.mark.parametrize("transports", [["polling", "websocket"], ["polling"]], ids=["upgraded", "polling-only"])
def test_clients_that_start_on_long_polling_receive_every_event_in_order(live_server, transports):
    """Behind proxies that block websockets, or before an upgrade, packets go through Engine.IO's queue;
    after an upgrade they are written directly: either way nothing is lost or reordered."""
    hearing_id = make_hearing(live_server)
    (name,) = make_users(live_server, 1)
    watcher = Mirror(live_server.url, hearing_id).connect(transports=transports)
    asker = logged_in_mirror(live_server, hearing_id, name)
    try:
        ids = [
            asker.call("ask", {"hearing_id": hearing_id, "text": f"长轮询客户端的问题{i}", "client_id": f"lp{i}"})[
                "question"
            ]["id"]
            for i in range(5)
        ]
        assert wait_for(lambda: all(qid in watcher.questions for qid in ids), 10)
        assert watcher.sio.transport() == transports[-1]
        seqs = [data["seq"] for name, data in list(watcher.events) if name == "question"]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        assert watcher.syncs == 0
    finally:
        watcher.disconnect()
        asker.disconnect()


def test_with_another_engineio_the_direct_writes_stay_off_and_every_event_still_arrives(live_server, tmp_path):
    """The guard of portal/websocket_writes.py: an Engine.IO method with another signature leaves Engine.IO's
    own writer in place (with a warning in the log), and broadcasts still reach every client, in order."""
    from tests.support import live

    server = live.start_server(live_server.env, tmp_path / "other.log", module="tests.support.serve_other_engineio")
    hearing_id = make_hearing(live_server)
    (name,) = make_users(live_server, 1)
    watchers = []
    try:
        watchers = [Mirror(server.url, hearing_id).connect() for _ in range(5)]
        asker = Mirror(server.url, hearing_id, log_in(server.url, name)).connect()
        watchers.append(asker)
        ids = [
            asker.call("ask", {"hearing_id": hearing_id, "text": f"换了版本之后的问题{i}", "client_id": f"o{i}"})[
                "question"
            ]["id"]
            for i in range(5)  # the ask limit: 5 a minute
        ]
        for watcher in watchers:
            assert wait_for(lambda w=watcher: all(qid in w.questions for qid in ids), 10), server.log()[-2000:]
            assert watcher.sio.transport() == "websocket"
            seqs = [data["seq"] for event, data in list(watcher.events) if event == "question"]
            assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) >= 5
            assert watcher.syncs == 0
        assert "direct websocket writes: off" in server.log()
        assert "Socket.poll(self, timeout) is not Socket.poll(self)" in server.log()
    finally:
        for watcher in watchers:
            watcher.disconnect()
        server.stop()
