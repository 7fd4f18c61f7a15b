"""The dispatch desk, extensions, returns and ratings through their rendered pages, as the role that uses each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.actors import SYSTEM
from portal.feedback import clock, responsibility
from portal.feedback.calendar import deadline, end_of_day
from portal.feedback.enums import AssignmentRole, AssignmentState, ExtensionState, OrderState, Satisfaction
from portal.times import to_local
from tests.support.forms import FormError, open_form


@pytest.fixture
def demo_like(city, factory):
    """Departments named as in the demo, and a matter of the list that suggests 大数据局 for 政务网站 orders."""
    shenpi = factory.department("市行政审批服务局", short_name="行政审批局")
    dashuju = factory.department("市大数据发展管理局", short_name="大数据局")
    responsibility.create_item(
        SYSTEM, responsibility.ItemData("政务网站故障", "政务服务", "网站 办事 系统", "", [dashuju.id, shenpi.id])
    )
    return shenpi, dashuju


def _dispatch_form(client, order):
    return open_form(client, f"/feedback/{order.tracking_no}", form="#dispatch-form")


def test_dispatch_goes_to_the_lead_chosen_in_the_dropdown_over_a_preticked_suggestion(city, login, demo_like):
    shenpi, dashuju = demo_like
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    client = login(city.dispatcher)
    page = client.get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
    assert "市大数据发展管理局" in page  # suggested first: the dropdown starts on it
    form = _dispatch_form(client, order)
    assert form.value_dict()["lead"] == [str(dashuju.id)] and "assisting" not in form.value_dict()
    form.select("主办部门", "市行政审批服务局")
    response = form.submit(button="派单")
    assert response.status_code == 302
    assert order.state == OrderState.DISPATCHED
    assert order.lead_assignment.department_id == shenpi.id
    roles = {a.department_id: a.role for a in order.current_assignments}
    assert roles == {shenpi.id: AssignmentRole.LEAD}  # nothing the dispatcher did not choose


def test_a_ticked_suggestion_assists_the_chosen_lead(city, login, demo_like):
    shenpi, dashuju = demo_like
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    form = _dispatch_form(login(city.dispatcher), order)
    form.select("主办部门", "市行政审批服务局")
    form.check("协办部门", "市大数据发展管理局")
    assert form.submit(button="派单").status_code == 302
    roles = {a.department_id: a.role for a in order.current_assignments}
    assert roles == {shenpi.id: AssignmentRole.LEAD, dashuju.id: AssignmentRole.ASSIST}


def test_adding_departments_suggests_only_those_not_yet_on_the_order(city, login, demo_like):
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    client = login(city.dispatcher)
    assert _dispatch_form(client, order).submit(button="派单").status_code == 302  # lead: the first suggestion
    form = _dispatch_form(client, order)  # now 增派
    assert "lead" not in form.value_dict()
    form.check("协办部门", "市行政审批服务局")
    with pytest.raises(FormError):
        form.check("协办部门", "市大数据发展管理局")


def test_the_suggested_lead_ticked_as_assisting_is_dispatched_once(city, login, demo_like):
    _, dashuju = demo_like
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    form = _dispatch_form(login(city.dispatcher), order)  # the dropdown starts on the first suggestion
    form.check("协办部门", "市大数据发展管理局")  # the same department ticked as assisting too
    assert form.submit(button="派单").status_code == 302
    assert [(a.department_id, a.role) for a in order.current_assignments] == [(dashuju.id, AssignmentRole.LEAD)]


def test_without_a_lead_and_two_departments_the_form_comes_back_with_a_message(city, login, demo_like):
    order = city.file(category="政务服务", title="办事网站无法登录", description="政务服务网站办事系统一直打不开。")
    form = _dispatch_form(login(city.dispatcher), order)
    form.select("主办部门", "（请选择主办部门）")
    form.check("协办部门", "市行政审批服务局")
    form.check("协办部门", "市大数据发展管理局")
    response = form.submit(button="派单")
    assert response.status_code == 400 and "主办部门" in response.get_data(as_text=True)
    assert order.state == OrderState.SUBMITTED


MONDAY = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def _order_form(client, order, form):
    return open_form(client, f"/feedback/{order.tracking_no}", form=form)


def _handle_round(city, login, order, when, *, extend_to: date | None = None) -> None:
    """The official signs, (asks for an extension the dispatcher approves,) replies and closes — all on the pages."""
    a = city.assignment(order, city.dept_a)
    official = login(city.official_a)
    with clock.at(when):
        assert _order_form(official, order, f"/assignments/{a.id}/sign").submit(button="签收").status_code == 302
        if extend_to is not None:
            form = _order_form(official, order, f"/assignments/{a.id}/request_extension")
            form.fill("新的办结日期", extend_to.isoformat()).fill("延期理由", "需要会同规划部门现场踏勘")
            assert form.submit(button="提交申请").status_code == 302
            x = a.pending_extension
            form = open_form(login(city.dispatcher), "/feedback/desk?tab=extensions", form=f"/extensions/{x.id}/decide")
            assert form.submit(button="同意").status_code == 302
        form = _order_form(official, order, f"/assignments/{a.id}/reply")
        form.fill("答复内容", "经现场核查，已责令经营者停止占道经营并清理现场。")
        assert form.submit(button="提交答复").status_code == 302
        assert _order_form(official, order, "/close").submit(button="办结").status_code == 302


def _rate(city, login, order, when, value: str) -> None:
    with clock.at(when):
        form = _order_form(login(city.citizen), order, "/rate")
        form.check("您对办理结果是否满意？", value).fill("意见（可不填）", "问题依旧存在")
        assert form.submit(button="提交评价").status_code == 302


def test_an_approved_extension_stays_with_its_round_and_each_send_back_starts_a_fresh_deadline(city, login):
    with clock.at(MONDAY):
        order = city.file()
        form = _dispatch_form(login(city.dispatcher), order)
        form.select("主办部门", city.dept_a.name)
        assert form.submit(button="派单").status_code == 302
    first = city.assignment(order, city.dept_a)
    assert first.due_at == deadline(MONDAY, 15)
    extended = (to_local(first.due_at) + timedelta(days=14)).date()
    _handle_round(city, login, order, MONDAY + timedelta(days=1), extend_to=extended)

    send_back = MONDAY + timedelta(days=9)
    _rate(city, login, order, send_back, "不满意")
    assert order.round == 2 and order.state == OrderState.DISPATCHED
    second = city.assignment(order, city.dept_a)
    assert first.due_at == end_of_day(extended) and first.original_due_at == deadline(MONDAY, 15)
    assert second.round == 2
    assert second.due_at == second.original_due_at == deadline(send_back, 15)
    page = login(city.official_a).get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
    assert f"{to_local(end_of_day(extended)):%Y-%m-%d}" in page  # round 1 still shows its extended deadline
    assert f"{to_local(deadline(send_back, 15)):%Y-%m-%d}" in page

    _handle_round(city, login, order, send_back + timedelta(days=2))
    second_send_back = send_back + timedelta(days=12)
    _rate(city, login, order, second_send_back, "不满意")
    third = city.assignment(order, city.dept_a)
    assert third.round == 3 and third.due_at == deadline(second_send_back, 15)
    assert first.due_at == end_of_day(extended) and second.due_at == deadline(send_back, 15)


def test_the_lead_closes_and_the_citizen_rates_satisfied_on_the_page(city, login):
    order = city.dispatched(city.dept_a)
    _handle_round(city, login, order, clock.now())
    _rate(city, login, order, clock.now(), "满意")
    assert order.state == OrderState.CLOSED and order.satisfaction == Satisfaction.SATISFIED
    assert order.ratings[-1].comment == "问题依旧存在"


def _signed_with_an_extension_request(city, login):
    """An order whose department signed for it and asked, on its page, for seven more days."""
    order = city.dispatched(city.dept_a)
    a = city.assignment(order, city.dept_a)
    official = login(city.official_a)
    assert _order_form(official, order, f"/assignments/{a.id}/sign").submit(button="签收").status_code == 302
    form = _order_form(official, order, f"/assignments/{a.id}/request_extension")
    form.fill("新的办结日期", (to_local(a.due_at) + timedelta(days=7)).date().isoformat()).fill("延期理由", "需要会商")
    assert form.submit(button="提交申请").status_code == 302
    return order, a, official


def test_a_refused_extension_needs_a_reason_on_the_desk(city, login):
    _, a, _ = _signed_with_an_extension_request(city, login)
    desk = login(city.dispatcher)
    x = a.pending_extension
    response = open_form(desk, "/feedback/desk?tab=extensions", form=f"/extensions/{x.id}/decide").submit(
        button="不同意"
    )
    assert response.status_code == 302 and x.state == ExtensionState.PENDING
    form = open_form(desk, "/feedback/desk?tab=extensions", form=f"/extensions/{x.id}/decide")
    form.fill("审核意见", "期限内可以办结")
    assert form.submit(button="不同意").status_code == 302
    assert x.state == ExtensionState.REFUSED and a.due_at == a.original_due_at


def test_a_returned_order_is_redispatched_from_the_desk_to_another_lead(city, login):
    order = city.dispatched(city.dept_a)
    a = city.assignment(order, city.dept_a)
    form = _order_form(login(city.official_a), order, f"/assignments/{a.id}/return")
    form.fill("退单理由", "无照经营属市场监管职责")
    assert form.submit(button="退回派单员").status_code == 302
    assert a.state == AssignmentState.RETURNED and order.state == OrderState.RETURNED
    desk = login(city.dispatcher)
    assert "无照经营属市场监管职责" in desk.get("/feedback/desk?tab=returned").get_data(as_text=True)
    form = _dispatch_form(desk, order)
    form.select("主办部门", city.dept_b.name)
    assert form.submit(button="派单").status_code == 302
    assert order.lead_assignment.department_id == city.dept_b.id
    assert [x.department_id for x in order.current_assignments] == [city.dept_b.id]


def test_an_extension_request_of_a_round_sent_back_leaves_the_desk_and_cannot_move_that_rounds_deadline(city, login):
    order, a, official = _signed_with_an_extension_request(city, login)
    x = a.pending_extension
    desk = login(city.dispatcher)
    stale = open_form(desk, "/feedback/desk?tab=extensions", form=f"/extensions/{x.id}/decide")  # left open
    form = _order_form(official, order, f"/assignments/{a.id}/reply")
    form.fill("答复内容", "经现场核查，已责令经营者停止占道经营并清理现场。")
    assert form.submit(button="提交答复").status_code == 302
    assert _order_form(official, order, "/close").submit(button="办结").status_code == 302
    _rate(city, login, order, clock.now(), "不满意")
    assert order.round == 2

    page = desk.get("/feedback/desk?tab=extensions").get_data(as_text=True)
    assert f"/extensions/{x.id}/decide" not in page
    response = stale.submit(button="同意")
    assert response.status_code == 302
    assert "轮次已结束" in desk.get(response.headers["Location"]).get_data(as_text=True)  # flashed on the desk
    assert x.state == ExtensionState.PENDING and a.due_at == a.original_due_at
