"""Factories for plans: a plan with battles, goals and tasks built through the real services."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.plans import editing
from portal.plans.models import Task, TaskStatus

_seq = itertools.count(1)


class PlanBuilder:
    def __init__(self, factory):
        self.factory = factory

    def plan(self, title: str | None = None, version: str = "1.0"):
        return editing.create_plan(
            SYSTEM, editing.PlanData(title=title or f"测试攻势 {next(_seq)} 作战方案", version_label=version, year=2021)
        )

    def battle(self, plan, title: str | None = None):
        return editing.add_battle(SYSTEM, plan.id, title or f"攻坚战{next(_seq)}")

    def goal(self, battle, title: str | None = None):
        return editing.add_goal(SYSTEM, battle.id, title or f"攻坚目标{next(_seq)}")

    def task(
        self,
        goal,
        lead,
        *,
        title: str | None = None,
        participating=(),
        due: str = "2026-12-31",
        start: str = "2021-03-01",
        weight: int = 1,
        progress: int = 0,
        status: TaskStatus | None = None,
        phone: str = "13905321234",
        milestones: str = "",
    ) -> Task:
        from portal.extensions import db

        task = editing.create_task(
            SYSTEM,
            editing.TaskData(
                goal_id=goal.id,
                title=title or f"攻坚任务{next(_seq)}",
                lead_department_id=lead.id,
                participating_department_ids=[d.id for d in participating],
                responsible_leader="分管副市长 测试",
                contact_name="张联络",
                contact_phone=phone,
                start_date=start,
                due_date=due,
                weight=weight,
                milestones=milestones,
            ),
        )
        if progress or status:
            task.progress = progress
            task.status = status or (TaskStatus.DONE if progress == 100 else TaskStatus.IN_PROGRESS)
            db.session.commit()
        return task

    def scenario(self):
        """One plan, one battle, one goal, one task led by department A with B participating, and officials."""
        lead = self.factory.department("牵头测试局")
        other = self.factory.department("参与测试局")
        plan = self.plan()
        battle = self.battle(plan, "审批提质增效")
        goal = self.goal(battle, "新增主题式服务场景")
        task = self.task(
            goal,
            lead,
            participating=[other],
            milestones="2021-06-30 首批场景上线\n2026-12-31 全部场景上线",
        )
        return Scenario(
            plan=plan,
            battle=battle,
            goal=goal,
            task=task,
            lead=lead,
            other=other,
            lead_official=self.factory.user(Role.OFFICIAL, department=lead),
            other_official=self.factory.user(Role.OFFICIAL, department=other),
        )


class Scenario:
    def __init__(self, **parts):
        self.__dict__.update(parts)


@pytest.fixture
def plans(factory):
    return PlanBuilder(factory)


@pytest.fixture
def scenario(plans):
    return plans.scenario()


TODAY = date(2026, 11, 23)
