"""Domain errors raised by services, mapped once to HTML pages, JSON bodies and socket acks."""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime, timedelta
from typing import Any, TypeVar

import redis.exceptions
from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from portal.extensions import db, limiter
from portal.times import LOCAL_TZ

log = logging.getLogger(__name__)


class DomainError(Exception):
    """An error a user can understand; ``message`` is shown to them as is (zh-CN)."""

    status = 400
    code = "invalid"
    default_message = "请求无效"

    def __init__(self, message: str | None = None, *, field: str | None = None, **details: Any):
        self.message = message or self.default_message
        self.field = field
        self.details = details
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class Invalid(DomainError):
    status, code, default_message = 400, "invalid", "提交的内容不符合要求"


class Unauthorized(DomainError):
    status, code, default_message = 401, "unauthorized", "请先登录"


class Forbidden(DomainError):
    status, code, default_message = 403, "forbidden", "您没有执行此操作的权限"


class NotFound(DomainError):
    status, code, default_message = 404, "not_found", "您要找的内容不存在或已被移除"


T = TypeVar("T")


def get_or_raise(model: type[T], ident: Any, message: str) -> T:
    """The row of ``model`` with this primary key, or NotFound with ``message`` for the user."""
    row = db.session.get(model, ident)
    if row is None:
        raise NotFound(message)
    return row


class Conflict(DomainError):
    status, code, default_message = 409, "conflict", "该操作与当前状态冲突，请刷新后重试"


class RateLimited(DomainError):
    status, code, default_message = 429, "rate_limited", "操作过于频繁，请稍后再试"


class Unavailable(DomainError):
    """The database or Redis cannot be reached right now (a restart, a failover): try again shortly."""

    status, code, default_message = 503, "unavailable", "服务暂时不可用，系统正在恢复，请稍后重试"


RETRY_AFTER_UNAVAILABLE = 5  # seconds a client is asked to wait after a 503

# What a restarting PostgreSQL or Redis raises: the connection was refused, lost or timed out. Each process's
# pool pings a connection before lending it (pool_pre_ping), so the first request after the restart reconnects.
_UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    StorageError,  # the rate limiter's storage (Redis) failed
)


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database or Redis is out of reach (503), not a bug (500)."""
    if isinstance(error, _UNAVAILABLE):
        return True
    return isinstance(error, sa_exc.DBAPIError) and bool(error.connection_invalidated)


# Titles and explanations of the error pages, in the UI language.
PAGES: dict[int, tuple[str, str]] = {
    400: ("请求有误", "提交的内容无法处理，请检查后重试。"),
    401: ("需要登录", "请先登录后再进行此操作。"),
    403: ("没有权限", "您没有访问此页面或执行此操作的权限。"),
    404: ("页面不存在", "您要找的页面不存在，可能已被移除或地址有误。"),
    405: ("请求方式不允许", "此地址不支持该请求方式。"),
    409: ("状态冲突", "该操作与当前状态冲突，请刷新页面后重试。"),
    413: ("文件过大", "上传的文件超过了大小限制。"),
    429: ("操作过于频繁", "您的操作过于频繁，请稍后再试。"),
    500: ("系统繁忙", "服务器暂时无法处理您的请求，我们已记录此问题，请稍后再试。"),
    503: ("服务暂时不可用", "服务暂时不可用，系统正在恢复，请稍后刷新页面重试。"),
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def ack_error(error: DomainError) -> dict[str, Any]:
    """The Socket.IO acknowledgement for a refused action."""
    return {"ok": False, "error": error.to_dict()}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def error_response(status: int, message: str | None = None, code: str | None = None):
    """Render an error as JSON under /api/ and as a Chinese page elsewhere."""
    title, explanation = PAGES.get(status, PAGES[500 if status >= 500 else 400])
    if wants_json():
        body = {"code": code or HTTP_CODES.get(status, "error"), "message": message or explanation}
        return jsonify(error=body), status
    return render_template("errors/error.html", status=status, title=title, message=message or explanation), status


def retry_after_seconds() -> int:
    """Seconds until the rate limit that refused this request lets the next one through (60 if unknown)."""
    current = limiter.current_limit
    if current is None or not current.breached:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def wait_message(seconds: int) -> str:
    """How long to wait, in words (N 秒 / N 分钟 / N 小时 M 分钟), and the Beijing clock time from which to retry."""
    if seconds < 60:
        wait = f"{seconds} 秒"
    elif seconds < 3600:
        wait = f"{math.ceil(seconds / 60)} 分钟"
    else:
        hours, minutes = divmod(math.ceil(seconds / 60), 60)
        wait = f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "")
    at = (datetime.now(LOCAL_TZ) + timedelta(seconds=seconds)).strftime("%H:%M")
    return f"尝试次数过多，已暂停受理。请在 {wait}后（北京时间 {at} 以后）再试。"


def _too_many_requests():
    """429 with Retry-After (seconds) and a page or JSON body that says when to try again."""
    seconds = retry_after_seconds()
    message = wait_message(seconds)
    if wants_json():
        body = {"code": HTTP_CODES[429], "message": message, "retry_after": seconds}
        response = current_app.make_response((jsonify(error=body), 429))
    else:
        title, _ = PAGES[429]
        page = render_template("errors/error.html", status=429, title=title, message=message)
        response = current_app.make_response((page, 429))
    response.headers["Retry-After"] = str(seconds)
    return response


def unavailable_response():
    """503 with Retry-After. The page is rendered without the site's context processors and header, which
    read the database (the account, unread notices): it must render while the database is down."""
    seconds = RETRY_AFTER_UNAVAILABLE
    # The rate limiter would count this response and write its headers after the request, from the storage
    # that may be what failed: a request refused for an outage counts against no limit.
    limiter.context.reset()
    title, explanation = PAGES[503]
    message = f"{explanation}（约 {seconds} 秒后）"
    if wants_json():
        body = {"code": HTTP_CODES[503], "message": message, "retry_after": seconds}
        response = current_app.make_response((jsonify(error=body), 503))
    else:
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(
            status=503, title=title, message=message, retry_after=seconds
        )
        response = current_app.make_response((page, 503))
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        if isinstance(error, Unavailable):
            return unavailable_response()
        if wants_json():
            return jsonify(error=error.to_dict()), error.status
        title, _ = PAGES.get(error.status, PAGES[400])
        return render_template(
            "errors/error.html", status=error.status, title=title, message=error.message
        ), error.status

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        return error_response(400, "页面已过期或请求来源无法验证，请刷新页面后重试。", "csrf_failed")

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        if status == 429:
            return _too_many_requests()
        return error_response(status)

    @app.errorhandler(sa_exc.DataError)
    @app.errorhandler(OverflowError)
    def handle_out_of_range(error: Exception):
        """The database refused a value (a number past its integer range, text too long for its column).

        The edge (portal.inputs) bounds what it knows; this is the net under it: 400, not 500, and a warning
        that names the route so that the field can be bounded where it is read.
        """
        db.session.rollback()
        log.warning("value out of range on %s %s: %s", request.method, request.path, _one_line(error))
        return error_response(400, "提交的数字或文字超出了允许的范围，请检查后重试。", "out_of_range")

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if is_unavailable(error):
            log.warning("unavailable on %s %s: %s", request.method, request.path, _one_line(error))
            return unavailable_response()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)


def _one_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]
