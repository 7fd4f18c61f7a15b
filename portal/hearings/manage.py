"""Hearing management for hosts and admins: every hearing, set up a new one, edit, projector token.

Archiving goes through the hearing's one state route (``hearings.change_state``), like every state change."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.accounts.permissions import require
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import attach_error
from portal.hearings import services, setup
from portal.hearings.manage_forms import HearingForm
from portal.hearings.models import HearingKind
from portal.plans import public as plans

bp = Blueprint("hearings_manage", __name__, url_prefix="/hearings/manage")


def _form(**kwargs) -> HearingForm:
    form = HearingForm(**kwargs)
    form.plan_id.choices = [(0, "请选择作战方案")] + [(p.id, f"{p.title}（{p.year}年）") for p in plans.list_plans()]
    return form


def _render(form: HearingForm, hearing=None, status: int = 200):
    return render_template(
        "hearings/manage_form.html",
        form=form,
        hearing=hearing,
        officials=setup.officials(),
        locked=_locked(hearing),
    ), status


def _locked(hearing) -> dict[str, bool]:
    """Fields the hearing's state no longer lets change (shown as read-only hints)."""
    if hearing is None:
        return {"kind": False, "plan": False, "schedule": False}
    started = hearing.state not in setup.BASICS_EDITABLE
    return {
        "kind": started,
        "plan": started and hearing.plan_id is not None,
        "schedule": hearing.state not in setup.SCHEDULE_EDITABLE,
    }


def _save(form: HearingForm, hearing=None):
    """Validate and save; on bad input the page comes back with messages beside the fields."""
    if not form.validate():
        return _render(form, hearing, 400)
    try:
        data = form.data_for_service()
        if hearing is None:
            hearing = setup.new_hearing(current_user, data)
            flash(f"已创建{hearing.kind.label}“{hearing.title}”", "success")
        else:
            setup.update_hearing(current_user, hearing, data)
            flash("答辩信息已保存", "success")
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        db.session.rollback()
        attach_error(form, error)
        return _render(form, hearing, error.status)
    return redirect(url_for("hearings_manage.index") + f"#hearing-{hearing.id}")


@bp.route("/")
@login_required
def index():
    """Every hearing with its state and the links a host needs."""
    require(current_user, "hearings.manage")
    hearings = setup.all_hearings()
    archivable = {h.id for h in hearings if services.HEARINGS.may(current_user, "archive", h)}
    return render_template("hearings/manage_index.html", hearings=hearings, archivable=archivable)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(current_user, "hearings.manage")
    form = _form()
    if form.is_submitted():
        return _save(form)
    if not form.plan_id.data and len(form.plan_id.choices) > 1:
        form.plan_id.data = form.plan_id.choices[1][0]  # the newest plan
    form.kind.data = form.kind.data or HearingKind.DEFENSE.value
    return _render(form)


@bp.route("/<int:hearing_id>/edit", methods=["GET", "POST"])
@login_required
def edit(hearing_id: int):
    hearing = services.get_hearing(hearing_id)
    setup.check_editable(current_user, hearing)
    form = _form()
    if form.is_submitted():
        return _save(form, hearing)
    form.fill(hearing)
    return _render(form, hearing)


@bp.route("/<int:hearing_id>/token", methods=["POST"])
@login_required
def regenerate_token(hearing_id: int):
    """A new projector URL; the old one stops working."""
    hearing = services.get_hearing(hearing_id)
    setup.regenerate_projector_token(current_user, hearing)
    flash("已生成新的投屏地址，原投屏地址即时失效，请在投屏电脑上打开新地址", "success")
    return redirect(url_for("hearings_manage.index") + f"#hearing-{hearing.id}")
