"""A database or Redis out of reach answers 503 with Retry-After and a readable page, never a 500 or a hang."""

from __future__ import annotations

import socket

import pytest


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connections are refused


@pytest.fixture
def no_database(other_app, tmp_path):
    # A SQLite file in a folder that does not exist: every connection fails as a stopped server's would.
    return other_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/portal.sqlite3")


def test_page_without_database_is_a_503_page_with_retry_after(no_database):
    response = no_database.test_client().get("/hearings/")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "服务暂时不可用" in body and "<html" in body
    assert response.headers["Cache-Control"] == "no-store"


def test_api_without_database_is_a_503_json_error(no_database):
    response = no_database.test_client().get("/api/v1/plans/1")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "unavailable" and error["retry_after"] == 5
    assert "服务暂时不可用" in error["message"]


def test_rate_limit_storage_down_is_a_503_not_a_500(other_app):
    app = other_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}/0")
    response = app.test_client().post("/login", data={"username": "nobody", "password": "x"})
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert "服务暂时不可用" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "5"


def test_unavailable_is_told_from_a_bug():
    import redis.exceptions
    from sqlalchemy import exc

    from portal.errors import is_unavailable

    assert is_unavailable(exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert is_unavailable(redis.exceptions.ConnectionError("Connection refused"))
    assert not is_unavailable(exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_unavailable(ValueError("a bug"))
