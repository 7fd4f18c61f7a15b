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
# an anonymous user's None, it acted with full authority). Arguments after the actor are never reached.
PRIVILEGED = [
    (editing.create_plan, (None,)),
    (editing.change_state, (1, "defended")),
    (editing.publish_version, (1,)),
    (editing.add_battle, (1, "攻坚战")),
    (editing.add_goal, (1, "目标")),
    (editing.create_task, (None,)),
    (responsibility.create_item, (None,)),
    (policies.create_policy, (None,)),
    (policies.update_policy, (1, None)),
    (policies.transition, (1, "publish")),
    (attachments.add_link, (1, "plan", 1)),
    (attachments.remove_link, (1, 1)),
    (attachments.remove_attachment, (1, 1)),
    (hearings.create_hearing, (None,)),
    (setup.regenerate_projector_token, (None,)),
    (hearings.change_state, (None, "archive")),
    (commitments.flag_commitment, (None, None, 1, "承诺", None)),
    (accounts.create_user, (None,)),
    (accounts.create_department, (None,)),
]


@pytest.mark.parametrize(("service", "args"), PRIVILEGED, ids=[f.__module__ + "." + f.__name__ for f, _ in PRIVILEGED])
def test_an_anonymous_actor_reaching_a_privileged_service_is_refused(db, service, args):
    with pytest.raises(Unauthorized):
        service(None, *args)


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
