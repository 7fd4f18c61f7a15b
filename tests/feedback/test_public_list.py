"""公开诉求: the public list of public orders — filters used through the form, text search over the masked text,
pages, and the same list as JSON, CSV and Atom, none of which shows a requester's name, phone or ID number."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from portal.accounts.models import Role
from portal.feedback import clock, lifecycle
from portal.times import to_local, utcnow
from tests.support.forms import open_form
from tests.support.personal_data import BODY, PLACE, TITLE, leaks, readable

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def orders(city, factory):
    """Five public orders of different kinds, departments, dates and states, one private, one for an enterprise."""
    entrepreneur = factory.user(Role.ENTREPRENEUR, display_name="李海燕", phone="13700001111")
    firm = factory.verified_member(entrepreneur, "青岛海燕机械有限公司")
    with clock.at(datetime(2026, 1, 5, 2, 0, tzinfo=UTC)):
        late = city.dispatched(
            city.dept_b,
            title="西关菜市场占道经营",
            category="市场监管",
            description="早市摊位占满车道，每天早上堵车严重。",
            place="西关",
        )
    closed = city.closed(
        city.dept_a, title="升平巷车库无照烧烤", description="夜间烧烤油烟扰民，请城管处理。", place="凤城街道升平巷"
    )
    flagged = city.file(title=TITLE, description=BODY, place=PLACE)
    suggestion = city.file(
        kind="suggestion",
        title="建议增设公交站点",
        category="交通出行",
        description="新小区入住后出行不便，建议增设公交站点。",
        place="新城",
    )
    enterprise = city.file(
        entrepreneur,
        title="企业开办审批材料重复提交",
        category="营商环境",
        description="同一份营业执照要在三个窗口重复提交。",
        place="",
        enterprise_id=firm.id,
    )
    private = city.file(
        title="私人纠纷不公开", is_public=False, description="这是一件不公开的诉求，不应出现在公开列表中。", place=""
    )
    return {
        "late": late,
        "closed": closed,
        "flagged": flagged,
        "suggestion": suggestion,
        "enterprise": enterprise,
        "private": private,
    }


def test_the_feedback_box_searches_words_and_opens_tracking_numbers(client, orders):
    response = client.get("/feedback/?q=升平巷", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.request.path == "/feedback/public/"
    assert "未找到编号" not in body
    assert "升平巷车库无照烧烤" in body and "共 2 件公开诉求" in body  # the order and the masked 升平巷*号楼 one
    number = orders["closed"].tracking_no
    assert client.get(f"/feedback/?q={number}").headers["Location"].endswith(f"/feedback/{number}")


def test_a_person_filters_the_list_with_the_form(client, city, orders):
    form = open_form(client, "/feedback/public/", form="#order-filters")
    form.select("承办部门", city.dept_a.name)
    form.select("办理状态", "已办结")
    page = form.submit(button="筛选").get_data(as_text=True)
    assert "升平巷车库无照烧烤" in page and "共 1 件公开诉求" in page
    assert "西关菜市场占道经营" not in page

    form = open_form(client, "/feedback/public/", form="#order-filters")
    form.select("诉求类型", "建议")
    assert "建议增设公交站点" in form.submit().get_data(as_text=True)

    form = open_form(client, "/feedback/public/", form="#order-filters")
    form.select("诉求分类", "市场监管")
    form.fill("或自定义：从", "2026-01-01")
    form.fill("至", "2026-01-31")
    page = form.submit().get_data(as_text=True)
    assert "西关菜市场占道经营" in page and "共 1 件公开诉求" in page


def test_the_period_narrows_by_filing_date(client, orders):
    assert _numbers(client.get("/api/v1/feedback?period=2026-01")) == [orders["late"].tracking_no]
    assert _numbers(client.get("/api/v1/feedback?period=2026-Q1&from=2026-01-06")) == []
    assert len(_numbers(client.get("/api/v1/feedback?period=2026"))) == 5
    bad = client.get("/api/v1/feedback?period=2026-13")
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "period"
    today = to_local(utcnow()).date()
    form = open_form(client, "/feedback/public/", form="#order-filters")
    form.select("提交时间段", f"{today.year}年{today.month}月")  # the select offers recent months, quarters, years
    page = form.submit().get_data(as_text=True)
    assert "共 4 件公开诉求" in page and "西关菜市场占道经营" not in page


def _numbers(response) -> list[str]:
    return [r["tracking_no"] for r in response.get_json()["results"]]


def test_enterprise_and_overdue_checkboxes_narrow_the_list(client, orders):
    form = open_form(client, "/feedback/public/", form="#order-filters")
    form.check("涉企诉求（以企业名义提交）")
    page = form.submit().get_data(as_text=True)
    assert "企业开办审批材料重复提交" in page and "共 1 件公开诉求" in page
    assert "李海燕" not in page and "李*" in page
    assert "海燕机械" not in page  # which enterprise is not public
    api = client.get("/api/v1/feedback?enterprise=1").get_json()
    assert [r["tracking_no"] for r in api["results"]] == [orders["enterprise"].tracking_no]
    assert api["results"][0]["enterprise"] is True and "海燕机械" not in str(api)
    assert "海燕机械" not in client.get("/feedback/public/orders.csv?enterprise=1").get_data(as_text=True)

    form = open_form(client, "/feedback/public/", form="#order-filters")
    form.check("办理逾期")
    page = form.submit().get_data(as_text=True)
    assert "西关菜市场占道经营" in page and "共 1 件公开诉求" in page


def test_private_orders_are_never_listed(client, orders):
    for url in ("/feedback/public/", "/feedback/public/orders.csv", "/api/v1/feedback?per_page=100"):
        assert "私人纠纷不公开" not in readable(client.get(url)), url
    assert client.get("/api/v1/feedback?q=私人纠纷").get_json()["total"] == 0


def test_every_form_of_the_list_is_masked(client, city, orders):
    lifecycle.dispatch_order(city.dispatcher, orders["flagged"], [city.dept_a.id], city.dept_a.id)
    assignment = city.assignment(orders["flagged"], city.dept_a)
    lifecycle.sign_assignment(city.official_a, assignment, "", "")
    lifecycle.reply_assignment(city.official_a, assignment, "<p>已联系13912345678的住户，5号楼2单元301已清理。</p>")
    urls = [
        "/feedback/public/",
        "/feedback/public/?q=楼道堆物",
        "/feedback/public/orders.csv",
        "/feedback/public/feed.atom",
        "/api/v1/feedback?per_page=100",
    ]
    for url in urls:
        body = readable(client.get(url))
        assert "楼道堆物" in body, url
        assert leaks(body, city.citizen.display_name, city.citizen.phone) == [], url
    listed = next(r for r in client.get("/api/v1/feedback").get_json()["results"] if r["title"].startswith("楼道堆物"))
    assert listed["title"] == "楼道堆物 电话139****5678" and listed["requester"] == "胡*"


def test_searching_for_a_hidden_detail_finds_nothing(client, orders):
    for hidden in ("13912345678", "370202199001011234", "鲁A12345", "5号楼"):
        assert client.get("/api/v1/feedback", query_string={"q": hidden}).get_json()["total"] == 0, hidden
    found = client.get("/api/v1/feedback", query_string={"q": "身份证 车牌"}).get_json()
    assert [r["tracking_no"] for r in found["results"]] == [orders["flagged"].tracking_no]


def test_replies_are_searched_as_published_without_their_markup(client, city, orders):
    order = city.dispatched(city.dept_a, title="路灯不亮", description="小区门口路灯坏了一个月。", place="东关")
    assignment = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, assignment, "", "")
    lifecycle.reply_assignment(city.official_a, assignment, "<p><strong>已更换灯泡</strong>，恢复照明。</p>")
    assert _numbers(client.get("/api/v1/feedback", query_string={"q": "更换灯泡"})) == [order.tracking_no]
    assert _numbers(client.get("/api/v1/feedback", query_string={"q": "strong"})) == []


def test_the_json_list_pages_with_link_headers(client, orders):
    first = client.get("/api/v1/feedback?per_page=2&sort=oldest")
    body = first.get_json()
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (5, 1, 2, 3)
    assert body["results"][0]["title"] == "西关菜市场占道经营"
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="prev"' not in links
    assert "page=2" in links.split('rel="next"')[0].rsplit("<", 1)[1]
    third = client.get("/api/v1/feedback?per_page=2&sort=oldest&page=3").get_json()
    assert len(third["results"]) == 1
    seen = {
        r["tracking_no"]
        for p in (1, 2, 3)
        for r in client.get(f"/api/v1/feedback?per_page=2&page={p}").get_json()["results"]
    }
    assert len(seen) == 5
    assert body["results"][0]["created_at"].endswith("+00:00")


def test_the_page_has_pages_too(client, orders):
    page = client.get("/feedback/public/?per_page=2").get_data(as_text=True)
    assert "第 1 / 3 页" in page and 'rel="next"' in page
    past = client.get("/feedback/public/?per_page=2&page=9").get_data(as_text=True)
    assert "第 9 页没有内容" in past and "回到第 1 页" in past


def test_an_unchanged_list_answers_304(client, orders):
    for url in ("/api/v1/feedback", "/feedback/public/orders.csv", "/feedback/public/feed.atom"):
        first = client.get(url)
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b"", url
    etag = client.get("/api/v1/feedback").headers["ETag"]
    assert client.get("/api/v1/feedback?kind=call", headers={"If-None-Match": etag}).status_code == 200


def test_bad_arguments_get_a_chinese_400(client, orders):
    response = client.get("/api/v1/feedback?page=x")
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "invalid", "message": "页码必须是整数", "field": "page"}
    assert client.get("/api/v1/feedback?per_page=1000").get_json()["error"]["field"] == "per_page"
    assert client.get("/api/v1/feedback?from=2026-13-01").get_json()["error"]["field"] == "from"
    page = client.get("/feedback/public/?state=lost")
    assert page.status_code == 400 and "未知的办理状态" in page.get_data(as_text=True)


def test_csv_opens_in_a_spreadsheet_and_runs_no_formula(client, city, orders):
    city.file(title='=HYPERLINK("http://evil")', description="+cmd|' /C calc'!A0 公式注入测试内容")
    response = client.get("/feedback/public/orders.csv")
    assert response.mimetype == "text/csv" and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["编号", "类型", "分类", "标题"] and len(body) == 6
    evil = next(r for r in body if "HYPERLINK" in r[3])
    assert evil[3].startswith("'=") and evil[4].startswith("'+")


def test_the_feed_lists_new_replies_and_closings(client, city, orders):
    city.file(title="控制字符\x0b测试标题", description="标题里有 XML 不允许的控制字符，订阅仍要能解析。")
    response = client.get("/feedback/public/feed.atom?q=升平巷")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == ["已办结：升平巷车库无照烧烤", "测试城管局答复：升平巷车库无照烧烤"]
    assert entries[1].findtext(f"{ATOM}summary") == "已现场处理完毕。"
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2
    ET.fromstring(client.get("/feedback/public/feed.atom").get_data())
