"""承诺事项 of every hearing as one public list: filtered through its form, paged, and as JSON, CSV and Atom."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.hearings import services
from portal.hearings.commitments import mark_overdue_commitments
from tests.support.forms import open_form

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def commitments(hearings, factory):
    approval = factory.department("市行政审批服务局", short_name="行政审批局")
    data = factory.department("市大数据发展管理局", short_name="大数据局")
    first = hearings.hearing(title="高效青岛作战方案公开答辩")
    second = hearings.hearing(title="年度公开质询")
    made = {
        "merge": services.flag_commitment(SYSTEM, first, None, approval.id, "食品生产项目并联审批", date(2027, 2, 15)),
        "share": services.flag_commitment(SYSTEM, first, None, data.id, "建立部门数据共享责任清单", date(2026, 12, 22)),
        "late": services.flag_commitment(SYSTEM, second, None, approval.id, "=审批结果同步公开", date(2026, 1, 31)),
    }
    mark_overdue_commitments()
    official = factory.user(Role.OFFICIAL, department=data)
    services.update_commitment(official, made["share"], "done", "责任清单已印发，纳入攻势考核")
    return {"approval": approval, "data": data, "first": first, "second": second, **made}


def test_the_list_exists_and_is_linked_from_the_hearings_page(client, commitments):
    assert "/hearings/commitments/" in client.get("/hearings/").get_data(as_text=True)
    page = client.get("/hearings/commitments/").get_data(as_text=True)
    assert "共 3 项承诺事项" in page
    assert page.index("=审批结果同步公开") < page.index("建立部门数据共享责任清单") < page.index("食品生产项目并联审批")


def test_a_person_filters_by_department_and_status(client, commitments):
    form = open_form(client, "/hearings/commitments/", form="筛选承诺事项")
    form.select("责任部门", "市行政审批服务局")
    page = form.submit(button="筛选").get_data(as_text=True)
    assert "共 2 项承诺事项" in page and "建立部门数据共享责任清单" not in page

    form = open_form(client, "/hearings/commitments/", form="筛选承诺事项")
    form.select("状态", "逾期")
    page = form.submit().get_data(as_text=True)
    assert "共 1 项承诺事项" in page and "=审批结果同步公开" in page

    form = open_form(client, "/hearings/commitments/", form="筛选承诺事项")
    form.select("答辩", "高效青岛作战方案公开答辩")
    form.fill("关键词", "共享")
    assert "共 1 项承诺事项" in form.submit().get_data(as_text=True)


def test_json_pages_with_links_and_an_etag(client, commitments):
    response = client.get("/api/v1/hearings/commitments?per_page=2&status=not_started")
    body = response.get_json()
    assert (body["total"], body["pages"]) == (1, 1)
    item = body["results"][0]
    assert item["text"] == "食品生产项目并联审批" and item["department"] == "市行政审批服务局"
    assert item["due_date"] == "2027-02-15" and item["hearing"]["title"] == "高效青岛作战方案公开答辩"
    assert item["created_at"].endswith("+00:00")
    paged = client.get("/api/v1/hearings/commitments?per_page=2")
    assert paged.get_json()["pages"] == 2 and 'rel="next"' in paged.headers["Link"]
    again = client.get("/api/v1/hearings/commitments?per_page=2", headers={"If-None-Match": paged.headers["ETag"]})
    assert again.status_code == 304
    bad = client.get("/api/v1/hearings/commitments?status=forgotten")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "status"


def test_csv_and_atom_of_the_filtered_list(client, commitments):
    rows = list(
        csv.reader(io.StringIO(client.get("/hearings/commitments.csv").get_data(as_text=True).lstrip("\ufeff")))
    )
    assert rows[0][:3] == ["编号", "承诺事项", "责任部门"] and len(rows) == 4
    assert "'=审批结果同步公开" in [r[1] for r in rows]
    dept = commitments["data"].id
    root = ET.fromstring(client.get(f"/hearings/commitments.atom?dept={dept}").get_data())
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles == ["已完成：大数据局 · 建立部门数据共享责任清单", "新承诺：大数据局 · 建立部门数据共享责任清单"]
