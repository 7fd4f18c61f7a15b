"""The transition table decides every step: allowed in its source states, refused elsewhere, by role and deadline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.errors import Conflict, Forbidden, Invalid
from portal.feedback import clock, lifecycle, rating
from portal.feedback.enums import AssignmentRole, AssignmentState, Escalation, ExtensionState, OrderState
from portal.feedback.lifecycle import ASSIGNMENTS, EXTENSIONS, ORDERS
from portal.feedback.workflow import derive_order_state
from portal.times import utcnow

ASSIGNMENT_CALLS = {
    "sign": lambda user, a: lifecycle.sign_assignment(user, a, "刘强", "13800000101"),
    "return": lambda user, a: lifecycle.return_assignment(user, a, "不属于本单位职责"),
    "start": lambda user, a: lifecycle.start_assignment(user, a),
    "progress": lambda user, a: lifecycle.record_progress(user, a, "已约谈经营者"),
    "request_extension": lambda user, a: lifecycle.request_extension(
        user, a, (a.due_at + timedelta(days=10)).date(), "需要多部门会商"
    ),
    "reply": lambda user, a: lifecycle.reply_assignment(user, a, "<p>已处理完毕。</p>"),
}


def test_every_assignment_action_of_the_table_has_a_service():
    assert {t.action for t in ASSIGNMENTS} == set(ASSIGNMENT_CALLS)


@pytest.mark.parametrize("action", sorted(ASSIGNMENT_CALLS))
@pytest.mark.parametrize("state", list(AssignmentState))
def test_assignment_action_is_allowed_exactly_in_its_source_states(city, db, action, state):
    order = city.dispatched(city.dept_a)
    assignment = city.assignment(order, city.dept_a)
    assignment.state = state
    db.session.commit()
    if state in ASSIGNMENTS[action].sources:
        ASSIGNMENT_CALLS[action](city.official_a, assignment)
        expected = ASSIGNMENTS[action].to or state
        assert assignment.state == expected
    else:
        with pytest.raises(Conflict):
            ASSIGNMENT_CALLS[action](city.official_a, assignment)


@pytest.mark.parametrize("action", sorted(ASSIGNMENT_CALLS))
@pytest.mark.parametrize("who", ["official_b", "citizen", "dispatcher"])
def test_assignment_actions_are_refused_to_anyone_but_the_assigned_department(city, db, action, who):
    order = city.dispatched(city.dept_a)
    assignment = city.assignment(order, city.dept_a)
    assignment.state = next(iter(ASSIGNMENTS[action].sources))
    db.session.commit()
    with pytest.raises(Forbidden):
        ASSIGNMENT_CALLS[action](getattr(city, who), assignment)


def test_dispatch_is_refused_to_officials_and_citizens(city):
    order = city.file()
    for user in (city.official_a, city.citizen):
        with pytest.raises(Forbidden):
            lifecycle.dispatch_order(user, order, [city.dept_a.id], city.dept_a.id)


def test_dispatch_to_several_departments_needs_a_lead(city):
    order = city.file()
    with pytest.raises(Invalid) as err:
        lifecycle.dispatch_order(city.dispatcher, order, [city.dept_a.id, city.dept_b.id], None)
    assert err.value.field == "lead"
    assert order.assignments == []


def test_dispatch_creates_one_assignment_per_department_with_its_own_deadlines(city):
    order = city.dispatched(city.dept_a, city.dept_b)
    a, b = city.assignment(order, city.dept_a), city.assignment(order, city.dept_b)
    assert (a.role, b.role) == (AssignmentRole.LEAD, AssignmentRole.ASSIST)
    assert order.state == OrderState.DISPATCHED
    assert a.sign_deadline - a.dispatched_at == timedelta(minutes=30)
    assert a.due_at > a.dispatched_at + timedelta(days=14)  # 投诉: 15 working days


def test_sign_for_minutes_and_working_days_are_configurable_per_kind(city, app):
    app.config["FEEDBACK_SIGN_MINUTES"] = {"consultation": 10}
    app.config["FEEDBACK_HANDLING_DAYS"] = {"consultation": 1}
    try:
        order = city.dispatched(city.dept_a, kind="consultation")
    finally:
        del app.config["FEEDBACK_SIGN_MINUTES"], app.config["FEEDBACK_HANDLING_DAYS"]
    a = city.assignment(order, city.dept_a)
    assert a.sign_deadline - a.dispatched_at == timedelta(minutes=10)
    assert a.due_at - a.dispatched_at < timedelta(days=5)


def test_dispatching_a_closed_order_is_a_conflict(city):
    order = city.closed()
    with pytest.raises(Conflict):
        lifecycle.dispatch_order(city.dispatcher, order, [city.dept_b.id], city.dept_b.id)


def test_order_counts_as_signed_only_when_every_department_signed(city):
    order = city.dispatched(city.dept_a, city.dept_b)
    lifecycle.sign_assignment(city.official_a, city.assignment(order, city.dept_a), "", "")
    assert order.state == OrderState.DISPATCHED
    lifecycle.sign_assignment(city.official_b, city.assignment(order, city.dept_b), "", "")
    assert order.state == OrderState.SIGNED


def test_sign_for_records_handler_and_refuses_a_bad_phone(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    with pytest.raises(Invalid) as err:
        lifecycle.sign_assignment(city.official_a, a, "刘强", "12")
    assert err.value.field == "handler_phone"
    lifecycle.sign_assignment(city.official_a, a, "刘强", "13800000199")
    assert (a.handler_name, a.handler_phone, a.signed_by_id) == ("刘强", "13800000199", city.official_a.id)


def test_return_needs_a_reason_and_goes_back_to_the_dispatcher(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    with pytest.raises(Invalid):
        lifecycle.return_assignment(city.official_a, a, "  ")
    lifecycle.return_assignment(city.official_a, a, "应由市场监管部门办理")
    assert a.state == AssignmentState.RETURNED and a.return_reason == "应由市场监管部门办理"
    assert order.state == OrderState.RETURNED
    lifecycle.dispatch_order(city.dispatcher, order, [city.dept_b.id], city.dept_b.id)
    assert order.state == OrderState.DISPATCHED
    assert order.lead_assignment.department_id == city.dept_b.id


def test_extension_must_be_requested_before_the_deadline(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    with clock.at(a.due_at + timedelta(minutes=1)), pytest.raises(Conflict):
        lifecycle.request_extension(city.official_a, a, (a.due_at + timedelta(days=5)).date(), "需要会商")


def test_extension_needs_a_later_date(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    with pytest.raises(Invalid) as err:
        lifecycle.request_extension(city.official_a, a, date(2020, 1, 1), "需要会商")
    assert err.value.field == "new_date"


def test_approved_extension_moves_the_deadline(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    wanted = (a.due_at + timedelta(days=10)).date()
    request = lifecycle.request_extension(city.official_a, a, wanted, "需要会商")
    with pytest.raises(Conflict):
        lifecycle.request_extension(city.official_a, a, wanted, "再次申请")
    with pytest.raises(Forbidden):
        lifecycle.decide_extension(city.official_a, request, True)
    lifecycle.decide_extension(city.dispatcher, request, True)
    assert request.state == ExtensionState.APPROVED
    assert a.due_at == request.requested_due_at and a.original_due_at < a.due_at
    with pytest.raises(Conflict):
        lifecycle.decide_extension(city.dispatcher, request, False, "重复审核")


def test_refusing_an_extension_needs_a_reason_and_keeps_the_deadline(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    due = a.due_at
    request = lifecycle.request_extension(city.official_a, a, (due + timedelta(days=3)).date(), "需要会商")
    with pytest.raises(Invalid):
        lifecycle.decide_extension(city.dispatcher, request, False, "")
    lifecycle.decide_extension(city.dispatcher, request, False, "期限内可以办结")
    assert request.state == ExtensionState.REFUSED and a.due_at == due


def test_reply_is_sanitised(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    lifecycle.reply_assignment(
        city.official_a, a, '<p onclick="x()">已处理<script>alert(1)</script></p><a href="https://example.org">详情</a>'
    )
    assert "<script" not in a.reply_html and "onclick" not in a.reply_html
    assert 'rel="nofollow"' in a.reply_html and "<p>" in a.reply_html


def test_empty_reply_is_refused(city):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    with pytest.raises(Invalid):
        lifecycle.reply_assignment(city.official_a, a, "<script>x</script>")
    assert a.state == AssignmentState.SIGNED


def test_only_the_lead_closes_and_only_when_everyone_replied(city):
    order = city.dispatched(city.dept_a, city.dept_b)
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    lifecycle.reply_assignment(city.official_a, a, "<p>主办部门已处理。</p>")
    with pytest.raises(Conflict):
        lifecycle.close_order(city.official_a, order)
    b = city.assignment(order, city.dept_b)
    lifecycle.sign_assignment(city.official_b, b, "", "")
    lifecycle.reply_assignment(city.official_b, b, "<p>协办部门已配合。</p>")
    assert order.state == OrderState.REPLIED
    with pytest.raises(Forbidden):
        lifecycle.close_order(city.official_b, order)
    lifecycle.close_order(city.official_a, order)
    assert order.state == OrderState.CLOSED
    assert {x.state for x in order.assignments} == {AssignmentState.CLOSED}


def test_rating_is_refused_before_closing_and_to_others(city):
    order = city.replied()
    with pytest.raises(Conflict):
        city.rate(order, "satisfied")
    lifecycle.close_order(city.official_a, order)
    with pytest.raises(Forbidden):
        city.rate(order, "satisfied", rater=city.other_citizen)
    with pytest.raises(Invalid):
        city.rate(order, "great")
    city.rate(order, "basic")
    with pytest.raises(Conflict):
        city.rate(order, "satisfied")


def test_unrated_order_stays_unrated(city):
    order = city.closed()
    assert order.satisfaction is None and order.ratings == []


def test_unsatisfied_rating_reopens_order_to_same_departments_with_new_deadline(city):
    order = city.closed(city.dept_a, city.dept_b)
    first_round = {a.department_id: a for a in order.assignments}
    with clock.at(utcnow() + timedelta(days=1)):
        city.rate(order, "unsatisfied")
    assert order.state == OrderState.DISPATCHED and order.round == 2 and order.reopen_count == 1
    reopened = order.current_assignments
    assert {a.department_id for a in reopened} == set(first_round)
    for a in reopened:
        assert a.state == AssignmentState.DISPATCHED and a.due_at > first_round[a.department_id].due_at
        assert a.escalation == Escalation.NONE
    assert order.lead_assignment.department_id == city.dept_a.id


def test_second_unsatisfied_rating_escalates(city):
    order = city.closed()
    city.rate(order, "unsatisfied")
    a = order.current_assignments[0]
    lifecycle.sign_assignment(city.official_a, a, "", "")
    lifecycle.reply_assignment(city.official_a, a, "<p>再次处理。</p>")
    lifecycle.close_order(city.official_a, order)
    city.rate(order, "unsatisfied")
    assert order.round == 3
    assert order.current_assignments[0].escalation == Escalation.SUPERVISED


def test_unit_rates_each_department_of_its_call_and_only_unsatisfied_ones_reopen(city):
    order = city.closed(city.dept_a, city.dept_b, requester=city.unit, kind="call")
    assert order.filing_unit_id == city.street.id
    targets = rating.rating_targets(order)
    assert {t.department_id for t in targets} == {city.dept_a.id, city.dept_b.id}
    with pytest.raises(Invalid):
        rating.rate_order(city.unit, order, {city.dept_a.id: ("satisfied", "")})
    rating.rate_order(
        city.unit, order, {city.dept_a.id: ("satisfied", "准时报到"), city.dept_b.id: ("unsatisfied", "未到场")}
    )
    assert {r.department_id: r.value.value for r in order.ratings} == {
        city.dept_a.id: "satisfied",
        city.dept_b.id: "unsatisfied",
    }
    assert [a.department_id for a in order.current_assignments] == [city.dept_b.id]
    assert order.lead_assignment is not None


def test_derived_order_state_follows_the_assignments():
    A = AssignmentState
    assert derive_order_state([A.REPLIED, A.REPLIED], False) == OrderState.REPLIED
    assert derive_order_state([A.REPLIED, A.SIGNED], False) == OrderState.IN_PROGRESS
    assert derive_order_state([A.SIGNED, A.DISPATCHED], False) == OrderState.DISPATCHED
    assert derive_order_state([], True) == OrderState.RETURNED


def test_states_of_orders_and_assignments_keep_their_own_labels():
    assert OrderState.DISPATCHED.label == "已派单"
    assert AssignmentState.DISPATCHED.label == "待签收"


def test_dispatcher_records_a_hotline_callers_rating_on_the_return_call(city):
    from portal.feedback import services

    order = services.file_order(
        city.dispatcher,
        services.OrderData(
            kind="help",
            category="城市管理",
            title="路灯不亮请求维修",
            description="升平巷路口的路灯已经一周不亮了，晚上行走不安全。",
            requester_name="顾女士",
            requester_phone="13955556666",
            channel="phone",
        ),
    )
    lifecycle.dispatch_order(city.dispatcher, order, [city.dept_a.id], city.dept_a.id)
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    lifecycle.reply_assignment(city.official_a, a, "<p>已更换灯具。</p>")
    lifecycle.close_order(city.official_a, order)
    with pytest.raises(Forbidden):
        city.rate(order, "satisfied", rater=city.citizen)
    city.rate(order, "satisfied", rater=city.dispatcher)
    assert order.satisfaction.value == "satisfied"


ORDER_CALLS = {
    "dispatch": lambda c, o: lifecycle.dispatch_order(
        c.dispatcher, o, [c.dept_b.id], None if o.lead_assignment else c.dept_b.id
    ),
    "close": lambda c, o: lifecycle.close_order(c.official_a, o),
    "rate": lambda c, o: rating.rate_order(c.citizen, o, {None: ("satisfied", "")}),
}
ORDER_ALLOWED = {
    "dispatch": ORDERS["dispatch"].sources | ORDERS["reassign"].sources,
    "close": ORDERS["close"].sources,
    "rate": ORDERS["rate"].sources,
}


@pytest.mark.parametrize("action", sorted(ORDER_CALLS))
@pytest.mark.parametrize("state", list(OrderState))
def test_order_action_is_allowed_exactly_in_its_source_states(city, db, action, state):
    order = city.dispatched(city.dept_a)
    order.state = state
    db.session.commit()
    if state in ORDER_ALLOWED[action]:
        ORDER_CALLS[action](city, order)
    else:
        with pytest.raises(Conflict):
            ORDER_CALLS[action](city, order)


@pytest.mark.parametrize("action", ["approve_extension", "refuse_extension"])
@pytest.mark.parametrize("state", list(ExtensionState))
def test_every_row_of_the_extension_table_from_every_state(city, db, action, state):
    """A dispatcher decides a pending request; officials get 403; a decided request answers 409."""
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    request = lifecycle.request_extension(city.official_a, a, (a.due_at + timedelta(days=3)).date(), "需要会商")
    request.state = state
    db.session.commit()
    approve = action == "approve_extension"
    with pytest.raises(Forbidden):
        lifecycle.decide_extension(city.official_a, request, approve, "理由")
    if state in EXTENSIONS[action].sources:
        lifecycle.decide_extension(city.dispatcher, request, approve, "理由")
        assert request.state == EXTENSIONS[action].to
    else:
        with pytest.raises(Conflict):
            lifecycle.decide_extension(city.dispatcher, request, approve, "理由")
        assert request.state == state


def test_the_extension_button_follows_the_rows_guard(city):
    """申请延期 is offered only before the deadline and while no request is pending, as the table's guard says."""
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    assert "request_extension" in lifecycle.available_actions(city.official_a, a)
    with clock.at(a.due_at + timedelta(minutes=1)):
        assert "request_extension" not in lifecycle.available_actions(city.official_a, a)
    lifecycle.request_extension(city.official_a, a, (a.due_at + timedelta(days=3)).date(), "需要会商")
    assert "request_extension" not in lifecycle.available_actions(city.official_a, a)
    assert lifecycle.available_actions(city.citizen, a) == []


def test_the_assignment_route_takes_any_row_by_name_and_404s_others(city, login):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    client = login(city.official_a)
    assert client.post(f"/feedback/assignments/{a.id}/archive").status_code == 404
    response = client.post(f"/feedback/assignments/{a.id}/start", data={"note": "开始"})
    assert response.status_code == 409 and a.state == AssignmentState.DISPATCHED
    response = client.post(
        f"/feedback/assignments/{a.id}/sign", data={"handler_name": "刘强", "handler_phone": "13800000101"}
    )
    assert response.status_code == 302 and a.state == AssignmentState.SIGNED
