"""Log-in throttling per account and per client address, and the 429 page's "try again at".

Three limits on failed log-ins (Flask-Limiter; counted in Redis when ``REDIS_URL`` is set, so every worker shares
them). Only failures count (a successful log-in redirects): people who log in right are never throttled.

* per account and client (``LOGIN_RATE_LIMIT_ACCOUNT``, default 10 a minute and 50 an hour): failures for one
  user name from one client. The client is the address, or, for a browser that has signed in to that account
  before, its device cookie: ten bad tries from one address lock that account for that address only, and the
  account's owner, signing in from a browser the account has used, is not locked out by someone else guessing
  behind the same NAT address (OWASP's "device cookies").
* per account from unknown browsers (``LOGIN_RATE_LIMIT_ACCOUNT_ALL``, default 30 a minute and 150 an hour):
  failures for one user name from every browser without that account's device cookie, from any address: guessing
  spread over many addresses is still cut off, and a correct password from another address goes through until
  then (the owner's known browsers always do).
* per client address (``LOGIN_RATE_LIMIT_ADDRESS``, default 500 a minute and 3,000 an hour): failures (and,
  separately, sign-ups) from one address. A hearing hall puts hundreds of people behind one NAT address; at 500
  a minute the whole hall can mistype its password once in the same minute, and six times an hour, while a
  password spray over many accounts from one address is still cut off.
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from portal.extensions import limiter

DEVICE_COOKIE = "portal_device"
DEVICE_ACCOUNTS = 5  # the accounts one browser is remembered for (a family computer)
DEVICE_DAYS = 365


def account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def account_all_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT_ALL"]


def address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ADDRESS"]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="login-device")


def _device() -> dict:
    """The browser's device cookie: {"n": nonce, "u": [user names that signed in here]}; empty when absent or
    forged."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("u"), list):
        return {}
    return data


def _account_name() -> str:
    """The user name as typed, normalised as the lookup normalises it."""
    return (request.form.get("username") or "").strip().lower()


def known_device() -> bool:
    """Whether this browser has signed in to the account it is logging in to."""
    name = _account_name()
    return bool(name) and name in _device().get("u", [])


def account_key() -> str:
    """One account from one client: the device when the account knows it, else the address (empty when the form
    has no user name: the form refuses the request anyway)."""
    name = _account_name()
    if not name:
        return ""
    client = f"device:{_device()['n']}" if known_device() else f"address:{get_remote_address()}"
    return f"account:{name}:{client}"


def account_all_key() -> str:
    name = _account_name()
    return f"account:{name}" if name else ""


def current_account_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def address_key() -> str:
    return f"address:{get_remote_address()}"


def failed(response: Response) -> bool:
    """A log-in or password change that did not succeed (success redirects)."""
    return response.status_code != 302


def remember_device(response: Response, username: str) -> Response:
    """After a successful log-in: this browser is known to the account from now on."""
    device = _device()
    others = [name for name in device.get("u", []) if name != username]
    names = [*others[-(DEVICE_ACCOUNTS - 1) :], username]
    value = _serializer().dumps({"n": device.get("n") or secrets.token_urlsafe(16), "u": names})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


login_per_account = limiter.limit(account_limit, key_func=account_key, methods=["POST"], deduct_when=failed)
login_per_account_all = limiter.limit(
    account_all_limit, key_func=account_all_key, methods=["POST"], deduct_when=failed, exempt_when=known_device
)
login_per_address = limiter.limit(address_limit, key_func=address_key, methods=["POST"], deduct_when=failed)
register_limit = limiter.limit(address_limit, key_func=address_key, methods=["POST"])
password_limit = limiter.limit(account_limit, key_func=current_account_key, methods=["POST"], deduct_when=failed)
