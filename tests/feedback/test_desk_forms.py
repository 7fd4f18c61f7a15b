"""The dispatch desk, extensions, returns and ratings through their rendered pages, as the role that uses each."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.feedback import responsibility
from portal.feedback.enums import AssignmentRole, OrderState
from tests.support.forms import open_form


@pytest.fixture
def demo_like(city, factory):
    """Departments named as in the demo, and a matter of the list that suggests 大数据局 for 政务网站 orders."""
    shenpi = factory.department("市行政审批服务局", short_name="行政审批局")
    dashuju = factory.department("市大数据发展管理局", short_name="大数据局")
    responsibility.create_item(
        None, responsibility.ItemData("政务网站故障", "政务服务", "网站 办事 系统", "", [dashuju.id, shenpi.id])
    )
    return shenpi, dashuju


def _dispatch_form(client, order):
    return open_form(client, f"/feedback/{order.tracking_no}", form='action="/feedback/' + order.tracking_no + '/dispatch"')


def test_dispatch_goes_to_the_lead_chosen_in_the_dropdown_over_a_preticked_suggestion(city, login, demo_like):
    shenpi, dashuju = demo_like
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    client = login(city.dispatcher)
    page = client.get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
    assert "市大数据发展管理局" in page  # suggested first, and pre-ticked
    form = _dispatch_form(client, order)
    form.select("主办部门", "市行政审批服务局")
    response = form.submit(button="派单")
    assert response.status_code == 302
    assert order.state == OrderState.DISPATCHED
    assert order.lead_assignment.department_id == shenpi.id
    roles = {a.department_id: a.role for a in order.current_assignments}
    assert roles == {shenpi.id: AssignmentRole.LEAD, dashuju.id: AssignmentRole.ASSIST}


def test_the_suggested_lead_ticked_as_assisting_is_dispatched_once(city, login, demo_like):
    shenpi, dashuju = demo_like
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    form = _dispatch_form(login(city.dispatcher), order)  # the dropdown starts on the first suggestion
    assert form.submit(button="派单").status_code == 302
    assert [(a.department_id, a.role) for a in order.current_assignments] == [(dashuju.id, AssignmentRole.LEAD)]


def test_without_a_lead_and_two_departments_the_form_comes_back_with_a_message(city, login, demo_like):
    shenpi, dashuju = demo_like
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    form = _dispatch_form(login(city.dispatcher), order)
    form.select("主办部门", "（请选择主办部门）")
    form.check("协办部门", "市行政审批服务局")
    response = form.submit(button="派单")
    assert response.status_code == 400 and "主办部门" in response.get_data(as_text=True)
    assert order.state == OrderState.SUBMITTED
