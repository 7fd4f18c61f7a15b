from datetime import date

import pytest

from portal.actors import SYSTEM
from portal.errors import Conflict, Forbidden, Invalid
from portal.policies import services
from portal.policies.models import PolicyStatus
from portal.policies.services import STATUS


def test_the_transition_table_allows_the_documented_paths():
    assert [t.action for t in STATUS.from_state(PolicyStatus.DRAFT)] == ["publish"]
    assert [t.action for t in STATUS.from_state(PolicyStatus.IN_FORCE)] == ["amend", "expire", "repeal"]
    assert [t.action for t in STATUS.from_state(PolicyStatus.AMENDED)] == ["expire", "repeal"]
    assert STATUS.from_state(PolicyStatus.EXPIRED) == [] and STATUS.from_state(PolicyStatus.REPEALED) == []
    assert all(t.needs_reason for t in STATUS if t.action != "publish")


def test_publishing_makes_a_draft_in_force_and_records_the_change(make_policy):
    policy = make_policy(publish=False)
    assert policy.status is PolicyStatus.DRAFT
    services.transition(SYSTEM, policy.id, "publish", date(2020, 3, 1))
    change = policy.status_changes[-1]
    assert policy.status is PolicyStatus.IN_FORCE
    assert (change.from_status, change.to_status, change.effective_on) == (
        PolicyStatus.DRAFT,
        PolicyStatus.IN_FORCE,
        date(2020, 3, 1),
    )


def test_repeal_carries_its_date_and_reason(make_policy, editor):
    policy = make_policy()
    services.transition(editor, policy.id, "repeal", date(2020, 10, 30), "规范性文件清理：与现行法律法规相冲突")
    change = policy.status_changes[-1]
    assert policy.status is PolicyStatus.REPEALED and policy.status_on == date(2020, 10, 30)
    assert change.reason == "规范性文件清理：与现行法律法规相冲突" and change.actor_id == editor.id
    assert policy.versions[-1].status is PolicyStatus.REPEALED


@pytest.mark.parametrize(
    ("effective_on", "reason", "message"), [(date(2020, 9, 1), "", "理由"), (None, "到期", "日期")]
)
def test_expiry_needs_a_date_and_a_reason(make_policy, editor, effective_on, reason, message):
    policy = make_policy()
    with pytest.raises(Invalid, match=message):
        services.transition(editor, policy.id, "expire", effective_on, reason)


def test_a_repealed_document_cannot_be_amended(make_policy, editor):
    policy = make_policy()
    services.transition(editor, policy.id, "repeal", date(2020, 10, 30), "被新文件代替")
    with pytest.raises(Conflict):
        services.transition(editor, policy.id, "amend", date(2021, 1, 1), "修改")


def test_an_amended_document_can_still_expire(make_policy, editor):
    policy = make_policy()
    services.transition(editor, policy.id, "amend", date(2020, 5, 1), "第三条已修改")
    services.transition(editor, policy.id, "expire", date(2020, 9, 30), "执行时效届满")
    assert [c.to_status for c in policy.status_changes][-2:] == [PolicyStatus.AMENDED, PolicyStatus.EXPIRED]


def test_the_status_form_refuses_a_missing_reason_with_400_and_keeps_the_status(make_policy, users, login, db):
    policy = make_policy()
    response = login(users["editor"]).post(
        f"/policies/manage/{policy.id}/status/repeal", data={"effective_on": "2020-10-30", "reason": ""}
    )
    assert response.status_code == 400 and "请填写废止的理由" in response.get_data(as_text=True)
    db.session.expire_all()
    assert policy.status is PolicyStatus.IN_FORCE


def test_the_status_form_repeals_with_date_and_reason(make_policy, users, login, db, client):
    policy = make_policy()
    response = login(users["editor"]).post(
        f"/policies/manage/{policy.id}/status/repeal", data={"effective_on": "2020-10-30", "reason": "被新文件代替"}
    )
    assert response.status_code == 302
    html = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "2020年10月30日 废止" in html and "被新文件代替" in html


def test_repealing_a_repealed_document_through_the_form_is_409(make_policy, users, login):
    policy = make_policy()
    services.transition(SYSTEM, policy.id, "repeal", date(2020, 10, 30), "被新文件代替")
    response = login(users["admin"]).post(
        f"/policies/manage/{policy.id}/status/repeal", data={"effective_on": "2020-11-30", "reason": "再次废止"}
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("action", "state"),
    [(t.action, s) for t in STATUS for s in PolicyStatus],
    ids=[f"{t.action}-from-{s.value}" for t in STATUS for s in PolicyStatus],
)
def test_every_row_of_the_table_from_every_state(action, state, make_policy, users, db):
    """Allowed from its sources for an editor (status and history written), 409 elsewhere, 403 for a citizen."""
    editor = users["editor"]
    policy = make_policy(publish=False)
    policy.status = state
    db.session.commit()
    step = STATUS[action]
    with pytest.raises(Forbidden):
        services.transition(users["citizen"], policy.id, action, date(2021, 1, 1), "理由")
    if state in step.sources:
        services.transition(editor, policy.id, action, date(2021, 1, 1), "理由")
        change = policy.status_changes[-1]
        assert policy.status is step.to
        assert (change.from_status, change.to_status, change.actor_id) == (state, step.to, editor.id)
    else:
        with pytest.raises(Conflict, match=step.label):
            services.transition(editor, policy.id, action, date(2021, 1, 1), "理由")
        db.session.rollback()
        assert db.session.get(type(policy), policy.id).status is state


def test_an_unknown_action_is_refused(make_policy, editor):
    with pytest.raises(Invalid, match="未知"):
        services.transition(editor, make_policy().id, "delete", date(2021, 1, 1), "理由")


def test_the_page_offers_the_buttons_the_table_allows_this_user(make_policy, users, login):
    policy = make_policy()
    html = login(users["editor"]).get(f"/policies/{policy.id}").get_data(as_text=True)
    for t in STATUS:
        shown = f"/policies/manage/{policy.id}/status/{t.action}" in html
        assert shown == (PolicyStatus.IN_FORCE in t.sources), t.action
