"""Only officials of the lead department (and admins) report a task's progress."""

import pytest

from portal.accounts.models import Role
from portal.accounts.permissions import can
from portal.errors import Forbidden, Unauthorized
from portal.plans import services


def test_an_official_of_the_lead_department_may_update(scenario):
    assert can(scenario.lead_official, "plans.update_task", scenario.task)


def test_an_official_of_a_participating_department_may_not_update(scenario):
    assert not can(scenario.other_official, "plans.update_task", scenario.task)


def test_an_admin_may_update_any_task(scenario, factory):
    assert can(factory.user(Role.ADMIN), "plans.update_task", scenario.task)


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.ENTREPRENEUR, Role.HOST, Role.MODERATOR, Role.EDITOR])
def test_other_roles_may_not_update_even_inside_the_lead_department(scenario, factory, role):
    user = factory.user(role, department=scenario.lead)
    assert not can(user, "plans.update_task", scenario.task)


def test_the_service_refuses_a_participating_official(scenario):
    report = services.ProgressReport(progress=50, note="越权报送")
    with pytest.raises(Forbidden):
        services.report_progress(scenario.other_official, scenario.task.id, report)


def test_the_service_asks_anonymous_users_to_log_in(scenario):
    with pytest.raises(Unauthorized):
        services.report_progress(None, scenario.task.id, services.ProgressReport(progress=50, note="匿名"))


@pytest.mark.parametrize("who", ["other_official", "citizen", "anonymous"])
def test_http_reports_from_others_are_refused_and_change_nothing(scenario, login, client, factory, db, who):
    if who == "anonymous":
        web, expected = client, 401
    else:
        user = scenario.other_official if who == "other_official" else factory.user(Role.CITIZEN)
        web, expected = login(user), 403
    response = web.post(f"/plans/tasks/{scenario.task.id}/updates", data={"progress": "90", "note": "越权"})
    assert response.status_code == expected
    db.session.refresh(scenario.task)
    assert scenario.task.progress == 0


def test_a_citizen_sees_no_report_form(scenario, login, factory):
    page = login(factory.user(Role.CITIZEN)).get(f"/plans/tasks/{scenario.task.id}").get_data(as_text=True)
    assert "报送进展" not in page
    assert 'name="note"' not in page


def test_the_lead_official_sees_the_report_form(scenario, login):
    page = login(scenario.lead_official).get(f"/plans/tasks/{scenario.task.id}").get_data(as_text=True)
    assert "报送进展" in page
    assert 'name="note"' in page


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.HOST, Role.CITIZEN])
def test_only_admins_open_the_plan_editor(scenario, login, factory, role):
    response = login(factory.user(role)).get(f"/plans/admin/{scenario.plan.id}")
    assert response.status_code == 403


def test_the_plan_editor_sends_anonymous_visitors_to_log_in(scenario, client):
    response = client.get(f"/plans/admin/{scenario.plan.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
