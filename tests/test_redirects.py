"""Every ``next`` parameter sends a browser to a path of this site only (portal.redirects.safe_next).

Threat: open redirect. A link to the portal that ends on another site (a phishing page that looks like the
portal's log-in) after log-in or after reading a notice; ``next="/\\t/evil.example"`` became
``Location: //evil.example`` because browsers drop tabs and line breaks inside a URL.
"""

from __future__ import annotations

import pytest

from portal.redirects import is_safe_path, safe_next

HOSTILE = [
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/path\\..\\..\\evil",
    "https://evil.example/",
    "http:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "./evil",
    "",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\x0b/evil.example",
    "/\u3000/evil.example",  # ideographic space
    "/\u200b/evil.example",  # zero-width space
    "/\u2028/evil.example",  # line separator
    "/\ufeff/evil.example",
    "/a" * 1001,
    None,
    123,
    ["/"],
]
SAFE = ["/", "/feedback/notices", "/policies/?q=乡呼县应", "/hearings/3#q12", "/a/b?next=//x", "/%09/x"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert not is_safe_path(target)
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", SAFE)
def test_same_site_paths_are_kept(target):
    assert safe_next(target, "/home") == target


ROUTE_HOSTILE = ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/\r\n/evil"]


def _location(response) -> str:
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("target", ROUTE_HOSTILE)
def test_log_in_never_redirects_elsewhere(client, users, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"username": "citizen", "password": "password123"}
    )
    assert _location(response) in ("/", "http://portal.test/")
    # Already signed in: the log-in page redirects too.
    assert _location(client.get("/login", query_string={"next": target})) in ("/", "http://portal.test/")


def test_log_in_keeps_a_same_site_next(client, users):
    response = client.post("/login?next=/feedback/notices", data={"username": "citizen", "password": "password123"})
    assert _location(response).endswith("/feedback/notices")


@pytest.mark.parametrize("target", ROUTE_HOSTILE)
def test_reading_a_notice_never_redirects_elsewhere(login, users, target):
    client = login(users["citizen"])
    response = client.post("/feedback/notices/read", data={"next": target})
    assert _location(response).endswith("/feedback/notices")
    kept = client.post("/feedback/notices/read", data={"next": "/feedback/mine"})
    assert _location(kept).endswith("/feedback/mine")
