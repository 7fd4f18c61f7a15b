"""Division and member scores (组织力 / 执行力): for officials and administrators, never public.

As Qingdao does it: the enterprises a division serves score each of its members (服务态度, 工作作风, 办事效率,
业务能力 and an overall mark, through the ratings of the 涉企 orders they answered); a member's score is the
ratings package's member index (0–100). A division is a node of the department tree (Department.parent): the
department asked for and every unit below it.

- 组织力 / 执行力 of a division (its head's score) = the SUM of its scored members' scores, as the practice
  says; the mean is shown beside it to compare divisions of different sizes.
- A member is scored only when at least k enterprises rated them (the anonymity threshold of every rating
  aggregate): below k the member is listed as 样本不足, is not added to the sum and is on no list.
- 表扬 (commended): scored members at or above ``SCORECARD_COMMEND_MIN`` (default 90).
- 约谈名单 (to talk to): scored members below ``below`` (``SCORECARD_TALK_BELOW``, default 60), lowest first,
  at most ``size`` (``SCORECARD_TALK_SIZE``, default 5).

Authorisation: administrators see any department's tree; an official sees their own department and the units
below it, nothing else (403); everyone else 403, anonymous 401.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Department, DepartmentPosition, Role, User
from portal.accounts.permissions import require
from portal.actors import SYSTEM
from portal.dashboard import public as dashboard
from portal.errors import Forbidden, NotFound
from portal.extensions import db
from portal.ratings import public as ratings
from portal.scorecards import enterprise_index


def commend_min() -> float:
    return float(current_app.config.get("SCORECARD_COMMEND_MIN", 90))


def talk_below() -> float:
    return float(current_app.config.get("SCORECARD_TALK_BELOW", 60))


def talk_size() -> int:
    return int(current_app.config.get("SCORECARD_TALK_SIZE", 5))


@dataclass
class Member:
    member_id: int
    name: str
    raters: int
    ratings: int
    index: float | None  # None below k
    averages: dict[str, float]

    @property
    def scored(self) -> bool:
        return self.index is not None


@dataclass
class Division:
    department_id: int
    name: str
    depth: int  # 0: the department asked for
    head: str  # the 负责人's name, "" when none is recorded
    members: list[Member] = field(default_factory=list)

    @property
    def scored(self) -> list[Member]:
        return [m for m in self.members if m.scored]

    @property
    def total(self) -> float | None:
        """组织力 / 执行力: the sum of the scored members' scores."""
        scored = self.scored
        return round(sum(m.index for m in scored), 1) if scored else None

    @property
    def mean(self) -> float | None:
        scored = self.scored
        return round(sum(m.index for m in scored) / len(scored), 1) if scored else None


@dataclass
class Listed:
    division: Division
    member: Member


@dataclass
class DivisionReport:
    period: dashboard.Period
    rating_period: str
    scope: Department
    divisions: list[Division]
    commended: list[Listed]
    talk: list[Listed]
    commend_min: float
    talk_below: float
    talk_size: int
    k: int


def _tree(root: Department) -> list[tuple[Department, int]]:
    """The department and every unit below it, depth-first, with depths."""
    out: list[tuple[Department, int]] = []
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        out.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return out


def visible_roots(actor: User | None) -> list[Department]:
    """The departments whose trees the actor may open: all top-level ones for an administrator, the own one for
    an official."""
    require(actor, "scorecards.divisions")
    if actor is SYSTEM or actor.has_role(Role.ADMIN):
        return list(
            db.session.scalars(
                sa.select(Department)
                .where(Department.parent_id.is_(None))
                .order_by(Department.sort_order, Department.id)
            )
        )
    return [actor.department] if actor.department is not None else []


def _may_open(actor, department: Department) -> bool:
    if actor is SYSTEM or actor.has_role(Role.ADMIN):
        return True
    own = actor.department_id
    return own is not None and (department.id == own or any(a.id == own for a in department.ancestors()))


def division_report(
    actor: User | None,
    period: dashboard.Period,
    department_id: int | None = None,
    *,
    below: float | None = None,
    size: int | None = None,
) -> DivisionReport:
    require(actor, "scorecards.divisions")
    if department_id is None:
        roots = visible_roots(actor)
        if not roots:
            raise Forbidden("您的账号未关联部门")
        department = roots[0]
    else:
        department = db.session.get(Department, department_id)
        if department is None:
            raise NotFound("没有这个部门")
    if not _may_open(actor, department):
        raise Forbidden("只能查看本部门及其下属科室的评分")
    key = enterprise_index.rating_period(period)
    k = ratings.min_sample()
    heads = _heads()
    divisions: list[Division] = []
    for node, depth in _tree(department):
        division = Division(node.id, node.name, depth, heads.get(node.id, ""))
        for s in ratings.member_scores(key, node.id):
            index = s.index if s.raters >= k else None
            averages = s.averages if index is not None else {}
            division.members.append(Member(s.member_id, s.name, s.raters, s.ratings, index, averages))
        divisions.append(division)
    below = talk_below() if below is None else below
    size = talk_size() if size is None else size
    scored = [Listed(d, m) for d in divisions for m in d.scored]
    commended = sorted((x for x in scored if x.member.index >= commend_min()), key=lambda x: -x.member.index)
    talk = sorted((x for x in scored if x.member.index < below), key=lambda x: (x.member.index, x.member.name))[:size]
    return DivisionReport(period, key, department, divisions, commended, talk, commend_min(), below, size, k)


def _heads() -> dict[int, str]:
    rows = db.session.execute(
        sa.select(User.department_id, User.display_name)
        .where(User.position == DepartmentPosition.HEAD, User.active.is_(True))
        .order_by(User.id)
    )
    heads: dict[int, str] = {}
    for dep, name in rows:
        heads.setdefault(dep, name)
    return heads
