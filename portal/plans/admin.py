"""Plan editor (攻势指挥部): create a plan, build battles, goals and tasks, move it through its states, publish."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts import services as accounts
from portal.accounts.permissions import require
from portal.errors import DomainError
from portal.forms import attach_error, render_form
from portal.plans import editing, services
from portal.plans.forms import NodeForm, PlanForm, PublishForm, StateForm, TaskForm
from portal.plans.models import Task
from portal.plans.versions import snapshot_counts

bp = Blueprint("plans_admin", __name__, url_prefix="/plans/admin")


@bp.before_request
@login_required
def only_managers():
    require(current_user, "plans.manage")


def _department_choices(blank: str | None, indent: bool = True) -> list[tuple[str, str]]:
    head = [("", blank)] if blank is not None else []
    return head + [(str(d.id), ("　" * depth if indent else "") + d.name) for d, depth in accounts.department_tree()]


def _failed(form, error: DomainError) -> None:
    if error.status in (401, 403, 404):
        raise error
    attach_error(form, error)


@bp.route("/")
def plans():
    """Every plan with its state and version."""
    return render_template("plans/admin/plans.html", plans=services.list_plans())


def _plan_data(form: PlanForm) -> editing.PlanData:
    return editing.PlanData(
        title=form.title.data,
        version_label=form.version_label.data,
        year=form.year.data,
        summary=form.summary.data,
        lead_department_id=form.lead_department_id.data,
    )


@bp.route("/new", methods=["GET", "POST"])
def new_plan():
    """Create a plan in draft."""
    form = PlanForm()
    form.lead_department_id.choices = _department_choices("（未指定）")
    if form.validate_on_submit():
        try:
            plan = editing.create_plan(current_user, _plan_data(form))
        except DomainError as error:
            _failed(form, error)
        else:
            flash("方案已创建，请添加攻坚战、目标和任务", "success")
            return redirect(url_for("plans_admin.edit_plan", plan_id=plan.id))
    return render_form("plans/admin/plan_form.html", form, plan=None)


@bp.route("/<int:plan_id>", methods=["GET", "POST"])
def edit_plan(plan_id: int):
    """The editor: plan fields, state and publishing, and the structure with add/edit/delete for each node."""
    plan = services.get_plan(plan_id)
    form = PlanForm(obj=plan if request.method == "GET" else None)
    form.lead_department_id.choices = _department_choices("（未指定）")
    if request.method == "GET":
        form.lead_department_id.data = str(plan.lead_department_id or "")
        form.year.data = str(plan.year)
    elif form.validate_on_submit():
        try:
            editing.update_plan(current_user, plan_id, _plan_data(form))
        except DomainError as error:
            _failed(form, error)
        else:
            flash("方案信息已保存", "success")
            return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id))
    return render_form(
        "plans/admin/editor.html",
        form,
        plan=plan,
        node_form=NodeForm(formdata=None),
        publish_form=PublishForm(formdata=None),
        transitions=[t for t in editing.PLANS.available(current_user, plan) if t.action != "publish"],
        can_publish=editing.PLANS.may(current_user, "publish", plan),
        versions=[(v, snapshot_counts(v.snapshot)) for v in plan.versions],
    )


@bp.route("/<int:plan_id>/state", methods=["POST"])
def change_state(plan_id: int):
    """Move the plan to another state (e.g. 已公开答辩 → 修订); a refused move answers 409 with the reason."""
    form = StateForm()
    plan = editing.change_state(current_user, plan_id, form.state.data or "", form.note.data or "")
    flash(f"方案状态已变更为“{plan.state.label}”", "success")
    return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id))


@bp.route("/<int:plan_id>/publish", methods=["POST"])
def publish(plan_id: int):
    """Publish the current structure as a new version (a frozen snapshot)."""
    form = PublishForm()
    version = editing.publish_version(current_user, plan_id, form.note.data or "")
    flash(f"已发布 {version.label} 版", "success")
    return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id))


def _node_page(form, title: str, back: str, status_url: str):
    return render_form("plans/admin/node_form.html", form, heading=title, back=back, action=status_url)


@bp.route("/<int:plan_id>/battles", methods=["POST"])
def add_battle(plan_id: int):
    """Add a battle (攻坚战) at the end of the plan."""
    form = NodeForm()
    try:
        editing.add_battle(current_user, plan_id, form.title.data, form.description.data)
    except DomainError as error:
        _failed(form, error)
        back = url_for("plans_admin.edit_plan", plan_id=plan_id)
        return _node_page(form, "添加攻坚战", back, request.path)
    flash("攻坚战已添加", "success")
    return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id))


@bp.route("/battles/<int:battle_id>", methods=["GET", "POST"])
def edit_battle(battle_id: int):
    """Rename or describe a battle."""
    battle = editing.get_battle(battle_id)
    form = NodeForm(obj=battle if request.method == "GET" else None)
    back = url_for("plans_admin.edit_plan", plan_id=battle.plan_id)
    if form.validate_on_submit():
        try:
            editing.update_battle(current_user, battle_id, form.title.data, form.description.data)
        except DomainError as error:
            _failed(form, error)
        else:
            flash("攻坚战已保存", "success")
            return redirect(back)
    return _node_page(form, f"编辑攻坚战：{battle.title}", back, request.path)


@bp.route("/battles/<int:battle_id>/goals", methods=["POST"])
def add_goal(battle_id: int):
    """Add a goal (攻坚目标) to a battle."""
    battle = editing.get_battle(battle_id)
    form = NodeForm()
    back = url_for("plans_admin.edit_plan", plan_id=battle.plan_id)
    try:
        editing.add_goal(current_user, battle_id, form.title.data, form.description.data)
    except DomainError as error:
        _failed(form, error)
        return _node_page(form, f"为“{battle.title}”添加攻坚目标", back, request.path)
    flash("攻坚目标已添加", "success")
    return redirect(back)


@bp.route("/goals/<int:goal_id>", methods=["GET", "POST"])
def edit_goal(goal_id: int):
    """Rename or describe a goal."""
    goal = editing.get_goal(goal_id)
    form = NodeForm(obj=goal if request.method == "GET" else None)
    back = url_for("plans_admin.edit_plan", plan_id=goal.battle.plan_id)
    if form.validate_on_submit():
        try:
            editing.update_goal(current_user, goal_id, form.title.data, form.description.data)
        except DomainError as error:
            _failed(form, error)
        else:
            flash("攻坚目标已保存", "success")
            return redirect(back)
    return _node_page(form, f"编辑攻坚目标：{goal.title}", back, request.path)


@bp.route("/battles/<int:battle_id>/delete", methods=["POST"])
def delete_battle(battle_id: int):
    """Delete a battle with its goals and tasks."""
    plan_id = editing.delete_battle(current_user, battle_id)
    flash("攻坚战已删除", "success")
    return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id))


@bp.route("/goals/<int:goal_id>/delete", methods=["POST"])
def delete_goal(goal_id: int):
    """Delete a goal with its tasks."""
    plan_id = editing.delete_goal(current_user, goal_id)
    flash("攻坚目标已删除", "success")
    return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id))


def _task_form(plan, task: Task | None) -> TaskForm:
    form = TaskForm(obj=task if task is not None and request.method == "GET" else None)
    form.goal_id.choices = [("", "（请选择）")] + [
        (str(g.id), f"{b.title} › {g.title}") for b in plan.battles for g in b.goals
    ]
    form.lead_department_id.choices = _department_choices("（请选择）")
    form.participating_department_ids.choices = _department_choices(None, indent=False)
    if request.method == "GET":
        if task is not None:
            form.goal_id.data = str(task.goal_id)
            form.lead_department_id.data = str(task.lead_department_id)
            form.participating_department_ids.data = [str(d.id) for d in task.participating_departments]
            form.start_date.data = task.start_date.isoformat() if task.start_date else ""
            form.due_date.data = task.due_date.isoformat() if task.due_date else ""
            form.weight.data = str(task.weight)
            form.milestones.data = editing.milestones_text(task)
        else:
            form.goal_id.data = request.args.get("goal", "")
            form.weight.data = "1"
    return form


def _task_data(form: TaskForm) -> editing.TaskData:
    return editing.TaskData(
        goal_id=form.goal_id.data,
        title=form.title.data,
        description=form.description.data,
        lead_department_id=form.lead_department_id.data,
        participating_department_ids=form.participating_department_ids.data or [],
        responsible_leader=form.responsible_leader.data,
        contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data,
        start_date=form.start_date.data,
        due_date=form.due_date.data,
        weight=form.weight.data,
        milestones=form.milestones.data,
    )


@bp.route("/<int:plan_id>/tasks/new", methods=["GET", "POST"])
def new_task(plan_id: int):
    """Add a task (攻坚任务) under a goal."""
    plan = services.get_plan(plan_id)
    form = _task_form(plan, None)
    if form.validate_on_submit():
        try:
            task = editing.create_task(current_user, _task_data(form))
        except DomainError as error:
            _failed(form, error)
        else:
            flash(f"任务“{task.title}”已添加", "success")
            return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id) + f"#goal-{task.goal_id}")
    return render_form("plans/admin/task_form.html", form, plan=plan, task=None)


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
def edit_task(task_id: int):
    """Edit a task's definition (progress is reported by its lead department)."""
    task = services.get_task(task_id)
    plan = task.plan
    form = _task_form(plan, task)
    if form.validate_on_submit():
        try:
            editing.update_task(current_user, task_id, _task_data(form))
        except DomainError as error:
            _failed(form, error)
        else:
            flash("任务已保存", "success")
            return redirect(url_for("plans_admin.edit_plan", plan_id=plan.id) + f"#goal-{task.goal_id}")
    return render_form("plans/admin/task_form.html", form, plan=plan, task=task)


@bp.route("/tasks/<int:task_id>/delete", methods=["POST"])
def delete_task(task_id: int):
    """Delete a task with its milestones and history."""
    plan_id = editing.delete_task(current_user, task_id)
    flash("任务已删除", "success")
    return redirect(url_for("plans_admin.edit_plan", plan_id=plan_id))
