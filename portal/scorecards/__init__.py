"""Department scorecards (部门记分卡): KPIs, the enterprise index, commitments and tasks of a period, the ranking
of departments, and the division and member scores (组织力 / 执行力) for officials and administrators."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.scorecards import card, permissions, views  # noqa: F401  (register themselves)

    card.weights()  # fail at start-up, not on a page, when SCORECARD_WEIGHTS is misconfigured
    app.register_blueprint(views.bp)
