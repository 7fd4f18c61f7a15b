"""The 企业家满意度指数 of each department, as the ratings package computes it, for the scorecard's period.

Ratings are collected per rating period (a quarter by default): a scorecard shows the index of the rating
period that holds its period's last day (a month or a year: the quarter it ends in).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from portal.dashboard import public as dashboard
from portal.ratings import public as ratings


@dataclass(frozen=True)
class IndexFigure:
    rating_period: str  # the ratings' period key, e.g. 2026-Q4
    value: float | None  # 0–100; None below k (样本不足)
    raters: int
    ratings: int
    eligible: int
    k: int

    @property
    def sufficient(self) -> bool:
        return self.value is not None

    @property
    def share(self) -> float | None:
        return self.raters / self.eligible if self.eligible else None


def rating_period(period: dashboard.Period) -> str:
    day = period.last_day
    length = current_app.config.get("RATING_PERIOD", "quarter")
    if length == "month":
        return f"{day.year}-{day.month:02d}"
    if length == "year":
        return str(day.year)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def k() -> int:
    return ratings.min_sample()


def empty(period: dashboard.Period) -> IndexFigure:
    return IndexFigure(rating_period(period), None, 0, 0, 0, k())


def _figure(result: ratings.IndexResult) -> IndexFigure:
    return IndexFigure(result.period, result.value, result.raters, result.ratings, result.eligible, result.k)


def by_department(period: dashboard.Period) -> dict[int, IndexFigure]:
    """The index of every department rated in the rating period of ``period``."""
    return {dep: _figure(result) for dep, result in ratings.indexes_by(rating_period(period), "department_id").items()}


METHOD = ratings.FORMULA


def evidence_href(card, external: bool = False) -> str:
    """The ratings the index counted, without who gave them (the ratings package's list; empty below k)."""
    return url_for("ratings.items", period=card.index.rating_period, department=card.department_id, _external=external)
