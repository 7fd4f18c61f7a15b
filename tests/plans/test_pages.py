"""Public pages: overview, ledger filters, overdue flags, masked contacts, home panel and JSON API."""

from datetime import date

import pytest

from portal.accounts.models import Role
from portal.plans.models import TaskStatus

PHONE = "13905327788"


@pytest.fixture
def ledger_plan(plans, factory):
    a, b, c = factory.department("甲局"), factory.department("乙局"), factory.department("丙局")
    plan = plans.plan()
    first, second = plans.battle(plan, "优化营商环境"), plans.battle(plan, "数字政府建设")
    goal1, goal2 = plans.goal(first), plans.goal(second)
    tasks = {
        "done": plans.task(goal1, a, title="已完成的任务", progress=100, due="2021-12-31"),
        "late": plans.task(goal1, a, title="逾期的任务", participating=[b], progress=40, due="2026-06-30"),
        "open": plans.task(goal2, b, title="推进中的任务", progress=70, due="2099-12-31", phone=PHONE),
        "idle": plans.task(goal2, c, title="未启动的任务", due="2099-12-31"),
    }
    return plan, tasks, (a, b, c), (first, second)


def titles(response) -> set[str]:
    body = response.get_data(as_text=True)
    return {t for t in ("已完成的任务", "逾期的任务", "推进中的任务", "未启动的任务") if t in body}


def test_ledger_lists_every_task_without_filters(ledger_plan, client):
    plan, *_ = ledger_plan
    assert titles(client.get(f"/plans/{plan.id}/tasks")) == {
        "已完成的任务",
        "逾期的任务",
        "推进中的任务",
        "未启动的任务",
    }


def test_ledger_filters_by_department_as_lead_or_participant(ledger_plan, client):
    plan, _, (_a, b, c), _ = ledger_plan
    assert titles(client.get(f"/plans/{plan.id}/tasks?dept={b.id}")) == {"逾期的任务", "推进中的任务"}
    assert titles(client.get(f"/plans/{plan.id}/tasks?dept={c.id}")) == {"未启动的任务"}


def test_ledger_filters_by_status(ledger_plan, client):
    plan, *_ = ledger_plan
    assert titles(client.get(f"/plans/{plan.id}/tasks?status=done")) == {"已完成的任务"}
    assert titles(client.get(f"/plans/{plan.id}/tasks?status=not_started")) == {"未启动的任务"}


def test_ledger_filters_overdue_tasks(ledger_plan, client):
    plan, *_ = ledger_plan
    assert titles(client.get(f"/plans/{plan.id}/tasks?status=overdue")) == {"逾期的任务"}


def test_ledger_combines_battle_and_department_filters(ledger_plan, client):
    plan, _, (_a, b, _c), (_first, second) = ledger_plan
    assert titles(client.get(f"/plans/{plan.id}/tasks?battle={second.id}&dept={b.id}")) == {"推进中的任务"}


def test_ledger_flags_overdue_rows_with_a_badge(ledger_plan, client):
    plan, *_ = ledger_plan
    body = client.get(f"/plans/{plan.id}/tasks?status=overdue").get_data(as_text=True)
    assert "plan-row-overdue" in body
    assert ">逾期</span>" in body


@pytest.mark.parametrize("query", ["status=finished", "dept=abc", "battle=x1"])
def test_ledger_rejects_malformed_filters_with_400(ledger_plan, client, query):
    plan, *_ = ledger_plan
    assert client.get(f"/plans/{plan.id}/tasks?{query}").status_code == 400


def test_unknown_plan_and_task_are_404(client, db):
    assert client.get("/plans/999").status_code == 404
    assert client.get("/plans/tasks/999").status_code == 404


def test_overview_shows_a_progress_bar_per_battle_and_lists_overdue_tasks(ledger_plan, client):
    plan, *_ = ledger_plan
    body = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert body.count('data-testid="battle"') == 2
    assert 'aria-label="优化营商环境进度 70%"' in body  # (100 + 40) / 2
    assert "逾期任务（1）" in body


@pytest.mark.parametrize(
    "path", ["/plans/tasks/{task}", "/plans/{plan}/tasks", "/plans/{plan}", "/api/v1/plans/{plan}"]
)
def test_contact_phones_are_masked_for_the_public(ledger_plan, client, path):
    plan, tasks, *_ = ledger_plan
    body = client.get(path.format(task=tasks["open"].id, plan=plan.id)).get_data(as_text=True)
    assert PHONE not in body
    if "tasks/" in path or "api" in path:
        assert "139****7788" in body


def test_contact_phone_is_masked_for_a_logged_in_citizen(ledger_plan, login, factory):
    _, tasks, *_ = ledger_plan
    body = login(factory.user(Role.CITIZEN)).get(f"/plans/tasks/{tasks['open'].id}").get_data(as_text=True)
    assert PHONE not in body


def test_the_lead_department_sees_the_full_contact_phone(ledger_plan, login, factory):
    _, tasks, (_a, b, _c), _ = ledger_plan
    official = factory.user(Role.OFFICIAL, department=b)
    body = login(official).get(f"/plans/tasks/{tasks['open'].id}").get_data(as_text=True)
    assert PHONE in body


def test_task_page_flags_overdue_and_counts_the_days(ledger_plan, client, monkeypatch):
    _, tasks, *_ = ledger_plan
    monkeypatch.setattr("portal.plans.views.local_today", lambda: date(2026, 7, 10))
    monkeypatch.setattr("portal.plans.services.local_today", lambda now=None: date(2026, 7, 10))
    body = client.get(f"/plans/tasks/{tasks['late'].id}").get_data(as_text=True)
    assert "已逾期 10 天" in body


def test_api_returns_structure_and_weighted_progress(ledger_plan, client):
    plan, *_ = ledger_plan
    data = client.get(f"/api/v1/plans/{plan.id}").get_json()
    assert data["title"] == plan.title
    assert [b["title"] for b in data["battles"]] == ["优化营商环境", "数字政府建设"]
    assert data["battles"][0]["progress"]["percent"] == 70
    assert data["battles"][1]["progress"]["percent"] == 35
    task = data["battles"][0]["goals"][0]["tasks"][1]
    assert (task["title"], task["overdue"], task["status"]) == ("逾期的任务", True, TaskStatus.IN_PROGRESS.value)


def test_api_unknown_plan_answers_json_404(client, db):
    response = client.get("/api/v1/plans/999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_api_lists_plans(ledger_plan, client):
    plan, *_ = ledger_plan
    assert [p["id"] for p in client.get("/api/v1/plans").get_json()["plans"]] == [plan.id]


def test_home_panel_shows_the_current_plan_with_battle_bars(ledger_plan, client):
    plan, *_ = ledger_plan
    body = client.get("/").get_data(as_text=True)
    assert plan.title in body
    assert 'aria-label="数字政府建设进度 35%"' in body
    assert f"/plans/{plan.id}/tasks" in body


def test_home_page_without_plans_still_renders(client, db):
    assert client.get("/").status_code == 200


def test_plans_list_shows_each_plan(ledger_plan, client):
    plan, *_ = ledger_plan
    assert plan.title in client.get("/plans/").get_data(as_text=True)


def test_ledger_exports_csv_with_the_same_filters_and_masked_phones(ledger_plan, client):
    plan, *_ = ledger_plan
    response = client.get(f"/plans/{plan.id}/tasks.csv?status=in_progress")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert body.startswith("\ufeff编号,攻坚战")
    assert "推进中的任务" in body and "逾期的任务" in body and "已完成的任务" not in body
    assert PHONE not in body and "139****7788" in body


def test_ledger_page_links_to_the_csv_with_its_filters(ledger_plan, client):
    plan, *_ = ledger_plan
    body = client.get(f"/plans/{plan.id}/tasks?status=done").get_data(as_text=True)
    assert f"/plans/{plan.id}/tasks.csv?status=done" in body


def test_api_task_includes_its_history(scenario, client):
    from portal.plans import services

    services.report_progress(
        scenario.lead_official, scenario.task.id, services.ProgressReport(progress=30, note="完成需求调研")
    )
    data = client.get(f"/api/v1/plans/tasks/{scenario.task.id}").get_json()
    assert data["plan_id"] == scenario.plan.id
    assert data["history"][0]["progress"] == [0, 30]
    assert data["history"][0]["note"] == "完成需求调研"
    assert data["contact"]["phone"] == "139****1234"


def test_department_progress_ranks_lead_departments_with_overdue_tasks_first(ledger_plan, client):
    from portal.plans import services

    plan, _, (a, _b, _c), _ = ledger_plan
    rows = services.department_progress(services.plan_overview(plan.id))
    assert [(r.department.name, r.progress.overdue_count, r.progress.percent) for r in rows] == [
        ("甲局", 1, 70),
        ("丙局", 0, 0),
        ("乙局", 0, 70),
    ]
    body = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "牵头部门进度" in body
    assert f"/plans/{plan.id}/tasks?dept={a.id}" in body


def test_overview_shows_the_latest_progress_reports(scenario, client):
    from portal.plans import services

    services.report_progress(
        scenario.lead_official, scenario.task.id, services.ProgressReport(progress=20, note="启动")
    )
    services.report_progress(
        scenario.lead_official, scenario.task.id, services.ProgressReport(progress=50, note="完成首批场景")
    )
    updates = services.recent_updates(scenario.plan.id)
    assert [u.note for u in updates] == ["完成首批场景", "启动"]
    assert "完成首批场景" in client.get(f"/plans/{scenario.plan.id}").get_data(as_text=True)
