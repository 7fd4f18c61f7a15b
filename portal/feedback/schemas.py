"""The feedback API's query and response models (``portal.apidoc``): what the endpoints validate and declare."""

from __future__ import annotations

from pydantic import AnyUrl, AwareDatetime, Field

from portal.apidoc import Body, PageBody, one_of
from portal.apidoc.query import Paging, Period, choice, day, flag, integer, text
from portal.feedback.enums import (
    CATEGORIES,
    AssignmentRole,
    AssignmentState,
    Channel,
    EventAction,
    OrderKind,
    OrderState,
    Satisfaction,
)
from portal.feedback.evidence import KINDS as FIGURES
from portal.feedback.evidence import SCOPES as FIGURE_SCOPES
from portal.feedback.listing import SORTS

Kind = one_of(OrderKind)
State = one_of(OrderState)
Rating = one_of(Satisfaction) | None

DateFrom = day("开始日期", name="from", description="提交日期（北京时间，含当天），YYYY-MM-DD")
DateTo = day("结束日期", name="to", description="提交日期（北京时间，含当天），YYYY-MM-DD；不早于 from")
Q = text("关键词", description="在遮盖后的公开文字中检索（标题、内容、地点、编号、分类与部门答复），多个词同时满足")
Dept = integer("承办部门", description="承办（或承办过）的部门编号")
KindArg = choice([k.value for k in OrderKind], "诉求类型")
CategoryArg = choice(CATEGORIES, "诉求分类")
StateArg = choice([s.value for s in OrderState], "办理状态")
Enterprise = flag("涉企", description="1：企业的认证成员代表企业提交的诉求（不公开是哪家企业）")
Overdue = flag("逾期", description="1：承办部门超过办理时限")
Figure = choice(
    FIGURES,
    "统计口径",
    description="计数依据：列出一个公开数字（数据公开、部门记分卡、督查专报）所计的诉求，口径与该数字相同；"
    "需同时给出 kpi_from 与 kpi_to，dept 为该数字的部门",
)
FigureScope = choice(FIGURE_SCOPES, "涉企范围", description="与 kpi 同用：enterprise（涉企诉求）或 other（其他诉求）")
FigureFrom = day("统计开始日期", description="与 kpi 同用，YYYY-MM-DD（北京时间，含当天）")
FigureTo = day("统计结束日期", description="与 kpi 同用，YYYY-MM-DD（含当天），最长三年")
Sort = choice(SORTS, "排序方式", description="newest（默认）、oldest、updated 或 closed（最近办结）")


class OrderQuery(Paging):
    """The filters of the public list (the page /feedback/public/, its CSV and Atom read the same)."""

    date_from: DateFrom
    date_to: DateTo
    period: Period
    q: Q
    dept: Dept
    kpi: Figure
    kpi_scope: FigureScope
    kpi_from: FigureFrom
    kpi_to: FigureTo
    kind: KindArg
    category: CategoryArg
    state: StateArg
    enterprise: Enterprise
    overdue: Overdue
    sort: Sort


class PublicFacts(Body):
    tracking_no: str = Field(description="诉求编号，如 GD20261123-000001")
    kind: Kind
    kind_label: str
    category: str
    title: str = Field(description="标题（个人信息已遮盖）")
    description: str = Field(description="内容（个人信息已遮盖）")
    place: str = Field(description="地点（门牌号等已遮盖）")
    district: str | None
    street: str | None
    state: State
    state_label: str
    requester: str = Field(description="提交人：单位简称，或个人的姓（如 胡*）")


class ListedDepartment(Body):
    department: str
    role: one_of(AssignmentRole)
    role_label: str


class OrderSummary(PublicFacts):
    enterprise: bool = Field(description="涉企：由企业账号提交")
    overdue: bool
    departments: list[ListedDepartment] = Field(description="本轮承办部门，主办在前")
    satisfaction: Rating
    created_at: AwareDatetime
    updated_at: AwareDatetime
    closed_at: AwareDatetime | None
    url: AnyUrl
    api_url: AnyUrl


class OrderPage(PageBody):
    results: list[OrderSummary]


class Handling(Body):
    department: str
    role: one_of(AssignmentRole)
    round: int
    state: one_of(AssignmentState)
    state_label: str
    dispatched_at: AwareDatetime
    signed_at: AwareDatetime | None
    handler: str | None = Field(description="经办人（已遮盖，如 刘*）")
    handler_phone: str | None = Field(description="经办人电话（已遮盖，如 138****1011）")
    due_at: AwareDatetime
    replied_at: AwareDatetime | None
    reply_html: str | None = Field(description="答复（已净化的 HTML）")


class TimelineEntry(Body):
    at: AwareDatetime
    action: one_of(EventAction)
    label: str
    by: str
    note: str


class Order(PublicFacts):
    channel: one_of(Channel)
    created_at: AwareDatetime
    closed_at: AwareDatetime | None
    satisfaction: Rating
    departments: list[Handling]
    timeline: list[TimelineEntry] = Field(description="公开的办理记录")


class UnreadCount(Body):
    count: int = Field(ge=0)
