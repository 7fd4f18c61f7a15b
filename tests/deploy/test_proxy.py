"""``PROXY_COUNT``: the forwarded headers count only when a proxy in front is configured (anyone can send them)."""

from flask import request

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def _seen(app, headers) -> list[tuple[str, str]]:
    seen = []
    app.before_request(lambda: seen.append((request.remote_addr, request.scheme)))
    assert app.test_client().get("/", headers=headers).status_code == 200
    return seen


def test_forwarded_headers_are_ignored_without_a_proxy(other_app):
    assert _seen(other_app(), FORWARDED) == [("127.0.0.1", "http")]


def test_behind_one_proxy_the_client_address_and_scheme_come_from_its_headers(other_app):
    assert _seen(other_app(PROXY_COUNT=1), FORWARDED) == [("203.0.113.7", "https")]
    assert _seen(other_app(PROXY_COUNT=1), {}) == [("127.0.0.1", "http")]
