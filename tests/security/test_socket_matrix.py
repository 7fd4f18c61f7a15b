"""The socket authorisation matrix: every Socket.IO namespace and event × every role, against a live server.

The list of (namespace, event) pairs is read from the server's registered handlers, and the moderation actions
from the handler's own list: a new event or action without a row in ``EXPECTED`` / ``MODERATION`` fails
``test_every_registered_event_has_an_expected_outcome_for_every_role``. Threat: an event that forgets its
permission check, or a role that gets more than its job needs (a citizen moderating, anyone reading a notice).
"""

from __future__ import annotations

import uuid

import pytest

from tests.hearings.live_support import live_db
from tests.security.socket_support import (
    NAMESPACES,
    ROLES,
    Client,
    cookies_for,
    make_cast,
    make_hearing,
    make_question,
    outcome,
    question_row,
    registered_events,
)

EVERYONE = dict.fromkeys(ROLES, "ok")
SIGNED_IN = {**EVERYONE, "anonymous": "unauthorized"}


def only(*allowed: str) -> dict[str, str]:
    return {r: "ok" if r in allowed else "unauthorized" if r == "anonymous" else "forbidden" for r in ROLES}


# The question actions of the moderation and host consoles (event ``moderate``), who may take each.
MODERATION = {
    "approve": only("moderator", "host"),
    "reject": only("moderator", "host"),
    "edit": only("moderator", "host"),
    "merge": only("moderator", "host"),
    "hide": only("moderator", "host"),
    "next": only("host"),
    "answering": only("host"),
    "answered": only("host"),
    "answered_next": only("host"),
    "reassign": only("host"),
    "take": only("panel_member"),  # a member of the hearing's panel (答辩团); its other officials may not
    "answer": only("panel_member"),  # the member answering the question
    "revise": SIGNED_IN,  # each account on a pending question of its own
    "withdraw": SIGNED_IN,
}

EXPECTED: dict[tuple[str, str], dict[str, str] | str] = {
    ("/hearings", "connect"): EVERYONE,  # watching a hearing needs no account
    ("/hearings", "join"): EVERYONE,
    ("/hearings", "leave"): EVERYONE,
    ("/hearings", "sync"): EVERYONE,
    ("/hearings", "ask"): SIGNED_IN,
    ("/hearings", "vote"): SIGNED_IN,
    ("/hearings", "unvote"): SIGNED_IN,
    ("/hearings", "moderate"): "MODERATION",  # one probe per action, see MODERATION
    ("/hearings", "poll_sync"): EVERYONE,
    ("/hearings", "poll_answer"): SIGNED_IN,  # without an account only from a browser with its device cookie
    ("/hearings", "poll_create"): only("host"),
    ("/hearings", "poll_action"): only("host"),
    ("/notices", "connect"): {**EVERYONE, "anonymous": "refused"},  # live notices are personal
}


def test_every_registered_event_has_an_expected_outcome_for_every_role(app):
    from portal.hearings.events import MODERATION_ACTIONS

    registered = {(ns, event) for ns, events in registered_events().items() for event in events}
    assert registered == set(EXPECTED), "a Socket.IO event without a row in EXPECTED (or a row for none)"
    assert set(NAMESPACES) == {ns for ns, _ in registered}
    assert set(MODERATION) == set(MODERATION_ACTIONS)
    for table in [*MODERATION.values(), *(v for v in EXPECTED.values() if isinstance(v, dict))]:
        assert set(table) == set(ROLES)


@pytest.fixture(scope="module")
def cast(live_server):
    names, panel_user, department = make_cast(live_server)
    cookies = cookies_for(live_server, names)
    hearing_id = make_hearing(live_server, panel_user=panel_user, department=department)
    clients = {role: Client(live_server, cookies[role]).connect() for role in ROLES}
    yield {
        "cookies": cookies,
        "hearing_id": hearing_id,
        "clients": clients,
        "panel_department": department,
        "panel_user": panel_user,
        "names": names,
    }
    for client in clients.values():
        client.disconnect()


def _now_answering_hearing(live_server) -> int:
    from portal.hearings.models import Hearing

    hearing_id = make_hearing(live_server)
    now = make_question(live_server, hearing_id, "answering")
    with live_db(live_server) as db:
        db.session.get(Hearing, hearing_id).now_question_id = now
        db.session.commit()
    return hearing_id


def _seat(live_server, hearing_id: int) -> int:
    import sqlalchemy as sa

    from portal.hearings.models import PanelMember

    with live_db(live_server) as db:
        return db.session.scalar(sa.select(PanelMember.id).where(PanelMember.hearing_id == hearing_id))


def _moderation_payload(live_server, cast, action: str, role: str) -> tuple[dict, int | None, str | None]:
    """The payload of one moderation probe on fresh rows, the question it acts on and that question's state."""
    hearing_id = cast["hearing_id"]
    if action == "answered_next":
        return {"action": action, "hearing_id": _now_answering_hearing(live_server)}, None, None
    if action in ("answering", "take", "answer"):  # one question at a time: a hearing of its own, with the panel
        hearing_id = make_hearing(live_server, panel_user=cast["panel_user"], department=cast["panel_department"])
    state = {
        "approve": "pending",
        "reject": "pending",
        "revise": "pending",
        "withdraw": "pending",
        "answered": "answering",
        "answer": "answering",
    }.get(action, "approved")
    author = cast["names"].get(role) if action in ("revise", "withdraw") else None
    answerer = _seat(live_server, hearing_id) if action == "answer" else None
    qid = make_question(live_server, hearing_id, state, author=author, answerer=answerer)
    payload = {"action": action, "question_id": qid, "hearing_id": hearing_id}
    payload.update(
        {
            "reject": {"reason": "与本场主题无关"},
            "hide": {"reason": "重复发布"},
            "edit": {"text": "修改错字后的问题内容（矩阵测试）"},
            "merge": {"into": make_question(live_server, hearing_id, "approved")} if action == "merge" else {},
            "answered": {"summary": "已当场答复"},
            "answer": {"summary": "答辩团成员的答复摘要"},
            "revise": {"text": "提问人修改后的问题内容（矩阵测试）"},
            "reassign": {"member": _seat(live_server, hearing_id)} if action == "reassign" else {},
        }.get(action, {})
    )
    return payload, qid, state


def _probe(live_server, cast, event: str, role: str) -> str:
    client, hearing_id = cast["clients"][role], cast["hearing_id"]
    if event in ("join", "leave", "sync"):
        return outcome(client.call(event, {"hearing_id": hearing_id}))
    if event == "ask":
        payload = {"hearing_id": hearing_id, "text": f"矩阵测试：{role} 的提问", "client_id": uuid.uuid4().hex}
        return outcome(client.call(event, payload))
    if event in ("vote", "unvote"):
        qid = make_question(live_server, hearing_id, "approved")
        return outcome(client.call(event, {"question_id": qid, "client_id": uuid.uuid4().hex}))
    if event == "poll_sync":
        return outcome(client.call(event, {"hearing_id": hearing_id}))
    if event == "poll_answer":
        poll_id, option = _make_poll(live_server, hearing_id)
        return outcome(client.call(event, {"poll_id": poll_id, "choices": [option], "client_id": uuid.uuid4().hex}))
    if event == "poll_create":
        payload = {
            "hearing_id": hearing_id,
            "question": f"{role} 的表决",
            "options": "甲\n乙",
            "client_id": uuid.uuid4().hex,
        }
        return outcome(client.call(event, payload))
    if event == "poll_action":
        poll_id, _ = _make_poll(live_server, hearing_id)
        got = outcome(client.call(event, {"poll_id": poll_id, "action": "close"}))
        assert got == "ok" or _poll_state(live_server, poll_id) == "open", f"a refused poll_action changed it ({role})"
        return got
    raise AssertionError(f"no probe for {event}")


def _make_poll(live_server, hearing_id: int) -> tuple[int, int]:
    from portal.actors import SYSTEM
    from portal.extensions import db
    from portal.hearings import polls

    with live_db(live_server):
        poll = polls.create_poll(
            SYSTEM, db.session.get(polls.Hearing, hearing_id), "矩阵测试表决", "甲\n乙", open_now=True
        )
        return poll.id, poll.options[0].id


def _poll_state(live_server, poll_id: int) -> str:
    from portal.hearings.models import Poll

    with live_db(live_server) as db:
        return db.session.get(Poll, poll_id).state.value


def test_every_socket_event_answers_every_role_as_the_matrix_says(live_server, cast):
    results: dict[tuple[str, str, str], tuple[str, str]] = {}
    untouched: list[tuple[int, str, str]] = []  # (question, its state, probe) that a refusal must leave as it was
    for (namespace, event), expected in EXPECTED.items():
        for role in ROLES:
            if event == "connect":
                if namespace == "/hearings":
                    got = "ok" if "/hearings" in cast["clients"][role].sio.namespaces else "refused"
                else:
                    got = Client(live_server, cast["cookies"][role], namespace).try_connect()
                results[(namespace, event, role)] = (expected[role], got)
            elif expected == "MODERATION":
                for action, table in MODERATION.items():
                    payload, qid, state = _moderation_payload(live_server, cast, action, role)
                    got = outcome(cast["clients"][role].call("moderate", payload))
                    results[(namespace, f"moderate:{action}", role)] = (table[role], got)
                    if table[role] != "ok" and qid is not None:
                        untouched.append((qid, state, f"{action}/{role}"))
            else:
                results[(namespace, event, role)] = (expected[role], _probe(live_server, cast, event, role))
    wrong = {key: f"expected {want}, got {got}" for key, (want, got) in results.items() if want != got}
    assert not wrong, wrong
    changed = [probe for qid, state, probe in untouched if question_row(live_server, qid)["state"] != state]
    assert not changed, f"a refused moderation changed its question: {changed}"
    assert len(results) == (len(EXPECTED) - 1 + len(MODERATION)) * len(ROLES)
