"""Work orders filed on behalf of an enterprise (涉企): only its verified members may, whatever the form sends;
dispatchers and departments see which enterprise and filter on it; the public sees only that it is 涉企."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.enterprises import services as enterprises
from portal.errors import Forbidden, Invalid
from portal.feedback import lifecycle, services
from portal.feedback.models import WorkOrder
from tests.support.factories import LICENCE_PNG
from tests.support.forms import open_form

FIRM = "青岛希杰测试有限公司"


@pytest.fixture
def boss(factory):
    return factory.user(Role.ENTREPRENEUR, display_name="张伟")


@pytest.fixture
def firm(factory, boss):
    return factory.verified_member(boss, FIRM, "91370285MA3C00010Q")


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(WorkOrder))


def test_only_verified_members_file_for_an_enterprise(db, city, boss, firm, factory):
    order = city.file(boss, enterprise_id=firm.id, category="营商环境", title="冷库用电增容申请")
    assert order.enterprise_id == firm.id and order.requester_id == boss.id
    personal = city.file(boss, title="个人名义的诉求")
    assert personal.enterprise_id is None

    stranger = factory.user(Role.ENTREPRENEUR)
    with pytest.raises(Forbidden):
        city.file(stranger, enterprise_id=firm.id)
    db.session.rollback()
    applicant = factory.user(Role.ENTREPRENEUR)  # a request still pending is not a membership
    enterprises.apply(
        applicant, enterprises.JoinRequest(FIRM, firm.uscc, [enterprises.uploads.Upload("执照.png", LICENCE_PNG)])
    )
    with pytest.raises(Forbidden):
        city.file(applicant, enterprise_id=firm.id)
    db.session.rollback()
    with pytest.raises(Forbidden):
        city.file(city.citizen, enterprise_id=firm.id)
    db.session.rollback()
    with pytest.raises(Invalid):  # a hotline entry is never for an enterprise
        city.file(city.dispatcher, enterprise_id=firm.id, channel="phone", requester_name="张先生")
    db.session.rollback()
    assert _count(db) == 2


def test_a_tampered_choice_is_refused(db, login, boss, firm, factory, city):
    other = factory.verified_member(factory.user(Role.ENTREPRENEUR), "别家企业有限公司", "91370200MA3C12345E")
    client = login(boss)
    form = open_form(client, "/feedback/new", form=".fb-form")
    form.select("诉求类型", "求助")
    form.select("分类", "营商环境")
    form.fill("标题", "企业开办材料反复补正")
    form.fill("诉求内容", "同一份材料在三个窗口重复提交，希望一次告知。")
    form.select("以企业名义提交", FIRM)

    def tampered(value: str):
        data = form.request_for()["data"]  # what the browser sends, with the choice's value edited
        data["enterprise_id"] = value
        return client.post("/feedback/new", data=data)

    for value, status in ((str(other.id), 403), ("abc", 400), ("99999", 403)):
        assert tampered(value).status_code == status, value
    assert "您不是该企业的认证成员" in tampered(str(other.id)).get_data(as_text=True)
    assert _count(db) == 0
    response = form.submit()  # the value the page offered
    assert response.status_code == 302
    assert db.session.scalar(sa.select(WorkOrder.enterprise_id)) == firm.id


def test_dispatchers_and_departments_see_the_enterprise_and_filter_on_it(db, login, city, boss, firm):
    ent = city.file(boss, enterprise_id=firm.id, title="冷库用电增容申请")
    mine = city.file(boss, title="个人名义提交的诉求")
    desk = login(city.dispatcher)
    page = desk.get("/feedback/desk").get_data(as_text=True)
    assert ent.tracking_no in page and mine.tracking_no in page and FIRM in page
    form = open_form(desk, "/feedback/desk", form="#desk-filters")
    form.check("只看涉企诉求（以企业名义提交）")
    page = form.submit().get_data(as_text=True)
    assert ent.tracking_no in page and mine.tracking_no not in page

    for order in (ent, mine):
        lifecycle.dispatch_order(city.dispatcher, order, [city.dept_a.id], city.dept_a.id)
    official = login(city.official_a)
    page = official.get("/feedback/workbench").get_data(as_text=True)
    assert ent.tracking_no in page and mine.tracking_no in page and FIRM in page
    page = official.get("/feedback/workbench?enterprise=1").get_data(as_text=True)
    assert ent.tracking_no in page and mine.tracking_no not in page
    assert official.get("/feedback/workbench?enterprise=2").status_code == 400

    order_page = official.get(f"/feedback/{ent.tracking_no}").get_data(as_text=True)
    assert f"以“{FIRM}”名义提交" in order_page
    assert FIRM in login(boss).get(f"/feedback/{ent.tracking_no}").get_data(as_text=True)


def test_the_public_sees_that_an_order_is_for_an_enterprise_not_which(db, client, city, boss, firm):
    ent = city.file(boss, enterprise_id=firm.id, title="冷库用电增容申请")
    page = client.get(f"/feedback/{ent.tracking_no}").get_data(as_text=True)
    assert "以企业名义提交" in page and FIRM not in page and "张伟" not in page and "张*" in page
    for url in (f"/api/v1/feedback/{ent.tracking_no}", "/feedback/public/?enterprise=1", "/feedback/public/orders.csv"):
        assert FIRM not in client.get(url).get_data(as_text=True), url
    assert services.public_view(ent).get("enterprise") is None
