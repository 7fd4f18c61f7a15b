"""The data API's query and response models (``portal.apidoc``): what the endpoint validates and declares."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from portal.apidoc import Body, one_of
from portal.apidoc.query import Query, checked
from portal.dashboard.kpi import SCOPES
from portal.dashboard.kpi_periods import parse_period

Ratio = float | None  # 0–1, 4 decimals; null when the denominator is 0


def _period(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if value:
        parse_period(value)  # a malformed period raises the page's Invalid
    return value or None


def _day(args: Mapping[str, str], name: str) -> str | None:
    return (args.get(name) or "").strip() or None  # read with ``period_from_args`` (both or neither)


class KpiQuery(Query):
    """``period``, or ``from`` and ``to`` together (the data page's custom range)."""

    period: checked(
        Annotated[str, Field(max_length=40)],
        _period,
        label="统计周期",
        description="2026-11（月）、2026-Q3（季度）、2026（年，默认为今年）、2026-W47（ISO 周）"
        "或 2026-01-01..2026-03-31（自定义区间，含两端）",
    )
    date_from: checked(date, _day, label="开始日期", name="from", description="与 to 同时给出，YYYY-MM-DD")
    date_to: checked(date, _day, label="结束日期", name="to", description="与 from 同时给出，YYYY-MM-DD")


class KpiPeriod(Body):
    key: str
    kind: Literal["month", "quarter", "year", "week", "range"]
    label: str
    start: AwareDatetime = Field(description="开始时刻（北京时间 0 点）")
    end: AwareDatetime = Field(description="结束时刻（不含，北京时间 0 点）")


class Overview(Body):
    submitted: int
    dispatched: int
    closed: int
    rated: int
    satisfied: int
    satisfaction_rate: Ratio
    completion_rate: Ratio


class KpiRow(Body):
    """A department's row, or the totals (rank and department_id null)."""

    rank: int | None
    department_id: int | None
    department: str
    dispatched: int
    signed_in_time: int
    due: int
    due_closed_in_time: int
    closed: int
    closed_in_time: int
    reopened: int
    rated: int
    satisfied: int
    township_rated: int
    township_satisfied: int
    acceptance: Ratio = Field(description="承接率：按时签收 / 派单")
    completion: Ratio = Field(description="办结率：按期办结 / 应办结")
    on_time: Ratio = Field(description="按时办结率")
    satisfaction: Ratio = Field(description="满意率（满意与基本满意 / 参评）")
    township: Ratio = Field(description="镇街评价满意率")
    rework: Ratio = Field(description="返工率：发回重办 / 已办结")
    avg_handling_hours: float | None
    score: float | None = Field(description="综合得分（满分 1000）")


class TrendPoint(Body):
    month: str = Field(description="YYYY-MM")
    due: int
    closed_in_time: int
    completion: Ratio
    rated: int
    satisfied: int
    satisfaction: Ratio


class Kpi(Body):
    period: KpiPeriod
    computed_at: AwareDatetime
    weights: dict[str, float] = Field(description="综合得分中各指标的权重")
    score_scale: int
    overview: Overview
    departments: list[KpiRow]
    totals: KpiRow
    enterprise_split: dict[one_of(SCOPES), KpiRow] = Field(
        description="涉企诉求（enterprise：企业认证成员代表企业提交）与其他诉求（other）各自的合计"
    )
    trend: list[TrendPoint] = Field(description="最近 12 个月")
