"""The department scorecard (部门记分卡) of a period and the ranking of departments built from it.

A scorecard joins what the portal already computes, nothing recomputed here:
- the feedback KPIs of 数据公开 (``dashboard.public.kpi_table``: 承接率, 办结率, 按时办结率, 满意率,
  镇街评价, 返工率, the 1000-point KPI score), and 逾期 = 到期应办结 − 按期办结;
- the 企业家满意度指数 of the department (``ratings``), shown only when at least k enterprises rated;
- the commitments the department made in hearings up to the period's last day, by current status;
- the plan tasks it leads (every plan, current status), with their mean progress.

Composite score (综合得分, 0–100): each component is put on 0–100 — 办件 = KPI score ÷ 10, 企业家满意度 =
the index, 承诺兑现 = 100 × done ÷ made, 任务推进 = the mean progress of the led tasks — and
score = Σ wᵢ·sᵢ ÷ Σ wᵢ over the components with data (办件 only with 数据公开's minimum sample of
assignments) (``SCORECARD_WEIGHTS``, default 办件 50,
企业家满意度 20, 承诺兑现 15, 任务推进 15). A department with no component has no score and no rank.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_app_context

from portal.accounts.models import Department
from portal.dashboard import public as dashboard
from portal.errors import Invalid, NotFound
from portal.extensions import db
from portal.hearings import public as hearings
from portal.plans import public as plans
from portal.scorecards import enterprise_index

COMPONENTS: dict[str, str] = {
    "kpi": "办件",
    "index": "企业家满意度",
    "commitments": "承诺兑现",
    "tasks": "任务推进",
}
DEFAULT_WEIGHTS: dict[str, float] = {"kpi": 50, "index": 20, "commitments": 15, "tasks": 15}
PERIOD_KINDS = ("month", "quarter", "year")


def weights() -> dict[str, float]:
    configured = current_app.config.get("SCORECARD_WEIGHTS") if has_app_context() else None
    chosen = dict(configured or DEFAULT_WEIGHTS)
    unknown = set(chosen) - set(COMPONENTS)
    if unknown or any(w < 0 for w in chosen.values()) or not any(w > 0 for w in chosen.values()):
        raise ValueError(f"SCORECARD_WEIGHTS needs non-negative weights of {sorted(COMPONENTS)}, one positive")
    return {k: float(v) for k, v in chosen.items() if v > 0}


def parse_period(text: str | None) -> dashboard.Period:
    """A month (2026-11), quarter (2026-Q4) or year (2026); empty: the current quarter."""
    period = dashboard.parse_period(text, default="quarter")
    if period.kind not in PERIOD_KINDS:
        raise Invalid("记分卡按月、季度或年度编制：请使用 2026-11、2026-Q4 或 2026", field="period")
    return period


@dataclass
class Commitments:
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def rate(self) -> float | None:
        """承诺兑现率: done ÷ made."""
        return self.count("done") / self.total if self.total else None


@dataclass
class Tasks:
    total: int = 0
    done: int = 0
    overdue: int = 0
    progress_sum: int = 0

    @property
    def mean_progress(self) -> float | None:
        return self.progress_sum / self.total if self.total else None


@dataclass
class Scorecard:
    period: dashboard.Period
    department_id: int
    name: str
    kpi: dashboard.DepartmentKpi | None
    index: enterprise_index.IndexFigure
    commitments: Commitments
    tasks: Tasks
    weights: dict[str, float]
    rank: int | None = None

    @property
    def counts(self) -> dashboard.Counts:
        return self.kpi.counts if self.kpi else dashboard.Counts()

    @property
    def rates(self) -> dict[str, float | None]:
        return self.counts.rates

    @property
    def overdue(self) -> int:
        """逾期: assignments due in the period that were not answered in time."""
        return self.counts.due - self.counts.due_closed_in_time

    @property
    def kpi_score(self) -> float | None:
        return self.kpi.score if self.kpi else None

    @property
    def kpi_ranked(self) -> bool:
        """Enough assignments for the KPI to count (数据公开's minimum sample): below it, scored but not counted."""
        return self.kpi is not None and self.kpi.ranked

    @property
    def components(self) -> dict[str, float | None]:
        """Each component on 0–100 (None without data)."""
        return {
            "kpi": None
            if self.kpi_score is None or not self.kpi_ranked
            else self.kpi_score / (dashboard.SCORE_SCALE / 100),
            "index": self.index.value,
            "commitments": None if self.commitments.rate is None else 100 * self.commitments.rate,
            "tasks": self.tasks.mean_progress,
        }

    @property
    def score(self) -> float | None:
        points = total = 0.0
        for name, value in self.components.items():
            weight = self.weights.get(name, 0.0)
            if value is None or not weight:
                continue
            points += weight * value
            total += weight
        return points / total if total else None

    @property
    def score_terms(self) -> list[tuple[str, float, float]]:
        """(component label, weight, value) of the components that count: the page's worked formula."""
        return [
            (COMPONENTS[name], self.weights[name], value)
            for name, value in self.components.items()
            if value is not None and self.weights.get(name)
        ]


def _build(period: dashboard.Period, department_ids: set[int] | None = None) -> list[Scorecard]:
    kpis = {row.department_id: row for row in dashboard.kpi_table(period).rows}
    commitments = hearings.commitment_status_counts(period.last_day)
    tasks = plans.led_task_counts(plans.local_today())
    indexes = enterprise_index.by_department(period)
    ids = set(kpis) | set(commitments) | set(tasks) | {d for d, f in indexes.items() if f.raters}
    if department_ids is not None:
        ids &= department_ids
    names = dict(db.session.execute(sa.select(Department.id, Department.name).where(Department.id.in_(ids))).all())
    chosen = weights()
    return [
        Scorecard(
            period,
            dep_id,
            names[dep_id],
            kpis.get(dep_id),
            indexes.get(dep_id) or enterprise_index.empty(period),
            Commitments(commitments.get(dep_id, {})),
            Tasks(**tasks[dep_id]) if dep_id in tasks else Tasks(),
            chosen,
        )
        for dep_id in ids
        if dep_id in names
    ]


SORT_KEYS: dict[str, str] = {
    "score": "综合得分",
    "name": "部门",
    "kpi_score": "办件得分",
    "acceptance": "承接率",
    "completion": "办结率",
    "satisfaction": "满意率",
    "overdue": "逾期",
    "index": "企业家满意度指数",
    "commitments": "承诺兑现率",
    "tasks": "任务平均进度",
}
ASCENDING_FIRST = frozenset({"name", "overdue"})


def sort_value(card: Scorecard, key: str):
    if key == "score":
        return card.score
    if key == "kpi_score":
        return card.kpi_score
    if key in ("acceptance", "completion", "satisfaction"):
        return card.rates[key]
    if key == "overdue":
        return card.overdue if card.kpi else None
    if key == "index":
        return card.index.value
    if key == "commitments":
        return card.commitments.rate
    if key == "tasks":
        return card.tasks.mean_progress
    raise KeyError(key)


def sort_cards(cards: list[Scorecard], key: str, descending: bool) -> list[Scorecard]:
    """Sort by a column; departments without a value go last either way, ties by name."""
    if key == "name":
        return sorted(cards, key=lambda c: c.name, reverse=descending)
    present = [c for c in cards if sort_value(c, key) is not None]
    missing = sorted((c for c in cards if sort_value(c, key) is None), key=lambda c: c.name)
    present.sort(key=lambda c: c.name)
    present.sort(key=lambda c: sort_value(c, key), reverse=descending)
    return present + missing


@dataclass
class Ranking:
    period: dashboard.Period
    cards: list[Scorecard]
    weights: dict[str, float]
    sort: str
    descending: bool


def ranking(period: dashboard.Period, sort: str = "score", descending: bool = True) -> Ranking:
    """Every department with something to show in the period, ranked by composite score (rank 1: highest)."""
    if sort not in SORT_KEYS:
        raise Invalid("未知的排序列", field="sort")
    cards = _build(period)
    ranked = sort_cards([c for c in cards if c.score is not None], "score", True)
    for position, card in enumerate(ranked, start=1):
        card.rank = position
    return Ranking(period, sort_cards(cards, sort, descending), weights(), sort, descending)


def scorecard(period: dashboard.Period, department_id: int) -> Scorecard:
    """One department's scorecard, with its rank among all departments of the period."""
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound("没有这个部门")
    for card in ranking(period).cards:
        if card.department_id == department_id:
            return card
    return Scorecard(
        period,
        department_id,
        department.name,
        None,
        enterprise_index.empty(period),
        Commitments(),
        Tasks(),
        weights(),
    )
