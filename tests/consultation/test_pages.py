"""The pages as people use them: forms filled and submitted as rendered, the report, its CSV and print view, the
links from the plan, the hearing and the policy, and the final version beside the comments."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from portal.actors import SYSTEM
from portal.consultation import comments, services
from portal.consultation.models import CommentState, SectionLevel
from portal.times import utcnow
from tests.consultation.conftest import open_consultation
from tests.support.forms import open_form


def test_a_citizen_comments_a_moderator_approves_the_department_answers(scene, login, db):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    task = next(s for s in c.sections if s.level == SectionLevel.TASK)
    citizen = login(scene.citizen)
    page = citizen.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "推行一业一证改革" in page and "0 条意见" in page

    form = open_form(citizen, f"/consultations/{c.id}", form=f"#comment-form-{task.id}")
    form.fill("您的意见", "建议把一业一证扩展到便利店，电话 13912345678 联系我。")
    response = form.submit(follow_redirects=True)
    assert response.status_code == 200
    assert "审核通过后公开" in response.get_data(as_text=True)
    x = db.session.scalar(db.select(comments.Comment))
    assert x.state == CommentState.PENDING
    assert "13912345678" not in citizen.get(f"/consultations/{c.id}").get_data(as_text=True).split('id="mine"')[0]

    moderator = login(scene.moderator)
    assert moderator.get(f"/consultations/{c.id}/moderate").status_code == 200
    open_form(moderator, f"/consultations/{c.id}/moderate", form=f"#approve-{x.id}").submit()
    db.session.refresh(x)
    assert x.state == CommentState.APPROVED

    official = login(scene.official)
    form = open_form(official, f"/consultations/{c.id}/answers", form=f"#answer-form-{x.id}")
    form.check(f"答复 #{x.id}", "采纳").fill("答复理由（公开）", "已在任务中增加便利店。")
    form.submit()
    db.session.refresh(x)
    assert x.answer.label == "采纳" and x.changed_section_id == task.id  # the comment's own section by default

    page = citizen.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "已在任务中增加便利店。" in page and "139****5678" in page and "13912345678" not in page
    assert "1 条意见" in page


def test_an_answer_without_a_reason_is_refused_on_the_answer_screen(scene, login, db):
    c = open_consultation(scene.editor, "plan", scene.plan.id, premoderation=False)
    x = comments.add_comment(scene.citizen, c, c.sections[0].id, "建议加快审批改革的进度。")
    official = login(scene.official)
    form = open_form(official, f"/consultations/{c.id}/answers", form=f"#answer-form-{x.id}")
    response = form.check(f"答复 #{x.id}", "不采纳").submit(follow_redirects=True)
    assert "请填写答复理由" in response.get_data(as_text=True)
    db.session.refresh(x)
    assert x.answer is None


def test_not_adopted_through_the_form_names_no_changed_section(scene, login, db):
    c = open_consultation(scene.editor, "plan", scene.plan.id, premoderation=False)
    x = comments.add_comment(scene.citizen, c, c.sections[0].id, "建议加快审批改革的进度。")
    official = login(scene.official)
    form = open_form(official, f"/consultations/{c.id}/answers", form=f"#answer-form-{x.id}")
    form.check(f"答复 #{x.id}", "不采纳").fill("答复理由（公开）", "进度已按最快安排。").submit()
    db.session.refresh(x)
    assert x.answer.label == "不采纳" and x.changed_section_id is None


def test_a_too_short_comment_comes_back_with_the_message_under_its_section(scene, login):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    citizen = login(scene.citizen)
    form = open_form(citizen, f"/consultations/{c.id}", form=f"#comment-form-{c.sections[0].id}")
    response = form.fill("您的意见", "好").submit()
    assert response.status_code == 400
    assert "请至少写 5 个字" in response.get_data(as_text=True)


def test_the_editor_opens_a_consultation_through_the_form(scene, login, db):
    editor = login(scene.editor)
    form = open_form(editor, "/consultations/new", form="保存")
    opens = (utcnow() + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    closes = (utcnow() + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M")
    form.select("征求意见的草案", "政策草案：政务服务事项管理办法（草案）")
    form.fill("开始时间", opens).fill("截止时间", closes)
    response = form.submit(follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    c = db.session.scalar(db.select(services.Consultation))
    assert c.policy_id == scene.policy_id and c.department_id == scene.dept.id
    assert [s.number for s in c.sections] == ["序言", "第一条", "第二条", "第三条"]


def _published(scene, db):
    from portal.plans import editing

    c = open_consultation(scene.editor, "plan", scene.plan.id, premoderation=False)
    task = next(s for s in c.sections if s.level == SectionLevel.TASK)
    goal = next(s for s in c.sections if s.level == SectionLevel.GOAL)
    led = comments.add_comment(scene.citizen, c, task.id, '=HYPERLINK("http://x") 建议完成时限提前到九月。')
    other = comments.add_comment(scene.neighbour, c, goal.id, "目标写得太笼统，建议量化。")
    comments.act(
        scene.official, led.id, "answer", answer="adopted", reason="完成时限提前。", changed_section_id=task.id
    )
    comments.act(scene.official, other.id, "answer", answer="not_adopted", reason="目标已在任务中量化。")
    services.change_state(scene.editor, c.id, "close")
    services.change_state(scene.editor, c.id, "publish")
    editing.update_task(
        SYSTEM,
        scene.task.id,
        editing.TaskData(
            goal_id=scene.task.goal_id,
            title="推行一业一证改革",
            lead_department_id=scene.dept.id,
            start_date="2021-03-01",
            due_date="2021-09-30",
        ),
    )
    db.session.commit()
    return c, led, other


def test_the_report_page_print_view_and_csv(scene, client, db):
    c, led, other = _published(scene, db)
    page = client.get(f"/consultations/{c.id}/report").get_data(as_text=True)
    assert "意见采纳情况" in page and "完成时限提前。" in page and "目标已在任务中量化。" in page
    printed = client.get(f"/consultations/{c.id}/report/print").get_data(as_text=True)
    assert "c-print-view" in printed and "data-print" in printed
    response = client.get(f"/consultations/{c.id}/report.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["编号", "章节", "章节标题", "意见人"]
    body = {int(r[0]): r for r in rows[1:]}
    assert body[led.id][4].startswith("'=HYPERLINK")  # a formula stays text
    assert body[led.id][7:10] == ["采纳", "完成时限提前。", "任务 1.1.1 推行一业一证改革"]
    assert body[other.id][7] == "不采纳" and body[other.id][3] == "王芳"


def test_the_final_version_shows_each_change_beside_the_comment_that_led_to_it(scene, client, db):
    from portal.consultation import report

    c, led, _ = _published(scene, db)
    changes = report.changes(c)
    [task_change] = [p for p in changes.parts if p.heading.endswith("推行一业一证改革")]
    assert task_change.kind == "changed"
    assert [(f.label, f.old, f.new) for f in task_change.fields] == [("完成时限", "2021-12-31", "2021-09-30")]
    assert task_change.comments == [led]
    page = client.get(f"/consultations/{c.id}/changes").get_data(as_text=True)
    assert "2021-09-30" in page and "建议完成时限提前到九月" in page


def test_a_policy_draft_diff_is_shown_article_by_article(scene, db):
    from portal.consultation import report
    from portal.policies import services as policies

    c = open_consultation(scene.editor, "policy", scene.policy_id, premoderation=False, department_id=scene.dept.id)
    second = next(s for s in c.sections if s.number == "第二条")
    x = comments.add_comment(scene.citizen, c, second.id, "办事指南应当同时公开收费标准。")
    comments.act(scene.editor, x.id, "answer", answer="partly", reason="增加收费依据。", changed_section_id=second.id)
    data = policies.PolicyData(
        title="政务服务事项管理办法",
        body="为规范政务服务，制定本办法。\n第一条 本办法适用于全市。\n第二条 各部门应当公开办事指南和收费依据。\n第三条 本办法自发布之日起施行。",
        doc_type="办法",
    )
    policies.update_policy(SYSTEM, scene.policy_id, data, "吸收意见")
    changes = report.changes(c)
    [part] = changes.parts
    assert part.heading == "第二条" and part.comments == [x]
    assert any("<ins>和收费依据</ins>" in str(line.html) for line in part.lines)


def test_the_plan_the_hearing_and_the_policy_link_to_their_consultations(scene, client, db):
    from portal.hearings import services as hearings
    from portal.hearings.models import HearingKind

    c, _, _ = _published(scene, db)
    plan_page = client.get(f"/plans/{scene.plan.id}").get_data(as_text=True)
    assert f"/consultations/{c.id}/report" in plan_page
    hearing = hearings.create_hearing(
        SYSTEM,
        hearings.HearingData(
            kind=HearingKind.DEFENSE,
            title="营商环境公开答辩",
            starts_at=utcnow() + timedelta(days=1),
            plan_id=scene.plan.id,
            place="市民中心",
            panel=[hearings.PanelData(name="李局长", title="局长", department_id=scene.dept.id, is_lead=True)],
        ),
    )
    assert f"/consultations/{c.id}/report" in client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    p = open_consultation(scene.editor, "policy", scene.policy_id, department_id=scene.dept.id)
    from portal.policies import services as policies

    policies.transition(SYSTEM, scene.policy_id, "publish", utcnow().date())
    assert f"/consultations/{p.id}" in client.get(f"/policies/{scene.policy_id}").get_data(as_text=True)


def test_the_report_of_an_unpublished_consultation_is_the_departments_preview_only(scene, client, login):
    c = open_consultation(scene.editor, "plan", scene.plan.id)
    assert client.get(f"/consultations/{c.id}/report").status_code == 404
    assert login(scene.citizen).get(f"/consultations/{c.id}/report.csv").status_code == 404
    assert login(scene.official).get(f"/consultations/{c.id}/report").status_code == 200
