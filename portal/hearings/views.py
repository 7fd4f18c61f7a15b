"""Hearing pages: list, public page, moderation and host consoles, projector, transcript, commitments."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts import services as accounts
from portal.accounts.permissions import can, require
from portal.errors import Conflict, DomainError
from portal.forms import attach_error
from portal.hearings import payloads, polls, questions, services
from portal.hearings.commitments import get_commitment
from portal.hearings.forms import AskForm, CommitmentForm, CommitmentUpdateForm
from portal.hearings.models import HearingState, QuestionState
from portal.outputs import csv_response
from portal.pages import home_panel
from portal.plans import public as plans

bp = Blueprint("hearings", __name__, url_prefix="/hearings")


@home_panel(order=10, template="hearings/_home_panel.html")
def _home_panel() -> dict:
    return {"hearings": services.list_hearings((HearingState.LIVE, HearingState.SCHEDULED))[:4]}


@bp.app_template_filter("hearing_schedule")
def _hearing_schedule(hearing) -> str:
    return payloads.schedule(hearing)


def _user():
    return current_user if current_user.is_authenticated else None


def _page_context(hearing) -> dict:
    return {
        "hearing": hearing,
        "seat": questions.panel_seat(hearing, _user()),
        "panel": services.panel_by_role(hearing),
        "panel_members": [payloads.member(p) for p in services.panel_by_role(hearing)],
        "raisers": services.raisers_by_kind(hearing),
        "snapshot": services.snapshot(hearing, _user()),
        "commitments": services.commitments_for_hearing(hearing.id),
    }


@bp.route("/")
def index():
    """Every hearing: live first, then upcoming, then past ones with their transcripts."""
    return render_template("hearings/index.html", hearings=services.list_hearings())


@bp.route("/<int:hearing_id>")
def show(hearing_id: int):
    """The public hearing page: agenda, panel, live queue, now answering; asking for logged-in users."""
    hearing = services.get_hearing(hearing_id)
    return render_template("hearings/show.html", form=AskForm(), **_page_context(hearing))


@bp.route("/<int:hearing_id>/questions", methods=["POST"])
@login_required
def ask(hearing_id: int):
    """Ask without scripts (the page's script sends the same over Socket.IO)."""
    hearing = services.get_hearing(hearing_id)
    form = AskForm()
    if form.validate_on_submit():
        try:
            result = questions.ask(
                current_user, hearing, form.text.data, form.client_id.data or secrets.token_hex(8), form.anonymous.data
            )
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            public = result.question.state != QuestionState.PENDING
            held = result.mine.get("held_reason") or "审核通过后公开。"
            flash("问题已公开，感谢您的参与" if public else f"问题已提交。{held}", "success")
            return redirect(url_for("hearings.show", hearing_id=hearing.id) + "#mine")
    else:
        status = 400
    return render_template("hearings/show.html", form=form, **_page_context(hearing)), status


@bp.route("/<int:hearing_id>/moderate")
@login_required
def moderate(hearing_id: int):
    """Moderation console: pending questions, approve / reject / edit / merge / hide."""
    hearing = services.get_hearing(hearing_id)
    require(current_user, "hearings.moderate", hearing)
    return render_template(
        "hearings/moderate.html",
        question_actions=questions.question_menu(current_user, hearing),
        record_closed=questions.hearing_open(hearing),
        **_page_context(hearing),
    )


@bp.route("/<int:hearing_id>/panel")
@login_required
def panel(hearing_id: int):
    """答辩团 console: the approved queue with votes, who answers now, what is next; 我来回答 and the answer."""
    hearing = services.get_hearing(hearing_id)
    require(current_user, "hearings.panel", hearing)
    return render_template(
        "hearings/panel.html",
        question_actions=questions.question_menu(current_user, hearing),
        record_closed=questions.hearing_open(hearing),
        **_page_context(hearing),
    )


@bp.route("/<int:hearing_id>/host", methods=["GET", "POST"])
@login_required
def host(hearing_id: int):
    """Host console: open and close, Now / Next, answered-next, answer summary, commitments."""
    hearing = services.get_hearing(hearing_id)
    require(current_user, "hearings.host", hearing)
    form = CommitmentForm()
    form.department_id.choices = [(0, "请选择")] + [(d.id, d.name) for d, _ in accounts.department_tree()]
    tasks = plans.plan_tasks(hearing.plan_id)
    form.task_id.choices = [(0, "（不归属具体任务）" if tasks else "（本场答辩未关联作战方案）")] + [
        (tid, title) for tid, title, _ in tasks
    ]
    context = _page_context(hearing)
    answered = [q for q in context["snapshot"]["questions"] if q["state"] in ("answering", "answered")]
    form.question_id.choices = [("", "（不对应具体问题）" if answered else "（暂无已回答的问题）")] + [
        (str(q["id"]), f"#{q['id']} {q['text'][:40]}") for q in answered
    ]
    if not form.is_submitted() and answered:  # the question being answered, else the latest answered one
        now = context["snapshot"]["now"]
        form.question_id.data = str(now["id"] if now else answered[0]["id"])
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                services.flag_commitment(
                    current_user,
                    hearing,
                    int(form.question_id.data) if (form.question_id.data or "").isdigit() else None,
                    form.department_id.data,
                    form.text.data,
                    form.due_date.data,
                    form.task_id.data or None,
                )
            except DomainError as error:
                attach_error(form, error)
                status = error.status
            else:
                flash("承诺事项已登记，将持续跟踪办理进展", "success")
                return redirect(url_for("hearings.host", hearing_id=hearing.id) + "#commitments")
    actions = [(t.action, t.label) for t in services.HEARINGS.available(current_user, hearing)]
    return (
        render_template(
            "hearings/host.html",
            form=form,
            hearing_actions=actions,
            question_actions=questions.question_menu(current_user, hearing),
            record_closed=questions.hearing_open(hearing),
            history=services.hearing_history(hearing),
            hearing_action_labels={t.action: t.label for t in services.HEARINGS},
            **context,
        ),
        status,
    )


@bp.route("/<int:hearing_id>/state/<action>", methods=["POST"])
@login_required
def change_state(hearing_id: int, action: str):
    """Open, close (after the confirmation page), reopen or archive the hearing: the one route of every
    hearing state change (hosts; archiving hosts and admins, as the table says)."""
    hearing = services.get_hearing(hearing_id)
    if action == "close" and request.form.get("confirm") != "yes":
        require(current_user, "hearings.host", hearing)
        return redirect(url_for("hearings.confirm_close", hearing_id=hearing.id))
    try:
        services.change_state(current_user, hearing, action)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(f"答辩状态已更新为「{hearing.state.label}」", "success")
    if request.form.get("back") == "manage":  # the management list's 归档 button
        return redirect(url_for("hearings_manage.index") + f"#hearing-{hearing.id}")
    return redirect(url_for("hearings.host", hearing_id=hearing.id))


@bp.route("/<int:hearing_id>/close")
@login_required
def confirm_close(hearing_id: int):
    """结束答辩 asks first: what ending means, and that a mistake can be undone within a day."""
    hearing = services.get_hearing(hearing_id)
    require(current_user, "hearings.host", hearing)
    if hearing.state != HearingState.LIVE:
        flash(f"答辩当前状态为「{hearing.state.label}」，无需结束", "info")
        return redirect(url_for("hearings.host", hearing_id=hearing.id))
    return render_template("hearings/confirm_close.html", hearing=hearing, counts=payloads.counts(hearing.id))


@bp.route("/<int:hearing_id>/projector/<token>")
def projector(hearing_id: int, token: str):
    """Projector view at a token URL, no login: big type, top questions, now answering."""
    hearing = services.hearing_by_token(hearing_id, token)
    return render_template("hearings/projector.html", **_page_context(hearing))


@bp.route("/<int:hearing_id>/transcript")
def transcript(hearing_id: int):
    """After closing: every question, its state, votes, answer and commitments."""
    hearing = services.get_hearing(hearing_id)
    if not services.transcript_available(hearing):
        abort(404)
    return render_template(
        "hearings/transcript.html",
        hearing=hearing,
        rows=services.transcript(hearing),
        commitments=services.commitments_for_hearing(hearing.id),
    )


CSV_COLUMNS = [
    ("id", "编号"),
    ("asked_at", "提问时间"),
    ("asker", "提问人"),
    ("kind", "类别"),
    ("text", "问题"),
    ("state_label", "状态"),
    ("reason", "不予公开理由"),
    ("merged_into", "合并到"),
    ("votes", "票数"),
    ("answerer", "答复人"),
    ("answer_summary", "答复摘要"),
    ("answered_at", "答复时间"),
    ("commitments", "承诺事项"),
]


@bp.route("/<int:hearing_id>/transcript.csv")
def transcript_csv(hearing_id: int):
    hearing = services.get_hearing(hearing_id)
    if not services.transcript_available(hearing):
        abort(404)
    table = [[label for _, label in CSV_COLUMNS]]
    for row in services.transcript(hearing):
        row = dict(row)
        row["commitments"] = "；".join(
            f"{c['department']}：{c['text']}（{c['due_date']}前，{c['status']}）" for c in row["commitments"]
        )
        table.append([row[key] for key, _ in CSV_COLUMNS])
    return csv_response(table, f"attachment; filename=hearing-{hearing.id}-transcript.csv")


@bp.route("/<int:hearing_id>/transcript.json")
def transcript_json(hearing_id: int):
    hearing = services.get_hearing(hearing_id)
    if not services.transcript_available(hearing):
        abort(404)
    return jsonify(
        hearing={
            "id": hearing.id,
            "title": hearing.title,
            "kind": hearing.kind.label,
            "state": hearing.state.value,
            "opened_at": services.local_iso(hearing.opened_at),
            "closed_at": services.local_iso(hearing.closed_at),
        },
        questions=services.transcript(hearing),
        polls=polls.transcript_polls(hearing),
    )


@bp.route("/commitments/<int:commitment_id>", methods=["GET", "POST"])
def commitment(commitment_id: int):
    """A commitment with its dated history; the lead department or a host records progress."""
    item = get_commitment(commitment_id)
    form = CommitmentUpdateForm(status=item.status.value)
    status = 200
    if form.is_submitted():
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=url_for("hearings.commitment", commitment_id=item.id)))
        status = 400
        if form.validate():
            try:
                services.update_commitment(current_user, item, form.status.data, form.note.data)
            except DomainError as error:
                attach_error(form, error)
                status = error.status
            else:
                flash("进展已记录", "success")
                return redirect(url_for("hearings.commitment", commitment_id=item.id))
    editable = can(_user(), "hearings.commitment.update", item)
    task = plans.task_brief(item.task_id, reports=5)
    return render_template("hearings/commitment.html", item=item, form=form, editable=editable, task=task), status
