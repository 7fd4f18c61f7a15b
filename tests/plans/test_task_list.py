"""攻坚任务 of every plan as one public list: filtered by plan, department, status and progress through its form,
paged, and as JSON, CSV and Atom; contact phones masked as on the task pages."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from portal.plans import services
from portal.plans.models import TaskStatus
from tests.support.forms import open_form

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def tasks(plans, scenario):
    """The scenario's plan (one task at 0 %) and a second plan with a done, an overdue and a half-done task."""
    second = plans.plan("营商环境攻势作战方案")
    goal = plans.goal(plans.battle(second, "审批提速"), "一网通办")
    done = plans.task(goal, scenario.lead, title="企业开办一日办结", progress=100)
    late = plans.task(goal, scenario.other, title="不动产登记压缩时限", due="2025-06-30", progress=40)
    half = plans.task(goal, scenario.lead, title="=工程建设项目联审", participating=[scenario.other], progress=55)
    return {"second": second, "done": done, "late": late, "half": half}


def test_the_list_is_linked_from_the_plans_page(client, tasks):
    assert "/plans/tasks/" in client.get("/plans/").get_data(as_text=True)
    page = client.get("/plans/tasks/").get_data(as_text=True)
    assert "共 4 项攻坚任务" in page and "营商环境攻势作战方案" in page


def test_a_person_filters_by_plan_department_status_and_progress(client, scenario, tasks):
    form = open_form(client, "/plans/tasks/", form="筛选攻坚任务")
    form.select("作战方案", "营商环境攻势作战方案")
    form.select("责任部门", scenario.other.name)
    page = form.submit(button="筛选").get_data(as_text=True)
    assert "共 2 项攻坚任务" in page and "不动产登记压缩时限" in page and "=工程建设项目联审" in page

    form = open_form(client, "/plans/tasks/", form="筛选攻坚任务")
    form.select("状态", "逾期")
    page = form.submit().get_data(as_text=True)
    assert "共 1 项攻坚任务" in page and "不动产登记压缩时限" in page

    form = open_form(client, "/plans/tasks/", form="筛选攻坚任务")
    form.fill("进度不低于（%）", "50")
    form.fill("进度不高于（%）", "99")
    page = form.submit().get_data(as_text=True)
    assert "共 1 项攻坚任务" in page and "=工程建设项目联审" in page


def test_json_lists_tasks_with_pages_links_and_an_etag(client, tasks):
    response = client.get("/api/v1/plans/tasks?sort=progress&per_page=3")
    body = response.get_json()
    assert (body["total"], body["pages"], len(body["results"])) == (4, 2, 3)
    assert [r["progress"] for r in body["results"]] == [0, 40, 55]
    late = body["results"][1]
    assert late["overdue"] is True and late["plan"]["title"] == "营商环境攻势作战方案"
    assert late["contact"]["phone"] == "139****1234"
    assert 'rel="next"' in response.headers["Link"] and body["as_of"]
    assert client.get(response.request.url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    bad = client.get("/api/v1/plans/tasks?progress_min=80&progress_max=20")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "progress_max"
    assert client.get(f"/api/v1/plans/tasks?status={TaskStatus.DONE.value}").get_json()["total"] == 1


def test_csv_masks_phones_and_neutralises_formulas(client, tasks):
    text = client.get("/plans/tasks.csv").get_data(as_text=True)
    assert "13905321234" not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["编号", "作战方案", "攻坚战", "攻坚目标", "攻坚任务"] and len(rows) == 5
    assert "'=工程建设项目联审" in [r[4] for r in rows]


def test_the_feed_has_the_latest_progress_reports(client, scenario, tasks):
    services.report_progress(
        scenario.lead_official,
        scenario.task.id,
        services.ProgressReport(
            progress="30", note="首批场景完成测试", status="", report_date=None, milestones_done=set()
        ),
    )
    root = ET.fromstring(client.get(f"/plans/tasks.atom?plan={scenario.plan.id}").get_data())
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == f"{scenario.task.title}：进度 30%（推进中）"
    assert "首批场景完成测试" in entries[0].findtext(f"{ATOM}summary")
