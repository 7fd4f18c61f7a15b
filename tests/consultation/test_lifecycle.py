"""A consultation from opening to the published report, through the services: comment, moderate, support,
answer, close, publish; every step in the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.actors import SYSTEM
from portal.consultation import comments, report, services
from portal.consultation.models import Answer, CommentState, ConsultationEvent, ConsultationState, SectionLevel
from portal.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from portal.times import utcnow
from tests.consultation.conftest import open_consultation


def _section(c, level):
    return next(s for s in c.sections if s.level == level)


def test_a_plan_is_cut_into_battles_goals_and_tasks(scene):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    assert [(s.level, s.number, s.title) for s in c.sections] == [
        (SectionLevel.BATTLE, "攻坚战一", "审批提质增效"),
        (SectionLevel.GOAL, "目标 1.1", "新增主题式服务场景"),
        (SectionLevel.TASK, "任务 1.1.1", "推行一业一证改革"),
    ]
    assert c.department_id == scene.dept.id  # the plan's lead department drafts it
    assert c.state == ConsultationState.OPEN


def test_a_policy_draft_is_cut_into_articles_after_its_preamble(scene):
    c = open_consultation(scene.editor, "policy", scene.policy_id, department_id=scene.dept.id)
    assert [(s.key, s.number, s.body) for s in c.sections] == [
        ("preamble", "序言", "为规范政务服务，制定本办法。"),
        ("article:第一条", "第一条", "本办法适用于全市。"),
        ("article:第二条", "第二条", "各部门应当公开办事指南。"),
        ("article:第三条", "第三条", "本办法自发布之日起施行。"),
    ]


def test_the_whole_life_cycle_counts_every_comment_in_the_report(scene, db):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    task = _section(c, SectionLevel.TASK)
    battle = _section(c, SectionLevel.BATTLE)
    first = comments.add_comment(scene.citizen, c, task.id, "建议把一业一证扩展到餐饮以外的行业，比如便利店。")
    second = comments.add_comment(
        scene.neighbour, c, task.id, "希望明确办理时限，最好三个工作日内办结。", anonymous=True
    )
    third = comments.add_comment(scene.citizen, c, battle.id, "<b>审批</b>要更快，窗口要更少。")
    spam = comments.add_comment(scene.neighbour, c, battle.id, "出售枪支和代开发票请联系我")
    assert {x.state for x in (first, second, third, spam)} == {CommentState.PENDING}  # 先审后发
    assert third.text == "审批要更快，窗口要更少。"  # markup stripped
    assert second.author_name == "匿名" and first.author_name == "胡明"
    assert set(spam.flagged.split("、")) == {"代开发票", "出售枪支"}

    for x in (first, second, third):
        comments.act(scene.moderator, x.id, "approve")
    comments.act(scene.moderator, spam.id, "reject", reason="广告信息")
    assert spam.state == CommentState.REJECTED and spam.reject_reason == "广告信息"

    comments.support(scene.neighbour, first.id)
    comments.support(scene.neighbour, first.id)  # once per person
    comments.support(scene.official, first.id)
    assert first.supports == 2
    comments.support(scene.official, first.id, add=False)
    assert first.supports == 1

    comments.act(
        scene.official, first.id, "answer", answer="adopted", reason="已将便利店纳入。", changed_section_id=task.id
    )
    comments.act(scene.official, second.id, "answer", answer="partly", reason="时限定为五个工作日。")
    services.change_state(scene.editor, c.id, "close")
    with pytest.raises(Conflict, match="1 条意见未答复"):
        services.change_state(scene.editor, c.id, "publish")
    with pytest.raises(Conflict, match="已截止"):
        comments.add_comment(scene.citizen, c, task.id, "截止以后还能提意见吗？")
    comments.act(scene.official, third.id, "answer", answer="not_adopted", reason="窗口数量由大厅统一设置。")
    c = services.change_state(scene.editor, c.id, "publish", note="共收到意见 4 条。")
    assert c.state == ConsultationState.PUBLISHED and c.report_note == "共收到意见 4 条。"

    r = report.build(c)
    assert (r.received, r.published, r.withheld, r.pending) == (4, 3, 1, 0)
    assert r.answers[Answer.ADOPTED] == 1 and r.answers[Answer.PARTLY] == 1 and r.answers[Answer.NOT_ADOPTED] == 1
    per = {s.section.key: (s.total, s.answers[Answer.ADOPTED], s.answers[Answer.PARTLY]) for s in r.commented}
    assert per == {battle.key: (1, 0, 0), task.key: (2, 1, 1)}
    assert r.adoption_rate == pytest.approx(2 / 3)

    actions = db.session.scalars(
        sa.select(ConsultationEvent.action)
        .where(ConsultationEvent.consultation_id == c.id)
        .order_by(ConsultationEvent.id)
    ).all()
    assert actions[:2] == ["create", "open"] and actions[-1] == "publish" and "close" in actions
    assert actions.count("comment") == 4 and actions.count("approve") == 3 and actions.count("answer") == 3
    # The record is closed: no more moderation or answers.
    with pytest.raises(Conflict, match="采纳情况已公布"):
        comments.act(scene.official, first.id, "answer", answer="not_adopted", reason="改主意")


def test_without_premoderation_a_comment_is_public_at_once_unless_it_holds_a_sensitive_word(scene):
    c = open_consultation(scene.editor, "policy", scene.policy_id, premoderation=False, department_id=scene.dept.id)
    article = c.sections[1]
    plain = comments.add_comment(scene.citizen, c, article.id, "建议写明适用的区域范围。")
    held = comments.add_comment(scene.citizen, c, article.id, "办假证找我，电话很多")
    assert plain.state == CommentState.APPROVED and plain.published_at is not None
    assert held.state == CommentState.PENDING and held.flagged == "办假证"


@pytest.mark.parametrize(
    ("text", "message"),
    [("短", "至少写 5 个字"), ("<script>x</script>", "至少写 5 个字"), ("长" * 1001, "不能超过 1000 字")],
)
def test_bad_comment_text_is_refused_with_a_reason(scene, text, message):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    with pytest.raises(Invalid, match=message):
        comments.add_comment(scene.citizen, c, c.sections[0].id, text)


def test_comments_are_taken_only_in_the_period_and_on_the_consultations_own_sections(scene, db):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    other = open_consultation(scene.editor, "policy", scene.policy_id, department_id=scene.dept.id)
    with pytest.raises(NotFound):
        comments.add_comment(scene.citizen, c, other.sections[0].id, "别处的章节也能评论吗？")
    with pytest.raises(Unauthorized):
        comments.add_comment(None, c, c.sections[0].id, "匿名访客不能发表意见")
    c.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Conflict, match="已截止"):
        comments.add_comment(scene.citizen, c, c.sections[0].id, "截止以后还能提意见吗？")


def test_who_may_do_what(scene):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    x = comments.add_comment(scene.citizen, c, c.sections[0].id, "建议加快审批改革的进度。")
    for actor in (scene.citizen, scene.official, scene.editor):
        with pytest.raises(Forbidden):
            comments.act(actor, x.id, "approve")
    comments.act(scene.moderator, x.id, "approve")
    for actor in (scene.citizen, scene.moderator, scene.other_official):
        with pytest.raises(Forbidden):
            comments.act(actor, x.id, "answer", answer="adopted", reason="好")
    with pytest.raises(Invalid, match="答复理由"):
        comments.act(scene.official, x.id, "answer", answer="adopted", reason="  ")
    with pytest.raises(Invalid, match="请选择采纳"):
        comments.act(scene.official, x.id, "answer", answer="maybe", reason="理由")
    comments.act(scene.editor, x.id, "answer", answer="adopted", reason="已采纳")
    for actor in (scene.official, scene.other_official, scene.moderator, scene.citizen):
        with pytest.raises(Forbidden):
            services.change_state(actor, c.id, "close")
    with pytest.raises(Conflict, match="不能附议自己的意见"):
        comments.support(scene.citizen, x.id)
    services.change_state(scene.admin, c.id, "close")


def test_a_consultation_being_prepared_is_hidden_from_the_public(scene):
    c = services.create_consultation(
        scene.editor,
        services.ConsultationData(
            kind="plan", subject_id=scene.plan.id, opens_at=utcnow(), closes_at=utcnow() + timedelta(days=3)
        ),
    )
    for viewer in (None, scene.citizen, scene.moderator, scene.other_official):
        with pytest.raises(NotFound):
            services.get_consultation(viewer, c.id)
    assert services.get_consultation(scene.official, c.id) is c
    assert c not in services.list_consultations(None)


def test_only_a_policy_draft_and_a_sane_period_can_be_opened(scene, db):
    from portal.policies import services as policies

    policies.transition(SYSTEM, scene.policy_id, "publish", utcnow().date())
    with pytest.raises(Conflict, match="草稿"):
        open_consultation(scene.editor, "policy", scene.policy_id, department_id=scene.dept.id)
    with pytest.raises(Invalid, match="至少 1 小时"):
        services.create_consultation(
            scene.editor,
            services.ConsultationData(kind="plan", subject_id=scene.plan.id, opens_at=utcnow(), closes_at=utcnow()),
        )
    with pytest.raises(Forbidden):  # an editor of another department
        open_consultation(scene.editor, "plan", scene.plan.id, department_id=scene.other_official.department_id)
