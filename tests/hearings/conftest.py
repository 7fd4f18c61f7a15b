"""Factories for hearings and questions, and a recorder of what the live queue emits."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.hearings import questions, services
from portal.hearings.models import HearingKind, HearingState, QuestionState
from portal.times import utcnow

_ids = itertools.count(1)


class HearingFactory:
    def __init__(self, factory):
        self.factory = factory

    def hearing(self, state: HearingState = HearingState.LIVE, **overrides):
        data = services.HearingData(
            kind=HearingKind.DEFENSE,
            title=overrides.pop("title", f"测试答辩{next(_ids)}"),
            starts_at=utcnow() - timedelta(minutes=10),
            place="市民中心",
            premoderation=overrides.pop("premoderation", True),
            **overrides,
        )
        hearing = services.create_hearing(SYSTEM, data)
        hearing.state = state
        if state != HearingState.SCHEDULED:
            hearing.opened_at = data.starts_at
        if state in (HearingState.CLOSED, HearingState.ARCHIVED):
            hearing.closed_at = utcnow()
        from portal.extensions import db

        db.session.commit()
        return hearing

    def question(self, hearing, state: QuestionState = QuestionState.APPROVED, author=None, text=None):
        """A question brought to ``state`` through the real transitions."""
        author = author or self.factory.user(Role.CITIZEN)
        q = questions.ask(author, hearing, text or f"请问第{next(_ids)}项攻坚任务何时完成？", f"c{next(_ids)}").question
        moderator = self.factory.user(Role.HOST)
        path = {
            QuestionState.PENDING: [],
            QuestionState.APPROVED: ["approve"],
            QuestionState.REJECTED: ["reject"],
            QuestionState.ANSWERING: ["approve", "answering"],
            QuestionState.ANSWERED: ["approve", "answering", "answered"],
            QuestionState.HIDDEN: ["approve", "hide"],
            QuestionState.WITHDRAWN: ["withdraw"],
        }[state]
        for action in path:
            actor = author if action == "withdraw" else moderator  # only the asker withdraws
            questions.moderate(actor, q.id, action, reason="与主题无关", summary="已答复")
        return q


@pytest.fixture
def hearings(factory):
    return HearingFactory(factory)


@pytest.fixture
def emitted(monkeypatch):
    """Every socket emit, as (event, data, room), instead of sending it.

    A socket test earlier in this process may have started the vote flusher (a background thread that flushes
    every tick); while this fixture is in use only the flushes the test itself calls go out, so what it emits
    does not depend on where a tick falls.
    """
    from portal.extensions import socketio
    from portal.hearings import live

    flush_votes, test_thread = live.flush_votes, threading.get_ident()
    monkeypatch.setattr(live, "flush_votes", lambda: flush_votes() if threading.get_ident() == test_thread else 0)
    sent = []
    monkeypatch.setattr(socketio, "emit", lambda event, data, to=None, namespace=None: sent.append((event, data, to)))
    return sent
