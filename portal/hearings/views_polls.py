"""Pages of the hall taking part: creating and running polls (host), answering without scripts, the join code,
a hearing's analytics (host, admins) and the commitments an inquiry reviews."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts.permissions import can, require
from portal.charts import count_lines
from portal.errors import DomainError, Invalid, NotFound
from portal.hearings import analytics, join, polls, reviews, services
from portal.hearings.models import HearingKind
from portal.hearings.poll_forms import PollAnswerForm, PollForm
from portal.inputs import to_id
from portal.outputs import csv_response

bp = Blueprint("hearings_polls", __name__)


def _user():
    return current_user if current_user.is_authenticated else None


@bp.route("/hearings/device-token")
def device_token():
    """A signed device token for a browser without an account (its script keeps it and sends it with poll answers):
    one answer per browser where the host allows anonymous answers. Anonymous pages themselves set no cookie."""
    response = jsonify(device=polls.new_device_token())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def _poll_helpers():
    return {
        "join_code": join.code_for,
        "join_url": _join_url,
        "join_qr": _join_qr,
        "poll_state": _poll_state,
        "transcript_polls": polls.transcript_polls,
    }


def _join_url(hearing) -> str:
    return url_for("hearings_polls.join_code", code=join.code_for(hearing.id), _external=True)


def _join_qr(hearing):
    return join.qr_svg(_join_url(hearing))


def _poll_state(hearing):
    """The hearing's polls for a page's first render (the page's script keeps them current)."""
    return polls.state_for(hearing, _user(), None)  # an anonymous browser's answers: its script asks with its token


# --- the host ---------------------------------------------------------------------------------------------------


@bp.route("/hearings/<int:hearing_id>/polls", methods=["POST"])
@login_required
def create(hearing_id: int):
    """现场表决: the host creates a poll (and opens it at once unless asked not to)."""
    hearing = services.get_hearing(hearing_id)
    require(current_user, "hearings.host", hearing)
    form = PollForm()
    if form.validate_on_submit():
        try:
            polls.create_poll(
                current_user,
                hearing,
                form.question.data,
                form.options.data,
                multiple=form.multiple.data,
                allow_anonymous=form.allow_anonymous.data,
                client_id=form.client_id.data or secrets.token_hex(8),
                open_now=form.open_now.data,
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("表决已创建" + ("并开始" if form.open_now.data else "（尚未开始）"), "success")
    else:
        flash("；".join(e for errors in form.errors.values() for e in errors) or "表单有误", "error")
    return redirect(url_for("hearings.host", hearing_id=hearing.id) + "#polls")


@bp.route("/hearings/polls/<int:poll_id>/<action>", methods=["POST"])
@login_required
def act(poll_id: int, action: str):
    """Open, show or hide the results of, or close a poll."""
    poll = polls.get_poll(poll_id)
    if action not in polls.POLL_ACTIONS:
        abort(404)
    try:
        polls.act(current_user, poll.id, action)
    except DomainError as error:
        if error.status in (401, 403):
            raise
        flash(error.message, "error")
    else:
        flash(f"已{polls.POLLS[action].label}", "success")
    return redirect(url_for("hearings.host", hearing_id=poll.hearing_id) + "#polls")


# --- the viewer -------------------------------------------------------------------------------------------------


@bp.route("/hearings/polls/<int:poll_id>/answer", methods=["POST"])
def answer(poll_id: int):
    """Answer without scripts (the page's script sends the same over Socket.IO)."""
    poll = polls.get_poll(poll_id)
    form = PollAnswerForm()
    back = url_for("hearings.show", hearing_id=poll.hearing_id) + f"#poll-{poll.id}"
    if not current_user.is_authenticated:  # without an account, the page's script answers (with its device token)
        return redirect(url_for("accounts.login", next=back))
    if not form.validate_on_submit():
        raise Invalid("表单已过期，请刷新页面后重试")
    choices = [to_id(v) for v in request.form.getlist("choice")]
    if any(c is None for c in choices) or len(choices) != len(set(choices)):
        raise Invalid("所选选项无效", field="choices")
    try:
        polls.answer(current_user, None, poll.id, choices, form.client_id.data or secrets.token_hex(8))
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("感谢参与表决", "success")
    return redirect(back)


# --- the join code ----------------------------------------------------------------------------------------------


def _hearing_for(code: str) -> int | None:
    hearing_id = join.hearing_id_for(code[:20])
    if hearing_id is None:
        return None
    try:
        return services.get_hearing(hearing_id).id
    except NotFound:
        return None


@bp.route("/j")
def join_form():
    """输入参会码: a code typed in (``?code=``) leads to its hearing."""
    code = request.args.get("code", "").strip()
    if code:
        hearing_id = _hearing_for(code)
        if hearing_id is not None:
            return redirect(url_for("hearings.show", hearing_id=hearing_id))
        return render_template("hearings/join.html", code=code[:20], error="参会码无效，请核对后重新输入"), 404
    return render_template("hearings/join.html", code="", error="")


@bp.route("/j/<code>")
def join_code(code: str):
    """The QR code's address: the hearing's public page."""
    hearing_id = _hearing_for(code)
    if hearing_id is None:
        return render_template("hearings/join.html", code=code[:20], error="参会码无效，请核对后重新输入"), 404
    return redirect(url_for("hearings.show", hearing_id=hearing_id))


# --- after the hearing ------------------------------------------------------------------------------------------


@bp.route("/hearings/<int:hearing_id>/analytics")
@login_required
def analytics_page(hearing_id: int):
    """The hearing's analytics: audience over time, questions, votes, top questions, polls, commitments."""
    hearing = services.get_hearing(hearing_id)
    data = analytics.analytics(current_user, hearing)
    points = data.audience_points
    every = max(1, len(points) // 8)
    return render_template(
        "hearings/analytics.html",
        hearing=hearing,
        a=data,
        lines=count_lines(points, "在线人数", label_every=every) if points else None,
        narrow_lines=count_lines(points, "在线人数", width=340, label_every=max(1, len(points) // 3))
        if points
        else None,
    )


@bp.route("/hearings/<int:hearing_id>/analytics.csv")
@login_required
def analytics_csv(hearing_id: int):
    hearing = services.get_hearing(hearing_id)
    data = analytics.analytics(current_user, hearing)
    return csv_response(analytics.csv_rows(data), f"attachment; filename=hearing-{hearing.id}-analytics.csv")


@bp.route("/hearings/<int:hearing_id>/reviewed-commitments")
def reviewed_commitments(hearing_id: int):
    """公开质询: the commitments of the hearings it reviews, with their status and evidence."""
    hearing = services.get_hearing(hearing_id)
    if hearing.kind != HearingKind.INQUIRY:
        abort(404)
    groups = reviews.reviewed(hearing)
    return render_template(
        "hearings/reviewed_commitments.html",
        hearing=hearing,
        groups=groups,
        status_counts=reviews.status_counts(groups),
        analytics_allowed=can(_user(), "hearings.analytics", hearing),
    )
