"""A plan and a policy draft of the official's department, and a consultation on each (open, without moderation
first on the policy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.times import utcnow


@dataclass
class Scene:
    dept: Any
    citizen: Any
    neighbour: Any
    official: Any
    other_official: Any
    editor: Any
    moderator: Any
    admin: Any
    plan: Any
    task: Any
    policy_id: int


@pytest.fixture
def scene(factory) -> Scene:
    from portal.plans import editing
    from portal.policies import services as policies

    dept = factory.department("行政审批局", short_name="审批局")
    other = factory.department("大数据局", short_name="大数据局")
    plan = editing.create_plan(
        SYSTEM, editing.PlanData(title="营商环境攻势", version_label="1.0", year=2021, lead_department_id=dept.id)
    )
    battle = editing.add_battle(SYSTEM, plan.id, "审批提质增效", "审批更快")
    goal = editing.add_goal(SYSTEM, battle.id, "新增主题式服务场景", "")
    task = editing.create_task(
        SYSTEM,
        editing.TaskData(
            goal_id=goal.id,
            title="推行一业一证改革",
            lead_department_id=dept.id,
            start_date="2021-03-01",
            due_date="2021-12-31",
        ),
    )
    draft = policies.create_policy(
        SYSTEM,
        policies.PolicyData(
            title="政务服务事项管理办法（草案）",
            body="为规范政务服务，制定本办法。\n第一条 本办法适用于全市。\n第二条 各部门应当公开办事指南。\n第三条 本办法自发布之日起施行。",
            doc_type="办法",
        ),
    )
    return Scene(
        dept=dept,
        citizen=factory.user(Role.CITIZEN, display_name="胡明"),
        neighbour=factory.user(Role.CITIZEN, display_name="王芳"),
        official=factory.user(Role.OFFICIAL, department=dept, display_name="刘洋"),
        other_official=factory.user(Role.OFFICIAL, department=other),
        editor=factory.user(Role.EDITOR, department=dept),
        moderator=factory.user(Role.MODERATOR),
        admin=factory.user(Role.ADMIN),
        plan=plan,
        task=task,
        policy_id=draft.id,
    )


def open_consultation(actor, kind: str, subject_id: int, *, premoderation: bool = True, department_id=None):
    from portal.consultation import services

    c = services.create_consultation(
        actor,
        services.ConsultationData(
            kind=kind,
            subject_id=subject_id,
            opens_at=utcnow() - timedelta(hours=1),
            closes_at=utcnow() + timedelta(days=14),
            premoderation=premoderation,
            department_id=department_id,
        ),
    )
    return services.change_state(actor, c.id, "open")
