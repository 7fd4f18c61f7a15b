"""Demo hearings on the 高效青岛建设攻势 plan: a closed 公开答辩 with its transcript and commitments,
a scheduled 公开质询, and a live 专题答辩 so that visitors can try the queue at once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from portal.accounts import services as accounts
from portal.accounts.models import DepartmentPosition, Role
from portal.demo import demo_loader
from portal.extensions import db
from portal.hearings import services
from portal.hearings.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Hearing,
    HearingKind,
    HearingState,
    Question,
    QuestionEvent,
    QuestionState,
    RaiserKind,
)
from portal.plans import public as plans
from portal.times import LOCAL_TZ, to_local, utcnow

DEMO_PASSWORD = "demo1234"
PLAN_TITLE = "高效青岛建设攻势"

# Panel members who have accounts: (username, display name, department, title, phone)
USERS = [
    ("vicemayor", "刘志强", "市政府", "副市长", "13800000101"),
    ("approval", "张卫东", "行政审批局", "市行政审批局局长", "13800000102"),
    ("bigdata", "马晓宁", "大数据局", "市大数据局局长", "13800000103"),
    ("justice", "韩立军", "司法局", "市司法局局长", "13800000104"),
    ("reporter", "林晓", None, "青岛日报记者", "13800000105"),
]

PANEL = [
    ("vicemayor", True),
    ("approval", False),
    ("bigdata", False),
    ("justice", False),
]
PANEL_EXTRA = [("周海波", "市发展改革委主任", "发展改革委")]

RAISERS = [
    (RaiserKind.LEADER, "市人大常委会副主任", "市人大常委会"),
    (RaiserKind.LEADER, "市政协副主席", "市政协"),
    (RaiserKind.DEPARTMENT, "莱西市人民政府", "区（市）"),
    (RaiserKind.DEPARTMENT, "市市场监督管理局", "市直部门"),
    (RaiserKind.ENTREPRENEUR, "李海燕", "青岛海润食品有限公司"),
    (RaiserKind.ENTREPRENEUR, "企业家代表", "市工商联"),
    (RaiserKind.EXPERT, "营商环境专家咨询委员会委员", "青岛大学"),
    (RaiserKind.CITIZEN, "社会监督员", "市民代表"),
    (RaiserKind.MEDIA, "青岛日报", "融媒体中心"),
    (RaiserKind.MEDIA, "青岛广播电视台", "全程直播"),
]

AGENDA_DEFENSE = """09:00 主持人宣布答辩开始，介绍答辩团成员
09:05 分管副市长介绍高效青岛建设攻势3.0作战方案
09:25 市级领导、部门、企业家、专家提问，答辩团逐一作答
10:40 网络征集问题集中答复
11:10 市委市政府主要负责同志点评
11:30 答辩结束"""

AGENDA_INQUIRY = """09:00 质询开始
09:10 牵头部门报告攻势落实和承诺事项办理情况
09:40 人大代表、政协委员、企业家质询
11:30 质询结束"""

# (kind, asker, username of author, text, state, votes, answer summary)
CLOSED_QUESTIONS = [
    (
        RaiserKind.LEADER,
        "市人大常委会副主任",
        "host",
        "攻势3.0攻坚任务较2.0压减了45%，压减的任务是已经完成了还是不再推进？如何确保不是“减负”变“减责”？",
        QuestionState.ANSWERED,
        46,
        "压减的任务中，已完成的转入常态化管理，其余并入相关攻坚任务；每项任务都有牵头部门和台账，按月调度。",
    ),
    (
        RaiserKind.ENTREPRENEUR,
        "李海燕（青岛海润食品有限公司）",
        "entrepreneur",
        "食品生产许可和环评能不能并联审批？我们去年新建车间，前后跑了五个部门，用了三个多月。",
        QuestionState.ANSWERED,
        71,
        "年内推行“一业一证”，食品生产类项目实行并联审批、一次告知、一表申请，审批时限压缩一半。",
    ),
    (
        RaiserKind.EXPERT,
        "营商环境专家咨询委员会委员（青岛大学）",
        "host",
        "数字政府建设要避免各部门各建一套系统，数据共享的责任如何落实到具体部门？",
        QuestionState.ANSWERED,
        38,
        "由市大数据局牵头建立数据共享责任清单，部门数据“应共享尽共享”，共享情况纳入攻势考核。",
    ),
    (
        RaiserKind.DEPARTMENT,
        "莱西市人民政府",
        "host",
        "基层创新试点的经验如何在全市复制推广？试点单位遇到跨部门难题由谁协调？",
        QuestionState.ANSWERED,
        22,
        "19项基层创新试点实行“一个试点一名市领导联系”，跨部门难题提请顶格协调。",
    ),
    (
        RaiserKind.MEDIA,
        "青岛日报",
        "reporter",
        "媒体曝光的营商环境问题，整改结果会不会向社会公开？",
        QuestionState.ANSWERED,
        33,
        "曝光问题全部建立整改台账，整改结果在本平台和青岛日报舆论监督栏目同步公开。",
    ),
    (
        RaiserKind.CITIZEN,
        "胡明",
        "citizen",
        "企业开办能不能做到全程网办？我帮亲戚注册公司还是要去大厅。",
        QuestionState.MERGED,
        9,
        "",
    ),
    (
        RaiserKind.CITIZEN,
        "胡明",
        "citizen",
        "请问办事大厅周末能否开放？上班族平时没有时间去。",
        QuestionState.REJECTED,
        0,
        "",
    ),
]

LIVE_QUESTIONS = [
    (
        RaiserKind.ENTREPRENEUR,
        "李海燕（青岛海润食品有限公司）",
        "entrepreneur",
        "“一业一证”改革后，许可证到期换证能不能也一次办好，不用每个证单独续期？",
        QuestionState.ANSWERING,
        18,
    ),
    (
        RaiserKind.CITIZEN,
        "胡明",
        "citizen",
        "政务服务APP上办的事项，能不能像快递一样实时查看办到哪一步、谁在办？",
        QuestionState.APPROVED,
        27,
    ),
    (
        RaiserKind.DEPARTMENT,
        "王建国（区市场监管局）",
        "official",
        "区里受理的事项需要市级部门出具意见时，系统能否直接流转，不再让企业自己跑市里？",
        QuestionState.APPROVED,
        12,
    ),
    (
        RaiserKind.MEDIA,
        "林晓",
        "reporter",
        "“无证明城市”建设进展如何？目前还有哪些证明材料需要群众自己开具？",
        QuestionState.APPROVED,
        7,
    ),
    (
        RaiserKind.CITIZEN,
        "胡明",
        "citizen",
        "老年人不会用手机，线上办事会不会把他们挡在门外？",
        QuestionState.PENDING,
        0,
    ),
]


def _ensure_users() -> None:
    for username, display, dept, title, phone in USERS:
        if accounts.find_user(username) is not None:
            continue
        department = accounts.find_department(dept) if dept else None
        accounts.create_user(
            None,
            accounts.UserData(
                username=username,
                display_name=display,
                roles={Role.OFFICIAL} if department else {Role.CITIZEN},
                password=DEMO_PASSWORD,
                phone=phone,
                department_id=department.id if department else None,
                position=DepartmentPosition.HEAD if department else None,
                title=title,
            ),
        )


def _plan_id() -> int | None:
    return min((plan.id for plan in plans.list_plans() if PLAN_TITLE in plan.title), default=None)


def _panel() -> list[services.PanelData]:
    members = []
    for username, lead in PANEL:
        user = accounts.find_user(username)
        members.append(services.PanelData(user.display_name, user.title, user.department_id, user.id, lead))
    for name, title, dept in PANEL_EXTRA:
        members.append(services.PanelData(name, title, accounts.find_department(dept).id))
    return members


def _add_question(hearing: Hearing, row: tuple, minutes_ago: int, answer: str = "") -> Question:
    kind, asker, username, text, state, votes = row[:6]
    author = accounts.find_user(username)
    at = (
        utcnow() - timedelta(minutes=minutes_ago)
        if hearing.state == HearingState.LIVE
        else hearing.starts_at + timedelta(minutes=25 + 10 * (200 - minutes_ago))
    )
    q = Question(
        hearing_id=hearing.id,
        author_id=author.id,
        client_id=f"demo-{hearing.id}-{minutes_ago}",
        text=text,
        asker_kind=kind,
        asker_name=asker,
        state=state,
        votes=votes,
        created_at=at,
        published_at=at if state != QuestionState.PENDING else None,
        answer_summary=answer,
        answered_at=at + timedelta(minutes=8) if state == QuestionState.ANSWERED else None,
        reject_reason="与本场答辩主题无关，已转12345热线办理" if state == QuestionState.REJECTED else "",
    )
    db.session.add(q)
    db.session.flush()
    note = "现场提问，由主持人录入" if username == "host" else ""
    db.session.add(QuestionEvent(question_id=q.id, action="ask", to_state="pending", note=note, created_at=at))
    if state != QuestionState.PENDING:
        first = QuestionState.REJECTED if state == QuestionState.REJECTED else QuestionState.APPROVED
        db.session.add(
            QuestionEvent(
                question_id=q.id,
                action="approve" if first == QuestionState.APPROVED else "reject",
                from_state="pending",
                to_state=first.value,
                note=q.reject_reason,
                created_at=at,
            )
        )
    if state in (QuestionState.ANSWERING, QuestionState.ANSWERED):
        db.session.add(
            QuestionEvent(
                question_id=q.id, action="answering", from_state="approved", to_state="answering", created_at=at
            )
        )
    if state == QuestionState.ANSWERED:
        db.session.add(
            QuestionEvent(
                question_id=q.id,
                action="answered",
                from_state="answering",
                to_state="answered",
                note=answer,
                created_at=q.answered_at,
            )
        )
    return q


def _commit_item(hearing: Hearing, question: Question, dept: str, text: str, days: int, status, note: str) -> None:
    today = to_local(utcnow()).date()
    item = Commitment(
        hearing_id=hearing.id,
        question_id=question.id,
        plan_id=hearing.plan_id,
        department_id=accounts.find_department(dept).id,
        text=text,
        due_date=today + timedelta(days=days),
        status=status,
    )
    db.session.add(item)
    db.session.flush()
    db.session.add(
        CommitmentUpdate(
            commitment_id=item.id,
            from_status=None,
            to_status="not_started",
            note="答辩中作出承诺",
            created_at=hearing.starts_at,
        )
    )
    if status == CommitmentStatus.OVERDUE:  # as the hourly job records it
        actor, note = None, "已超过承诺完成时限，系统标记为逾期"
    else:  # an official of the responsible department reports progress
        head = next((u for u in accounts.find_department(dept).members if u.title.endswith("局长")), None)
        actor = head.id if head else None
    if status != CommitmentStatus.NOT_STARTED:
        db.session.add(
            CommitmentUpdate(
                commitment_id=item.id, actor_id=actor, from_status="not_started", to_status=status.value, note=note
            )
        )


def _local_morning(days: int) -> datetime:
    """09:00 Beijing time, ``days`` from today (hearings are held in office hours)."""
    day = to_local(utcnow()).date() + timedelta(days=days)
    return datetime.combine(day, time(9, 0), tzinfo=LOCAL_TZ).astimezone(UTC)


def _closed_defense(plan_id: int | None) -> Hearing:
    start = _local_morning(-62)
    hearing = services.create_hearing(
        None,
        services.HearingData(
            kind=HearingKind.DEFENSE,
            plan_id=plan_id,
            title="高效青岛建设攻势3.0作战方案公开答辩",
            summary="分管副市长带领主要实施部门主要负责同志组成答辩团，公开接受市级领导、部门、企业家和专家提问，媒体全程直播。",
            place="市民中心第一会议室",
            starts_at=start,
            ends_at=start + timedelta(hours=2, minutes=30),
            livestream_url="https://live.example.gov.cn/hearings/efficiency-3",
            agenda=AGENDA_DEFENSE,
            panel=_panel(),
            raisers=RAISERS,
        ),
    )
    hearing.state, hearing.opened_at, hearing.closed_at = (
        HearingState.CLOSED,
        start,
        start + timedelta(hours=2, minutes=30),
    )
    made = [_add_question(hearing, row, 200 - i, row[6]) for i, row in enumerate(CLOSED_QUESTIONS)]
    made[5].merged_into_id = made[1].id
    _commit_item(
        hearing,
        made[1],
        "行政审批局",
        "推行“一业一证”改革，食品生产类项目并联审批，审批时限压缩50%",
        75,
        CommitmentStatus.IN_PROGRESS,
        "已在市南区、李沧区试点，覆盖餐饮、便利店等12个行业。",
    )
    _commit_item(
        hearing,
        made[2],
        "大数据局",
        "建立部门数据共享责任清单并纳入攻势考核",
        20,
        CommitmentStatus.DONE,
        "责任清单已印发，共梳理共享数据目录1,260项。",
    )
    _commit_item(
        hearing,
        made[4],
        "市政府办公室",
        "媒体曝光问题整改结果在平台和舆论监督栏目同步公开",
        -5,
        CommitmentStatus.OVERDUE,
        "",
    )
    return hearing


def _agenda(start, items: list[tuple[int, str]]) -> str:
    return "\n".join(f"{to_local(start + timedelta(minutes=m)):%H:%M} {text}" for m, text in items)


def _live_hearing(plan_id: int | None) -> Hearing:
    start = utcnow() - timedelta(minutes=40)
    hearing = services.create_hearing(
        None,
        services.HearingData(
            kind=HearingKind.DEFENSE,
            plan_id=plan_id,
            title="审批提质增效攻坚战专题公开答辩（“一业一证”与全程网办）",
            summary="围绕审批提质增效攻坚战的攻坚任务，答辩团现场回应企业和群众关切。欢迎登录后在线提问、为关心的问题投票。",
            place="市民中心第二会议室（网络直播）",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            livestream_url="https://live.example.gov.cn/hearings/approval",
            allow_anonymous=True,
            agenda=_agenda(
                start,
                [
                    (0, "答辩开始，主持人介绍答辩团"),
                    (10, "市行政审批局介绍攻坚任务"),
                    (30, "现场与网络提问"),
                    (110, "答辩结束"),
                ],
            ),
            panel=_panel()[:3],
            raisers=RAISERS[2:],
        ),
    )
    hearing.state, hearing.opened_at = HearingState.LIVE, start
    made = [_add_question(hearing, row, 30 - 5 * i) for i, row in enumerate(LIVE_QUESTIONS)]
    hearing.now_question_id, hearing.next_question_id = made[0].id, made[1].id
    return hearing


def _inquiry(plan_id: int | None) -> Hearing:
    start = _local_morning(45)
    return services.create_hearing(
        None,
        services.HearingData(
            kind=HearingKind.INQUIRY,
            plan_id=plan_id,
            title="高效青岛建设攻势3.0实施情况公开质询",
            summary="年度公开质询：对照作战方案和答辩中作出的承诺事项，逐项质询攻坚任务落实情况，通过媒体向社会公开。",
            place="市人大常委会会议厅",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            livestream_url="https://live.example.gov.cn/hearings/inquiry-2026",
            agenda=AGENDA_INQUIRY,
            panel=_panel(),
            raisers=RAISERS[:2] + RAISERS[4:],
        ),
    )


@demo_loader(order=20)
def load_hearings() -> str:
    _ensure_users()
    plan_id = _plan_id()
    made = []
    for title, build in (
        ("高效青岛建设攻势3.0作战方案公开答辩", _closed_defense),
        ("审批提质增效攻坚战专题公开答辩（“一业一证”与全程网办）", _live_hearing),
        ("高效青岛建设攻势3.0实施情况公开质询", _inquiry),
    ):
        hearing = db.session.scalar(sa.select(Hearing).where(Hearing.title == title))
        if hearing is None:
            build(plan_id)
            made.append(title)
        elif hearing.plan_id is None and plan_id is not None:
            hearing.plan_id = plan_id
            db.session.execute(sa.update(Commitment).where(Commitment.hearing_id == hearing.id).values(plan_id=plan_id))
    db.session.commit()
    return f"hearings: {len(made)} hearings created (plan {'linked' if plan_id else 'not found'}), panel users ensured"
