"""Log-in throttling per account and per client address, and the 429 page's "try again at".

Two separate limits (Flask-Limiter; counted in Redis when ``REDIS_URL`` is set, so every worker shares them):

* per account name (``LOGIN_RATE_LIMIT_ACCOUNT``, default 10 a minute and 50 an hour): failed log-ins for one
  user name, from any address. Guessing one person's password is stopped without locking anybody else out.
* per client address (``LOGIN_RATE_LIMIT_ADDRESS``, default 500 a minute and 3,000 an hour): failed log-ins (and,
  separately, sign-ups) from one address. A hearing hall puts hundreds of people behind one NAT address; at 500
  a minute the whole hall can mistype its password once in the same minute, and six times an hour, while a
  password spray over many accounts from one address is still cut off.

Only failures count for log-ins (a successful log-in redirects): people who log in right are never throttled.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal.extensions import limiter


def account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ADDRESS"]


def account_key() -> str:
    """The account a log-in is for: the user name as typed, normalised as the lookup normalises it (empty when
    missing: Flask-Limiter then skips the limit, and the form refuses the request anyway)."""
    name = (request.form.get("username") or "").strip().lower()
    return f"account:{name}" if name else ""


def current_account_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def address_key() -> str:
    return f"address:{get_remote_address()}"


def failed(response: Response) -> bool:
    """A log-in or password change that did not succeed (success redirects)."""
    return response.status_code != 302


login_per_account = limiter.limit(account_limit, key_func=account_key, methods=["POST"], deduct_when=failed)
login_per_address = limiter.limit(address_limit, key_func=address_key, methods=["POST"], deduct_when=failed)
register_limit = limiter.limit(address_limit, key_func=address_key, methods=["POST"])
password_limit = limiter.limit(account_limit, key_func=current_account_key, methods=["POST"], deduct_when=failed)
