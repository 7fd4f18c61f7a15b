"""Enterprise ratings of policy fulfilment, plan tasks, departments and handled 涉企 work orders, and the
企业家满意度指数 computed from them (``portal.ratings.public``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or index loads no views.
    from portal.ratings import models, permissions  # noqa: F401
