"""The API's gate, before every request under /api/v1/ and /open311/: the API key, the rate limits, the usage.

* A key comes as the ``X-API-Key`` header (under /open311/ also as the ``api_key`` parameter, as GeoReport v2
  writes it). An unknown key answers 401, a revoked one 403; no key is an anonymous caller.
* Reads without a key count against ``API_ANONYMOUS_READ_LIMIT`` per client address (per account when signed
  in); a key's reads against its own ``read_limit`` and its writes (POST …) against its ``write_limit``.
  Limits are counted in Flask-Limiter's storage (Redis when ``REDIS_URL`` is set, so every worker shares them);
  a refused request answers 429 with ``Retry-After``.
* Usage per key and Beijing day (requests let through, requests refused) are two counters in the same storage,
  kept 40 days; the key's ``last_used_at`` is written at most once a minute.

An API whose errors have another shape (Open311's error list) registers its renderer with ``error_format``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask, current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from portal.apiclients import services
from portal.apiclients.models import ApiClient
from portal.errors import DomainError, Forbidden, RateLimited, Unauthorized
from portal.extensions import limiter
from portal.times import LOCAL_TZ, utcnow

API_PREFIXES = ("/api/v1/", "/open311/")
PARAMETER_PREFIXES = ("/open311/",)  # where ``api_key`` may come as a parameter
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
USAGE_DAYS = 40


class InvalidKey(Unauthorized):
    code, default_message = "invalid_api_key", "API 密钥无效，请检查 X-API-Key"


class RevokedKey(Forbidden):
    code, default_message = "api_key_revoked", "该 API 密钥已被吊销"


class KeyRequired(Unauthorized):
    code, default_message = "api_key_required", "此操作需要 API 密钥（X-API-Key）"


class ApiRateLimited(RateLimited):
    def __init__(self, retry_after: int):
        super().__init__(f"请求过于频繁，请在 {retry_after} 秒后再试")
        self.retry_after = retry_after

    def to_dict(self) -> dict:
        return super().to_dict() | {"retry_after": self.retry_after}


Renderer = Callable[[DomainError], object]
_FORMATS: dict[str, Renderer] = {}


def error_format(prefix: str) -> Callable[[Renderer], Renderer]:
    """Register how errors of the API under ``prefix`` look (default: ``{"error": {"code", "message"}}``)."""

    def register(fn: Renderer) -> Renderer:
        _FORMATS[prefix] = fn
        return fn

    return register


def render_error(error: DomainError):
    renderer = next((fn for prefix, fn in _FORMATS.items() if request.path.startswith(prefix)), None)
    response = current_app.make_response(
        renderer(error) if renderer else (jsonify(error=error.to_dict()), error.status)
    )
    if isinstance(error, ApiRateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def current_client() -> ApiClient | None:
    """The client whose valid key came with this request, if any."""
    return g.get("api_client")


def require_client() -> ApiClient:
    """The calling client, for writes: a request without a key is refused (401)."""
    client = current_client()
    if client is None:
        raise KeyRequired()
    return client


def _presented_key() -> str:
    key = request.headers.get("X-API-Key", "")
    if not key and request.path.startswith(PARAMETER_PREFIXES):
        key = request.args.get("api_key", "") or (request.form.get("api_key", "") if request.method == "POST" else "")
    return key.strip()


def _storage_ready() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True)) and getattr(limiter, "_storage", None) is not None


def _usage_key(client_id: int, day: date, what: str) -> str:
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX', 'portal')}:apiusage:{client_id}:{day:%Y%m%d}:{what}"


def _today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def _count(client: ApiClient, what: str) -> None:
    if _storage_ready():
        limiter.storage.incr(_usage_key(client.id, _today(), what), USAGE_DAYS * 86400)


def usage(client: ApiClient, days: int = 14) -> list[dict]:
    """Requests let through and refused per Beijing day, newest first (zeros without a shared storage)."""
    today = _today()
    out = []
    for n in range(days):
        day = today - timedelta(days=n)
        if _storage_ready():
            requests_, refused = (limiter.storage.get(_usage_key(client.id, day, w)) for w in ("ok", "refused"))
        else:
            requests_, refused = 0, 0
        out.append({"day": day, "requests": requests_, "refused": refused})
    return out


def _check_limits(limits: str, *identifiers: str) -> None:
    if not _storage_ready():
        return
    strategy = limiter.limiter
    identifiers = (current_app.config.get("RATELIMIT_KEY_PREFIX", "portal"), *identifiers)
    items = parse_many(limits)
    for item in items:
        if not strategy.test(item, *identifiers):
            reset = strategy.get_window_stats(item, *identifiers).reset_time
            raise ApiRateLimited(max(1, math.ceil(reset - time.time())))
    for item in items:
        strategy.hit(item, *identifiers)


def _admit() -> ApiClient | None:
    key = _presented_key()
    client = services.find_by_key(key) if key else None
    if key and client is None:
        raise InvalidKey()
    write = request.method in WRITE_METHODS
    if client is None:
        if not write:
            who = f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()
            _check_limits(current_app.config["API_ANONYMOUS_READ_LIMIT"], "api-anonymous", who)
        return None
    if not client.is_active:
        _count(client, "refused")
        raise RevokedKey()
    try:
        _check_limits(
            client.write_limit if write else client.read_limit, "api-key", str(client.id), "write" if write else "read"
        )
    except ApiRateLimited:
        _count(client, "refused")
        raise
    _count(client, "ok")
    services.touch(client)
    return client


def gate():
    if not request.path.startswith(API_PREFIXES):
        return None
    try:
        g.api_client = _admit()
    except DomainError as error:
        return render_error(error)
    return None


def init_app(app: Flask) -> None:
    app.before_request(gate)
