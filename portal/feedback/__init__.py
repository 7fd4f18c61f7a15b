"""Feedback work orders (问政 / 诉求 / 呼叫): intake, dispatch, deadlines, replies, ratings, escalation."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.feedback import models  # noqa: F401  (tables)
