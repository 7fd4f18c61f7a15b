"""Probing routes as each role with the in-process test client: log-in, CSRF tokens, outcome classes."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.support.factories import PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*\bvalue="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client, url: str = "/") -> str:
    html = client.get(url).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def signed_in(app, username: str | None) -> object:
    """A test client of ``username`` (None: anonymous) logged in through the form, with its CSRF token."""
    client = app.test_client()
    token = csrf_token(client, "/login")
    if username is not None:
        response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, f"{username} cannot log in: {response.status_code}"
        token = csrf_token(client, "/")
    client.csrf = token
    return client


def outcome(response) -> str:
    """The response as the matrix writes it: '200', '302', 'login' (a redirect to the log-in page), '403'..."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers.get("Location", "")).path
        return "login" if target.rstrip("/") == "/login" else "302"
    return str(status)
