"""Setting up a hearing: parse and validate what a host types, create, edit, new projector token.

The agenda, the panel (答辩团) and the question-raisers are typed one item per line, so a host can paste
them from the meeting notice. Parsers raise ``Invalid`` naming the field and the line, in Chinese.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.accounts import services as accounts
from portal.accounts.models import Role, User, UserRole
from portal.accounts.permissions import require
from portal.errors import Conflict, Invalid
from portal.extensions import db
from portal.hearings import services
from portal.hearings.models import Hearing, HearingKind, HearingState, RaiserKind
from portal.hearings.services import HearingData, PanelData
from portal.plans import public as plans
from portal.times import to_local

TITLE_MAX = 200
PLACE_MAX = 200
SUMMARY_MAX = 2000
URL_MAX = 300
AGENDA_MAX_ITEMS = 40
PANEL_MAX = 30
RAISERS_MAX = 60

# What may change in which state: the schedule only before the hearing ends; the kind and the plan only
# while it is scheduled (its questions and commitments belong to them once it opened; a hearing that had
# no plan may still be linked to one); an archived hearing is the public record and is not edited at all.
SCHEDULE_EDITABLE = frozenset({HearingState.SCHEDULED, HearingState.LIVE})
BASICS_EDITABLE = frozenset({HearingState.SCHEDULED})
EDITABLE = frozenset({HearingState.SCHEDULED, HearingState.LIVE, HearingState.CLOSED})

_SEPARATORS = re.compile(r"\s*[|｜]\s*")
_AGENDA_LINE = re.compile(r"^(\d{1,2})[:：](\d{2})\s+(\S.*)$")
_RAISER_KINDS = {**{k.label: k for k in RaiserKind}, **{k.value: k for k in RaiserKind}, "领导": RaiserKind.LEADER}


def _lines(text: str | None) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]


def parse_agenda(text: str | None) -> str:
    """One item per line, e.g. 09:00 主持人宣布开始, times in order; returns the normalised text."""
    items = []
    previous = -1
    lines = _lines(text)
    if len(lines) > AGENDA_MAX_ITEMS:
        raise Invalid(f"议程最多 {AGENDA_MAX_ITEMS} 项", field="agenda")
    for n, line in lines:
        match = _AGENDA_LINE.match(line)
        if not match:
            raise Invalid(f"议程第 {n} 行应为“时间 事项”，如“09:00 主持人宣布开始”", field="agenda")
        hour, minute, item = int(match[1]), int(match[2]), match[3].strip()
        if hour > 23 or minute > 59:
            raise Invalid(f"议程第 {n} 行的时间“{match[1]}:{match[2]}”无效", field="agenda")
        if hour * 60 + minute < previous:
            raise Invalid(f"议程第 {n} 行的时间早于上一项，请按时间顺序填写", field="agenda")
        if len(item) > 200:
            raise Invalid(f"议程第 {n} 行过长（最多 200 字）", field="agenda")
        previous = hour * 60 + minute
        items.append(f"{hour:02d}:{minute:02d} {item}")
    return "\n".join(items)


def parse_panel(text: str | None) -> list[PanelData]:
    """One member per line: 姓名或@用户名 | 职务 | 部门（可选）; the first one leads the panel (团长)."""
    members: list[PanelData] = []
    lines = _lines(text)
    if not lines:
        raise Invalid("请至少填写一名答辩团成员", field="panel")
    if len(lines) > PANEL_MAX:
        raise Invalid(f"答辩团最多 {PANEL_MAX} 人", field="panel")
    for n, line in lines:
        parts = _SEPARATORS.split(line)
        if len(parts) > 3:
            raise Invalid(f"答辩团第 {n} 行最多三栏：姓名 | 职务 | 部门", field="panel")
        name, title, dept_name = [*parts, "", ""][:3]
        user = None
        department = None
        if name.startswith(("@", "＠")):
            user = accounts.find_user(name[1:].strip())
            if user is None or not user.active:
                raise Invalid(f"答辩团第 {n} 行：找不到用户“{name[1:].strip()}”", field="panel")
            name, title, department = user.display_name, title or user.title or "", user.department
        if not name:
            raise Invalid(f"答辩团第 {n} 行缺少姓名", field="panel")
        if not title:
            raise Invalid(f"答辩团第 {n} 行缺少职务，如“副市长”“市行政审批局局长”", field="panel")
        if len(name) > 40 or len(title) > 80:
            raise Invalid(f"答辩团第 {n} 行过长（姓名最多 40 字，职务最多 80 字）", field="panel")
        if dept_name:
            department = accounts.find_department(dept_name)
            if department is None:
                raise Invalid(f"答辩团第 {n} 行：找不到部门“{dept_name}”", field="panel")
        members.append(
            PanelData(
                name=name,
                title=title,
                department_id=department.id if department else None,
                user_id=user.id if user else None,
                is_lead=not members,
            )
        )
    return members


def parse_raisers(text: str | None) -> list[tuple[RaiserKind, str, str]]:
    """One raiser per line: 类别 | 姓名 | 单位（可选）; 类别 is one of 市级领导、部门、企业家、专家学者、市民、媒体."""
    raisers = []
    lines = _lines(text)
    if len(lines) > RAISERS_MAX:
        raise Invalid(f"提问人最多 {RAISERS_MAX} 位", field="raisers")
    kinds = "、".join(k.label for k in RaiserKind)
    for n, line in lines:
        parts = _SEPARATORS.split(line)
        if len(parts) < 2 or len(parts) > 3:
            raise Invalid(f"提问人第 {n} 行应为“类别 | 姓名 | 单位”", field="raisers")
        kind_text, name, organisation = [*parts, ""][:3]
        kind = _RAISER_KINDS.get(kind_text)
        if kind is None:
            raise Invalid(f"提问人第 {n} 行的类别“{kind_text}”无效，可选：{kinds}", field="raisers")
        if not name:
            raise Invalid(f"提问人第 {n} 行缺少姓名", field="raisers")
        if len(name) > 80 or len(organisation) > 120:
            raise Invalid(f"提问人第 {n} 行过长（姓名最多 80 字，单位最多 120 字）", field="raisers")
        raisers.append((kind, name, organisation))
    return raisers


def check_schedule(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None:
        raise Invalid("请填写开始时间", field="starts_at")
    if ends_at is not None and ends_at <= starts_at:
        raise Invalid("结束时间应晚于开始时间", field="ends_at")


def check_livestream(url: str) -> None:
    if url and (not url.startswith("https://") or len(url) <= len("https://") or " " in url):
        raise Invalid("直播地址须为以 https:// 开头的完整网址", field="livestream_url")
    if len(url) > URL_MAX:
        raise Invalid(f"直播地址最多 {URL_MAX} 个字符", field="livestream_url")


def check_plan(plan_id: int | None) -> None:
    if not plan_id:
        raise Invalid("公开答辩和公开质询都须关联一个作战方案", field="plan_id")
    if not plans.plan_exists(plan_id):
        raise Invalid("所选作战方案不存在", field="plan_id")


def validate(data: HearingData) -> None:
    """Everything a hearing needs, the same checks the form shows field by field."""
    title = data.title.strip()
    if not title:
        raise Invalid("请填写名称", field="title")
    if len(title) > TITLE_MAX:
        raise Invalid(f"名称最多 {TITLE_MAX} 字", field="title")
    if len(data.place) > PLACE_MAX:
        raise Invalid(f"地点最多 {PLACE_MAX} 字", field="place")
    if len(data.summary) > SUMMARY_MAX:
        raise Invalid(f"简介最多 {SUMMARY_MAX} 字", field="summary")
    check_plan(data.plan_id)
    check_schedule(data.starts_at, data.ends_at)
    check_livestream(data.livestream_url)
    if not 20 <= data.max_question_length <= 2000:
        raise Invalid("问题字数上限应在 20 到 2000 之间", field="max_question_length")
    if not data.panel:
        raise Invalid("请至少填写一名答辩团成员", field="panel")


def new_hearing(actor: User, data: HearingData) -> Hearing:
    require(actor, "hearings.manage")
    validate(data)
    data.title = data.title.strip()
    return services.create_hearing(actor, data)


def check_editable(actor: User, hearing: Hearing) -> None:
    """Hosts and admins edit hearings; an archived one is the public record and stays as it is."""
    require(actor, "hearings.manage", hearing)
    if hearing.state not in EDITABLE:
        raise Conflict(f"答辩已{hearing.state.label}，不能再修改")


def _same_minute(a: datetime | None, b: datetime | None) -> bool:
    """The form edits times to the minute: an unchanged field must not count as a change."""
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def form_time(value: datetime | None) -> str:
    """A stored time as the form's datetime-local value (Beijing time)."""
    return to_local(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def update_hearing(actor: User, hearing: Hearing, data: HearingData) -> Hearing:
    """Save an edit; the live queue keeps running (questions, slots and seq are untouched)."""
    check_editable(actor, hearing)
    validate(data)
    if hearing.state not in SCHEDULE_EDITABLE:
        if not (_same_minute(data.starts_at, hearing.starts_at) and _same_minute(data.ends_at, hearing.ends_at)):
            raise Conflict("答辩已结束，不能修改时间")
        data.starts_at, data.ends_at = hearing.starts_at, hearing.ends_at  # keep the recorded seconds
    if hearing.state not in BASICS_EDITABLE:
        if data.kind != hearing.kind:
            raise Conflict("答辩已开始，不能再更改类型")
        if hearing.plan_id is not None and data.plan_id != hearing.plan_id:
            raise Conflict("答辩已开始，不能再更改关联的作战方案")
    for name in (
        "kind",
        "plan_id",
        "summary",
        "place",
        "starts_at",
        "ends_at",
        "livestream_url",
        "agenda",
        "premoderation",
        "allow_anonymous",
        "max_question_length",
    ):
        setattr(hearing, name, getattr(data, name))
    hearing.title = data.title.strip()
    services.set_people(hearing, data)
    db.session.flush()
    services.broadcast(hearing)
    db.session.commit()
    return hearing


def regenerate_projector_token(actor: User | None, hearing: Hearing) -> str:
    """A new projector URL; the old one answers 404 from now on (the CLI acts as SYSTEM)."""
    require(actor, "hearings.manage", hearing)
    hearing.projector_token = secrets.token_urlsafe(18)
    db.session.commit()
    return hearing.projector_token


# --- what the forms show ------------------------------------------------------------------------


def panel_text(hearing: Hearing) -> str:
    lines = []
    for member in services.panel_by_role(hearing):
        user = db.session.get(User, member.user_id) if member.user_id else None
        name = f"@{user.username}" if user is not None else member.name
        dept = member.department.name if member.department else ""
        lines.append(" | ".join(part for part in (name, member.title, dept) if part))
    return "\n".join(lines)


def raisers_text(hearing: Hearing) -> str:
    return "\n".join(
        " | ".join(part for part in (r.kind.label, r.name, r.organisation) if part) for r in hearing.raisers
    )


@dataclass
class Official:
    username: str
    display_name: str
    title: str
    department: str


def officials() -> list[Official]:
    """Accounts that can sit on a panel: officials and hosts, with their titles (a hint beside the form)."""
    users = db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.OFFICIAL, User.active.is_(True))
        .order_by(User.department_id, User.id)
    )
    return [
        Official(u.username, u.display_name, u.title or "", u.department.name if u.department else "") for u in users
    ]


def all_hearings() -> list[Hearing]:
    """Every hearing, scheduled first (soonest first), then live, closed and archived."""
    order = sa.case(
        {HearingState.LIVE.value: 0, HearingState.SCHEDULED.value: 1, HearingState.CLOSED.value: 2},
        value=Hearing.state,
        else_=3,
    )
    return list(db.session.scalars(sa.select(Hearing).order_by(order, Hearing.starts_at.desc())))


def kinds() -> list[HearingKind]:
    return list(HearingKind)
