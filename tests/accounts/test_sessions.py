"""Sessions end on the server: log-out, a password change and 退出所有设备 leave no cookie that still signs in.

Threat: a session or remember-me cookie copied from a browser (a shared computer, a stolen laptop, malware) kept
working for a year, through log-out and through a password change.
"""

from __future__ import annotations

import pytest
from flask import g

from portal.accounts import sockets
from portal.extensions import socketio
from tests.support.forms import open_form

REMEMBER = "remember_token"
DOMAIN = "portal.test"  # the tests' SERVER_NAME


def _log_in(client, username: str = "citizen", password: str = "password123", remember: bool = False):
    form = open_form(client, "/login").fill("用户名", username).fill("密码", password)
    if remember:
        form.check("在此设备上保持登录")
    response = form.submit()
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _cookie(client, name: str) -> str | None:
    cookie = client.get_cookie(name, domain=DOMAIN)
    return cookie.value if cookie is not None else None


def _replay(app, session: str | None = None, remember: str | None = None):
    """A fresh browser that carries only the copied cookies."""
    thief = app.test_client()
    if session:
        thief.set_cookie("session", session, domain=DOMAIN)
    if remember:
        thief.set_cookie(REMEMBER, remember, domain=DOMAIN)
    return thief


def _socket(app, namespace: str, client):
    """A Socket.IO client carrying ``client``'s cookies. The tests' app context outlives requests, and the Socket.IO
    test client sends no request-started signal: forget the last request's user as a fresh context would."""
    g.pop("_login_user", None)
    return socketio.test_client(app, namespace=namespace, flask_test_client=client)


def _change_password(client, new: str = "Tide!Harbour-58"):
    form = open_form(client, "/account", form="#change-password")
    form.fill("当前密码", "password123").fill("新密码", new).fill("确认新密码", new)
    return form.submit()


def test_a_copied_session_cookie_dies_with_log_out(app, users):
    client = app.test_client()
    _log_in(client)
    copied = _cookie(client, "session")
    assert _signed_in(_replay(app, session=copied))
    open_form(client, "/account", form="/logout").submit()
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, session=copied))


def test_a_remember_me_cookie_replayed_after_log_out_is_refused(app, users):
    client = app.test_client()
    _log_in(client, remember=True)
    token = _cookie(client, REMEMBER)
    assert token
    assert _signed_in(_replay(app, remember=token))  # the cookie works on its own while the session lives
    open_form(client, "/account", form="/logout").submit()
    assert _cookie(client, REMEMBER) is None
    assert not _signed_in(_replay(app, remember=token))


def test_a_password_change_signs_out_the_other_browsers_but_not_this_one(app, users):
    here, there = app.test_client(), app.test_client()
    _log_in(here, remember=True)
    _log_in(there, remember=True)
    old_remember, old_session = _cookie(here, REMEMBER), _cookie(here, "session")
    there_remember = _cookie(there, REMEMBER)
    response = _change_password(here)
    assert response.status_code == 302
    assert "其他设备上的登录已全部退出" in here.get("/account").get_data(as_text=True)
    assert not _signed_in(there)
    # Every cookie from before the change is dead, this browser's old ones included; its new ones work.
    for session, remember in ((old_session, None), (None, old_remember), (None, there_remember)):
        assert not _signed_in(_replay(app, session=session, remember=remember))
    new_remember = _cookie(here, REMEMBER)
    assert new_remember and new_remember != old_remember
    assert _signed_in(_replay(app, remember=new_remember))


def test_sign_out_everywhere_ends_every_session(app, users):
    here, there = app.test_client(), app.test_client()
    _log_in(here)
    _log_in(there, remember=True)
    token = _cookie(there, REMEMBER)
    page = here.get("/account").get_data(as_text=True)
    assert "2 个浏览器或设备" in page
    response = open_form(here, "/account", form="#sign-out-everywhere").submit(button="退出所有设备")
    assert response.status_code == 302
    assert "已退出所有设备上的登录" in here.get("/").get_data(as_text=True)
    assert not _signed_in(here) and not _signed_in(there)
    assert not _signed_in(_replay(app, remember=token))
    _log_in(here)
    assert "1 个浏览器或设备" in here.get("/account").get_data(as_text=True)


def test_an_administrator_setting_a_password_signs_the_user_out(app, users, login):
    victim = app.test_client()
    _log_in(victim, remember=True)
    token = _cookie(victim, REMEMBER)
    admin = login(users["admin"])
    form = open_form(admin, f"/admin/users/{users['citizen'].id}", form="保存")
    assert form.fill("密码", "Tide!Harbour-58").submit().status_code == 302
    assert not _signed_in(victim)
    assert not _signed_in(_replay(app, remember=token))


def test_a_notices_socket_of_an_ended_session_is_dropped_and_cannot_reconnect(app, users):
    here, there = app.test_client(), app.test_client()
    _log_in(here)
    _log_in(there)
    live = _socket(app, "/notices", there)
    assert live.is_connected(namespace="/notices")
    open_form(here, "/account", form="#sign-out-everywhere").submit()
    assert not live.is_connected(namespace="/notices")
    again = _socket(app, "/notices", there)
    assert not again.is_connected(namespace="/notices")


@pytest.fixture
def hearing(factory):
    from tests.hearings.conftest import HearingFactory

    return HearingFactory(factory).hearing(premoderation=False)


def test_a_hearing_socket_of_an_ended_session_stops_acting_as_that_account(app, users, hearing):
    here, there = app.test_client(), app.test_client()
    _log_in(here)
    _log_in(there)
    live = _socket(app, "/hearings", there)
    ask = {"hearing_id": hearing.id, "text": "退出前提的问题", "client_id": "s1"}
    assert live.emit("ask", ask, namespace="/hearings", callback=True)["ok"]
    _change_password(here)
    assert not live.is_connected(namespace="/hearings")
    # Reconnecting with the old cookies: watching is open to all, asking as the old account is not.
    again = _socket(app, "/hearings", there)
    assert again.is_connected(namespace="/hearings")
    ack = again.emit("ask", ask | {"client_id": "s2"}, namespace="/hearings", callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "unauthorized", ack
    again.disconnect(namespace="/hearings")


def test_other_processes_drop_sockets_of_ended_sessions_on_their_next_check(app, users, db):
    """A socket held by another worker is dropped by that worker's periodic check (simulated: the session row
    disappears without this process's after-commit sweep)."""
    from portal.accounts.models import LoginSession

    sockets.sweep()  # sockets left over by earlier tests (their sessions emptied with the tables)
    client = app.test_client()
    _log_in(client)
    live = _socket(app, "/notices", client)
    assert live.is_connected(namespace="/notices")
    assert sockets.sweep() == 0
    db.session.execute(LoginSession.__table__.delete())
    db.session.commit()
    assert live.is_connected(namespace="/notices")
    assert sockets.sweep() == 1
    assert not live.is_connected(namespace="/notices")


def test_a_moderators_socket_cannot_moderate_once_its_session_has_ended_even_before_the_check(
    app, users, hearing, factory, db
):
    """Privileged events read the session again: no window until the periodic check drops the socket."""
    from portal.accounts.models import LoginSession
    from portal.hearings.models import QuestionState
    from tests.hearings.conftest import HearingFactory

    question = HearingFactory(factory).question(hearing, QuestionState.PENDING)
    client = app.test_client()
    _log_in(client, "moderator")
    live = _socket(app, "/hearings", client)
    assert live.emit("join", {"hearing_id": hearing.id}, namespace="/hearings", callback=True)["ok"]
    db.session.execute(LoginSession.__table__.delete())  # ended in another process: no sweep here yet
    db.session.commit()
    ack = live.emit("moderate", {"question_id": question.id, "action": "approve"}, namespace="/hearings", callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "unauthorized", ack
    live.disconnect(namespace="/hearings")
