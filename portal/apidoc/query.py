"""Query models: each argument is read by the same function the HTML page and the CSV use (``portal.opendata``'s
readers, or a capability's own), so a bad value raises the same ``Invalid`` — same Chinese message, same
``field`` — and the argument's type and bounds in the OpenAPI document are those the reader enforces.

    class ThingQuery(Paging):
        dept: integer("承办部门")
        state: choice([s.value for s in ThingState], "办理状态")
        date_from: day("开始日期", name="from")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo
from pydantic.json_schema import SkipJsonSchema

from portal.opendata import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    choice_arg,
    date_arg,
    flag_arg,
    int_arg,
    parse_period,
    text_arg,
)

MAX_INT = 2**31 - 1
Reader = Callable[[Mapping[str, str], str], Any]


class Query(BaseModel):
    """A query string: unknown arguments are ignored, as the pages ignore them."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def checked(kind: Any, read: Reader, *, label: str, name: str | None = None, description: str = "") -> Any:
    """An optional argument of type ``kind`` (with its constraints) read by ``read(args, name)``."""

    def run(value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, list):  # a repeated argument: the first value, as request.args.get reads it
            value = value[0] if value else None
        arg = name or info.field_name or ""
        return read({} if value is None else {arg: value}, arg)

    field = Field(None, alias=name, title=label, description=description or None, json_schema_extra=_no_default)
    return Annotated[kind | SkipJsonSchema[None], BeforeValidator(run), field]


def integer(label: str, *, lo: int = 1, hi: int = MAX_INT, description: str = "") -> Any:
    return checked(
        Annotated[int, Field(ge=lo, le=hi)],
        lambda args, name: int_arg(args, name, label, lo, hi),
        label=label,
        description=description,
    )


def choice(values: Iterable[str], label: str, *, description: str = "") -> Any:
    allowed = tuple(values)
    return checked(
        Literal[allowed],  # type: ignore[valid-type]
        lambda args, name: choice_arg(args, name, allowed, label),
        label=label,
        description=description,
    )


def day(label: str, *, name: str | None = None, description: str = "") -> Any:
    return checked(date, lambda args, arg: date_arg(args, arg, label), label=label, name=name, description=description)


def flag(label: str, *, description: str = "") -> Any:
    return checked(
        bool, lambda args, name: flag_arg(args, name, label), label=label, description=description or "1 或 0"
    )


def text(label: str, *, max_length: int = 100, description: str = "") -> Any:
    return checked(
        Annotated[str, Field(max_length=max_length)],
        lambda args, name: text_arg(args, name, label, max_length),
        label=label,
        description=description,
    )


def _period(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if value:
        parse_period(value, name)
    return value or None


PERIOD_PATTERN = r"^\s*\d{4}(-[Qq][1-4]|-\d{2})?\s*$"

Period = checked(
    Annotated[str, Field(pattern=PERIOD_PATTERN)],
    _period,
    label="时间段",
    description="2026（年）、2026-Q4（季度）或 2026-11（月）",
)


class Paging(Query):
    """``page`` and ``per_page`` as every list reads them (``portal.opendata.page_args``)."""

    page: integer("页码", description="从 1 开始，默认 1")
    per_page: integer("每页条数", hi=MAX_PER_PAGE, description=f"1–{MAX_PER_PAGE}，默认 {DEFAULT_PER_PAGE}")
