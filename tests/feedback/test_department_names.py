"""One name per department: the desk's suggestions, the dispatch dropdowns, the KPI table and the chart all use
the department's name (never its short name)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.accounts.models import Department, Role
from portal.actors import SYSTEM
from portal.feedback import lifecycle, responsibility
from tests.support.forms import open_form, parse_html


def _texts(html: str, pattern: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(pattern, html, flags=re.S)]


def test_every_department_name_shown_is_a_canonical_name(city, login, client, factory, db):
    shenpi = factory.department("市行政审批服务局", short_name="行政审批局")
    dashuju = factory.department("市大数据发展管理局", short_name="大数据局")
    responsibility.create_item(
        SYSTEM, responsibility.ItemData("政务网站故障", "政务服务", "网站 办事 系统", "", [dashuju.id, shenpi.id])
    )
    waiting = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    done = city.file(category="政务服务", title="办事系统打不开", description="政务服务网站办事系统一直打不开。")
    for a in lifecycle.dispatch_order(city.dispatcher, done, [shenpi.id, dashuju.id], shenpi.id):
        official = factory.user(Role.OFFICIAL, department=a.department)
        lifecycle.sign_assignment(official, a, "经办人", "13800000109")  # signed: counted in the KPI table
    canonical = set(db.session.scalars(sa.select(Department.name)))
    desk = login(city.dispatcher)

    shown: dict[str, list[str]] = {}
    shown["desk suggestions"] = _texts(
        desk.get("/feedback/desk").get_data(as_text=True), r'data-testid="suggested-department">(.*?)</span>'
    )
    form = open_form(desk, f"/feedback/{waiting.tracking_no}", form="#dispatch-form")
    page = desk.get(f"/feedback/{waiting.tracking_no}").get_data(as_text=True)
    shown["order page suggestions"] = _texts(page, r'data-testid="suggested-department">(.*?)</span>')
    shown["dropdowns"] = [
        text for c in form.controls if c.tag == "select" for text in _options(parse_html(page), c.name) if text
    ]
    data = client.get("/data/").get_data(as_text=True)
    shown["kpi table"] = _texts(data, r'<th scope="row" class="dept[^"]*">(.*?)</th>')
    shown["chart"] = _texts(data, r'<text class="row-label"[^>]*>(.*?)</text>')

    assert {"市大数据发展管理局", "市行政审批服务局"} <= set(shown["desk suggestions"])
    assert {"市大数据发展管理局", "市行政审批服务局"} <= set(shown["kpi table"]) & set(shown["chart"])
    for where, names in shown.items():
        assert names, where
        assert set(names) <= canonical, (where, set(names) - canonical)


def _options(document, name: str) -> list[str]:
    """The visible texts of the options of the <select name=...>, placeholders (empty value) left out."""
    select = next(e for e in document.iter() if e.tag == "select" and e.get("name") == name)
    return [o.text().strip() for o in select.iter() if o.tag == "option" and o.get("value")]
