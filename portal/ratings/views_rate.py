"""The entrepreneur's rating form and 我的评价; a department's comments and its public answers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts.models import Department, Role
from portal.errors import DomainError, Forbidden, get_or_raise
from portal.extensions import db
from portal.forms import attach_error, render_form
from portal.ratings import pages, services, targets
from portal.ratings.forms import AnswerForm, RateForm
from portal.ratings.models import DIMENSIONS, TargetKind
from portal.ratings.periods import check_period, current_period, period_label
from portal.ratings.targets import Target

bp = Blueprint("ratings_rate", __name__, url_prefix="/ratings")

KINDS = ("policy", "task", "department")


def _back_url(target: Target) -> str:
    if target.kind == TargetKind.POLICY:
        return url_for("policies.detail", policy_id=target.policy_id)
    if target.kind == TargetKind.TASK:
        return url_for("plans.task", task_id=target.task_id)
    if target.kind == TargetKind.DEPARTMENT:
        return url_for("ratings.department", department_id=target.department_id)
    return url_for("ratings_rate.mine")


def _rater_enterprises() -> list:
    enterprises = services.rater_enterprises(current_user)
    if not enterprises:
        raise Forbidden("只有通过认证的企业成员才能评价。请先在账户中加入您的企业并等待审核。")
    return enterprises


def _rate(target: Target):
    enterprises = _rater_enterprises()
    form = RateForm()
    choices = [(e.id, e.name) for e in enterprises]
    if target.enterprise_id is not None:
        choices = [c for c in choices if c[0] == target.enterprise_id]
    form.enterprise.choices = choices
    chosen = form.enterprise.data if form.is_submitted() else choices[0][0] if choices else None
    existing = services.existing_rating(chosen, target) if chosen else None
    if not form.is_submitted() and existing is not None:
        for name in services.SCORE_FIELDS:
            getattr(form, name).data = getattr(existing, name)
        form.comment.data = existing.comment
    if form.validate_on_submit():
        try:
            rated = services.rate(
                current_user, target, form.scores(), form.comment.data or "", enterprise_id=form.enterprise.data
            )
        except DomainError as err:
            db.session.rollback()
            if err.status in (401, 403, 404):
                raise
            attach_error(form, err)
        else:
            flash("评价已更新（本周期内以最后一次为准）" if rated.replaced else "感谢您的评价", "success")
            return redirect(url_for("ratings_rate.mine"))
    return render_form(
        "ratings/rate.html",
        form,
        target=target,
        existing=existing,
        period_label=period_label(current_period()),
        back_url=_back_url(target),
        dimensions=DIMENSIONS,
    )


@bp.route("/rate/<kind>/<int:ident>", methods=["GET", "POST"])
@login_required
def rate(kind: str, ident: int):
    """Rate a published policy (政策兑现), a plan task or a department's service."""
    if kind not in KINDS:
        abort(404)
    _rater_enterprises()
    return _rate(targets.resolve(kind, ident))


@bp.route("/rate/orders/<tracking_no>/departments/<int:department_id>", methods=["GET", "POST"])
@login_required
def rate_order_department(tracking_no: str, department_id: int):
    """Rate a department that handled the enterprise's closed work order."""
    _rater_enterprises()
    return _rate(targets.order_department_target(tracking_no, department_id))


@bp.route("/rate/orders/<tracking_no>/members/<int:member_id>", methods=["GET", "POST"])
@login_required
def rate_order_member(tracking_no: str, member_id: int):
    """Rate the official named on the reply to the enterprise's closed work order."""
    _rater_enterprises()
    return _rate(targets.order_member_target(tracking_no, member_id))


@bp.get("/mine")
@login_required
def mine():
    """我的评价: the ratings of my enterprises; this period's can still be changed."""
    ratings = services.my_ratings(current_user)
    return render_template(
        "ratings/mine.html",
        ratings=ratings,
        verified=bool(services.rater_enterprises(current_user)),
        period=current_period(),
        target_of=targets.target_of,
        edit_url=edit_url,
    )


def edit_url(rating) -> str | None:
    """Where a rating of this period is changed."""
    if rating.period != current_period():
        return None
    if rating.kind in (TargetKind.POLICY, TargetKind.TASK, TargetKind.DEPARTMENT):
        return url_for("ratings_rate.rate", kind=rating.kind.value, ident=int(rating.target_key.split(":")[1]))
    order = rating.order_id and services.order_tracking_no(rating.order_id)
    if not order:
        return None
    if rating.kind == TargetKind.ORDER_MEMBER:
        return url_for("ratings_rate.rate_order_member", tracking_no=order, member_id=rating.member_id)
    return url_for("ratings_rate.rate_order_department", tracking_no=order, department_id=rating.department_id)


def _comment_department() -> Department | None:
    """The official's own department; an administrator chooses one (None until chosen)."""
    if current_user.has_role(Role.ADMIN):
        chosen = request.args.get("department", type=int)
        return get_or_raise(Department, chosen, "部门不存在") if chosen else current_user.department
    if current_user.department is None or not current_user.has_role(Role.OFFICIAL):
        raise Forbidden("只有部门工作人员可以查看本部门收到的评价意见")
    return current_user.department


@bp.get("/comments")
@login_required
def comments():
    """The comments on my department's ratings, without the enterprise's name; each can be answered publicly."""
    department = _comment_department()
    period = check_period(request.args.get("period"))
    if department is None:
        return render_template("ratings/choose_department.html", departments=services.rated_departments(period))
    items = services.department_comments(current_user, department.id, period)
    return render_template(
        "ratings/comments.html",
        department=department,
        items=items,
        label=period_label(period),
        period=period,
        form=AnswerForm(),
        public_target=pages.public_target,
        result=pages.index.satisfaction_index(period, department_id=department.id),
    )


@bp.post("/comments/<int:rating_id>/answer")
@login_required
def answer(rating_id: int):
    """Answer a comment publicly (shown under it on the public page once k enterprises rated)."""
    form = AnswerForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors) or "请填写回复内容", "error")
        return redirect(url_for("ratings_rate.comments")), 303
    rating = services.answer(current_user, rating_id, form.answer.data)
    flash("回复已发布", "success")
    return redirect(url_for("ratings_rate.comments", period=rating.period) + f"#comment-{rating.id}")
