"""API keys: an administrator issues one (shown once), limits apply per key, revoked and unknown keys are refused."""

from __future__ import annotations

import uuid

import pytest

from portal.apiclients import services
from portal.apiclients.models import ApiClient, ClientState
from tests.support.forms import open_form, parse_html

API = "/api/v1/plans"


def _issue(owner, read_limit: str = "", write_limit: str = "") -> tuple[int, str]:
    client, key = services.register_client(
        _admin(), services.ClientData("数据新闻工作室", "data@example.org", owner.username, "", read_limit, write_limit)
    )
    return client.id, key


def _admin():
    from portal.accounts.models import Role, User
    from portal.extensions import db

    return next(u for u in db.session.scalars(db.select(User)) if u.has_role(Role.ADMIN))


def test_an_administrator_registers_a_client_sees_its_key_once_and_revokes_it(app, db, users, login):
    admin = login(users["admin"])
    form = open_form(admin, "/admin/api-clients/new", form="/admin/api-clients/new")
    form.fill("调用方名称", "青岛开放数据实验室").fill("联系方式", "王工 lab@example.org")
    form.fill("所属账号（用户名）", "citizen").fill("用途", "整理公开诉求做研究")
    issued = form.submit()
    assert issued.status_code == 200
    assert "no-store" in issued.headers["Cache-Control"]
    key = next(e for e in parse_html(issued.get_data(as_text=True)).iter() if e.id == "api-key").get("value")
    assert key.startswith("pk_") and len(key) > 40

    stored = db.session.scalar(db.select(ApiClient))
    assert stored.key_hash == services.hash_key(key) and key not in (stored.key_hash, stored.key_prefix)
    listing = admin.get("/admin/api-clients/").get_data(as_text=True)
    detail = admin.get(f"/admin/api-clients/{stored.id}").get_data(as_text=True)
    assert stored.key_prefix in listing and key not in listing and key not in detail  # shown once, never again

    assert admin.get(API, headers={"X-API-Key": key}).status_code == 200
    limits = open_form(admin, f"/admin/api-clients/{stored.id}", form="/limits")
    limits.fill("读取频率限制", "900 per minute").fill("写入频率限制", "30 per minute")
    assert limits.submit(button="保存限制").status_code == 302
    db.session.expire_all()
    assert (stored.read_limit, stored.write_limit) == ("900 per minute", "30 per minute")
    revoke = open_form(admin, f"/admin/api-clients/{stored.id}", form="/revoke")
    assert revoke.submit(button="吊销密钥").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiClient, stored.id).state == ClientState.REVOKED
    refused = app.test_client().get(API, headers={"X-API-Key": key})
    assert refused.status_code == 403
    assert refused.get_json() == {"error": {"code": "api_key_revoked", "message": "该 API 密钥已被吊销"}}
    assert [e.action for e in db.session.get(ApiClient, stored.id).events] == ["issue", "change_limits", "revoke"]


def test_the_form_refuses_an_unknown_owner_and_a_malformed_limit(app, db, users, login):
    admin = login(users["admin"])
    form = open_form(admin, "/admin/api-clients/new", form="/admin/api-clients/new")
    form.fill("调用方名称", "实验室").fill("联系方式", "lab@example.org").fill("所属账号（用户名）", "nobody")
    page = form.submit()
    assert page.status_code == 400 and "没有这个用户名的账号" in page.get_data(as_text=True)
    form = open_form(admin, "/admin/api-clients/new", form="/admin/api-clients/new")
    form.fill("调用方名称", "实验室").fill("联系方式", "lab@example.org").fill("所属账号（用户名）", "citizen")
    page = form.fill("读取频率限制", "很多").submit()
    assert page.status_code == 400 and "频率限制的格式" in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiClient)) == 0


def test_an_unknown_key_is_refused_in_the_apis_error_shape(client, users):
    response = client.get(API, headers={"X-API-Key": "pk_not-a-key"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_api_key"


@pytest.fixture
def limited_app(other_app):
    return other_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex[:8]}",
        API_ANONYMOUS_READ_LIMIT="3 per minute",
    )


def test_a_key_reads_more_than_an_anonymous_caller_and_its_usage_is_counted(limited_app, users, login):
    with limited_app.test_request_context():
        client_id, key = _issue(users["citizen"], read_limit="6 per minute")
    anonymous = limited_app.test_client()
    assert [anonymous.get(API).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = anonymous.get(API)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"]["code"] == "rate_limited"

    keyed = limited_app.test_client()
    statuses = [keyed.get(API, headers={"X-API-Key": key}).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]
    assert int(keyed.get(API, headers={"X-API-Key": key}).headers["Retry-After"]) >= 1

    admin = limited_app.test_client()
    assert admin.post("/login", data={"username": "admin", "password": "password123"}).status_code == 302
    page = parse_html(admin.get(f"/admin/api-clients/{client_id}").get_data(as_text=True))
    usage = next(e for e in page.iter() if e.get("data-testid") == "usage")
    today = [[cell.text() for cell in row.iter() if cell.tag == "td"] for row in usage.iter() if row.tag == "tr"][1]
    assert today[1:] == ["6", "2"]  # requests let through, refused
    with limited_app.test_request_context():
        assert services.get_client(client_id).last_used_at is not None


def test_the_administrator_changes_a_keys_limit(limited_app, users):
    with limited_app.test_request_context():
        client_id, key = _issue(users["citizen"], read_limit="1 per minute")
        services.act(_admin(), client_id, "change_limits", read_limit="2 per minute", write_limit="1 per minute")
    keyed = limited_app.test_client()
    assert [keyed.get(API, headers={"X-API-Key": key}).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.redis
def test_a_keys_limit_and_usage_are_counted_in_redis_when_configured(other_app, users):
    import os

    import redis

    url = os.environ["REDIS_URL"]
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    app = other_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=prefix, REDIS_URL=url, RATELIMIT_STORAGE_URI=url)
    with app.test_request_context():
        client_id, key = _issue(users["citizen"], read_limit="2 per minute")
    # The key's window is the key's, whichever address its requests come from.
    callers = [app.test_client(), app.test_client()]
    callers[1].environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert [c.get(API, headers={"X-API-Key": key}).status_code for c in callers * 2] == [200, 200, 429, 429]
    store = redis.Redis.from_url(url)
    keys = store.keys(f"LIMITS:*{prefix}*")
    assert any(b"api-key" in k for k in keys) and any(b"apiusage" in k for k in keys), keys
    with app.test_request_context():
        from portal.apiclients import gate

        today = gate.usage(services.get_client(client_id), days=1)[0]
    assert (today["requests"], today["refused"]) == (2, 2)
    store.delete(*keys)
