"""攻坚任务 of every plan: the public list as a page, CSV, Atom and JSON (same filters everywhere)."""

from __future__ import annotations

from flask import render_template, request, url_for

from portal.apidoc import endpoint
from portal.opendata import (
    CSV_MAX_ROWS,
    FEED_SIZE,
    FeedEntry,
    csv_response,
    json_page,
    list_args,
    list_feed,
    page_args,
)
from portal.plans import services, task_list
from portal.plans.api import bp as api
from portal.plans.models import TaskStatus
from portal.plans.progress import is_overdue, local_today
from portal.plans.schemas import TaskPage, TaskQuery
from portal.plans.views import bp
from portal.times import utcnow


@bp.route("/tasks/")
def tasks():
    """Every task of every plan, by plan, department, status and progress."""
    filters = task_list.parse_filter(request.args)
    page_number, per_page = page_args(request.args)
    today = local_today()
    page = task_list.search(filters, page_number, per_page, today)
    return render_template(
        "plans/tasks.html",
        page=page,
        filters=filters,
        today=today,
        is_overdue=is_overdue,
        plans=[(p.id, p.title) for p in services.list_plans()],
        departments=[(d.id, d.name) for d in task_list.filter_departments()],
        statuses=[(s.value, s.label) for s in TaskStatus] + [(task_list.OVERDUE, "逾期")],
        sorts=[(key, label) for key, (label, _) in task_list.SORTS.items()],
        args=list_args(page=None),
    )


@bp.route("/tasks.csv")
def tasks_csv():
    filters = task_list.parse_filter(request.args)
    today = local_today()
    rows = task_list.csv_rows(task_list.export(filters, CSV_MAX_ROWS, today), today)
    return csv_response(task_list.CSV_HEADER, rows, f"攻坚任务-{utcnow().strftime('%Y%m%d')}.csv")


@bp.route("/tasks.atom")
def tasks_feed():
    """The latest progress reports (调度) of the filtered tasks, newest first."""
    filters = task_list.parse_filter(request.args)
    entries = []
    for update in task_list.feed_updates(filters, FEED_SIZE, local_today()):
        task = update.task
        url = url_for("plans.task", task_id=task.id, _external=True)
        department = update.actor.department.name if update.actor and update.actor.department else ""
        entries.append(
            FeedEntry(
                id=f"{url}#update-{update.id}",
                title=f"{task.title}：进度 {update.new_progress}%（{update.new_status.label}）",
                url=url,
                updated=update.created_at,
                summary=f"{update.report_date.isoformat()} {update.note}",
                author=department,
                category=(update.new_status.value, update.new_status.label),
            )
        )
    return list_feed(
        entries,
        title="攻坚任务 · 最新调度",
        items="攻坚任务",
        news="进展",
        author="政民互动平台 作战方案",
        feed_endpoint="plans.tasks_feed",
        page_endpoint="plans.tasks",
    )


@api.get("/tasks")
@endpoint(
    summary="攻坚任务列表",
    description="所有方案的攻坚任务，与 /plans/tasks/ 页面同样的筛选与排序。"
    "CSV：/plans/tasks.csv，Atom（最新调度）：/plans/tasks.atom（参数相同）。",
    tag="plans",
    query=TaskQuery,
    ok=TaskPage,
    listing=True,
)
def tasks_json():
    filters = task_list.parse_filter(request.args)
    page_number, per_page = page_args(request.args)
    today = local_today()
    page = task_list.search(filters, page_number, per_page, today)
    return json_page(page, [task_list.summary(t, today) for t in page.items], as_of=today.isoformat())
