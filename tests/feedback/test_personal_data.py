"""Personal details typed into a public request are hidden wherever the public reads it, kept for those handling it,
flagged for a dispatcher to check, and announced to the filer before submitting."""

from __future__ import annotations

import re

import pytest

from portal.feedback import lifecycle, rating
from portal.feedback.enums import EventAction
from portal.privacy import has_personal, mask_personal
from tests.support.forms import open_form
from tests.support.personal_data import BODY, PLACE, TITLE, leaks

MASKED = [
    ("我的手机13912345678，请回电", "我的手机139****5678，请回电"),
    ("联系人：王先生 186 5321 0987", "联系人：王先生 186****0987"),
    ("电话+86 139-1234-5678", "电话139****5678"),
    ("手机号15069001122。", "手机号150****1122。"),
    ("座机0532-85912345", "座机0532-******45"),
    ("办公室电话（0531）76221234转801", "办公室电话（0531）******34"),
    ("拨打010 62345678", "拨打010 ******78"),
    ("固话85912345，晚上有人", "固话******45，晚上有人"),
    ("身份证号370202199001011234", "身份证号370***********1234"),
    ("身份证11010519491231002X办理", "身份证110***********002X办理"),
    ("身份证号码：37028319851203452x", "身份证号码：370***********452x"),
    ("车牌鲁A12345停在门口", "车牌鲁A****5停在门口"),
    ("新能源车鲁BD12345被剐蹭", "新能源车鲁B*****5被剐蹭"),
    ("川A·5B7F9违停", "川A****9违停"),
    ("住升平巷5号楼2单元301", "住升平巷*号楼*单元***"),
    ("汇源小区3栋1单元502室", "汇源小区*栋*单元***室"),
    ("家住胜利路18号", "家住胜利路**号"),
    ("凤城街道西关巷5号门口", "凤城街道西关巷*号门口"),
    ("12幢-1-301漏水", "**幢-*-***漏水"),
]

NOT_MASKED = [
    "依据青政发〔2021〕5号文件执行",
    "国办发〔2019〕39号",
    "2021年5月3号上午",
    "项目投资300万元，占地50000平方米",
    "请拨打12345热线咨询",
    "地铁3号线施工噪音",
    "第5号令规定",
    "编号GD20261202-000001的诉求",
    "统一社会信用代码91370200MA3C5XYK0R",
    "共1200户居民，涉及金额1234567.89元",
    "2026年12月1日18时30分",
    "邮编266000",
    "青岛市人民政府",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_personal_details_are_masked(text, masked):
    assert mask_personal(text) == masked
    assert has_personal(text)


@pytest.mark.parametrize("text", NOT_MASKED)
def test_ordinary_numbers_are_left_alone(text):
    assert mask_personal(text) == text
    assert not has_personal(text)


@pytest.fixture
def flagged(city):
    order = city.file(title=TITLE, description=BODY, place=PLACE)
    assert order.personal_data and order.personal_checked_at is None
    return order


def test_the_public_reads_the_order_masked_everywhere(city, client, flagged):
    for url in (f"/feedback/{flagged.tracking_no}", "/feedback/", "/"):
        body = client.get(url).get_data(as_text=True)
        assert "楼道堆物 电话139****5678" in body, url
        assert leaks(body) == [], url
    page = client.get(f"/feedback/{flagged.tracking_no}").get_data(as_text=True)
    assert "升平巷*号楼*单元***" in page and "370***********1234" in page and "鲁A****5" in page
    api = client.get(f"/api/v1/feedback/{flagged.tracking_no}")
    assert leaks(api.get_data(as_text=True)) == []
    assert api.get_json()["description"] == mask_personal(BODY)


def test_an_unrelated_citizen_reads_it_masked_too(city, login, flagged):
    body = login(city.other_citizen).get(f"/feedback/{flagged.tracking_no}").get_data(as_text=True)
    assert leaks(body) == []


def test_the_filer_the_dispatcher_and_the_handling_department_read_the_original(city, login, flagged):
    lifecycle.dispatch_order(city.dispatcher, flagged, [city.dept_a.id], city.dept_a.id)
    for user in (city.citizen, city.dispatcher, city.official_a):
        body = login(user).get(f"/feedback/{flagged.tracking_no}").get_data(as_text=True)
        assert BODY in body and "公开页面已隐去" in body
    assert leaks(login(city.official_b).get(f"/feedback/{flagged.tracking_no}").get_data(as_text=True)) == []


def test_an_order_without_personal_details_is_not_flagged(city):
    order = city.file(description="依据青政发〔2021〕5号文件，小区门口的路灯坏了三个月，请拨打12345跟进。")
    assert not order.personal_data


def test_the_filing_form_says_such_details_will_be_hidden(city, login):
    body = login(city.citizen).get("/feedback/new").get_data(as_text=True)
    assert "在公开时将自动隐去" in body and re.search(r"js/feedback-privacy\.[0-9a-f]{12}\.js", body)


def test_the_dispatcher_checks_a_flagged_order_from_the_desk(city, login, flagged):
    desk = login(city.dispatcher)
    body = desk.get("/feedback/desk?tab=personal").get_data(as_text=True)
    assert BODY in body and mask_personal(BODY) in body
    form = open_form(desk, "/feedback/desk?tab=personal", form=f"/feedback/{flagged.tracking_no}/check-personal")
    response = form.submit(button="已核对")
    assert response.status_code == 302
    assert flagged.personal_checked_at is not None
    event = flagged.events[-1]
    assert event.action == EventAction.CHECK_PERSONAL and event.actor_id == city.dispatcher.id and not event.is_public
    assert 'data-testid="personal-order"' not in desk.get("/feedback/desk?tab=personal").get_data(as_text=True)


def test_only_dispatchers_check_personal_data(city, login, flagged):
    response = login(city.official_a).post(f"/feedback/{flagged.tracking_no}/check-personal")
    assert response.status_code == 403
    assert flagged.personal_checked_at is None


def test_a_rating_comment_with_a_phone_number_is_masked_in_public(city, client, login):
    order = city.closed()
    # 不满意 with a comment: it shows under the ratings and travels into the new round's instructions.
    rating.rate_order(city.citizen, order, {None: ("unsatisfied", "还是没人管，请打我电话13912345678")})
    public = client.get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
    assert "13912345678" not in public and public.count("请打我电话139****5678") >= 2
    assert "13912345678" not in client.get(f"/api/v1/feedback/{order.tracking_no}").get_data(as_text=True)
    assert "13912345678" in login(city.citizen).get(f"/feedback/{order.tracking_no}").get_data(as_text=True)
