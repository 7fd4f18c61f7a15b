"""The plans API's query and response models (``portal.apidoc``): what the endpoints validate and declare."""

from __future__ import annotations

from datetime import date

from pydantic import AnyUrl, AwareDatetime, Field

from portal.apidoc import Body, PageBody, one_of
from portal.apidoc.query import Paging, choice, flag, integer, text
from portal.plans.models import PlanState, TaskStatus
from portal.plans.task_list import OVERDUE, SORTS

Status = one_of(TaskStatus)


class Progress(Body):
    """Task-weighted progress of a plan, battle or goal."""

    percent: float | None = Field(ge=0, le=100, description="按任务权重加权的平均进度；没有任务时为 null")
    tasks: int = Field(ge=0)
    done: int = Field(ge=0)
    in_progress: int = Field(ge=0)
    overdue: int = Field(ge=0)


class PlanSummary(Body):
    id: int
    title: str
    version: str
    year: int
    state: one_of(PlanState)
    progress: Progress
    url: AnyUrl = Field(description="该方案的 API 地址")


class PlanList(Body):
    plans: list[PlanSummary]


class Contact(Body):
    name: str
    phone: str = Field(description="已遮盖，如 139****0012")


class Milestone(Body):
    title: str
    due_date: date
    done: bool


class Task(Body):
    id: int
    title: str
    lead_department: str
    participating_departments: list[str]
    responsible_leader: str
    contact: Contact
    start_date: date | None
    due_date: date | None
    status: Status
    status_label: str
    progress: int = Field(ge=0, le=100)
    weight: int
    overdue: bool
    milestones: list[Milestone]
    url: AnyUrl = Field(description="任务的公开页面")


class GoalView(Body):
    id: int
    title: str
    progress: Progress
    tasks: list[Task]


class BattleView(Body):
    id: int
    title: str
    progress: Progress
    goals: list[GoalView]


class PlanVersion(Body):
    number: int
    label: str
    published_at: AwareDatetime


class PlanDetail(Body):
    id: int
    title: str
    version: str
    year: int
    state: one_of(PlanState)
    state_label: str
    lead_department: str | None
    as_of: date = Field(description="今天（北京时间），判断逾期的基准")
    progress: Progress
    versions: list[PlanVersion]
    battles: list[BattleView]


class TaskUpdate(Body):
    report_date: date
    recorded_at: AwareDatetime
    by: str | None
    department: str | None
    progress: list[int] = Field(min_length=2, max_length=2, description="[调度前, 调度后]")
    status: list[Status] = Field(min_length=2, max_length=2, description="[调度前, 调度后]")
    note: str
    milestones: list[str]


class TaskDetail(Task):
    plan_id: int
    battle: str
    goal: str
    history: list[TaskUpdate] = Field(description="调度记录，最新在前")


class TaskPlan(Body):
    id: int
    title: str
    url: AnyUrl


class TaskSummary(Task):
    plan: TaskPlan
    battle: str
    goal: str
    updated_at: AwareDatetime
    api_url: AnyUrl


class TaskPage(PageBody):
    as_of: date = Field(description="今天（北京时间），判断逾期的基准")
    results: list[TaskSummary]


class TaskQuery(Paging):
    """The filters of /plans/tasks/ (its CSV and Atom read the same)."""

    progress_min: integer("最低进度", lo=0, hi=100, description="0–100（含）")
    progress_max: integer("最高进度", lo=0, hi=100, description="0–100（含），不低于 progress_min")
    q: text("关键词", description="在任务标题与说明中检索，多个词同时满足")
    plan: integer("作战方案", description="方案编号")
    dept: integer("责任部门", description="牵头或参与的部门编号")
    lead: flag("牵头", description="1：只列 dept 牵头的任务（需同时给出 dept）")
    status: choice([*(s.value for s in TaskStatus), OVERDUE], "任务状态", description="任务状态，或 overdue（逾期）")
    sort: choice(SORTS, "排序方式", description="plan（方案顺序，默认）、due、progress、progress_desc 或 updated")
