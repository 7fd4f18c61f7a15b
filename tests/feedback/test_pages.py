"""The screens around the loop: index, my orders, workbench, desk, responsibility list, HTTP actions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.actors import SYSTEM
from portal.feedback import lifecycle, responsibility
from portal.feedback.enums import AssignmentState, OrderKind, OrderState


def test_index_lists_public_orders_and_finds_by_tracking_number(city, client):
    order = city.file()
    assert order.title in client.get("/feedback/").get_data(as_text=True)
    response = client.get(f"/feedback/?q={order.tracking_no.lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(order.tracking_no)


def test_my_orders_lists_what_i_filed(city, login):
    mine, other = city.file(title="我自己的诉求"), city.file(city.other_citizen, title="别人的诉求内容")
    body = login(city.citizen).get("/feedback/mine").get_data(as_text=True)
    assert mine.tracking_no in body and other.tracking_no not in body


def test_workbench_shows_my_departments_assignments_only(city, login):
    mine = city.dispatched(city.dept_a, title="城管局的诉求")
    theirs = city.dispatched(city.dept_b, title="市场监管局的诉求")
    body = login(city.official_a).get("/feedback/workbench").get_data(as_text=True)
    assert mine.tracking_no in body and theirs.tracking_no not in body
    assert login(city.citizen).get("/feedback/workbench").status_code == 403


def test_workbench_marks_overdue_rows(city, login, db):
    order = city.dispatched(city.dept_a)
    a = city.assignment(order, city.dept_a)
    a.due_at = a.dispatched_at - timedelta(hours=1)
    db.session.commit()
    body = login(city.official_a).get("/feedback/workbench?state=overdue").get_data(as_text=True)
    assert "fb-row-overdue" in body and order.tracking_no in body


def test_bulk_sign_for_signs_every_ticked_assignment(city, login):
    first, second = city.dispatched(city.dept_a), city.dispatched(city.dept_a)
    ids = [city.assignment(o, city.dept_a).id for o in (first, second)]
    response = login(city.official_a).post(
        "/feedback/workbench/sign", data={"assignment": ids, "handler_name": "刘强", "handler_phone": "13800000101"}
    )
    assert response.status_code == 302
    assert {city.assignment(o, city.dept_a).state for o in (first, second)} == {AssignmentState.SIGNED}


def test_bulk_sign_for_refuses_other_departments_work_and_signs_nothing(city, login):
    mine, theirs = city.dispatched(city.dept_a), city.dispatched(city.dept_b)
    ids = [city.assignment(mine, city.dept_a).id, city.assignment(theirs, city.dept_b).id]
    login(city.official_a).post("/feedback/workbench/sign", data={"assignment": ids})
    assert city.assignment(mine, city.dept_a).state == AssignmentState.DISPATCHED


def test_return_without_reason_answers_400_in_chinese(city, login):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    response = login(city.official_a).post(f"/feedback/assignments/{a.id}/return", data={"reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.get_data(as_text=True)
    assert a.state == AssignmentState.DISPATCHED


def test_failed_reply_keeps_the_typed_text(city, login):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    response = login(city.official_a).post(
        f"/feedback/assignments/{a.id}/reply", data={"reply": "短"}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "答复内容至少需要5个字" in response.get_data(as_text=True)


def test_acting_in_the_wrong_state_answers_409(city, login):
    order = city.replied()
    a = city.assignment(order, city.dept_a)
    response = login(city.official_a).post(f"/feedback/assignments/{a.id}/sign", data={})
    assert response.status_code == 409


def test_dispatcher_dispatches_from_the_order_page(city, login):
    order = city.file()
    response = login(city.dispatcher).post(
        f"/feedback/{order.tracking_no}/dispatch",
        data={"lead": str(city.dept_b.id), "assisting": [str(city.dept_a.id), str(city.dept_b.id)]},
    )
    assert response.status_code == 302
    assert order.state == OrderState.DISPATCHED and order.lead_assignment.department_id == city.dept_b.id
    assert sorted(a.department_id for a in order.current_assignments) == sorted([city.dept_a.id, city.dept_b.id])


def test_desk_tabs_show_new_returned_extension_and_overdue_work(city, login):
    new = city.file(title="等待派单的诉求")
    returned = city.dispatched(city.dept_a, title="被退回的诉求")
    lifecycle.return_assignment(city.official_a, city.assignment(returned, city.dept_a), "不属于本单位")
    client = login(city.dispatcher)
    assert new.tracking_no in client.get("/feedback/desk").get_data(as_text=True)
    body = client.get("/feedback/desk?tab=returned").get_data(as_text=True)
    assert returned.tracking_no in body and "不属于本单位" in body
    for tab in ("extensions", "unsigned", "overdue"):
        assert client.get(f"/feedback/desk?tab={tab}").status_code == 200
    assert login(city.official_a).get("/feedback/desk").status_code == 403


def test_extension_decision_from_the_desk(city, login):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    request = lifecycle.request_extension(city.official_a, a, (a.due_at + timedelta(days=7)).date(), "需要会商")
    response = login(city.dispatcher).post(f"/feedback/extensions/{request.id}/decide", data={"decision": "approve"})
    assert response.status_code == 302 and a.due_at == request.requested_due_at


@pytest.fixture
def listed(city):
    return responsibility.create_item(
        SYSTEM,
        responsibility.ItemData("无照经营", "市场监管", "无照 烧烤", "", [city.dept_b.id, city.dept_a.id]),
    )


def test_dispatch_suggests_departments_from_the_responsibility_list(city, listed):
    order = city.file(category="其他", description="升平巷车库有人无照经营烧烤，每天晚上都有。")
    suggestions = responsibility.suggest_departments(order)
    assert [s.department.id for s in suggestions] == [city.dept_b.id, city.dept_a.id]
    assert suggestions[0].lead and "无照" in suggestions[0].reasons[0]


def test_category_alone_suggests_the_matters_departments(city, listed):
    order = city.file(category="市场监管", description="商店门口的秤好像不太准，请来看一看。")
    assert city.dept_b.id in [s.department.id for s in responsibility.suggest_departments(order)]


def test_only_admins_edit_the_responsibility_list(city, login, listed):
    assert login(city.dispatcher).get("/feedback/responsibilities/new").status_code == 403
    client = login(city.admin)
    response = client.post(
        "/feedback/responsibilities/new",
        data={
            "matter": "油烟污染",
            "category": "生态环境",
            "keywords": "油烟，异味",
            "department_ids": [city.dept_a.id],
        },
    )
    assert response.status_code == 302
    assert responsibility.find_item("油烟污染").keyword_list == ["油烟", "异味"]
    response = client.post("/feedback/responsibilities/new", data={"matter": "油烟污染", "category": "生态环境"})
    assert response.status_code == 400 and "请至少选择一个责任部门" in response.get_data(as_text=True)
    assert "无照经营" in client.get("/feedback/responsibilities/").get_data(as_text=True)


def test_home_page_shows_the_latest_public_orders(city, client):
    public, private = city.file(title="首页可见的诉求"), city.file(title="首页不可见的诉求", is_public=False)
    body = client.get("/").get_data(as_text=True)
    assert public.title in body and private.title not in body


def test_returned_order_leaves_the_desk_once_redispatched(city):
    from portal.feedback import desk

    order = city.dispatched(city.dept_a, city.dept_b)
    lifecycle.return_assignment(city.official_a, city.assignment(order, city.dept_a), "不属于本单位")
    assert [o.id for o in desk.desk_data("returned")] == [order.id]
    lifecycle.dispatch_order(city.dispatcher, order, [city.street.id], city.street.id)
    assert desk.desk_data("returned") == []


def test_the_filing_form_says_30_minutes_to_sign_for_every_kind(city, login):
    body = login(city.citizen).get("/feedback/new").get_data(as_text=True)
    assert body.count("30分钟内签收") == len(OrderKind)
    assert "29分钟" not in body
