"""Pages of consultations (征求意见): the list, the draft with its comment threads, the moderator's queue, the
department's answer screen, the report (HTML, print, CSV) and the final version beside the comments."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts.permissions import require
from portal.consultation import comments, report, services
from portal.consultation.forms import AnswerForm, CommentForm, ConsultationForm, ModerateForm, PublishForm, aware
from portal.consultation.models import Answer, CommentState, ConsultationState, SubjectKind
from portal.errors import DomainError, Invalid, NotFound
from portal.forms import attach_error, render_form
from portal.inputs import to_id
from portal.outputs import csv_response
from portal.plans.public import list_plans
from portal.policies.public import policy_drafts
from portal.times import utcnow

bp = Blueprint("consultation", __name__, url_prefix="/consultations")


@bp.route("/")
def index():
    """Every consultation: open ones first, then closed ones with their reports."""
    return render_template("consultation/index.html", consultations=services.list_consultations(current_user))


def _subject_choices(form: ConsultationForm) -> None:
    form.subject.choices = [(f"plan:{p.id}", f"作战方案：{p.title}") for p in list_plans()] + [
        (f"policy:{pid}", f"政策草案：{title}") for pid, title in policy_drafts()
    ]
    form.department_id.choices = [(d.id, d.name) for d in services.manageable_departments(current_user)]


def _subject(value: str) -> tuple[str, int]:
    kind, _, ident = (value or "").partition(":")
    subject_id = to_id(ident)
    if kind not in (SubjectKind.PLAN.value, SubjectKind.POLICY.value) or subject_id is None:
        raise Invalid("请选择草案", field="subject")
    return kind, subject_id


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """The drafting department opens a plan or a policy draft for comment (saved as 准备中)."""
    require(current_user, services.MANAGE)
    form = ConsultationForm()
    _subject_choices(form)
    if request.method == "GET":
        chosen = request.args.get("subject", "")
        if any(value == chosen for value, _ in form.subject.choices):
            form.subject.data = chosen
    if form.validate_on_submit():
        try:
            kind, subject_id = _subject(form.subject.data)
            c = services.create_consultation(
                current_user,
                services.ConsultationData(
                    kind=kind,
                    subject_id=subject_id,
                    title=form.title.data or "",
                    summary=form.summary.data or "",
                    opens_at=aware(form.opens_at.data),
                    closes_at=aware(form.closes_at.data),
                    department_id=form.department_id.data or None,
                    premoderation=form.premoderation.data,
                ),
            )
        except DomainError as error:
            attach_error(form, error)
            return render_form("consultation/new.html", form, status=error.status)
        flash("征求意见已保存（准备中），确认无误后点“发布征求意见”", "success")
        return redirect(url_for("consultation.show", consultation_id=c.id))
    return render_form("consultation/new.html", form)


def _show(c, form: CommentForm | None = None, form_section: int | None = None, status: int = 200):
    counts = report.comment_counts(c)
    threads: dict[int, list] = {}
    for x in comments.public_comments(c):
        threads.setdefault(x.section_id, []).append(x)
    now = utcnow()
    return render_template(
        "consultation/show.html",
        c=c,
        counts=counts,
        total=sum(counts.values()),
        threads=threads,
        mine=comments.own_comments(current_user, c),
        supported=comments.supported_by(current_user, c),
        accepting=c.accepting(now),
        not_yet=c.state == ConsultationState.OPEN and now < c.opens_at,
        form=form or CommentForm(formdata=None),
        form_section=form_section,
        actions=services.CONSULTATIONS.available(current_user, c),
        may_answer=services.may_answer(current_user, c),
        publish_form=PublishForm(formdata=None),
    ), status


@bp.route("/<int:consultation_id>")
def show(consultation_id: int):
    """The draft, section by section, with each section's public comments, answers and the comment form."""
    c = services.get_consultation(current_user, consultation_id)
    return _show(c)


@bp.route("/<int:consultation_id>/sections/<int:section_id>/comments", methods=["POST"])
@login_required
def comment(consultation_id: int, section_id: int):
    """Comment on one section (public at once, or after a moderator's review)."""
    c = services.get_consultation(current_user, consultation_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            x = comments.add_comment(current_user, c, section_id, form.text.data, form.anonymous.data)
        except DomainError as error:
            attach_error(form, error)
            return _show(c, form, section_id, error.status)
        if x.state == CommentState.PENDING:
            flash("意见已提交，审核通过后公开；审核结果可在本页“我的意见”中查看。", "success")
            return redirect(url_for("consultation.show", consultation_id=c.id) + "#mine")
        flash("意见已公开，感谢您的参与", "success")
        return redirect(url_for("consultation.show", consultation_id=c.id) + f"#comment-{x.id}")
    services.section_of(c, section_id)
    return _show(c, form, section_id, 400)


@bp.route("/comments/<int:comment_id>/support", methods=["POST"])
@login_required
def support(comment_id: int):
    """附议 a comment, or take one's 附议 back (``retract``)."""
    x = comments.support(current_user, comment_id, add=not request.form.get("retract"))
    return redirect(url_for("consultation.show", consultation_id=x.consultation_id) + f"#comment-{x.id}")


@bp.route("/<int:consultation_id>/moderate")
@login_required
def moderate(consultation_id: int):
    """The moderator's queue: comments waiting for review, then the public ones (to hide)."""
    c = services.get_consultation(current_user, consultation_id)
    require(current_user, "consultation.moderate", c)
    return render_template(
        "consultation/moderate.html",
        c=c,
        pending=comments.queue(c, CommentState.PENDING),
        approved=comments.queue(c, CommentState.APPROVED),
        withheld=comments.queue(c, CommentState.REJECTED) + comments.queue(c, CommentState.HIDDEN),
        form=ModerateForm(formdata=None),
    )


@bp.route("/comments/<int:comment_id>/moderate", methods=["POST"])
@login_required
def moderate_comment(comment_id: int):
    form = ModerateForm()
    x = comments.get_comment(comment_id)
    try:
        comments.act(current_user, comment_id, form.action.data or "", reason=form.reason.data or "")
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        flash(f"意见 #{x.id}：{error.message}", "error")
        return redirect(url_for("consultation.moderate", consultation_id=x.consultation_id) + f"#comment-{x.id}")
    flash(f"意见 #{x.id} {x.state.label}", "success")
    return redirect(url_for("consultation.moderate", consultation_id=x.consultation_id))


@bp.route("/<int:consultation_id>/answers")
@login_required
def answers(consultation_id: int):
    """The drafting department's screen: every public comment, answered or not, with the answer form."""
    c = services.get_consultation(current_user, consultation_id)
    require(current_user, "consultation.answer", c)
    public = comments.public_comments(c)
    return render_template(
        "consultation/answers.html",
        c=c,
        open_items=[x for x in public if x.answer is None],
        done=[x for x in public if x.answer is not None],
        pending=len(comments.queue(c, CommentState.PENDING)),
        form=AnswerForm(formdata=None),
    )


@bp.route("/comments/<int:comment_id>/answer", methods=["POST"])
@login_required
def answer(comment_id: int):
    form = AnswerForm()
    x = comments.get_comment(comment_id)
    try:
        comments.act(
            current_user,
            comment_id,
            "answer",
            answer=form.answer.data or "",
            reason=form.reason.data or "",
            changed_section_id=form.changed_section_id.data or None,
        )
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        flash(f"意见 #{x.id} 未能答复：{error.message}", "error")
        return redirect(url_for("consultation.answers", consultation_id=x.consultation_id) + f"#answer-{x.id}")
    flash(f"已答复意见 #{x.id}：{x.answer.label}", "success")
    return redirect(url_for("consultation.answers", consultation_id=x.consultation_id))


@bp.route("/<int:consultation_id>/state/<action>", methods=["POST"])
@login_required
def change_state(consultation_id: int, action: str):
    """发布征求意见 / 截止征求意见 / 公布采纳情况."""
    if action not in services.CONSULTATIONS:
        raise NotFound("未知的操作")
    c = services.change_state(current_user, consultation_id, action, note=request.form.get("note", ""))
    flash(f"征求意见{c.state.label}", "success")
    target = "consultation.report_page" if c.state == ConsultationState.PUBLISHED else "consultation.show"
    return redirect(url_for(target, consultation_id=c.id))


def _report_of(consultation_id: int):
    """The consultation whose report the viewer may read: published, or the drafting department's preview."""
    c = services.get_consultation(current_user, consultation_id)
    if c.state != ConsultationState.PUBLISHED and not services.may_answer(current_user, c):
        raise NotFound("采纳情况尚未公布")
    return c


@bp.route("/<int:consultation_id>/report")
def report_page(consultation_id: int):
    """意见采纳情况: counts per section and per answer, every comment with its answer."""
    c = _report_of(consultation_id)
    return render_template("consultation/report.html", c=c, r=report.build(c), answers=Answer, print_view=False)


@bp.route("/<int:consultation_id>/report/print")
def report_print(consultation_id: int):
    """The same report laid out for paper (print CSS)."""
    c = _report_of(consultation_id)
    return render_template("consultation/report.html", c=c, r=report.build(c), answers=Answer, print_view=True)


@bp.route("/<int:consultation_id>/report.csv")
def report_csv(consultation_id: int):
    c = _report_of(consultation_id)
    return csv_response(report.csv_rows(report.build(c)), f"attachment; filename=consultation-{c.id}-report.csv")


@bp.route("/<int:consultation_id>/changes")
def changes(consultation_id: int):
    """The final version against the draft, each change beside the comments that led to it."""
    c = _report_of(consultation_id)
    return render_template("consultation/changes.html", c=c, changes=report.changes(c))
