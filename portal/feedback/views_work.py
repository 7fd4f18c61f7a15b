"""Officials' and dispatchers' screens: the workbench, the dispatch desk, order actions, the responsibility list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts import services as accounts
from portal.accounts.permissions import require
from portal.errors import Conflict, DomainError, Forbidden, Unauthorized
from portal.extensions import db
from portal.feedback import attachments as files
from portal.feedback import clock, desk, lifecycle, responsibility, services
from portal.feedback.enums import CATEGORIES, AssignmentState
from portal.feedback.page import render_order, reply_templates_for
from portal.feedback.views import bp
from portal.inputs import choice_arg, to_id


def _back(order, message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for("feedback.order", tracking_no=order.tracking_no))


def _enterprise_flag() -> bool:
    """``enterprise=1``: 涉企 orders only."""
    return choice_arg("enterprise", ("", "0", "1"), "", label="涉企") == "1"


@bp.route("/workbench")
@login_required
def workbench():
    """My department's assignments by state, with countdowns, filters and tracking-number search."""
    require(current_user, "feedback.workbench")
    state = request.args.get("state") or "open"
    rows = desk.department_assignments(
        current_user.department_id,
        state=state,
        q=request.args.get("q", ""),
        kind=request.args.get("kind", ""),
        enterprise=_enterprise_flag(),
    )
    return render_template(
        "feedback/workbench.html",
        rows=rows,
        state=state,
        counts=desk.department_counts(current_user.department_id),
        templates=reply_templates_for(current_user.department_id),
        now=clock.now(),
        states=[s for s in AssignmentState],
    )


@bp.route("/workbench/sign", methods=["POST"])
@login_required
def bulk_sign():
    """批量签收 of the ticked assignments."""
    ids = request.form.getlist("assignment", type=int)
    if not ids:
        flash("请先勾选要签收的诉求", "warning")
        return redirect(url_for("feedback.workbench"))
    try:
        count = lifecycle.sign_many(
            current_user,
            [services.get_assignment(i) for i in ids],
            request.form.get("handler_name", ""),
            request.form.get("handler_phone", ""),
        )
    except (Unauthorized, Forbidden):
        db.session.rollback()
        raise  # refused answers 401/403 like every other action, not a redirect with a note
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("feedback.workbench"))
    flash(f"已签收 {count} 件", "success")
    return redirect(url_for("feedback.workbench"))


@bp.route("/workbench/templates", methods=["POST"])
@login_required
def add_template():
    """Save a reply template for my department."""
    try:
        desk.add_reply_template(current_user, request.form.get("title", ""), request.form.get("body", ""))
    except (Unauthorized, Forbidden):
        raise
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("feedback.workbench"))
    flash("已保存答复模板", "success")
    return redirect(url_for("feedback.workbench"))


# The form fields each assignment action's form on the order page sends, and what the page says after it.
FORM_FIELDS = {
    "sign": ("handler_name", "handler_phone", "note"),
    "return": ("reason",),
    "start": ("note",),
    "progress": ("note",),
    "request_extension": ("new_date", "reason"),
    "reply": ("reply", "reply_files"),
}
DONE = {
    "sign": "已签收",
    "return": "已退单，诉求已退回派单员",
    "start": "已开始办理",
    "progress": "已记录办理进展",
    "request_extension": "延期申请已提交，等待派单员审核",
    "reply": "已答复",
}


@bp.route("/assignments/<int:assignment_id>/<action>", methods=["POST"])
@login_required
def assignment_action(assignment_id: int, action: str):
    """签收 / 退单 / 开始办理 / 记录进展 / 申请延期 / 答复 on one assignment: one row of the table, by name."""
    if action not in lifecycle.ASSIGNMENTS:
        abort(404)
    assignment = services.get_assignment(assignment_id)
    order = assignment.order
    if not services.can_view(current_user, order):
        abort(404)
    fields = FORM_FIELDS[action]
    params = {name: request.form.get(name, "") for name in fields if name != "reply_files"}
    if "reply_files" in fields:
        uploads = request.files.getlist("reply_files")
        params["uploads"] = [files.Upload(f.filename or "", f.read()) for f in uploads if f]
    try:
        lifecycle.act(current_user, assignment, action, **params)
    except DomainError as err:
        db.session.rollback()
        return render_order(order, error=err, action=action, assignment_id=assignment.id)
    return _back(order, DONE[action])


@bp.route("/<tracking_no>/dispatch", methods=["POST"])
@login_required
def dispatch(tracking_no: str):
    """派单 (or 增派): ``lead`` is the 主办部门 dropdown, ``assisting``/``assisting_more`` the 协办 ones.

    A ticked 协办 that is also the lead is dispatched once, as the lead.
    """
    order = services.get_order_for(current_user, tracking_no)
    form = request.form
    lead = form.get("lead", "").strip()
    lead_id = to_id(lead)
    assisting = [i for v in form.getlist("assisting") + form.getlist("assisting_more") if (i := to_id(v)) is not None]
    departments = ([lead_id] if lead_id is not None else []) + [d for d in assisting if d != lead_id]
    try:
        lifecycle.dispatch_order(current_user, order, departments, lead_id, form.get("instructions", ""))
    except DomainError as err:
        db.session.rollback()
        return render_order(order, error=err, action="dispatch")
    return _back(order, "已派单")


@bp.route("/<tracking_no>/close", methods=["POST"])
@login_required
def close(tracking_no: str):
    """办结."""
    order = services.get_order_for(current_user, tracking_no)
    try:
        lifecycle.close_order(current_user, order, request.form.get("note", ""))
    except DomainError as err:
        db.session.rollback()
        return render_order(order, error=err, action="close")
    return _back(order, "已办结，等待诉求人评价")


@bp.route("/<tracking_no>/check-personal", methods=["POST"])
@login_required
def check_personal(tracking_no: str):
    """已核对 the masking of an order flagged for personal data, from the desk."""
    order = services.get_order_for(current_user, tracking_no)
    try:
        desk.check_personal(current_user, order)
    except Conflict as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("feedback.desk_page", tab="personal"))
    flash(f"已核对 {order.tracking_no} 的个人信息遮挡", "success")
    return redirect(url_for("feedback.desk_page", tab="personal"))


@bp.route("/extensions/<int:request_id>/decide", methods=["POST"])
@login_required
def decide_extension(request_id: int):
    """同意 / 不同意 an extension request."""
    ext = desk.get_extension(request_id)
    approve = request.form.get("decision") == "approve"
    try:
        lifecycle.decide_extension(current_user, ext, approve, request.form.get("note", ""))
    except (Unauthorized, Forbidden):
        db.session.rollback()
        raise
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for("feedback.desk_page", tab="extensions")), 302
    flash("已同意延期" if approve else "已驳回延期申请", "success")
    return redirect(url_for("feedback.desk_page", tab="extensions"))


@bp.route("/desk")
@login_required
def desk_page():
    """The dispatcher's desk: new orders, returned ones, extension requests, overdue assignments."""
    require(current_user, "feedback.dispatch")
    tab = choice_arg("tab", desk.TABS, "new", label="派单台栏目")
    enterprise = _enterprise_flag()
    data = desk.desk_data(tab, enterprise=enterprise)
    suggestions = {o.id: responsibility.suggest_departments(o, 3) for o in data} if tab in ("new", "returned") else {}
    return render_template(
        "feedback/desk.html",
        tab=tab,
        data=data,
        suggestions=suggestions,
        counts=desk.desk_counts(),
        now=clock.now(),
        enterprise=enterprise,
    )


@bp.route("/responsibilities/")
def responsibilities():
    """The 职责边界清单, public: who is responsible for what."""
    category = request.args.get("category") or None
    return render_template(
        "feedback/responsibilities.html",
        items=responsibility.list_items(category),
        categories=CATEGORIES,
        category=category,
    )


@bp.route("/responsibilities/new", methods=["GET", "POST"])
@bp.route("/responsibilities/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_responsibility(item_id: int | None = None):
    """Admins add and change matters of the list."""
    require(current_user, "feedback.manage_responsibilities")
    item = responsibility.get_item(item_id) if item_id else None
    error = None
    if request.method == "POST":
        data = responsibility.ItemData(
            matter=request.form.get("matter", ""),
            category=request.form.get("category", ""),
            keywords=request.form.get("keywords", ""),
            basis=request.form.get("basis", ""),
            department_ids=request.form.getlist("department_ids", type=int),
        )
        try:
            if item is None:
                responsibility.create_item(current_user, data)
            else:
                responsibility.update_item(current_user, item, data)
        except DomainError as err:
            db.session.rollback()
            error = err
        else:
            flash("已保存清单事项", "success")
            return redirect(url_for("feedback.responsibilities"))
    values = request.form if request.method == "POST" else None
    return render_template(
        "feedback/responsibility_form.html",
        item=item,
        error=error,
        values=values,
        categories=CATEGORIES,
        departments=accounts.list_departments(),
    ), (error.status if error else 200)


@bp.route("/responsibilities/<int:item_id>/delete", methods=["POST"])
@login_required
def delete_responsibility(item_id: int):
    responsibility.delete_item(current_user, responsibility.get_item(item_id))
    flash("已删除清单事项", "success")
    return redirect(url_for("feedback.responsibilities"))
