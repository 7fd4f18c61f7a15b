"""Domain errors raised by services, mapped once to HTML pages, JSON bodies and socket acks."""

from __future__ import annotations

import logging
import math
import time
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
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

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
