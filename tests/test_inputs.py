"""Bad input answers 400/404 with a readable message, alike on SQLite and PostgreSQL (TEST_DATABASE_URL).

Each case here answered 500 before ``portal.inputs``: a number past the database's integer range, NUL in a
text field (PostgreSQL cannot store it), an unknown desk tab, CR/LF in ``next``.
"""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.inputs import MAX_INT, bounded_int

HUGE = "99999999999999999999"  # past SQLite's 2**63
PG_OVERFLOW = str(2**31)  # past PostgreSQL's integer


@pytest.mark.parametrize(
    "url",
    [
        f"/hearings/{HUGE}",
        f"/hearings/{PG_OVERFLOW}",
        f"/api/v1/plans/{PG_OVERFLOW}",
        f"/api/v1/plans/{HUGE}",
        f"/policies/{PG_OVERFLOW}",
        f"/policies/{MAX_INT}/versions/{HUGE}",
        f"/plans/{HUGE}/versions",
    ],
)
def test_an_id_past_the_databases_integer_range_is_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404


def test_the_largest_id_both_databases_store_is_still_looked_up(client):
    assert client.get(f"/hearings/{MAX_INT}").status_code == 404  # looked up, not found: no error either


@pytest.mark.parametrize("page", [str(10**30), PG_OVERFLOW, "-1", "0", "1.5", "一"])
def test_a_page_number_out_of_range_is_refused_with_a_message(users, login, page):
    client = login(users["citizen"])
    response = client.get(f"/feedback/mine?page={page}")
    assert response.status_code == 400
    assert "页码应为 1 到 100000 之间的整数" in response.get_data(as_text=True)


def test_a_huge_page_is_answered_without_an_error(client):
    assert client.get("/feedback/?page=2&kind=complaint").status_code == 200
    response = client.get(f"/api/v1/policies/search?page={HUGE}")
    assert response.status_code == 400 and response.json["error"]["field"] == "page"


def test_bounded_int_keeps_the_32_bit_signed_range():
    assert bounded_int(" 42 ") == 42 and bounded_int(str(-(2**31))) == -(2**31)
    for bad in (str(2**31), HUGE, "1.0", "1e3", "", "²", "0x10"):
        with pytest.raises(ValueError):
            bounded_int(bad)


@pytest.mark.parametrize("value", ["用户\x00名", "a\x01b", "\x7f", "\x1b[31m"])
def test_control_characters_in_a_form_field_are_refused_with_a_message(client, value):
    response = client.post("/login", data={"username": value, "password": "password123"})
    assert response.status_code == 400
    assert "控制字符" in response.get_data(as_text=True)


def test_nul_in_a_filed_order_is_refused_and_nothing_is_stored(users, login, db):
    from portal.feedback.models import WorkOrder

    client = login(users["citizen"])
    response = client.post(
        "/feedback/new",
        data={
            "kind": "complaint",
            "category": "城市管理",
            "title": "路灯不亮\x00",
            "description": "小区门口的路灯坏了一周，晚上出行很不方便。",
            "place": "升平巷",
            "requester_name": "胡明",
            "requester_phone": "13912345678",
        },
    )
    assert response.status_code == 400
    assert db.session.query(WorkOrder).count() == 0


def test_nul_in_a_query_or_a_path_segment_is_refused(client):
    assert client.get("/policies/?q=%00").status_code == 400
    assert client.get("/policies/?q%00=x").status_code == 400  # in a parameter's name too
    response = client.get("/api/v1/policies/search?q=%00")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid"


def test_tabs_and_line_breaks_stay_allowed_in_text(client):
    assert client.get("/policies/?q=%E8%90%A5%E5%95%86%09%E7%8E%AF%E5%A2%83%0A").status_code == 200


def test_an_unknown_desk_tab_is_refused(factory, login):
    dispatcher = factory.user(Role.DISPATCHER)
    client = login(dispatcher)
    assert client.get("/feedback/desk?tab=overdue").status_code == 200
    response = client.get("/feedback/desk?tab=%3Cscript%3E")
    assert response.status_code == 400 and "派单台栏目无效" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/feedback/\r\nSet-Cookie: x=1", "/\t/evil.example", "/x\nLocation: //evil"])
def test_next_with_control_characters_never_reaches_a_header(users, login, target):
    client = login(users["citizen"])
    response = client.post("/feedback/notices/read", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/feedback/notices")
    response = client.get("/login", query_string={"next": target})
    assert response.status_code in (302, 400)
    assert "evil" not in response.headers.get("Location", "")
