"""The policies API's query and response models (``portal.apidoc``): what the endpoints validate and declare.

Each argument is read by the search page's own readers (``portal.policies.search``), with their messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Literal

from pydantic import AnyUrl, AwareDatetime, Field

from portal.apidoc import Body, PageBody, one_of
from portal.apidoc.query import Query, checked
from portal.policies import search
from portal.policies.models import STATUS_LABELS, PolicyStatus

PUBLIC = [s for s in PolicyStatus if s is not PolicyStatus.DRAFT]
Status = one_of(PolicyStatus)  # drafts: read by editors only


def _status(args: Mapping[str, str], name: str) -> str | None:
    return search.parse_params({name: args.get(name, "")}).status or None  # a bad value raises the page's Invalid


def _sort(args: Mapping[str, str], name: str) -> str | None:
    return search.parse_params({name: args.get(name, "")}).sort if (args.get(name) or "").strip() else None


def _int(label: str, low: int, high: int):
    return lambda args, name: search.read_int(args, name, label, low, high, None)


def _text(label: str, limit: int):
    return lambda args, name: search.read_text(args, name, label, limit) or None


def _date(label: str):
    return lambda args, name: search.read_date(args, name, label)


StatusArg = checked(
    Literal[tuple([s.value for s in PUBLIC] + [STATUS_LABELS[s] for s in PUBLIC])],
    _status,
    label="效力状态",
    description="in_force、amended、expired、repealed，或其中文名称（现行有效、已修改、失效、废止）",
)
SortArg = checked(
    Literal[tuple(search.SORTS)], _sort, label="排序方式", description="relevance（相关度，默认）或 date（发布日期）"
)
DateFrom = checked(date, _date("起始日期"), label="起始日期", name="from", description="发布日期不早于此日，YYYY-MM-DD")
DateTo = checked(date, _date("截止日期"), label="截止日期", name="to", description="发布日期不晚于此日，YYYY-MM-DD")
QArg = checked(
    Annotated[str, Field(max_length=search.MAX_QUERY)],
    _text("检索词", search.MAX_QUERY),
    label="检索词",
    description='词语之间为“且”；支持 OR、-词 / NOT 词、"短语"、title: / 标题:、文号:、发文机关:；简繁体均可',
)
IssuerArg = checked(Annotated[str, Field(max_length=120)], _text("发文机关", 120), label="发文机关")
TypeArg = checked(Annotated[str, Field(max_length=20)], _text("文种", 20), label="文种")
YearArg = checked(Annotated[int, Field(ge=1949, le=2100)], _int("年份", 1949, 2100), label="年份")
PageArg = checked(
    Annotated[int, Field(ge=1, le=search.MAX_PAGE)],
    _int("页码", 1, search.MAX_PAGE),
    label="页码",
    description="从 1 开始",
)
PerPageArg = checked(
    Annotated[int, Field(ge=1, le=search.MAX_PER_PAGE)],
    _int("每页条数", 1, search.MAX_PER_PAGE),
    label="每页条数",
    description=f"1–{search.MAX_PER_PAGE}，默认 20",
)


class PolicySearchQuery(Query):
    """The parameters of the /policies/ search page (its Atom and CSV read the same)."""

    status: StatusArg
    sort: SortArg
    date_from: DateFrom
    date_to: DateTo
    q: QArg
    issuer: IssuerArg
    type: TypeArg
    year: YearArg
    page: PageArg
    per_page: PerPageArg


class PolicySummary(Body):
    id: int
    title: str
    doc_number: str | None = Field(description="文号")
    issuer: str | None = Field(description="发文机关")
    doc_type: str | None = Field(description="文种")
    written_on: date | None = Field(description="成文日期")
    published_on: date | None = Field(description="发布日期")
    year: int | None
    status: Status
    status_label: str
    url: AnyUrl = Field(description="文件的公开页面")


class PolicyHit(PolicySummary):
    snippet: str = Field(description="摘要 HTML：原文已转义，命中处以 <mark> 标出")


class Suggestion(Body):
    q: str
    url: AnyUrl


class Facet(Body):
    value: str
    label: str
    count: int = Field(ge=0)


class PolicySearchPage(PageBody):
    page: int = Field(ge=1, le=search.MAX_PAGE, description="当前页码（从 1 开始）")
    total_estimated: bool = Field(description="true：带引号的短语命中过多，总数与分面计数为估计值")
    degraded: bool = Field(description="true：索引不可用，由数据库回答（无相关度排序）")
    notice: str | None = Field(description="检索词中没有可检索的文字时的说明")
    suggestion: Suggestion | None = Field(description="您是不是要找：改正后的检索词（仅当它能找到文件时）")
    results: list[PolicyHit]
    facets: dict[str, list[Facet]] = Field(
        description="分面：doc_type、status、issuer、year；每个分面的计数不含它自己的筛选"
    )


class StatusChange(Body):
    from_: one_of(PolicyStatus) = Field(alias="from")
    to: one_of(PolicyStatus)
    effective_on: date
    reason: str


class PolicyVersionEntry(Body):
    number: int
    summary: str
    created_at: AwareDatetime


class PolicyDocument(PolicySummary):
    topics: list[str]
    body: str = Field(description="正文（纯文本）")
    interprets: int | None = Field(description="解读的文件编号")
    status_changes: list[StatusChange]
    versions: list[PolicyVersionEntry]
    citation: str = Field(description="引用格式：《标题》（文号），发文机关，日期。地址")
