"""A form sent with files over the limit comes back with everything typed and a clear message."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.feedback.models import WorkOrder
from tests.feedback.conftest import PNG
from tests.support.forms import open_form

TITLE = "小区门口夜间烧烤扰民"
BODY = "每天晚上十点以后小区门口有人烧烤，油烟和噪音很大，希望尽快处理。"


@pytest.fixture
def small_limit(app, monkeypatch):
    """A 64 KB request limit, so an over-limit body is cheap to send."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)


def _filled(client):
    form = open_form(client, "/feedback/new", form="提交")
    form.select("诉求类型", "投诉").select("分类", "城市管理")
    form.fill("标题", TITLE).fill("诉求内容", BODY).fill("地点", "凤城街道升平巷")
    return form


def _orders(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(WorkOrder))


@pytest.mark.parametrize("csrf", [False, True], ids=["view", "csrf-check-first"])
def test_a_body_over_the_request_limit_returns_the_filled_form(city, login, db, app, monkeypatch, small_limit, csrf):
    client = login(city.citizen)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", csrf)  # with CSRF on, its check reads the body first
    form = _filled(client)
    assert 'data-max-total-bytes="' in client.get("/feedback/new").get_data(as_text=True)
    form.attach("附件", "现场照片.png", PNG + b"\x00" * 100_000, "image/png")
    before = _orders(db)
    response = form.submit(button="提交")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "附件合计超过64KB，未能提交" in page and "您填写的其他内容已保留" in page
    assert TITLE in page and BODY in page and "凤城街道升平巷" in page
    assert _orders(db) == before


def test_a_file_over_the_per_file_limit_returns_the_filled_form(city, login, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_MAX_ATTACHMENT_MB", 1)
    form = _filled(login(city.citizen))
    form.attach("附件", "大图.png", PNG + b"\x00" * (1024 * 1024 + 10), "image/png")
    before = _orders(db)
    response = form.submit(button="提交")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "超过1MB" in page
    assert TITLE in page and BODY in page
    assert _orders(db) == before


def test_a_reply_over_the_request_limit_keeps_the_typed_reply(city, login, small_limit):
    order = city.dispatched(city.dept_a)
    a = city.assignment(order, city.dept_a)
    client = login(city.official_a)
    assert (
        open_form(client, f"/feedback/{order.tracking_no}", form=f"/assignments/{a.id}/sign").submit().status_code
        == 302
    )
    form = open_form(client, f"/feedback/{order.tracking_no}", form=f"/assignments/{a.id}/reply")
    form.fill("答复内容", "已现场处理完毕，烧烤摊已取缔。")
    form.attach("附件", "现场.png", PNG + b"\x00" * 100_000, "image/png")
    response = form.submit(button="提交答复")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "已现场处理完毕，烧烤摊已取缔。" in page and "未能提交" in page
    assert a.reply_html == ""


def test_an_anonymous_over_limit_post_is_sent_to_log_in(client, small_limit):
    response = client.post(
        "/feedback/new", data={"title": "x", "attachments": (io.BytesIO(b"\x00" * 100_000), "a.png")}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]
