"""Log-in throttling that stops guessing without locking the account's owner out.

Threats: guessing one person's password (from one address, or spread over many), and the lockout itself as an
attack: ten bad tries by someone behind a hearing hall's NAT address must not keep the owner out.
"""

from __future__ import annotations

import uuid

import pytest

from portal.accounts.throttle import DEVICE_COOKIE
from tests.support.forms import open_form

HALL = "10.0.0.1"  # everyone in the hall shares this address
HOME = "192.0.2.7"


@pytest.fixture
def limited_app(other_app):
    """Throttling on with the shipped defaults, counted apart from other tests."""
    return other_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex[:8]}")


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _log_in(client, username: str, password: str) -> int:
    return client.post("/login", data={"username": username, "password": password}).status_code


def _ten_bad_tries(app, username: str = "citizen", address: str = HALL) -> None:
    attacker = _client(app, address)
    assert [_log_in(attacker, username, f"guess-{i}") for i in range(10)] == [401] * 10
    assert _log_in(attacker, username, "guess-10") == 429


def test_ten_bad_tries_from_one_address_do_not_lock_the_owner_out_from_another(limited_app, users):
    _ten_bad_tries(limited_app)
    assert _log_in(_client(limited_app, HOME), "citizen", "password123") == 302


def test_the_owner_in_a_browser_the_account_knows_signs_in_behind_the_attackers_address(limited_app, users):
    owner = _client(limited_app, HALL)
    assert _log_in(owner, "citizen", "password123") == 302  # earlier: this browser is now known to the account
    owner.post("/logout")
    _ten_bad_tries(limited_app)
    assert _log_in(_client(limited_app, HALL), "citizen", "password123") == 429  # an unknown browser there waits
    assert _log_in(owner, "citizen", "password123") == 302


def test_a_browser_known_to_one_account_is_unknown_to_another(limited_app, users):
    browser = _client(limited_app, HALL)
    assert _log_in(browser, "editor", "password123") == 302
    browser.post("/logout")
    _ten_bad_tries(limited_app, "citizen")
    assert _log_in(browser, "citizen", "password123") == 429


def test_a_forged_device_cookie_counts_as_an_unknown_browser(limited_app, users):
    _ten_bad_tries(limited_app)
    forger = _client(limited_app, HALL)
    forger.set_cookie(DEVICE_COOKIE, "eyJuIjoiYSIsInUiOlsiY2l0aXplbiJdfQ.forged", domain="portal.test")
    assert _log_in(forger, "citizen", "password123") == 429


def test_guessing_spread_over_many_addresses_is_cut_off_but_known_browsers_still_sign_in(other_app, users):
    app = other_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"t-{uuid.uuid4().hex[:8]}",
        LOGIN_RATE_LIMIT_ACCOUNT_ALL="5 per minute",
    )
    owner = _client(app, HOME)
    assert _log_in(owner, "citizen", "password123") == 302
    owner.post("/logout")
    statuses = [_log_in(_client(app, f"203.0.113.{i}"), "citizen", "guess") for i in range(6)]
    assert statuses == [401] * 5 + [429]
    assert _log_in(_client(app, "198.51.100.9"), "citizen", "password123") == 429
    assert _log_in(owner, "citizen", "password123") == 302


def test_the_device_cookie_is_http_only_and_set_through_the_form(limited_app, users):
    client = _client(limited_app, HOME)
    form = open_form(client, "/login").fill("用户名", "citizen").fill("密码", "password123")
    response = form.submit()
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{DEVICE_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
