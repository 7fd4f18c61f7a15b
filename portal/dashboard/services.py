"""What the data pages show, assembled from the KPI queries; shared by pages, CSV and JSON."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from flask import current_app

from portal.accounts.permissions import require
from portal.dashboard import kpi, kpi_overview, kpi_supervision
from portal.dashboard.kpi_periods import Period, custom, parse_period, week_of
from portal.errors import Invalid
from portal.times import to_local, utcnow


def period_from_args(args: Any, default: str = "year") -> Period:
    """``?period=2026-Q3``, or ``?from=2026-01-01&to=2026-03-31`` from the custom-range form."""
    first, last = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if first or last:
        if not (first and last):
            raise Invalid("自定义区间需要同时填写开始和结束日期", field="period")
        try:
            return custom(date.fromisoformat(first), date.fromisoformat(last))
        except ValueError:
            raise Invalid("日期格式应为 2026-01-31", field="period") from None
    return parse_period(args.get("period"), default=default)


@dataclass
class DataPage:
    table: kpi.KpiTable
    overview: kpi_overview.Overview
    trend: list[kpi_overview.MonthPoint]
    split: dict[str, kpi.Counts] = field(default_factory=dict)  # 涉企 vs other orders (kpi.SCOPES)


T = TypeVar("T")
_cache: dict[tuple, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _cached(key: tuple, compute: Callable[[], T]) -> T:
    """Public figures are recomputed at most every DASHBOARD_CACHE_SECONDS (default 60) per process:
    the home page and the data page then cost one set of queries a minute, whatever the traffic."""
    ttl = float(current_app.config.get("DASHBOARD_CACHE_SECONDS", 60))
    if ttl <= 0 or current_app.testing:
        return compute()
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = compute()
    with _cache_lock:
        if len(_cache) > 256:
            _cache.clear()
        _cache[key] = (now, value)
    return value


def data_page(period: Period, sort: str = "score", descending: bool = True) -> DataPage:
    def compute() -> DataPage:
        now = utcnow()
        return DataPage(
            kpi.department_kpis(period, now=now),
            kpi_overview.overview(period),
            kpi_overview.monthly_trend(period, now=now),
            kpi.scope_totals(period, now=now),
        )

    page = _cached(("data", period.key), compute)
    rows = kpi.sort_rows(page.table.rows, sort, descending)
    return DataPage(
        kpi.KpiTable(period, page.table.now, rows, page.table.totals, page.table.weights),
        page.overview,
        page.trend,
        page.split,
    )


def kpi_table(period: Period) -> kpi.KpiTable:
    """The department KPI table alone (the scorecards), cached like the data page."""
    return _cached(("kpi", period.key), lambda: kpi.department_kpis(period))


def headline() -> dict[str, Any]:
    """The home panel: this year's figures."""
    period = parse_period(None, default="year")
    page = data_page(period)
    return {"period": period, "rates": page.table.totals.rates, "overview": page.overview}


def supervision(actor, week_key: str | None) -> kpi_supervision.SupervisionReport:
    require(actor, "dashboard.supervision")
    # The report is written for the last full week unless a week is asked for.
    period = parse_period(week_key) if week_key else week_of(to_local(utcnow()).date()).previous()
    if period.kind != "week":
        raise Invalid("督查专报按周编制：请使用 2026-W47 形式的周次", field="week")
    return kpi_supervision.supervision_report(period)


CSV_COLUMNS = (
    ("rank", "排名"),
    ("department", "部门"),
    ("dispatched", "派单数"),
    ("signed_in_time", "按时签收"),
    ("acceptance", "承接率"),
    ("due", "应办结"),
    ("due_closed_in_time", "按期办结"),
    ("completion", "办结率"),
    ("closed", "已办结"),
    ("closed_in_time", "其中按时"),
    ("on_time", "按时办结率"),
    ("rated", "参评"),
    ("satisfied", "满意与基本满意"),
    ("satisfaction", "满意率"),
    ("township_rated", "镇街参评"),
    ("township", "镇街评价满意率"),
    ("reopened", "发回重办"),
    ("rework", "返工率"),
    ("avg_handling_hours", "平均办理时长（小时）"),
    ("score", "综合得分"),
)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def row_json(row: kpi.DepartmentKpi | None, counts: kpi.Counts, name: str) -> dict[str, Any]:
    """One table row (a department, or the totals when ``row`` is None) with counts and ratios."""
    data: dict[str, Any] = {
        "rank": row.rank if row else None,
        "department_id": row.department_id if row else None,
        "department": name,
    }
    for attr in kpi.COUNT_COLUMNS:
        data[attr] = getattr(counts, attr)
    data.update({k: _round(v, 4) for k, v in counts.rates.items()})
    data["avg_handling_hours"] = _round(counts.avg_handling_hours, 1)
    data["score"] = _round(row.score if row else counts.score(), 1)
    return data


def kpi_json(page: DataPage) -> dict[str, Any]:
    table, p = page.table, page.table.period
    return {
        "period": {
            "key": p.key,
            "kind": p.kind,
            "label": p.label,
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
        },
        "computed_at": table.now.isoformat(),
        "weights": table.weights,
        "score_scale": kpi.SCORE_SCALE,
        "overview": {
            "submitted": page.overview.submitted,
            "dispatched": page.overview.dispatched,
            "closed": page.overview.closed,
            "rated": page.overview.rated,
            "satisfied": page.overview.satisfied,
            "satisfaction_rate": _round(page.overview.satisfaction_rate, 4),
            "completion_rate": _round(table.totals.rates["completion"], 4),
        },
        "departments": [row_json(r, r.counts, r.name) for r in table.rows],
        "totals": row_json(None, table.totals, "合计"),
        # 涉企 split: the totals of orders filed on behalf of an enterprise, and of the others.
        "enterprise_split": {scope: row_json(None, counts, kpi.SCOPES[scope]) for scope, counts in page.split.items()},
        "trend": [
            {
                "month": m.period.key,
                "due": m.due,
                "closed_in_time": m.closed_in_time,
                "completion": _round(m.completion, 4),
                "rated": m.rated,
                "satisfied": m.satisfied,
                "satisfaction": _round(m.satisfaction, 4),
            }
            for m in page.trend
        ],
    }
