"""The hearings API's query and response models (``portal.apidoc``): what the endpoints validate and declare."""

from __future__ import annotations

from datetime import date

from pydantic import AnyUrl, AwareDatetime

from portal.apidoc import Body, PageBody, one_of
from portal.apidoc.query import Paging, choice, day, integer, text
from portal.hearings.commitment_list import SORTS
from portal.hearings.models import CommitmentStatus, HearingKind

Q = text("关键词", description="在承诺内容中检索，多个词同时满足")
Dept = integer("责任部门", description="责任部门编号")
Status = choice(
    [s.value for s in CommitmentStatus], "状态", description="not_started、in_progress、done 或 overdue（已过完成时限）"
)
Hearing = integer("答辩", description="答辩编号")
Until = day("作出日期截止", description="在此日（北京时间，含当天）或之前作出的承诺，YYYY-MM-DD")
Sort = choice(SORTS, "排序方式", description="due（完成时限最近，默认）、newest 或 updated")


class CommitmentQuery(Paging):
    """The filters of /hearings/commitments/ (its CSV and Atom read the same)."""

    q: Q
    dept: Dept
    status: Status
    hearing: Hearing
    until: Until
    sort: Sort


class CommitmentHearing(Body):
    id: int
    title: str
    kind: one_of(HearingKind)
    kind_label: str
    url: AnyUrl


class CommitmentSummary(Body):
    id: int
    text: str
    department: str
    due_date: date
    status: one_of(CommitmentStatus)
    status_label: str
    hearing: CommitmentHearing
    question_id: int | None
    plan_id: int | None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    url: AnyUrl


class CommitmentPage(PageBody):
    results: list[CommitmentSummary]
