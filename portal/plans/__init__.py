"""Campaign plans (作战方案): battles, goals, tasks, milestones, progress, versions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.plans import models  # noqa: F401  (tables for create_all and Alembic)
