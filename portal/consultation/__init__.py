"""Consultation on a draft before its hearing (征求意见): a plan or a policy draft opened for comment section by
section, comments moderated and supported, answered by the drafting department (采纳 / 部分采纳 / 不采纳), and a
published report of how the comments were taken up (意见采纳情况)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.consultation import demo, hooks, permissions, views  # noqa: F401  (rules, routes, page sections)

    app.register_blueprint(views.bp)
