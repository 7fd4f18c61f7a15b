"""The security baseline: headers, cookies, CSRF on every state change, throttling, error pages."""

import logging
import re
import uuid

import pytest

from tests.security.test_route_matrix import KEY_AUTHORISED


def test_every_page_carries_a_csp_without_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client, users):
    response = client.post("/login", data={"username": "citizen", "password": "password123"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_app(other_app):
    return other_app(WTF_CSRF_ENABLED=True)


def test_every_state_changing_route_requires_a_csrf_token(csrf_app, users):
    client = csrf_app.test_client()
    checked = []
    for rule in csrf_app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.endpoint == "static" or rule.endpoint in KEY_AUTHORISED:
            continue  # an API key, not the session cookie, authorises those: the route matrix holds them to that
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x").replace(f"<string:{arg}>", "x")
        for method in methods:
            response = client.open(url, method=method, data={})
            assert response.status_code == 400, (method, url, response.status_code)
            checked.append(url)
    assert "/login" in checked and "/register" in checked and "/admin/users/new" in checked


def test_csrf_failure_page_is_chinese(csrf_app):
    response = csrf_app.test_client().post("/login", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert "请刷新页面后重试" in response.get_data(as_text=True)


@pytest.fixture
def throttled_app(other_app):
    return other_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT_ACCOUNT="3 per minute")


def test_login_is_throttled(throttled_app, users):
    client = throttled_app.test_client()
    statuses = [
        client.post("/login", data={"username": "citizen", "password": "wrong-pass"}).status_code for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    blocked = client.post("/login", data={"username": "citizen", "password": "password123"})
    assert blocked.status_code == 429 and "尝试次数过多" in blocked.get_data(as_text=True)


@pytest.fixture
def default_limits_app(other_app):
    """Throttling on, with the shipped defaults (10 a minute per account, the hall-sized address limit)."""
    return other_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex[:8]}")


def _login(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password})


def test_ten_bad_passwords_lock_that_account_but_not_another_from_the_same_address(default_limits_app, users):
    client = default_limits_app.test_client()  # every request comes from the same address
    statuses = [_login(client, "citizen", f"wrong-{i}").status_code for i in range(10)]
    assert statuses == [401] * 10
    locked = _login(client, "citizen", "password123")
    assert locked.status_code == 429
    # The same name typed differently is the same account.
    assert _login(client, " Citizen ", "password123").status_code == 429
    other = default_limits_app.test_client()
    assert _login(other, "editor", "password123").status_code == 302


def test_a_hall_behind_one_address_is_not_locked_out(default_limits_app, factory, ctx):
    """Twenty-five people behind one NAT address each mistype their password once, then log in (50 attempts
    from one address in well under a minute; the old per-address limit stopped the eleventh)."""
    people = [factory.user(username=f"hall{i:02d}") for i in range(25)]
    for person in people:
        client = default_limits_app.test_client()
        assert _login(client, person.username, "not-my-password").status_code == 401
        assert _login(client, person.username, "password123").status_code == 302


def test_the_address_limit_counts_failures_across_accounts(other_app, users):
    app = other_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT_ADDRESS="5 per minute")
    client = app.test_client()
    statuses = [_login(client, f"nobody{i}", "guess").status_code for i in range(6)]
    assert statuses == [401] * 5 + [429]


def test_the_429_page_says_when_to_try_again(throttled_app, users):
    client = throttled_app.test_client()
    for _ in range(3):
        _login(client, "citizen", "wrong-pass")
    blocked = _login(client, "citizen", "wrong-pass")
    assert blocked.status_code == 429
    wait = int(blocked.headers["Retry-After"])
    assert 1 <= wait <= 60
    text = blocked.get_data(as_text=True)
    assert re.search(r"请在 \d+ (秒|分钟)后（北京时间 \d\d:\d\d 以后）再试", text), text
    assert "操作过于频繁" in text  # the page title


def test_the_429_json_carries_retry_after(throttled_app, users):
    client = throttled_app.test_client()
    for _ in range(4):
        response = client.post(
            "/login", data={"username": "citizen", "password": "x"}, headers={"Accept": "application/json"}
        )
    assert response.status_code == 429
    assert abs(int(response.headers["Retry-After"]) - response.json["error"]["retry_after"]) <= 1
    assert "再试" in response.json["error"]["message"]


def test_wait_message_names_minutes_and_hours():
    from portal.errors import wait_message

    assert "45 秒后" in wait_message(45)
    assert "2 分钟后" in wait_message(61)
    assert "1 小时 30 分钟后" in wait_message(5400)
    assert "1 小时后" in wait_message(3600)


def test_passwords_never_reach_the_log(client, users, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post("/login", data={"username": "citizen", "password": "Sup3r-secret-pw"})
        client.post(
            "/register",
            data={
                "role": "citizen",
                "username": "logtest",
                "display_name": "某人",
                "password": "An0ther-secret",
                "confirm": "An0ther-secret",
            },
        )
    assert "Sup3r-secret-pw" not in caplog.text and "An0ther-secret" not in caplog.text


@pytest.mark.parametrize(("path", "status", "title"), [("/no-such-page", 404, "页面不存在")])
def test_error_pages_are_chinese(client, path, status, title):
    response = client.get(path)
    assert response.status_code == status
    assert title in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


def test_unexpected_error_is_a_chinese_500_page(other_app):
    # An app of its own: the session's app keeps exactly the product's routes (the authorisation matrix checks).
    app = other_app()
    app.add_url_rule("/test-boom", "boom", lambda: 1 / 0)
    response = app.test_client().get("/test-boom")
    assert response.status_code == 500
    assert "系统繁忙" in response.get_data(as_text=True)


@pytest.mark.redis
def test_login_throttling_counts_in_redis_when_configured(other_app, users):
    import os

    import redis

    url = os.environ["REDIS_URL"]
    store = redis.Redis.from_url(url)
    stale = store.keys("LIMITS:*accounts.login*")
    if stale:
        store.delete(*stale)
    throttled = other_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT_ACCOUNT="2 per minute", REDIS_URL=url, RATELIMIT_STORAGE_URI=url
    )
    statuses = [
        throttled.test_client().post("/login", data={"username": "citizen", "password": "x-wrong-1"}).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
    keys = store.keys("LIMITS:*accounts.login*")
    assert keys, "the limiter kept its counts somewhere other than Redis"
    # Both limits count there: the account's failures and the address's.
    assert any(b"account:citizen" in key for key in keys) and any(b"address:" in key for key in keys), keys
    store.delete(*keys)
