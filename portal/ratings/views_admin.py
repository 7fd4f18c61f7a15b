"""Administrators: who rated (every view written to the audit log) and the audit log itself."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from portal.opendata import text_arg
from portal.ratings import services, targets
from portal.ratings.periods import check_period, period_label

bp = Blueprint("ratings_admin", __name__, url_prefix="/ratings/admin")


@bp.get("/raters")
@login_required
def raters():
    """Who rated what in a period: enterprise, member, scores and history. Written to the audit log."""
    period = check_period(request.args.get("period"))
    target_key = text_arg(request.args, "target", "评价对象", max_length=60) or None
    ratings = services.who_rated(current_user, period, target_key=target_key, path=request.full_path)
    return render_template(
        "ratings/admin_raters.html",
        ratings=ratings,
        label=period_label(period),
        period=period,
        target_key=target_key,
        target_of=targets.target_of,
    )


@bp.get("/audit")
@login_required
def audit():
    """The audit log: every view of who rated, newest first."""
    return render_template("ratings/admin_audit.html", entries=services.audit_log(current_user))
