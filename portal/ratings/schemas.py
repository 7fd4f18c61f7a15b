"""The ratings API's query and response models (``portal.apidoc``): what the endpoint validates and declares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import Field

from portal.apidoc import Body
from portal.apidoc.query import Query, checked
from portal.ratings.periods import check_period


def _period(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    return check_period(value) if value else None  # a malformed period raises the page's Invalid


class RatingIndexQuery(Query):
    period: checked(
        Annotated[str, Field(pattern=r"^\s*\d{4}(-[Qq][1-4]|-(0[1-9]|1[0-2]))?\s*$")],
        _period,
        label="评价周期",
        description="如 2026-Q4（按季度评价时；按月或按年评价时为 2026-11 或 2026），默认当前周期",
    )


class IndexFigure(Body):
    period: str
    value: float | None = Field(description="满意度指数（0–100）；参评企业少于 k 家时为 null（样本不足）")
    sufficient: bool
    k: int = Field(description="公布指数所需的最少参评企业数")
    raters: int = Field(ge=0, description="参评企业数")
    ratings: int = Field(ge=0, description="计入的评价条数")
    eligible: int = Field(ge=0, description="有已认证成员的企业数")
    share: float | None = Field(description="参评企业 / 有认证成员的企业（0–1）")
    dimensions: dict[str, float] | None = Field(description="各维度得分（0–100）；样本不足时为 null")
    department_id: int | None
    policy_id: int | None


class DepartmentFigure(IndexFigure):
    name: str


class PolicyFigure(IndexFigure):
    title: str


class RatingIndex(Body):
    period: str
    label: str
    formula: str = Field(description="指数的计算公式")
    k: int
    city: IndexFigure
    departments: list[DepartmentFigure]
    policies: list[PolicyFigure]
