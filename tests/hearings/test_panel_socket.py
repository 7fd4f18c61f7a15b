"""The panel over real Socket.IO connections to the gevent server: a member takes and answers a question, the host
reassigns, the asker revises and withdraws, and every watcher ends with what the database holds."""

from __future__ import annotations

import pytest

from tests.hearings.live_support import Mirror, live_db, log_in, make_hearing, make_users, wait_for

pytestmark = pytest.mark.live


def _seat(live_server, hearing_id: int, username: str, name: str, title: str) -> int:
    import sqlalchemy as sa

    from portal.accounts.models import User
    from portal.hearings.models import PanelMember

    with live_db(live_server) as db:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        seat = PanelMember(hearing_id=hearing_id, user_id=user.id, name=name, title=title)
        db.session.add(seat)
        db.session.commit()
        return seat.id


def test_a_member_takes_and_answers_and_the_host_reassigns_while_watchers_follow(live_server):
    hearing_id = make_hearing(live_server, premoderation=True)
    mayor_name, director_name, asker_name = make_users(live_server, 3, prefix="panel")
    mayor_seat = _seat(live_server, hearing_id, mayor_name, "王明", "副市长")
    director_seat = _seat(live_server, hearing_id, director_name, "李华", "主任")
    mayor = Mirror(live_server.url, hearing_id, log_in(live_server.url, mayor_name)).connect()
    director = Mirror(live_server.url, hearing_id, log_in(live_server.url, director_name)).connect()
    asker = Mirror(live_server.url, hearing_id, log_in(live_server.url, asker_name)).connect()
    host = Mirror(live_server.url, hearing_id, log_in(live_server.url, "host", "demo1234")).connect()
    watcher = Mirror(live_server.url, hearing_id).connect()
    try:
        # The panel's own question is public at once under premoderation, marked as the panel's.
        ack = mayor.call("ask", {"hearing_id": hearing_id, "text": "请各部门说明数据共享的时间表", "client_id": "m1"})
        assert ack["ok"] and ack["public"], ack
        assert wait_for(lambda: ack["question"]["id"] in watcher.questions, 5)
        assert watcher.questions[ack["question"]["id"]]["from_panel"] is True

        ack = asker.call("ask", {"hearing_id": hearing_id, "text": "企业开办能否一天办结", "client_id": "a1"})
        qid = ack["question"]["id"]
        assert not ack["public"]
        revised = asker.call("moderate", {"question_id": qid, "action": "revise", "text": "企业开办能否一天办结？"})
        assert revised["ok"], revised
        assert wait_for(
            lambda: any(d["question"]["text"] == "企业开办能否一天办结？" for d in host.received("moderation")), 5
        )
        assert host.call("moderate", {"question_id": qid, "action": "approve"})["ok"]

        took = mayor.call("moderate", {"question_id": qid, "action": "take"})
        assert took["ok"], took
        assert wait_for(lambda: watcher.now == qid, 5)
        answerer = watcher.received("now")[-1]["now"]["answerer"]
        assert answerer["id"] == mayor_seat and answerer["name"] == "王明"
        refused = director.call("moderate", {"question_id": qid, "action": "answer", "summary": "不是我回答的"})
        assert refused["error"]["code"] == "forbidden"

        moved = host.call("moderate", {"question_id": qid, "action": "reassign", "member": director_seat})
        assert moved["ok"], moved
        assert wait_for(
            lambda: (watcher.received("now")[-1]["now"] or {}).get("answerer", {}).get("id") == director_seat, 5
        )

        done = director.call("moderate", {"question_id": qid, "action": "answer", "summary": "年内实现一日办结"})
        assert done["ok"], done
        assert wait_for(lambda: watcher.questions.get(qid, {}).get("answer_summary") == "年内实现一日办结", 5)
        assert wait_for(lambda: watcher.now is None, 5)

        ack = asker.call("ask", {"hearing_id": hearing_id, "text": "政务大厅周末能否开放？", "client_id": "a2"})
        gone = asker.call("moderate", {"question_id": ack["question"]["id"], "action": "withdraw"})
        assert gone["ok"], gone
        assert wait_for(lambda: any(d["question"]["state"] == "withdrawn" for d in host.received("moderation")), 5)
        assert wait_for(lambda: asker.received("mine")[-1]["question"]["state"] == "withdrawn", 5)
    finally:
        for client in (mayor, director, asker, host, watcher):
            client.disconnect()

    from portal.hearings.models import Question

    with live_db(live_server) as db:
        q = db.session.get(Question, qid)
        assert q.state.value == "answered" and q.answerer_id == director_seat
        assert [e.action for e in q.history] == ["ask", "revise", "approve", "take", "reassign", "answer"]
