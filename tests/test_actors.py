"""Who is acting: ``None`` is an anonymous visitor and is refused by every privileged service; ``SYSTEM``
(jobs, the CLI, demo loaders) passes and is recorded as 系统 (actor_id NULL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts import services as accounts
from portal.accounts.permissions import can, require
from portal.actors import SYSTEM
from portal.errors import Unauthorized
from portal.feedback import responsibility
from portal.hearings import commitments, setup
from portal.hearings import services as hearings
from portal.plans import editing
from portal.policies import attachments
from portal.policies import services as policies

# Every service that skipped its check when the actor was None (the day a socket event or a view passed
# an anonymous user's None, it acted with full authority), called on real objects.
PRIVILEGED = {
    "plans.create_plan": lambda o: editing.create_plan(None, o["plan_data"]),
    "plans.change_state": lambda o: editing.change_state(None, o["plan"].id, "defended"),
    "plans.publish_version": lambda o: editing.publish_version(None, o["plan"].id),
    "plans.add_battle": lambda o: editing.add_battle(None, o["plan"].id, "攻坚战"),
    "plans.add_goal": lambda o: editing.add_goal(None, o["battle"].id, "目标"),
    "plans.create_task": lambda o: editing.create_task(None, None),
    "feedback.create_item": lambda o: responsibility.create_item(None, None),
    "policies.create_policy": lambda o: policies.create_policy(None, policies.PolicyData(title="匿名创建的文件")),
    "policies.update_policy": lambda o: policies.update_policy(None, o["policy"].id, policies.PolicyData(title="改")),
    "policies.transition": lambda o: policies.transition(None, o["policy"].id, "publish"),
    "policies.add_link": lambda o: attachments.add_link(None, o["policy"].id, "plan", o["plan"].id),
    "policies.remove_link": lambda o: attachments.remove_link(None, o["policy"].id, 1),
    "policies.remove_attachment": lambda o: attachments.remove_attachment(None, o["policy"].id, 1),
    "hearings.create_hearing": lambda o: hearings.create_hearing(None, o["hearing_data"]),
    "hearings.regenerate_projector_token": lambda o: setup.regenerate_projector_token(None, o["hearing"]),
    "hearings.change_state": lambda o: hearings.change_state(None, o["hearing"], "open"),
    "hearings.flag_commitment": lambda o: commitments.flag_commitment(
        None, o["hearing"], None, o["department"].id, "匿名承诺", None
    ),
    "accounts.create_user": lambda o: accounts.create_user(None, None),
    "accounts.create_department": lambda o: accounts.create_department(None, None),
}


@pytest.fixture
def objects(db, factory):
    from datetime import timedelta

    from portal.hearings.models import HearingKind
    from portal.times import utcnow

    plan_data = editing.PlanData(title="匿名测试规划", version_label="1.0", year=2026)
    plan = editing.create_plan(SYSTEM, plan_data)
    hearing_data = hearings.HearingData(
        kind=HearingKind.DEFENSE, title="匿名测试答辩", starts_at=utcnow() + timedelta(days=1)
    )
    return {
        "plan_data": plan_data,
        "plan": plan,
        "battle": editing.add_battle(SYSTEM, plan.id, "攻坚战"),
        "policy": policies.create_policy(SYSTEM, policies.PolicyData(title="测试文件")),
        "hearing_data": hearing_data,
        "hearing": hearings.create_hearing(SYSTEM, hearing_data),
        "department": factory.department(),
    }


@pytest.mark.parametrize("name", list(PRIVILEGED))
def test_an_anonymous_actor_reaching_a_privileged_service_is_refused(objects, name):
    with pytest.raises(Unauthorized):
        PRIVILEGED[name](objects)


def test_system_passes_every_rule_and_anonymous_none(db):
    assert can(SYSTEM, "plans.manage") and require(SYSTEM, "users.manage") is SYSTEM
    assert not can(None, "plans.manage")
    with pytest.raises(RuntimeError):  # a misspelt rule is still an error, for SYSTEM too
        can(SYSTEM, "plans.mange")


def test_what_system_does_is_recorded_without_an_account(db):
    from portal.plans.models import PlanState, PlanStateChange

    plan = editing.create_plan(SYSTEM, editing.PlanData(title="系统导入的规划", version_label="1.0", year=2026))
    editing.change_state(SYSTEM, plan.id, PlanState.DEFENDED, "公开答辩")
    change = db.session.scalar(sa.select(PlanStateChange).where(PlanStateChange.plan_id == plan.id))
    assert change.actor_id is None and change.new_state == PlanState.DEFENDED
