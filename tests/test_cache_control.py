"""Responses to a signed-in person are never stored by a cache; public pages and static files stay cacheable.

Threat: personal data (an account page, a requester's work order with phone number, a desk, the admin's user
list, notices) kept by a shared proxy or on a shared computer's disk cache after the person has left.
"""

from __future__ import annotations

import pytest

PERSONAL = ["/account", "/feedback/notices", "/feedback/mine", "/admin/users", "/feedback/desk", "/"]


@pytest.mark.parametrize("path", PERSONAL)
def test_every_page_to_a_signed_in_person_is_no_store(login, users, path):
    role = "admin" if path.startswith("/admin") else "dispatcher" if path == "/feedback/desk" else "citizen"
    response = login(users[role]).get(path)
    assert response.status_code == 200, path
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_a_requesters_own_work_order_page_is_no_store(login, users):
    from portal.feedback import services

    data = services.OrderData(
        kind="complaint",
        category="城市管理",
        title="小区门口夜间烧烤扰民",
        description="每天晚上十点以后小区门口有人烧烤。",
        place="升平巷",
        requester_phone="13912345678",
    )
    order = services.file_order(users["citizen"], data)
    response = login(users["citizen"]).get(f"/feedback/{order.tracking_no}")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_json_to_a_signed_in_person_is_no_store(login, users):
    response = login(users["citizen"]).get("/api/v1/feedback/notices/unread")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]


def test_anonymous_public_pages_and_static_files_keep_their_headers(client, login, users):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/policies/").headers.get("Cache-Control", "")
    signed_in = login(users["citizen"])
    static = signed_in.get("/static/css/portal.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def test_a_signed_in_person_gets_the_503_page_when_the_database_is_down(other_app, login, users, tmp_path):
    """The no-store rule must not load the user again (that would turn the outage page into a 500)."""
    cookie = login(users["citizen"]).get_cookie("session", domain="portal.test").value
    down = other_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/portal.sqlite3")
    client = down.test_client()
    client.set_cookie("session", cookie, domain="portal.test")
    response = client.get("/account")
    assert response.status_code == 503
    assert "no-store" in response.headers["Cache-Control"]


def test_an_anonymous_public_page_carries_no_token_and_sets_no_cookie(client, login, users):
    """So that a proxy can keep one copy of it for everyone (deploy/nginx/portal.conf's micro-cache)."""
    for path in ("/", "/policies/", "/plans/", "/hearings/", "/feedback/public/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        assert "csrf" not in response.get_data(as_text=True), path
    mine = login(users["citizen"]).get("/policies/").get_data(as_text=True)
    assert '<meta name="csrf-token"' in mine  # the log-out form and signed-in pages' scripts still have one
