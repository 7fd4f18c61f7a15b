"""Security headers every response carries; a Content-Security-Policy with no inline script."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' https:",
        "frame-src https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_security(app: Flask) -> None:
    @app.after_request
    def set_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and current_user.is_authenticated:
            # What a signed-in person sees may hold personal data (their account, their work orders, a desk, the
            # admin lists, notices): no cache, shared or the browser's own, keeps a copy. Anonymous public pages
            # keep their headers; the static files stay cacheable for everyone.
            response.headers["Cache-Control"] = "private, no-store"
        return response
