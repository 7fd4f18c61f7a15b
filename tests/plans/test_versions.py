"""Plan life (draft → defended → revised → published), version snapshots and their comparison."""

import pytest

from portal.actors import SYSTEM
from portal.errors import Conflict, Forbidden, Invalid
from portal.plans import editing
from portal.plans.models import PlanState
from portal.plans.versions import compare, snapshot


def defend(plan):
    editing.change_state(SYSTEM, plan.id, PlanState.DEFENDED, "公开答辩")


def test_a_plan_starts_in_draft_and_cannot_be_published_before_its_hearing(scenario):
    assert scenario.plan.state == PlanState.DRAFT
    with pytest.raises(Conflict) as refused:
        editing.publish_version(SYSTEM, scenario.plan.id)
    assert "公开答辩" in refused.value.message


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([PlanState.DEFENDED, PlanState.REVISED, PlanState.DEFENDED], None),
        ([PlanState.REVISED], PlanState.REVISED),
        ([PlanState.DEFENDED, PlanState.DEFENDED], PlanState.DEFENDED),
    ],
)
def test_state_changes_follow_the_transition_table(scenario, path, refused):
    for state in path:
        if state == refused and not any(t.to == state for t in editing.PLANS.from_state(scenario.plan.state)):
            with pytest.raises(Conflict):
                editing.change_state(SYSTEM, scenario.plan.id, state)
            return
        editing.change_state(SYSTEM, scenario.plan.id, state)
    assert scenario.plan.state == path[-1]


def test_state_changes_are_recorded(scenario, users):
    editing.change_state(users["admin"], scenario.plan.id, PlanState.DEFENDED, "3月26日公开答辩")
    change = scenario.plan.state_changes[-1]
    assert (change.old_state, change.new_state, change.note) == (PlanState.DRAFT, PlanState.DEFENDED, "3月26日公开答辩")
    assert change.actor_id == users["admin"].id


def test_publishing_freezes_the_whole_structure(scenario, db):
    defend(scenario.plan)
    version = editing.publish_version(SYSTEM, scenario.plan.id, "答辩后发布")
    scenario.task.title = "发布后改过的标题"
    db.session.commit()

    frozen = version.snapshot["battles"][0]["goals"][0]["tasks"][0]
    assert frozen["title"] != "发布后改过的标题"
    assert frozen["lead_department"] == "牵头测试局"
    assert frozen["participating_departments"] == ["参与测试局"]
    assert [m["title"] for m in frozen["milestones"]] == ["首批场景上线", "全部场景上线"]
    assert "contact_phone" not in frozen
    assert scenario.plan.state == PlanState.PUBLISHED
    assert version.number == 1 and version.label == "1.0"


def test_a_version_label_is_published_only_once(scenario):
    defend(scenario.plan)
    editing.publish_version(SYSTEM, scenario.plan.id)
    editing.change_state(SYSTEM, scenario.plan.id, PlanState.REVISED)
    with pytest.raises(Conflict):
        editing.publish_version(SYSTEM, scenario.plan.id)


def test_every_published_version_is_kept(scenario, users):
    defend(scenario.plan)
    editing.publish_version(SYSTEM, scenario.plan.id)
    editing.change_state(SYSTEM, scenario.plan.id, PlanState.REVISED)
    scenario.plan.version_label = "1.1"
    editing.publish_version(SYSTEM, scenario.plan.id)
    assert [(v.number, v.label) for v in scenario.plan.versions] == [(1, "1.0"), (2, "1.1")]


def test_compare_lists_added_removed_and_changed_tasks_with_their_fields(scenario, plans, db):
    dropped = plans.task(scenario.goal, scenario.lead, title="将被删除的任务")
    before = snapshot(scenario.plan)
    editing.delete_task(_admin(plans), dropped.id)
    plans.task(scenario.goal, scenario.other, title="新增的任务")
    scenario.task.due_date = scenario.task.due_date.replace(year=2027)
    scenario.task.title = "改过名的任务"
    db.session.commit()

    diff = compare(before, snapshot(scenario.plan))

    assert [(c.kind, c.title) for c in diff.tasks if c.kind != "changed"] == [
        ("added", "新增的任务"),
        ("removed", "将被删除的任务"),
    ]
    changed = next(c for c in diff.tasks if c.kind == "changed")
    assert changed.title == "改过名的任务"
    assert {(f.label, f.new) for f in changed.fields} == {("任务名称", "改过名的任务"), ("完成时限", "2027-12-31")}
    assert diff.old_counts["tasks"] == diff.new_counts["tasks"] == 2


def test_compare_matches_renamed_battles_by_identity_and_new_ones_by_title(scenario, plans):
    before = snapshot(scenario.plan)
    editing.update_battle(_admin(plans), scenario.battle.id, "审批服务提质增效")
    plans.battle(scenario.plan, "数字政府建设")
    diff = compare(before, snapshot(scenario.plan))
    assert [(c.kind, c.title) for c in diff.battles] == [("added", "数字政府建设"), ("changed", "审批服务提质增效")]


def test_identical_versions_have_an_empty_diff(scenario):
    snap = snapshot(scenario.plan)
    assert compare(snap, snap).empty


def test_compare_page_shows_the_changes_between_two_published_versions(scenario, plans, client):
    defend(scenario.plan)
    editing.publish_version(SYSTEM, scenario.plan.id)
    editing.change_state(SYSTEM, scenario.plan.id, PlanState.REVISED)
    plans.task(scenario.goal, scenario.lead, title="修订时新增的任务")
    scenario.plan.version_label = "2.0"
    editing.publish_version(SYSTEM, scenario.plan.id)

    page = client.get(f"/plans/{scenario.plan.id}/compare?from=1&to=2").get_data(as_text=True)
    assert "1.0 版" in page and "2.0 版" in page
    assert "修订时新增的任务" in page
    assert "新增攻坚任务（1）" in page


def test_compare_with_the_working_copy(scenario, client):
    defend(scenario.plan)
    editing.publish_version(SYSTEM, scenario.plan.id)
    response = client.get(f"/plans/{scenario.plan.id}/compare?from=1&to=current")
    assert response.status_code == 200
    assert "两个版本内容相同" in response.get_data(as_text=True)


def test_compare_of_an_unknown_version_is_404(scenario, client):
    assert client.get(f"/plans/{scenario.plan.id}/compare?from=7&to=current").status_code == 404


def test_an_unknown_state_is_refused(scenario):
    with pytest.raises(Invalid):
        editing.change_state(SYSTEM, scenario.plan.id, "approved")


def _admin(plans):
    from portal.accounts.models import Role

    return plans.factory.user(Role.ADMIN)


@pytest.mark.parametrize(
    ("action", "state"),
    [(t.action, s) for t in editing.PLANS for s in PlanState],
    ids=[f"{t.action}-from-{s.value}" for t in editing.PLANS for s in PlanState],
)
def test_every_row_of_the_plan_table_from_every_state(action, state, scenario, users, db):
    """Admins take the row from its sources (state history written); 409 from other states; officials get 403."""
    plan = scenario.plan
    plan.state = state
    db.session.commit()
    t = editing.PLANS[action]

    def take(actor):
        if action == "publish":
            return editing.publish_version(actor, plan.id, "发布")
        return editing.change_state(actor, plan.id, t.to, "说明")

    with pytest.raises(Forbidden):
        take(users["official"])
    if state in t.sources:
        take(users["admin"])
        change = plan.state_changes[-1]
        assert plan.state == t.to
        assert (change.old_state, change.new_state, change.actor_id) == (state, t.to, users["admin"].id)
    else:
        with pytest.raises(Conflict):
            take(users["admin"])
        assert db.session.get(type(plan), plan.id).state == state


def test_the_editor_offers_the_buttons_the_table_allows(scenario, users, login):
    html = login(users["admin"]).get(f"/plans/admin/{scenario.plan.id}").get_data(as_text=True)
    assert "记为已公开答辩" in html and "进入修订" not in html and "发布 " not in html
