"""Public pages of campaign plans: list, overview, task ledger, task detail with progress reports, versions."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.errors import DomainError, NotFound
from portal.forms import attach_error
from portal.inputs import bounded_int
from portal.pages import home_panel
from portal.plans import editing, services
from portal.plans.forms import ProgressForm
from portal.plans.models import TaskStatus
from portal.plans.progress import local_today
from portal.plans.sections import sections_for, task_sections_for
from portal.plans.versions import compare, snapshot, snapshot_counts

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.route("/")
def index():
    """All campaign plans with their overall progress."""
    today = local_today()
    plans = [(plan, services.plan_overview(plan.id, today)) for plan in services.list_plans()]
    return render_template("plans/index.html", plans=plans)


@bp.route("/<int:plan_id>")
def overview(plan_id: int):
    """A plan at a glance: progress per battle and goal, counts, overdue tasks, hearing commitments."""
    view = services.plan_overview(plan_id)
    overdue = services.ledger(plan_id, services.LedgerFilter(status=services.OVERDUE), view.today)
    return render_template(
        "plans/overview.html",
        view=view,
        plan=view.plan,
        overdue=overdue,
        departments=services.department_progress(view),
        updates=services.recent_updates(plan_id),
        sections=sections_for(plan_id),
    )


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return bounded_int(value)
    except ValueError:
        abort(400)


def _ledger_filters() -> services.LedgerFilter:
    return services.LedgerFilter(
        department_id=_int_arg("dept"), status=request.args.get("status") or None, battle_id=_int_arg("battle")
    )


@bp.route("/<int:plan_id>/tasks")
def ledger(plan_id: int):
    """任务台账: every task with its departments, dates, status and progress; filters in the URL."""
    plan = services.get_plan(plan_id)
    filters = _ledger_filters()
    tasks = services.ledger(plan_id, filters)
    return render_template(
        "plans/ledger.html",
        plan=plan,
        tasks=tasks,
        filters=filters,
        today=local_today(),
        departments=services.ledger_departments(plan_id),
        statuses=list(TaskStatus),
    )


@bp.route("/<int:plan_id>/tasks.csv")
def ledger_csv(plan_id: int):
    """The ledger as CSV (UTF-8 with BOM for spreadsheet programs), same filters as the page."""
    plan = services.get_plan(plan_id)
    body = services.ledger_csv(plan_id, _ledger_filters())
    filename = quote(f"{plan.title}-任务台账.csv")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=ledger.csv; filename*=UTF-8''{filename}"},
    )


def _progress_form(task) -> ProgressForm:
    form = ProgressForm()
    form.milestones.choices = [(m.id, f"{m.due_date.isoformat()} {m.title}") for m in task.milestones]
    if not form.is_submitted():
        form.progress.data = str(task.progress)
        form.status.data = ""  # 按进度自动判断 unless the official picks a status
        form.report_date.data = local_today().isoformat()
        form.milestones.data = [m.id for m in task.milestones if m.done]
    return form


def _render_task(task, form, status: int = 200):
    return render_template(
        "plans/task.html",
        task=task,
        plan=task.plan,
        form=form,
        history=services.task_history(task.id),
        today=local_today(),
        overdue=services.task_is_overdue(task),
        sections=task_sections_for(task.id),
    ), status


@bp.route("/tasks/<int:task_id>")
def task(task_id: int):
    """A task's card: departments, leader, contact (masked), milestones, progress and its update history."""
    task = services.get_task(task_id)
    return _render_task(task, _progress_form(task))


@bp.route("/tasks/<int:task_id>/updates", methods=["POST"])
def report(task_id: int):
    """调度: the lead department reports progress with a dated note."""
    task = services.get_task(task_id)
    form = _progress_form(task)
    form.validate_on_submit()
    try:
        services.report_progress(
            current_user,
            task_id,
            services.ProgressReport(
                progress=form.progress.data,
                note=form.note.data,
                status=form.status.data,
                report_date=form.report_date.data,
                milestones_done=set(form.milestones.data or []),
            ),
        )
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        attach_error(form, error)
        return _render_task(task, form, error.status)
    flash("进展已更新，并记入任务台账", "success")
    return redirect(url_for("plans.task", task_id=task_id) + "#history")


@bp.route("/<int:plan_id>/versions")
def versions(plan_id: int):
    """Every published version of the plan, with a form to compare two of them."""
    plan = services.get_plan(plan_id)
    rows = [(v, snapshot_counts(v.snapshot)) for v in plan.versions]
    return render_template("plans/versions.html", plan=plan, rows=rows, current_counts=snapshot_counts(snapshot(plan)))


def _version_side(plan, value: str | None):
    """A compared side: a published version's number, or "current" for the working copy."""
    if value == "current":
        return f"当前工作稿（{plan.version_label}）", "工作稿", snapshot(plan)
    try:
        number = bounded_int(value or "")
    except ValueError:
        raise NotFound("请选择要比较的版本") from None
    version = editing.version_by_number(plan.id, number)
    return f"{version.label} 版（{version.published_at.year} 年发布）", f"{version.label} 版", version.snapshot


@bp.route("/<int:plan_id>/compare")
def compare_versions(plan_id: int):
    """A readable diff of two versions: battles, goals and tasks added, removed and changed."""
    plan = services.get_plan(plan_id)
    versions_ = plan.versions
    default_old = str(versions_[-2].number) if len(versions_) >= 2 else (str(versions_[0].number) if versions_ else "")
    default_new = str(versions_[-1].number) if len(versions_) >= 2 else "current"
    old_value = request.args.get("from") or default_old
    new_value = request.args.get("to") or default_new
    old_label, old_short, old_snap = _version_side(plan, old_value)
    new_label, new_short, new_snap = _version_side(plan, new_value)
    return render_template(
        "plans/compare.html",
        plan=plan,
        diff=compare(old_snap, new_snap),
        old_label=old_label,
        new_label=new_label,
        old_short=old_short,
        new_short=new_short,
        old_value=old_value,
        new_value=new_value,
    )


@home_panel(order=20, template="plans/_home_panel.html")
def home_panel_context() -> dict[str, object]:
    plan = services.current_plan()
    return {"plan_view": services.plan_overview(plan.id) if plan else None}
