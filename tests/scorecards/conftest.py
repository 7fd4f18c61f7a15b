"""The KPI data set of tests/dashboard (hand-computed, 2026-Q3) plus commitments and plan tasks with known
counts, for the scorecards of 甲局 (A) and 乙局 (B)."""

from __future__ import annotations

import itertools
import secrets
from datetime import date

import pytest

from portal.accounts.models import Enterprise
from portal.hearings.models import Commitment, CommitmentStatus, Hearing, HearingKind
from portal.plans.models import Battle, Goal, Plan, Task, TaskStatus
from portal.ratings.models import EnterpriseRating, TargetKind
from tests.dashboard.conftest import World, build, kpi_world, sh  # noqa: F401  (fixtures)


def add_commitments(db, department, statuses: list[CommitmentStatus], made) -> list[Commitment]:
    hearing = Hearing(
        kind=HearingKind.DEFENSE,
        title=f"{department.name}公开答辩",
        starts_at=made,
        projector_token=secrets.token_hex(8),
    )
    db.session.add(hearing)
    db.session.flush()
    items = [
        Commitment(
            hearing_id=hearing.id,
            department_id=department.id,
            text=f"承诺{i}",
            due_date=date(2026, 12, 31),
            status=status,
            created_at=made,
        )
        for i, status in enumerate(statuses)
    ]
    db.session.add_all(items)
    db.session.flush()
    return items


def add_tasks(db, department, rows: list[tuple[TaskStatus, int, date | None]], year: int = 2026) -> list[Task]:
    plan = Plan(title=f"{year}年作战方案", year=year)
    db.session.add(plan)
    db.session.flush()
    battle = Battle(plan_id=plan.id, title="攻坚战")
    db.session.add(battle)
    db.session.flush()
    goal = Goal(battle_id=battle.id, title="目标")
    db.session.add(goal)
    db.session.flush()
    tasks = [
        Task(
            plan_id=plan.id,
            goal_id=goal.id,
            title=f"任务{i}",
            lead_department_id=department.id,
            status=status,
            progress=progress,
            due_date=due,
        )
        for i, (status, progress, due) in enumerate(rows)
    ]
    db.session.add_all(tasks)
    db.session.flush()
    return tasks


@pytest.fixture
def card_world(db, kpi_world) -> World:  # noqa: F811  (the imported fixture)
    """A: 4 commitments made in August (done, done, in progress, overdue) and one made in November (after
    Q3: not counted); 3 led tasks (done 100, in progress 50, not started 0 due 2026-01-31: overdue).
    B: none of either."""
    S = CommitmentStatus
    add_commitments(db, kpi_world.a, [S.DONE, S.DONE, S.IN_PROGRESS, S.OVERDUE], sh(8, 15))
    add_commitments(db, kpi_world.a, [S.NOT_STARTED], sh(11, 2))
    T = TaskStatus
    add_tasks(
        db,
        kpi_world.a,
        [
            (T.DONE, 100, date(2026, 6, 30)),
            (T.IN_PROGRESS, 50, date(2026, 12, 31)),
            (T.NOT_STARTED, 0, date(2026, 1, 31)),
        ],
    )
    db.session.commit()
    return kpi_world


_uscc = itertools.count(1)


def enterprises(db, n: int) -> list[Enterprise]:
    rows = [Enterprise(name=f"测试企业{i}", uscc=f"9137{next(_uscc):014d}") for i in range(n)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def rate(db, raters: list[Enterprise], period: str, department, scores: tuple[int, ...], *, member=None) -> None:
    """One rating per enterprise: of the department's service, or of a member (an order's answerer)."""
    kind = TargetKind.ORDER_MEMBER if member is not None else TargetKind.DEPARTMENT
    for e in raters:
        key = f"order_member:{department.id}:{member.id}" if member is not None else f"department:{department.id}"
        attitude, style, efficiency, competence, overall = scores
        db.session.add(
            EnterpriseRating(
                enterprise_id=e.id,
                period=period,
                kind=kind,
                target_key=key,
                department_id=department.id,
                member_id=member.id if member is not None else None,
                attitude=attitude,
                style=style,
                efficiency=efficiency,
                competence=competence,
                overall=overall,
            )
        )
    db.session.flush()


@pytest.fixture
def index_world(db, card_world) -> World:
    """2026-Q3 ratings: A's service rated 4 on everything by 5 enterprises (index 75); B's by 4 (below k)."""
    raters = enterprises(db, 5)
    rate(db, raters, "2026-Q3", card_world.a, (4, 4, 4, 4, 4))
    rate(db, raters[:4], "2026-Q3", card_world.b, (5, 5, 5, 5, 5))
    db.session.commit()
    return card_world
