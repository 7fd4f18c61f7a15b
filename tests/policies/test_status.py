from datetime import date

import pytest

from portal.errors import Conflict, Invalid
from portal.policies import services
from portal.policies.models import PolicyStatus
from portal.policies.states import TRANSITIONS, allowed_actions


def test_the_transition_table_allows_the_documented_paths():
    assert [t.action for t in allowed_actions(PolicyStatus.DRAFT)] == ["publish"]
    assert [t.action for t in allowed_actions(PolicyStatus.IN_FORCE)] == ["amend", "expire", "repeal"]
    assert [t.action for t in allowed_actions(PolicyStatus.AMENDED)] == ["expire", "repeal"]
    assert allowed_actions(PolicyStatus.EXPIRED) == [] and allowed_actions(PolicyStatus.REPEALED) == []
    assert all(t.needs_reason for name, t in TRANSITIONS.items() if name != "publish")


def test_publishing_makes_a_draft_in_force_and_records_the_change(make_policy):
    policy = make_policy(publish=False)
    assert policy.status is PolicyStatus.DRAFT
    services.transition(None, policy.id, "publish", date(2020, 3, 1))
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
    services.transition(None, policy.id, "repeal", date(2020, 10, 30), "被新文件代替")
    response = login(users["admin"]).post(
        f"/policies/manage/{policy.id}/status/repeal", data={"effective_on": "2020-11-30", "reason": "再次废止"}
    )
    assert response.status_code == 409
