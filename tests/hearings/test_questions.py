"""Asking, voting, merging and the host's Now / Next: services, history, seq and emits after commit."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.errors import Conflict, Invalid, RateLimited
from portal.hearings import live, questions
from portal.hearings.models import HearingState, Question, QuestionEvent, QuestionState, Vote


def test_premoderated_questions_wait_for_a_moderator(hearings, factory):
    q = questions.ask(factory.user(), hearings.hearing(premoderation=True), "审批时限能否再压缩？", "c1").question
    assert q.state == QuestionState.PENDING


def test_without_premoderation_questions_are_public_at_once(hearings, factory):
    q = questions.ask(factory.user(), hearings.hearing(premoderation=False), "审批时限能否再压缩？", "c1").question
    assert q.state == QuestionState.APPROVED and q.published_at is not None


def test_a_sensitive_word_routes_the_question_to_moderation(hearings, factory, app):
    hearing = hearings.hearing(premoderation=False)
    app.config["SENSITIVE_WORDS"] = "代开发票,违禁词"
    try:
        q = questions.ask(factory.user(), hearing, "有人在政务大厅门口代开发票怎么办？", "c1").question
    finally:
        app.config["SENSITIVE_WORDS"] = None
    assert q.state == QuestionState.PENDING
    assert q.flagged == "代开发票"
    assert "敏感词" in q.history[0].note


def test_question_text_is_stored_as_plain_text(hearings, factory):
    raw = "<script>alert(1)</script><b>营商环境</b>\u200b  怎么  改善 &amp; 提升？"
    q = questions.ask(factory.user(), hearings.hearing(), raw, "c1").question
    assert q.text == "alert(1)营商环境 怎么 改善 & 提升？"


@pytest.mark.parametrize(("text", "message"), [("短", "太短"), ("长" * 301, "不能超过 300 字")])
def test_question_length_is_checked_with_a_clear_message(hearings, factory, text, message):
    with pytest.raises(Invalid, match=message):
        questions.ask(factory.user(), hearings.hearing(), text, "c1")


def test_a_closed_hearing_takes_no_more_questions(hearings, factory):
    with pytest.raises(Conflict):
        questions.ask(factory.user(), hearings.hearing(HearingState.CLOSED), "答辩结束后的问题", "c1")


def test_anonymous_asking_only_where_the_hearing_allows_it(hearings, factory):
    user = factory.user()
    with pytest.raises(Invalid):
        questions.ask(user, hearings.hearing(allow_anonymous=False), "匿名提出的问题内容", "c1", anonymous=True)
    q = questions.ask(user, hearings.hearing(allow_anonymous=True), "匿名提出的问题内容", "c2", anonymous=True).question
    assert q.asker_name == "匿名提问" and q.author_id == user.id


def test_askers_are_shown_with_name_and_kind(hearings, factory):
    hearing = hearings.hearing()
    boss = questions.ask(factory.user(Role.ENTREPRENEUR), hearing, "企业开办还能更快吗？", "e").question
    assert boss.asker_kind.label == "企业家" and "测试企业有限公司" in boss.asker_name


def test_asking_again_with_the_same_client_id_returns_the_first_question(hearings, factory, db):
    user, hearing = factory.user(), hearings.hearing()
    first = questions.ask(user, hearing, "同一个问题提交两次", "same")
    again = questions.ask(user, hearing, "同一个问题提交两次", "same")
    assert first.created and not again.created and first.question.id == again.question.id
    assert db.session.query(Question).count() == 1


def test_asking_is_rate_limited_per_user_with_a_clear_message(hearings, factory, app, monkeypatch):
    from limits.storage import MemoryStorage
    from limits.strategies import FixedWindowRateLimiter

    strategy = FixedWindowRateLimiter(MemoryStorage())
    monkeypatch.setattr(live, "rate_limit_storage", lambda: strategy)
    monkeypatch.setitem(app.config, "HEARING_ASK_LIMIT", "2 per minute")
    hearing, user = hearings.hearing(), factory.user()
    questions.ask(user, hearing, "第一个问题的内容", "1")
    questions.ask(user, hearing, "第二个问题的内容", "2")
    with pytest.raises(RateLimited, match="提问过于频繁：每位用户每分钟最多 2 次"):
        questions.ask(user, hearing, "第三个问题的内容", "3")
    assert [q.text for q in Question.query.filter_by(author_id=user.id).order_by(Question.id)] == [
        "第一个问题的内容",
        "第二个问题的内容",
    ]
    # A retry of an accepted question is answered, however often it is sent.
    assert questions.ask(user, hearing, "第二个问题的内容", "2").created is False
    questions.ask(factory.user(), hearing, "其他用户不受影响", "4")


def test_one_vote_per_user_and_a_vote_can_be_withdrawn(hearings, factory, db):
    q = hearings.question(hearings.hearing())
    user = factory.user()
    questions.vote(user, q.id, "v1")
    questions.vote(user, q.id, "v2")
    assert db.session.get(Question, q.id).votes == 1
    questions.unvote(user, q.id, "u1")
    questions.unvote(user, q.id, "u1")
    assert db.session.get(Question, q.id).votes == 0
    assert db.session.query(Vote).count() == 0


@pytest.mark.parametrize("state", [QuestionState.PENDING, QuestionState.ANSWERED, QuestionState.REJECTED])
def test_only_open_public_questions_take_votes(hearings, factory, state):
    q = hearings.question(hearings.hearing(), state)
    with pytest.raises(Conflict):
        questions.vote(factory.user(), q.id, "v")


def test_rejecting_needs_a_reason_the_asker_can_read(hearings, factory, db):
    q = hearings.question(hearings.hearing(), QuestionState.PENDING)
    with pytest.raises(Invalid, match="理由"):
        questions.moderate(factory.user(Role.MODERATOR), q.id, "reject", reason="  ")
    questions.moderate(factory.user(Role.MODERATOR), q.id, "reject", reason="与本场主题无关")
    assert db.session.get(Question, q.id).reject_reason == "与本场主题无关"


def test_an_edit_keeps_the_original_text_in_history(hearings, factory, db):
    q = hearings.question(hearings.hearing(), QuestionState.PENDING, text="营商环镜怎么优化？")
    questions.moderate(factory.user(Role.MODERATOR), q.id, "edit", text="营商环境怎么优化？")
    event = db.session.query(QuestionEvent).filter_by(question_id=q.id, action="edit").one()
    assert event.text_before == "营商环镜怎么优化？" and db.session.get(Question, q.id).text == "营商环境怎么优化？"


def test_merging_a_duplicate_combines_votes_and_keeps_both_askers(hearings, factory, db):
    hearing = hearings.hearing()
    target, duplicate = hearings.question(hearing), hearings.question(hearing)
    both, only_dup = factory.user(), factory.user()
    for user in (both,):
        questions.vote(user, target.id, "t")
    for user in (both, only_dup):
        questions.vote(user, duplicate.id, "d")
    questions.moderate(factory.user(Role.MODERATOR), duplicate.id, "merge", into=target.id)
    target, duplicate = db.session.get(Question, target.id), db.session.get(Question, duplicate.id)
    assert target.votes == 2  # one vote per user survives the merge
    assert duplicate.state == QuestionState.MERGED and duplicate.merged_into_id == target.id
    assert duplicate.author_id != target.author_id


def test_answered_next_answers_now_and_promotes_next(hearings, factory, db):
    hearing = hearings.hearing()
    now, nxt = hearings.question(hearing), hearings.question(hearing)
    host = factory.user(Role.HOST)
    questions.moderate(host, now.id, "answering")
    questions.moderate(host, nxt.id, "next")
    questions.answered_next(host, hearing, "年内推行一业一证")
    db.session.refresh(hearing)
    assert db.session.get(Question, now.id).state == QuestionState.ANSWERED
    assert db.session.get(Question, now.id).answer_summary == "年内推行一业一证"
    assert db.session.get(Question, nxt.id).state == QuestionState.ANSWERING
    assert (hearing.now_question_id, hearing.next_question_id) == (nxt.id, None)


def test_only_one_question_is_answered_at_a_time(hearings, factory):
    hearing = hearings.hearing()
    first, second = hearings.question(hearing), hearings.question(hearing)
    host = factory.user(Role.HOST)
    questions.moderate(host, first.id, "answering")
    with pytest.raises(Conflict, match="请先将正在回答的问题标记为已回答"):
        questions.moderate(host, second.id, "answering")


def test_every_change_takes_the_next_seq_and_is_emitted_after_commit(hearings, factory, emitted, db):
    hearing = hearings.hearing(premoderation=False)
    before = live.current_seq(hearing.id)
    q = questions.ask(factory.user(), hearing, "会被广播的问题内容", "c").question
    public = [data for event, data, room in emitted if event == "question" and room == live.public_room(hearing.id)]
    assert public[-1]["seq"] == before + 1 and public[-1]["question"]["text"] == "会被广播的问题内容"
    assert public[-1]["counts"] == {
        "received": 1,
        "public": 1,
        "merged": 0,
        "hidden": 0,
        "pending": 0,
        "rejected": 0,
        "withdrawn": 0,
        "answered": 0,
    }
    assert q.id in [d["question"]["id"] for e, d, r in emitted if e == "mine"]


def test_nothing_is_emitted_when_the_transaction_fails(hearings, factory, emitted, db):
    hearing = hearings.hearing()
    live.emit_after_commit("question", {"seq": 99}, live.public_room(hearing.id))
    db.session.rollback()
    db.session.commit()
    assert emitted == []


def test_votes_are_flushed_as_one_batch_with_counts_from_the_database(hearings, factory, emitted, db):
    hearing = hearings.hearing()
    a, b = hearings.question(hearing), hearings.question(hearing)
    emitted.clear()
    for user in (factory.user(), factory.user()):
        questions.vote(user, a.id, "x")
        questions.vote(user, b.id, "y")
    assert live.flush_votes() == 1
    (batch,) = [data for event, data, _ in emitted if event == "votes"]
    assert batch["counts"] == {str(a.id): 2, str(b.id): 2}
    assert batch["seq"] == live.current_seq(hearing.id)
    assert live.flush_votes() == 0


def test_a_batch_of_votes_is_written_at_once_with_exact_counts_and_errors_per_vote(hearings, factory, db, emitted):
    from portal.hearings.votes import VoteRequest

    hearing = hearings.hearing()
    a, pending = hearings.question(hearing), hearings.question(hearing, QuestionState.PENDING)
    u1, u2, u3 = factory.user(), factory.user(), factory.user()
    batch = [
        VoteRequest(u1.id, a.id, "1", True),
        VoteRequest(u2.id, a.id, "2", True),
        VoteRequest(u2.id, a.id, "2", True),  # a retry in the same batch
        VoteRequest(u3.id, a.id, "3", True),
        VoteRequest(u3.id, a.id, "4", False),  # withdrawn again before the batch was written
        VoteRequest(u1.id, pending.id, "5", True),
        VoteRequest(u1.id, 999999, "6", True),
    ]
    questions.apply_votes(batch)
    assert db.session.get(Question, a.id).votes == 2
    assert [r.result for r in batch[:5]] == [a.id] * 5
    assert isinstance(batch[5].error, Conflict) and batch[6].error.code == "not_found"
    assert live.flush_votes() == 1


def test_a_batched_vote_adds_to_a_count_that_has_no_vote_rows(hearings, factory, db, emitted):
    """A count carried over from a hearing's record (the demo's 27 votes) has no vote rows: a vote and
    a withdrawal move it by one, never reset it to the rows that exist."""
    from portal.hearings.votes import VoteRequest

    hearing = hearings.hearing()
    q = hearings.question(hearing)
    q.votes = 27
    db.session.commit()
    voter, other = factory.user(), factory.user()
    questions.apply_votes([VoteRequest(voter.id, q.id, "1", True), VoteRequest(other.id, q.id, "2", True)])
    db.session.expire_all()
    assert db.session.get(Question, q.id).votes == 29
    questions.apply_votes([VoteRequest(voter.id, q.id, "3", False), VoteRequest(other.id, q.id, "4", True)])
    db.session.expire_all()
    assert db.session.get(Question, q.id).votes == 28
