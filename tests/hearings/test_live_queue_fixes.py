"""What a person sees over the live connection: merged votes, own votes after a reconnect, commitments
and answered questions arriving without a reload (real Socket.IO clients over the real server)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.hearings.live_support import Mirror, db_state, live_db, log_in, make_hearing, make_users, wait_for


def mirror(live_server, hearing_id, username=None, password=None):
    cookie = None
    if username:
        cookie = log_in(live_server.url, username, password) if password else log_in(live_server.url, username)
    return Mirror(live_server.url, hearing_id, cookie).connect()


def test_merging_counts_each_voter_of_either_question_once_and_broadcasts_the_count(live_server):
    hearing_id = make_hearing(live_server, premoderation=False)
    a, b, c, d, e = make_users(live_server, 5, prefix="merge")
    clients = {name: mirror(live_server, hearing_id, name) for name in (a, b, c, d, e)}
    moderator = mirror(live_server, hearing_id, "moderator", "demo1234")
    try:
        target = clients[a].call("ask", {"hearing_id": hearing_id, "text": "企业开办能否全程网办？", "client_id": "t"})
        dup = clients[b].call(
            "ask", {"hearing_id": hearing_id, "text": "开办企业可以全程网上办理吗？", "client_id": "d"}
        )
        target_id, dup_id = target["question"]["id"], dup["question"]["id"]
        for voter, qid in ((a, dup_id), (c, dup_id), (e, dup_id), (d, target_id), (e, target_id)):
            assert clients[voter].call("vote", {"question_id": qid, "client_id": f"{voter}{qid}"})["ok"]
        assert wait_for(lambda: moderator.votes() == {target_id: 2, dup_id: 3}, 5), moderator.votes()

        ack = moderator.call(
            "moderate", {"hearing_id": hearing_id, "question_id": dup_id, "action": "merge", "into": target_id}
        )
        assert ack["ok"], ack
        # a (the target's asker), c and e from the duplicate, d and e from the target: e counts once.
        assert db_state(live_server, hearing_id) == {target_id: 4}
        watcher = clients[c]
        assert wait_for(lambda: watcher.votes() == {target_id: 4}, 5), watcher.votes()
        broadcast = [q["question"] for q in watcher.received("question") if q["question"]["id"] == target_id][-1]
        assert broadcast["votes"] == 4 and broadcast["merged_count"] == 1

        from portal.hearings.models import Question, QuestionEvent

        with live_db(live_server) as db:
            notes = db.session.scalars(
                sa.select(QuestionEvent.note).where(
                    QuestionEvent.question_id == target_id, QuestionEvent.action == "merge_in"
                )
            ).all()
            asker_of_dup = db.session.scalar(sa.select(Question.author_id).where(Question.id == dup_id))
        assert len(notes) == 1 and f"#{dup_id}" in notes[0] and "2 → 4" in notes[0]
        assert asker_of_dup is not None  # both askers kept
    finally:
        for client in (*clients.values(), moderator):
            client.disconnect()


def test_ordinary_service_questions_are_not_held_and_a_held_one_says_why(live_server):
    hearing_id = make_hearing(live_server, premoderation=False)
    (name,) = make_users(live_server, 1, prefix="words")
    asker = mirror(live_server, hearing_id, name)
    try:
        for i, text in enumerate(("办证大厅周末能否开放？", "老人接到诈骗电话，社区如何提醒防范？")):
            ack = asker.call("ask", {"hearing_id": hearing_id, "text": text, "client_id": f"w{i}"})
            assert ack["ok"] and ack["public"] and ack["reason"] == "", ack
        ack = asker.call("ask", {"hearing_id": hearing_id, "text": "群里有人代开发票，怎么举报？", "client_id": "w9"})
        assert ack["ok"] and not ack["public"], ack
        assert ack["reason"] == "问题含有需审核的词语（代开发票），审核通过后公开。"
        assert ack["question"]["held_reason"] == ack["reason"]  # 我的提问 shows it too
    finally:
        asker.disconnect()


def test_the_snapshot_after_a_reconnect_carries_the_persons_own_votes(live_server):
    hearing_id = make_hearing(live_server, premoderation=False)
    asker_name, voter_name = make_users(live_server, 2, prefix="snap")
    asker = mirror(live_server, hearing_id, asker_name)
    voter_cookie = log_in(live_server.url, voter_name)
    voter = Mirror(live_server.url, hearing_id, voter_cookie).connect()
    try:
        ids = [
            asker.call("ask", {"hearing_id": hearing_id, "text": f"第{i}个问题，请问何时办结？", "client_id": f"s{i}"})[
                "question"
            ]["id"]
            for i in range(3)
        ]
        assert voter.call("vote", {"question_id": ids[1], "client_id": "v1"})["ok"]
        voter.disconnect()
        again = Mirror(live_server.url, hearing_id, voter_cookie)
        again.sio.connect(
            live_server.url,
            headers={"User-Agent": "portal-live-tests", "Cookie": voter_cookie},
            namespaces=["/hearings"],
            transports=["websocket"],
            wait_timeout=10,
        )
        snapshot = again.call("join", {"hearing_id": hearing_id})
        assert snapshot["voted"] == [ids[1]]
        assert again.call("sync", {"hearing_id": hearing_id})["voted"] == [ids[1]]
        watcher = Mirror(live_server.url, hearing_id).connect()
        assert watcher.call("sync", {"hearing_id": hearing_id})["voted"] == []  # nobody's votes for a visitor
        watcher.disconnect()
        again.disconnect()
    finally:
        asker.disconnect()
