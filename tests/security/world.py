"""One small world for the security tests: an account of every role the matrix probes, and one object of
every kind a route takes in its URL (a hearing with its panel, a question and a commitment, a work order
filed by the citizen and dispatched to the official's department, a plan, a policy...), built through the
real services with the test factories.

``World.args`` maps a URL-rule argument (``hearing_id``, ``tracking_no``...) to the object it names, so
the matrix builds every route's URL from the URL map alone; a route whose argument is not known here
fails the matrix with the name to add.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from portal.accounts.models import DepartmentKind, Role, User
from portal.actors import SYSTEM
from portal.extensions import db
from portal.times import utcnow
from portal.uploads import Upload
from tests.support.factories import Factory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"

# The columns of the matrix, in the order the table reads. "official" works in the department the work
# order is dispatched to, the plan task is led by and the commitment was made by; "other_official" in
# another one; "panel" is an official sitting on the hearing's 答辩团 (a third department).
ROLES = (
    "anonymous",
    "citizen",
    "entrepreneur",
    "unit",
    "official",
    "other_official",
    "dispatcher",
    "moderator",
    "host",
    "panel",
    "editor",
    "admin",
)


@dataclass
class World:
    """Plain values only (usernames, ids), usable outside the session that built the rows."""

    users: dict[str, str] = field(default_factory=dict)  # role column → username
    ids: dict[str, int] = field(default_factory=dict)  # object name → id
    args: dict[str, Any] = field(default_factory=dict)  # URL-rule argument → value


def build_world(text: str = "", *, f: Factory | None = None) -> World:
    """The world; ``text`` is put into every text field that shows it (the XSS corpus passes its payloads)."""
    from portal.consultation import comments as consultation_comments
    from portal.consultation import services as consultations
    from portal.enterprises import services as enterprises
    from portal.feedback import attachments as feedback_files
    from portal.feedback import desk, lifecycle, responsibility
    from portal.feedback import services as feedback
    from portal.hearings import questions
    from portal.hearings import services as hearings
    from portal.hearings.models import HearingKind
    from portal.plans import editing
    from portal.policies import attachments as policy_files
    from portal.policies import services as policies
    from portal.ratings.models import EnterpriseRating, TargetKind
    from portal.ratings.periods import current_period

    f = f or Factory()
    w = World()
    t = text
    u: dict[str, User] = {}
    o: dict[str, Any] = {}
    dept = f.department(f"城市管理局{t}"[:60], short_name="城管局")
    other = f.department("市场监管局", short_name="市场监管局")
    panel_dept = f.department("行政审批局", short_name="审批局")
    street = f.department("台东街道", kind=DepartmentKind.TOWNSHIP, short_name="台东街道")
    hotline = f.department("12345热线", short_name="热线")
    u["citizen"] = f.user(Role.CITIZEN, display_name=f"胡明{t}"[:40], phone="13912345678")
    u["entrepreneur"] = f.user(Role.ENTREPRENEUR)
    u["unit"] = f.user(Role.UNIT, department=street)
    u["official"] = f.user(Role.OFFICIAL, department=dept, display_name=f"刘强{t}"[:40])
    u["other_official"] = f.user(Role.OFFICIAL, department=other)
    u["dispatcher"] = f.user(Role.DISPATCHER, department=hotline)
    u["moderator"] = f.user(Role.MODERATOR)
    u["host"] = f.user(Role.HOST)
    u["panel"] = f.user(Role.OFFICIAL, department=panel_dept, display_name=f"王副市长{t}"[:40])
    u["editor"] = f.user(Role.EDITOR)
    u["admin"] = f.user(Role.ADMIN)
    o.update(dept=dept, other=other, panel_dept=panel_dept, street=street, hotline=hotline)

    # Plans: a published plan with a battle, goal and task led by the official's department; spares for deletes.
    plan = editing.create_plan(SYSTEM, editing.PlanData(title=f"营商环境攻势{t}", version_label="1.0", year=2021))
    battle = editing.add_battle(SYSTEM, plan.id, f"审批提质增效{t}", t)
    goal = editing.add_goal(SYSTEM, battle.id, f"新增主题式服务场景{t}", t)

    def task(goal_id: int, title: str):
        return editing.create_task(
            SYSTEM,
            editing.TaskData(
                goal_id=goal_id,
                title=title,
                lead_department_id=dept.id,
                participating_department_ids=[other.id],
                responsible_leader=f"分管副市长{t}"[:40],
                contact_name=f"张联络{t}"[:40],
                contact_phone="13905321234",
                start_date="2021-03-01",
                due_date="2026-12-31",
                milestones="2021-06-30 首批场景上线\n2026-12-31 全部场景上线",
            ),
        )

    o["task"] = task(goal.id, f"推行一业一证改革{t}")
    editing.change_state(SYSTEM, plan.id, "defended")
    editing.publish_version(SYSTEM, plan.id, f"首次发布{t}")
    spare_battle = editing.add_battle(SYSTEM, plan.id, "待删除的攻坚战")
    spare_goal = editing.add_goal(SYSTEM, battle.id, "待删除的目标")
    o["spare_task"] = task(goal.id, "待删除的任务")
    editing.change_state(SYSTEM, plan.id, "revised")
    plan.version_label = "1.1"
    editing.publish_version(SYSTEM, plan.id, "第二版")
    o.update(plan=plan, battle=battle, goal=goal, spare_battle=spare_battle, spare_goal=spare_goal)
    o["draft_plan"] = editing.create_plan(
        SYSTEM, editing.PlanData(title="草拟中的方案", version_label="0.1", year=2022)
    )

    # Hearings: a live one with its panel, a question, a commitment of the official's department.
    data = hearings.HearingData(
        kind=HearingKind.DEFENSE,
        title=f"营商环境公开答辩{t}",
        starts_at=utcnow() - timedelta(minutes=10),
        plan_id=plan.id,
        summary=t,
        place=f"市民中心{t}"[:120],
        agenda=t,
        premoderation=False,
        panel=[
            hearings.PanelData(
                name=f"王副市长{t}"[:40],
                title="副市长",
                department_id=panel_dept.id,
                user_id=u["panel"].id,
                is_lead=True,
            )
        ],
    )
    hearing = hearings.create_hearing(SYSTEM, data)
    hearings.change_state(SYSTEM, hearing, "open")
    question = questions.ask(u["citizen"], hearing, f"请问一业一证何时全面推行？{t}", "matrix-q1").question
    questions.moderate(SYSTEM, question.id, "answering")
    commitment = hearings.flag_commitment(
        SYSTEM, hearing, question.id, dept.id, f"年底前全面推行一业一证{t}", date.today() + timedelta(days=90)
    )
    spare_hearing = hearings.create_hearing(
        SYSTEM,
        hearings.HearingData(
            kind=HearingKind.DEFENSE,
            title="待开始的答辩",
            starts_at=utcnow() + timedelta(days=1),
            place="市民中心",
            panel=[hearings.PanelData(name="李局长", title="局长", department_id=other.id, is_lead=True)],
        ),
    )
    o.update(hearing=hearing, question=question, commitment=commitment, spare_hearing=spare_hearing)
    closed = hearings.create_hearing(
        SYSTEM,
        hearings.HearingData(
            kind=HearingKind.DEFENSE,
            title=f"已结束的答辩{t}",
            starts_at=utcnow() - timedelta(days=2),
            place="市民中心",
            panel=[hearings.PanelData(name="李局长", title="局长", department_id=other.id, is_lead=True)],
        ),
    )
    hearings.change_state(SYSTEM, closed, "open")
    questions.ask(u["citizen"], closed, f"已结束答辩的问题{t}", "matrix-q2")
    hearings.change_state(SYSTEM, closed, "close")
    o["closed_hearing"] = closed
    # A live poll on the hearing (anonymous answers allowed), and an inquiry reviewing the closed hearing.
    from portal.hearings import polls, reviews

    poll = polls.create_poll(SYSTEM, hearing, f"是否支持全面推行一业一证？{t}", "支持\n反对", open_now=True)
    o.update(poll=poll, poll_option=poll.options[0])
    inquiry = hearings.create_hearing(
        SYSTEM,
        hearings.HearingData(
            kind=HearingKind.INQUIRY, title=f"年度公开质询{t}", starts_at=utcnow() + timedelta(days=5)
        ),
    )
    reviews.set_reviews(SYSTEM, inquiry, [closed.id])
    o["inquiry"] = inquiry

    # Work orders: one filed by the citizen with a file of theirs, dispatched to the official's department,
    # signed, with an extension request waiting for the dispatcher.
    order = feedback.file_order(
        u["citizen"],
        feedback.OrderData(
            kind="complaint",
            category="城市管理",
            title=f"小区门口夜间烧烤扰民{t}"[:60],
            description=f"每天晚上十点以后小区门口有人烧烤，油烟和噪音很大。{t}",
            place=f"升平巷{t}"[:200],
            requester_phone="13912345678",
            uploads=[feedback_files.Upload("现场.png", PNG)],
        ),
    )
    lifecycle.dispatch_order(u["dispatcher"], order, [dept.id], dept.id, f"请尽快处理{t}")
    assignment = next(a for a in order.assignments if a.department_id == dept.id)
    lifecycle.sign_assignment(u["official"], assignment, "刘强", "13800000101")
    extension = lifecycle.request_extension(
        u["official"], assignment, date.today() + timedelta(days=30), f"需要协调{t}"
    )
    o.update(order=order, assignment=assignment, extension=extension, attachment=order.attachments[0])
    private = feedback.file_order(
        u["citizen"],
        feedback.OrderData(
            kind="complaint",
            category="城市管理",
            title=f"不公开的诉求{t}"[:60],
            description=f"涉及家庭住址的诉求，不公开。{t}",
            is_public=False,
            requester_phone="13912345678",
        ),
    )
    lifecycle.dispatch_order(u["dispatcher"], private, [dept.id], dept.id)
    o["private_order"] = private
    o["responsibility"] = responsibility.create_item(
        SYSTEM, responsibility.ItemData(f"占道经营{t}", "城市管理", f"烧烤 占道{t}", f"城市管理条例{t}", [dept.id])
    )
    o["spare_responsibility"] = responsibility.create_item(
        SYSTEM, responsibility.ItemData("待删除的事项", "城市管理", "删除", "依据", [dept.id])
    )
    desk.add_reply_template(u["official"], "常用答复", f"您好，已处理完毕。{t}")

    # Enterprises: the entrepreneur is a verified member of one, has a request pending for another (with its
    # licence photo), invited a colleague by name and made an invitation link.
    enterprise = f.verified_member(u["entrepreneur"], f"青岛希杰测试有限公司{t}"[:120], "91370285MA3C00010Q")
    pending = enterprises.apply(
        u["entrepreneur"],
        enterprises.JoinRequest(f"莱西测试机械有限公司{t}"[:120], "91370285163560001U", [Upload("执照.png", PNG)]),
    )
    colleague = f.user(Role.ENTREPRENEUR, display_name=f"同事{t}"[:40])
    invitation = enterprises.invite(u["entrepreneur"], enterprise.id, colleague.username).invitation
    invite_link = enterprises.invite(u["entrepreneur"], enterprise.id)
    o.update(enterprise=enterprise, membership=pending, invitation=invitation)

    # Policies: one in force with two versions, an attachment and a link to the plan; a draft.
    pdata = policies.PolicyData(
        title=f"青岛市优化营商环境办法{t}",
        body=f"第一条 为优化营商环境，制定本办法。{t}\n第二条 本办法自发布之日起施行。",
        doc_number="青政发〔2024〕1号",
        issuer=f"青岛市人民政府{t}"[:100],
        doc_type="办法",
        written_on=date.today(),
        published_on=date.today(),
        topics=["营商环境"],
    )
    policy = policies.create_policy(SYSTEM, pdata)
    policies.transition(SYSTEM, policy.id, "publish", date.today())
    pdata.body += f"\n第三条 各部门应当按职责推进。{t}"
    policies.update_policy(SYSTEM, policy.id, pdata, f"增加第三条{t}")
    policy_attachment = policy_files.add_attachment(SYSTEM, policy.id, "办法全文.pdf", io.BytesIO(PDF))
    link = policy_files.add_link(SYSTEM, policy.id, "plan", plan.id)
    pdata.title, pdata.doc_number = f"政务服务事项管理规定（征求意见稿）{t}", ""
    draft = policies.create_policy(SYSTEM, pdata)
    o.update(policy=policy, policy_attachment=policy_attachment, link=link, draft_policy=draft)

    # API clients: one whose key the Open311 probes may use, one to revoke.
    from portal.apiclients import services as apiclients

    def api_client(name: str):
        data = apiclients.ClientData(f"{name}{t}"[:80], f"lab@example.org{t}"[:200], u["citizen"].username, f"研究{t}")
        return apiclients.register_client(SYSTEM, data)

    o["api_client"], w.args["api_key"] = api_client("开放数据实验室")
    o["spare_api_client"], _ = api_client("待吊销的调用方")
    from portal.open311.services import token_for

    w.args["open311_token"] = token_for(order.tracking_no)
    # An enterprise rating of the official's department, with a comment the department may answer.
    o["rating"] = EnterpriseRating(
        enterprise_id=enterprise.id,
        rater_id=u["entrepreneur"].id,
        period=current_period(),
        kind=TargetKind.DEPARTMENT,
        target_key=f"department:{dept.id}",
        department_id=dept.id,
        attitude=4, style=4, efficiency=3, competence=4, overall=4,
        comment=f"窗口等候时间长{t}",
    )  # fmt: skip
    db.session.add(o["rating"])

    # Consultation (征求意见): the plan open for comment, drafted by the official's department; a comment of the
    # citizen waiting for a moderator and one public.
    consultation = consultations.create_consultation(
        SYSTEM,
        consultations.ConsultationData(
            kind="plan",
            subject_id=plan.id,
            title=f"营商环境攻势征求意见{t}",
            summary=t,
            opens_at=utcnow() - timedelta(hours=1),
            closes_at=utcnow() + timedelta(days=14),
            department_id=dept.id,
        ),
    )
    consultations.change_state(SYSTEM, consultation.id, "open")
    section = consultation.sections[0]
    o["consultation_pending"] = consultation_comments.add_comment(
        u["citizen"], consultation, section.id, f"建议公布审批时限{t}"
    )
    public_comment = consultation_comments.add_comment(u["citizen"], consultation, section.id, f"建议增加便利店{t}")
    consultation_comments.act(SYSTEM, public_comment.id, "approve")
    o.update(consultation=consultation, consultation_section=section, consultation_comment=public_comment)
    db.session.commit()

    from portal.hearings import join

    w.users = {role: user.username for role, user in u.items()}
    w.ids = {name: row.id for name, row in o.items()} | {f"user:{role}": user.id for role, user in u.items()}
    w.args |= {
        "hearing_id": hearing.id,
        "commitment_id": commitment.id,
        "token": hearing.projector_token,
        "tracking_no": order.tracking_no,
        "private_tracking_no": private.tracking_no,
        "assignment_id": assignment.id,
        "request_id": extension.id,
        "item_id": o["responsibility"].id,
        "attachment_id": o["attachment"].id,
        "filename": o["attachment"].filename,
        "plan_id": plan.id,
        "battle_id": battle.id,
        "goal_id": goal.id,
        "task_id": o["task"].id,
        "policy_id": policy.id,
        "link_id": link.id,
        "number": 2,
        "user_id": u["citizen"].id,
        "dept_id": dept.id,
        "client_id": o["api_client"].id,
        "poll_id": poll.id,
        "code": join.code_for(hearing.id),
        "enterprise_id": enterprise.id,
        "membership_id": pending.id,
        "invitation_id": invitation.id,
        "invite_code": invite_link.code,
        "consultation_id": consultation.id,
        "section_id": section.id,
        "comment_id": public_comment.id,
    }
    return w
