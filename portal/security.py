"""Security headers every response carries; a Content-Security-Policy with no inline script."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session

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


def _signed_in() -> bool:
    """Whether the response goes to a signed-in person, without loading the user again (the after-request hook
    must not need the database: it also runs on the 503 page of a database outage)."""
    user = g.get("_login_user")  # flask-login's user of this request, when the request asked for it
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


# Engine.IO's long-polling responses (text, never a document) bypass Flask's after_request: the Socket.IO
# middleware (portal.sockets) adds these. A policy that allows nothing suits a response no page embeds.
SOCKET_HEADERS = [
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
]


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
        if request.endpoint != "static" and _signed_in():
            # What a signed-in person sees may hold personal data (their account, their work orders, a desk, the
            # admin lists, notices): no cache, shared or the browser's own, keeps a copy. Anonymous public pages
            # keep their headers; the static files stay cacheable for everyone.
            response.headers["Cache-Control"] = "private, no-store"
        return response
