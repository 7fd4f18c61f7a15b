"""Filing: web form, unit calls, operator phone entry, attachments checked by their bytes."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from portal.feedback.enums import Channel, OrderKind, OrderState
from portal.feedback.models import Attachment, OrderEvent, WorkOrder
from tests.feedback.conftest import PDF, PNG

FORM = {
    "kind": "complaint",
    "category": "城市管理",
    "title": "小区门口夜间烧烤扰民",
    "description": "每天晚上十点以后小区门口有人烧烤，油烟和噪音很大。",
    "place": "升平巷",
    "requester_name": "胡明",
    "requester_phone": "13912345678",
    "is_public": "y",
}


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_citizen_files_an_order_and_gets_a_tracking_number(city, login, db):
    response = login(city.citizen).post("/feedback/new", data=FORM)
    assert response.status_code == 302
    order = db.session.scalar(sa.select(WorkOrder))
    assert re.fullmatch(r"GD\d{8}-000001", order.tracking_no)
    assert response.headers["Location"].endswith(f"/feedback/{order.tracking_no}")
    assert (order.state, order.kind, order.channel) == (OrderState.SUBMITTED, OrderKind.COMPLAINT, Channel.WEB)
    assert order.requester_id == city.citizen.id
    assert [e.action.value for e in order.events] == ["submit"]


def test_tracking_numbers_count_up_within_the_day(city):
    first, second = city.file(), city.file()
    assert int(second.tracking_no[-6:]) == int(first.tracking_no[-6:]) + 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "烧烤", "标题至少需要4个字"),
        ("description", "太吵了", "诉求内容至少需要10个字"),
        ("requester_phone", "12345", "请填写11位手机号或带区号的固定电话"),
        ("category", "外星人", "请选择"),
        ("kind", "praise", "请选择"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message_and_nothing_saved(city, login, db, field, value, message):
    response = login(city.citizen).post("/feedback/new", data={**FORM, field: value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert FORM["description"] in body or field == "description"  # what was typed is kept
    assert _count(db, WorkOrder) == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/feedback/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_only_units_and_officials_may_file_a_call(city, login, db):
    response = login(city.citizen).post("/feedback/new", data={**FORM, "kind": "call"})
    assert response.status_code == 400
    assert _count(db, WorkOrder) == 0
    response = login(city.unit).post("/feedback/new", data={**FORM, "kind": "call"})
    assert response.status_code == 302
    order = db.session.scalar(sa.select(WorkOrder))
    assert order.kind == OrderKind.CALL and order.filing_unit_id == city.street.id


def test_phone_entry_is_for_dispatchers_and_needs_the_callers_phone(city, login, db):
    assert login(city.citizen).get("/feedback/phone").status_code == 403
    client = login(city.dispatcher)
    response = client.post("/feedback/phone", data={**FORM, "requester_name": "顾女士", "requester_phone": ""})
    assert response.status_code == 400 and "请填写联系电话" in response.get_data(as_text=True)
    response = client.post("/feedback/phone", data={**FORM, "requester_name": "顾女士"})
    assert response.status_code == 302
    order = db.session.scalar(sa.select(WorkOrder))
    assert order.channel == Channel.PHONE and order.requester_id is None
    assert order.entered_by_id == city.dispatcher.id and order.requester_name == "顾女士"


def _upload(client, name: str, data: bytes):
    return client.post(
        "/feedback/new",
        data={**FORM, "attachments": [(io.BytesIO(data), name)]},
        content_type="multipart/form-data",
    )


def test_images_and_pdfs_are_stored(city, login, db):
    client = login(city.citizen)
    response = client.post(
        "/feedback/new",
        data={**FORM, "attachments": [(io.BytesIO(PNG), "现场.png"), (io.BytesIO(PDF), "说明.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    types = sorted(a.content_type for a in db.session.scalars(sa.select(Attachment)))
    assert types == ["application/pdf", "image/png"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", b"<html><script>alert(1)</script></html>"),  # a lie in the name
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("empty.jpg", b""),
    ],
)
def test_files_that_are_not_images_or_pdfs_are_refused(city, login, db, name, data):
    response = _upload(login(city.citizen), name, data)
    assert response.status_code == 400
    assert "附件" in response.get_data(as_text=True)
    assert _count(db, WorkOrder) == 0 and _count(db, Attachment) == 0


def test_too_large_files_are_refused(city, login, db, app):
    app.config["FEEDBACK_MAX_ATTACHMENT_MB"] = 1
    try:
        response = _upload(login(city.citizen), "big.png", PNG + b"\x00" * (1024 * 1024))
    finally:
        del app.config["FEEDBACK_MAX_ATTACHMENT_MB"]
    assert response.status_code == 400 and "超过1MB" in response.get_data(as_text=True)
    assert _count(db, WorkOrder) == 0


def test_requesters_files_are_served_only_to_those_allowed(city, login, db, client):
    _upload(login(city.citizen), "现场.png", PNG)
    row = db.session.scalar(sa.select(Attachment))
    url = f"/feedback/attachments/{row.id}/{row.filename}"
    mine = login(city.citizen).get(url)
    assert mine.status_code == 200 and mine.data == PNG and mine.mimetype == "image/png"
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(url).status_code == 404
    assert login(city.other_citizen).get(url).status_code == 404
    assert login(city.dispatcher).get(url).status_code == 200


def test_submission_writes_history_in_the_same_transaction(city, db):
    order = city.file()
    events = db.session.scalars(sa.select(OrderEvent).where(OrderEvent.order_id == order.id)).all()
    assert [(e.action.value, e.to_state, e.actor_id) for e in events] == [("submit", "submitted", city.citizen.id)]


def test_reply_files_are_public_with_a_public_order(city, login, db, client):
    from portal.feedback import lifecycle

    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    response = login(city.official_a).post(
        f"/feedback/assignments/{a.id}/reply",
        data={"reply": "已现场处理，处罚决定书见附件。", "reply_files": [(io.BytesIO(PDF), "处罚决定书.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = db.session.scalar(sa.select(Attachment))
    assert row.assignment_id == a.id
    assert client.get(f"/feedback/attachments/{row.id}/{row.filename}").status_code == 200


def test_reply_with_a_bad_file_is_refused_and_nothing_is_replied(city, login, db):
    from portal.feedback import lifecycle
    from portal.feedback.enums import AssignmentState

    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    response = login(city.official_a).post(
        f"/feedback/assignments/{a.id}/reply",
        data={"reply": "已现场处理完毕。", "reply_files": [(io.BytesIO(b"not a pdf"), "说明.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "不是图片" in response.get_data(as_text=True)
    assert "已现场处理完毕。" in response.get_data(as_text=True)  # the typed reply is kept
    db.session.refresh(a)
    assert a.state == AssignmentState.SIGNED and a.reply_html == ""
