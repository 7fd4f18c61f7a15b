"""Every action leaves an append-only history row; requesters and officials are notified, live when online."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import socketio
from portal.feedback import lifecycle
from portal.feedback.models import Notification, OrderEvent


def test_history_rows_cannot_be_changed(city, db):
    order = city.file()
    event = order.events[0]
    event.note = "篡改"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_history_rows_cannot_be_deleted(city, db):
    order = city.file()
    db.session.delete(order.events[0])
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_the_whole_loop_leaves_one_history_row_per_action(city, db):
    order = city.closed(city.dept_a, city.dept_b)
    city.rate(order, "unsatisfied")
    actions = [e.action.value for e in db.session.scalars(sa.select(OrderEvent).order_by(OrderEvent.id))]
    assert actions == ["submit", "dispatch", "sign", "reply", "sign", "reply", "close", "rate", "reopen"]
    reopen = order.events[-1]
    assert (reopen.from_state, reopen.to_state) == ("closed", "dispatched")


def _notices(db, user):
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)).all()


def test_dispatch_notifies_the_departments_officials_and_the_requester(city, db):
    city.dispatched(city.dept_a)
    assert any("新派单" in n.title for n in _notices(db, city.official_a))
    assert not any("新派单" in n.title for n in _notices(db, city.official_b))
    assert any("已派至" in n.title for n in _notices(db, city.citizen))


def test_requester_is_notified_of_sign_for_reply_and_closing(city, db):
    city.closed()
    titles = [n.title for n in _notices(db, city.citizen)]
    assert any("已签收" in t for t in titles)
    assert any("已答复" in t for t in titles)
    assert any("已办结" in t for t in titles)


def test_header_shows_the_unread_count_and_reading_clears_it(city, login):
    city.dispatched()
    client = login(city.citizen)
    body = client.get("/feedback/").get_data(as_text=True)
    assert 'data-testid="notice-link"' in body and "未读" in body
    assert client.post("/feedback/notices/read").status_code == 302
    assert client.get("/api/v1/feedback/notices/unread").get_json() == {"count": 0}


def test_notices_are_pushed_live_to_the_users_room(city, app, login):
    client = socketio.test_client(app, namespace="/notices", flask_test_client=login(city.official_a))
    assert client.is_connected(namespace="/notices")
    city.dispatched(city.dept_a)
    received = client.get_received(namespace="/notices")
    assert [r["name"] for r in received] == ["notice"]
    assert "新派单" in received[0]["args"][0]["title"]
    client.disconnect(namespace="/notices")


def test_notices_of_a_rolled_back_change_are_neither_kept_nor_pushed(city, app, login, db):
    from portal.feedback import history
    from portal.feedback.enums import EventAction

    client = socketio.test_client(app, namespace="/notices", flask_test_client=login(city.official_a))
    order = city.file()
    client.get_received(namespace="/notices")
    history.notify({city.official_a.id}, order, EventAction.DISPATCH, "不会送达的通知")
    db.session.rollback()
    db.session.commit()
    assert client.get_received(namespace="/notices") == []
    assert not [n for n in _notices(db, city.official_a) if n.title == "不会送达的通知"]
    history.notify({city.official_a.id}, order, EventAction.DISPATCH, "送达的通知")
    db.session.commit()
    assert [r["args"][0]["title"] for r in client.get_received(namespace="/notices")] == ["送达的通知"]
    client.disconnect(namespace="/notices")


def test_anonymous_socket_connections_are_refused(app):
    client = socketio.test_client(app, namespace="/notices")
    assert not client.is_connected(namespace="/notices")


def test_officials_of_other_departments_get_no_push(city, app, login):
    client = socketio.test_client(app, namespace="/notices", flask_test_client=login(city.official_b))
    city.dispatched(city.dept_a)
    assert client.get_received(namespace="/notices") == []
    client.disconnect(namespace="/notices")


def test_returns_and_extension_requests_reach_the_dispatchers(city, db):
    order = city.dispatched(city.dept_a, city.dept_b)
    lifecycle.return_assignment(city.official_b, city.assignment(order, city.dept_b), "不属于本单位职责")
    assert any("退单" in n.title for n in _notices(db, city.dispatcher))
