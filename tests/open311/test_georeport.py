"""Open311 GeoReport v2: what a client that knows only the specification reads and files, in JSON and XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from portal.apiclients import services as apiclients
from portal.feedback.enums import CATEGORIES
from portal.feedback.models import Notification, WorkOrder
from portal.open311 import services as open311
from portal.open311.formats import to_xml
from portal.opendata import iso
from portal.times import utcnow
from tests.support.forms import open_form
from tests.support.personal_data import BODY, PLACE, TITLE, leaks, readable

V2 = "/open311/v2"
SERVICE = "complaint-city-management"


def _xml(response) -> ET.Element:
    assert response.headers["Content-Type"].startswith("text/xml"), response.headers["Content-Type"]
    return ET.fromstring(response.get_data())


def _records(root: ET.Element) -> list[dict]:
    """``<service_requests><request>…`` as dicts of element text ('' for an empty element)."""
    return [{child.tag: child.text or "" for child in request} for request in root]


def _as_text(record: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in record.items()}


def _errors(response, fmt: str) -> list[dict]:
    if fmt == "json":
        return response.get_json()
    root = _xml(response)
    assert root.tag == "errors" and [e.tag for e in root] == ["error"] * len(root)
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root]


@pytest.fixture
def orders(city):
    closed = city.closed(title="升平巷车库无照经营烧烤", place="升平巷")
    open_ = city.dispatched(city.dept_b, kind="suggestion", category="交通出行", title="建议增设公交站台")
    private = city.file(title="不公开的诉求内容", is_public=False)
    return closed, open_, private


def test_discovery_and_services_name_every_kind_and_category_with_a_stable_code(client, city):
    assert set(open311.CATEGORY_CODES) == set(CATEGORIES)
    listed = client.get(f"{V2}/services.json").get_json()
    assert len(listed) == len(CATEGORIES) * 5 and len({s["service_code"] for s in listed}) == len(listed)
    complaint = next(s for s in listed if s["service_code"] == SERVICE)
    assert complaint == {
        "service_code": SERVICE, "service_name": "城市管理·投诉", "description": "反映违法违规行为或服务问题",
        "metadata": True, "type": "realtime", "keywords": "城市管理,投诉", "group": "城市管理",
    }  # fmt: skip
    root = _xml(client.get(f"{V2}/services.xml"))
    assert root.tag == "services" and len(root) == len(listed)
    assert _records(root)[listed.index(complaint)] == _as_text(complaint) | {"metadata": "true"}

    discovery = client.get(f"{V2}/discovery.json").get_json()
    assert discovery["endpoints"][0]["url"] == "http://portal.test/open311/v2"
    assert discovery["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert _xml(client.get(f"{V2}/discovery.xml")).find("endpoints/endpoint/formats/format").text == "text/xml"


def test_a_service_definition_lists_the_forms_attributes(client, city):
    definition = client.get(f"{V2}/services/{SERVICE}.json").get_json()
    assert [a["code"] for a in definition["attributes"]] == ["title", "public", "district", "street"]
    assert definition["attributes"][0]["required"] is True
    street = definition["attributes"][3]
    assert street["values"] == [{"key": str(city.street.id), "name": "测试街道"}]
    root = _xml(client.get(f"{V2}/services/{SERVICE}.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == SERVICE
    assert root.find("attributes/attribute[4]/values/value/name").text == "测试街道"
    for fmt in ("json", "xml"):
        missing = client.get(f"{V2}/services/no-such-service.{fmt}")
        assert missing.status_code == 404 and _errors(missing, fmt)[0]["code"] == 404


def test_requests_read_the_public_orders_with_the_specifications_fields(client, orders):
    closed, open_, private = orders
    listed = client.get(f"{V2}/requests.json").get_json()
    assert [r["service_request_id"] for r in listed] == [open_.tracking_no, closed.tracking_no]  # newest first
    done, pending = listed[1], listed[0]
    assert done["status"] == "closed" and done["status_notes"] == "已现场处理完毕。"
    assert done["agency_responsible"] == "测试城管局" and done["expected_datetime"] is None
    assert done["service_code"] == SERVICE and done["address"] == "升平巷"
    assert done["requested_datetime"] == iso(closed.created_at) and done["requested_datetime"].endswith("+00:00")
    assert pending["status"] == "open" and pending["status_notes"] is None
    assert pending["service_code"] == "suggestion-transport" and pending["agency_responsible"] == "测试市场监管局"
    assert pending["expected_datetime"] == iso(open_.lead_assignment.due_at)
    assert pending["description"].startswith("建议增设公交站台\n")

    root = _xml(client.get(f"{V2}/requests.xml"))
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request", "request"]
    assert _records(root) == [_as_text(r) for r in listed]

    one = client.get(f"{V2}/requests/{closed.tracking_no}.json").get_json()
    assert one == [done]
    assert _records(_xml(client.get(f"{V2}/requests/{closed.tracking_no}.xml"))) == [_as_text(done)]
    for fmt in ("json", "xml"):
        hidden = client.get(f"{V2}/requests/{private.tracking_no}.{fmt}")
        assert hidden.status_code == 404 and _errors(hidden, fmt) == [
            {"code": 404, "description": "没有这个编号的公开诉求"}
        ]


def test_requests_filter_as_the_specification_lists(client, orders):
    closed, open_, _ = orders

    def ids(**args) -> list[str]:
        response = client.get(f"{V2}/requests.json", query_string=args)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["service_request_id"] for r in response.get_json()]

    assert ids(service_request_id=f"{closed.tracking_no},{open_.tracking_no}", status="open") == [
        open_.tracking_no,
        closed.tracking_no,
    ]  # the ids override every other filter
    assert ids(service_code=SERVICE) == [closed.tracking_no]
    assert ids(service_code=f"{SERVICE},suggestion-transport") == [open_.tracking_no, closed.tracking_no]
    assert ids(status="closed") == [closed.tracking_no]
    assert ids(status="open") == [open_.tracking_no]
    now = utcnow()
    assert ids(start_date=(now - timedelta(hours=1)).isoformat(), end_date=(now + timedelta(hours=1)).isoformat())
    assert ids(end_date=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")) == []
    assert ids(start_date=(now + timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"status": "lost"}, "status 只能是 open 或 closed"),
        ({"start_date": "yesterday"}, "start_date 应为 W3C 日期时间，如 2026-11-23T08:00:00+08:00"),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "start_date 与 end_date 相隔不能超过90天",
        ),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "end_date 不能早于 start_date"),
        ({"service_code": "lost"}, "没有这个 service_code"),
    ],
)
def test_bad_filters_answer_the_specifications_error_list(client, city, args, message):
    for fmt in ("json", "xml"):
        response = client.get(f"{V2}/requests.{fmt}", query_string=args)
        assert response.status_code == 400
        assert _errors(response, fmt) == [{"code": 400, "description": message}]


def test_an_unknown_path_or_format_answers_404_in_the_error_list(client, city):
    assert _errors(client.get(f"{V2}/requests.csv"), "json")[0]["code"] == 404
    assert _errors(client.get(f"{V2}/nothing.xml"), "xml")[0]["code"] == 404


def _filing(**more) -> dict:
    return {
        "service_code": SERVICE,
        "attribute[title]": "楼下餐馆油烟直排",
        "description": "楼下餐馆的油烟没有经过净化直接排放，晚上熏得无法开窗。",
        "address_string": "台东三路",
        "last_name": "张",
        "first_name": "建国",
        "phone": "13700001234",
    } | more


def test_a_client_with_a_key_files_an_order_as_the_web_form_does(app, client, db, city, api_key):
    created = client.post(f"{V2}/requests.json", data=_filing(api_key=api_key))
    assert created.status_code == 201, created.get_data(as_text=True)
    [answer] = created.get_json()
    order = db.session.scalar(db.select(WorkOrder).where(WorkOrder.tracking_no == answer["service_request_id"]))
    assert (order.kind.value, order.category, order.title, order.place) == (
        "complaint",
        "城市管理",
        "楼下餐馆油烟直排",
        "台东三路",
    )
    assert (order.requester_name, order.requester_phone, order.requester_id) == (
        "张建国",
        "13700001234",
        city.citizen.id,
    )
    assert order.state.value == "submitted" and order.channel.value == "web"
    notices = db.session.scalars(db.select(Notification).where(Notification.order_id == order.id)).all()
    assert {n.user_id for n in notices} == {city.dispatcher.id, city.citizen.id}  # the same notices as the web form's
    assert answer["service_notice"] == f"已受理，诉求编号 {order.tracking_no}"

    read = client.get(f"{V2}/requests/{order.tracking_no}.json").get_json()[0]
    assert read["service_code"] == SERVICE and read["status"] == "open"
    assert client.get(f"{V2}/tokens/{answer['token']}.json").get_json() == [
        {"service_request_id": order.tracking_no, "token": answer["token"]}
    ]

    root = _xml(client.post(f"{V2}/requests.xml", data=_filing(), headers={"X-API-Key": api_key}))
    [record] = _records(root)
    assert root.tag == "service_requests" and record["service_request_id"].startswith("GD")
    token = _records(_xml(client.get(f"{V2}/tokens/{record['token']}.xml")))
    assert token == [{"service_request_id": record["service_request_id"], "token": record["token"]}]
    assert client.get(f"{V2}/tokens/forged.json").status_code == 404


def test_a_filing_is_refused_with_the_web_forms_messages(app, client, db, city, api_key, login):
    long_title = "油" * 61
    web = open_form(login(city.citizen), "/feedback/new", form="/feedback/new")
    web.select("诉求类型", "投诉").select("分类", "城市管理")
    web.fill("标题", long_title).fill("诉求内容", "楼下餐馆的油烟没有经过净化直接排放。")
    assert "标题不能超过60个字" in web.submit().get_data(as_text=True)
    cases = [
        ({"attribute[title]": long_title}, "标题不能超过60个字"),
        ({"service_code": "complaint-no-such-category"}, "请选择诉求分类"),
        ({"service_code": "nonsense"}, "请选择诉求类型"),
        ({"description": "太短"}, "诉求内容至少需要10个字"),
        ({"phone": "12345"}, "请填写11位手机号或带区号的固定电话"),
    ]
    for fields, message in cases:
        for fmt in ("json", "xml"):
            response = client.post(f"{V2}/requests.{fmt}", data=_filing(api_key=api_key, **fields))
            assert response.status_code == 400 and _errors(response, fmt) == [{"code": 400, "description": message}]
    assert db.session.scalar(db.select(db.func.count()).select_from(WorkOrder)) == 0


def test_filing_needs_a_valid_key(client, db, city, api_key):
    revoked_id, revoked = apiclients.register_client(
        city.admin, apiclients.ClientData("旧应用", "old@example.org", city.citizen.username)
    )
    apiclients.act(city.admin, revoked_id.id, "revoke")
    for fmt in ("json", "xml"):
        for key in ("", "pk_unknown", revoked):
            response = client.post(f"{V2}/requests.{fmt}", data=_filing(api_key=key))
            assert response.status_code == 403, (key, response.status_code)
            assert _errors(response, fmt)[0]["code"] == 403
        assert client.get(f"{V2}/services.{fmt}", query_string={"api_key": revoked}).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(WorkOrder)) == 0


def test_no_open311_response_holds_a_requesters_name_phone_or_id_number(client, db, city, api_key):
    city.dispatched(title=TITLE, description=BODY, place=PLACE)
    filed = client.post(
        f"{V2}/requests.json", data=_filing(api_key=api_key, **{"attribute[title]": TITLE, "description": BODY})
    )
    token = filed.get_json()[0]["token"]
    tracking = filed.get_json()[0]["service_request_id"]
    responses = [filed, client.post(f"{V2}/requests.xml", data=_filing(api_key=api_key, description=BODY))]
    for fmt in ("json", "xml"):
        for path in (
            "discovery",
            "services",
            f"services/{SERVICE}",
            "requests",
            f"requests/{tracking}",
            f"tokens/{token}",
        ):
            responses.append(client.get(f"{V2}/{path}.{fmt}"))
            assert responses[-1].status_code == 200, path
    assert "139****5678" in readable(client.get(f"{V2}/requests.xml"))  # the masked text is there …
    for response in responses:  # … and no secret, no name, no phone
        assert leaks(readable(response), "张建国", "13700001234", city.citizen.display_name) == []


def test_xml_stays_well_formed_whatever_the_text_holds():
    root = ET.fromstring(to_xml("service_requests", "request", [{"description": "a\x01b<&>\ufffe", "x": None}]))
    assert root.find("request/description").text == "ab<&>" and root.find("request/x").text is None


def test_hostile_values_in_any_filing_field_are_refused_or_filed_never_an_error(client, db, city, api_key):
    from urllib.parse import urlencode

    from tests.security.test_bad_input_sweep import HOSTILE

    fields = [*_filing(), "attribute[public]", "attribute[district]", "attribute[street]", "lat", "long"]
    statuses = set()
    for field in fields:
        for label, value in HOSTILE.items():
            body = urlencode(_filing(api_key=api_key) | {field: value})
            response = client.post(f"{V2}/requests.xml", data=body, content_type="application/x-www-form-urlencoded")
            assert response.status_code in (201, 400, 404), (field, label, response.status_code)
            ET.fromstring(response.get_data())  # well-formed whatever was sent
            statuses.add(response.status_code)
    assert statuses == {201, 400}


def test_over_the_anonymous_limit_open311_answers_429_in_its_error_list(other_app, city):
    import uuid

    app = other_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex[:8]}",
        API_ANONYMOUS_READ_LIMIT="2 per minute",
    )
    client = app.test_client()
    assert [client.get(f"{V2}/services.xml").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get(f"{V2}/services.xml")
    assert int(refused.headers["Retry-After"]) >= 1
    assert _errors(refused, "xml")[0]["code"] == 429
