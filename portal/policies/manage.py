"""Editors' pages: the document list, create and edit forms, status changes, attachments and links."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.accounts.permissions import require
from portal.errors import DomainError, Invalid
from portal.extensions import db
from portal.forms import attach_error, render_form
from portal.inputs import int_arg, to_id
from portal.policies import attachments, services
from portal.policies.forms import AttachmentForm, LinkForm, PolicyForm, StatusForm, split_topics
from portal.policies.models import LinkKind, Policy, PolicyStatus

bp = Blueprint("policies_manage", __name__, url_prefix="/policies/manage")


@bp.before_request
@login_required
def _editors_only():
    require(current_user, "policies.manage")


@bp.route("/")
def index():
    """Every document, drafts included, newest change first."""
    status = request.args.get("status") or None
    q = request.args.get("q") or None
    page = db.paginate(services.manage_query(status, q), page=int_arg("page", 1), per_page=30, error_out=False)
    return render_template(
        "policies/manage.html",
        page=page,
        status=status,
        q=q or "",
        counts=services.status_counts(),
        statuses=list(PolicyStatus),
    )


def _choices(form: PolicyForm, policy: Policy | None) -> None:
    targets = services.interpretation_targets(policy.id if policy else None)
    form.interprets_id.choices = [(0, "（不是解读文件）")] + [
        (p.id, f"{p.title}（{p.doc_number}）" if p.doc_number else p.title) for p in targets
    ]


def _data(form: PolicyForm) -> services.PolicyData:
    return services.PolicyData(
        title=form.title.data or "",
        body=form.body.data or "",
        body_format=form.body_format.data or "text",
        doc_number=form.doc_number.data or "",
        issuer=form.issuer.data or "",
        doc_type=form.doc_type.data or "",
        written_on=form.written_on.data,
        published_on=form.published_on.data,
        topics=split_topics(form.topics.data),
        interprets_id=form.interprets_id.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    """A new draft."""
    form = PolicyForm()
    _choices(form, None)
    status = 400
    if form.validate_on_submit():
        try:
            policy = services.create_policy(current_user, _data(form))
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            flash("草稿已保存。核对无误后即可发布。", "success")
            return redirect(url_for("policies.detail", policy_id=policy.id))
    return render_form("policies/form.html", form, policy=None, status=status)


@bp.route("/<int:policy_id>/edit", methods=["GET", "POST"])
def edit(policy_id: int):
    """Edit a document; saving makes a new version."""
    policy = services.get_for_edit(policy_id)
    form = PolicyForm(obj=policy) if request.method == "GET" else PolicyForm()
    if request.method == "GET":
        form.topics.data = "、".join(policy.topics or [])
        form.body.data = policy.body
        form.body_format.data = policy.body_format.value
        form.interprets_id.data = policy.interprets_id or 0
        form.base_version.data = policy.version
    _choices(form, policy)
    status = 400
    if form.validate_on_submit():
        try:
            base = form.base_version.data
            services.update_policy(
                current_user,
                policy.id,
                _data(form),
                form.summary.data or "",
                base_version=int(base) if base and str(base).isdigit() else None,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            status = error.status
        else:
            flash(f"已保存为第 {policy.version} 版。", "success")
            return redirect(url_for("policies.detail", policy_id=policy.id))
    return render_form(
        "policies/form.html",
        form,
        policy=policy,
        status=status,
        status_form=StatusForm(formdata=None),
        actions=services.STATUS.available(current_user, policy),
        attachment_form=AttachmentForm(formdata=None),
        link_form=_link_form(),
    )


def _link_form() -> LinkForm:
    form = LinkForm(formdata=None)
    choices = []
    for kind in LinkKind:
        choices.extend((f"{kind.value}:{i}", f"{kind.label}：{title}") for i, title in attachments.link_choices(kind))
    form.target.choices = choices
    return form


@bp.route("/<int:policy_id>/status/<action>", methods=["GET", "POST"])
def change_status(policy_id: int, action: str):
    """Publish, amend, expire or repeal, with the effective date and the reason."""
    step = services.STATUS.get(action)
    if step is None:
        abort(404)
    policy = services.get_for_edit(policy_id)
    form = StatusForm()
    status = 400
    if form.validate_on_submit():
        try:
            services.transition(current_user, policy.id, action, form.effective_on.data, form.reason.data or "")
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            status = error.status
        else:
            flash(f"已{step.label}：{policy.title}", "success")
            return redirect(url_for("policies.detail", policy_id=policy.id))
    return render_form("policies/status.html", form, policy=policy, step=step, status=status)


@bp.route("/<int:policy_id>/attachments", methods=["POST"])
def upload(policy_id: int):
    form = AttachmentForm()
    upload = form.file.data
    if not form.validate_on_submit() or upload is None or not getattr(upload, "filename", ""):
        raise Invalid("请选择要上传的文件", field="file")  # the error page says so (400); nothing else changed
    attachments.add_attachment(current_user, policy_id, upload.filename, upload.stream)
    flash("附件已上传。", "success")
    return redirect(url_for(".edit", policy_id=policy_id) + "#attachments")


@bp.route("/<int:policy_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
def delete_attachment(policy_id: int, attachment_id: int):
    attachments.remove_attachment(current_user, policy_id, attachment_id)
    flash("附件已删除。", "success")
    return redirect(url_for(".edit", policy_id=policy_id) + "#attachments")


@bp.route("/<int:policy_id>/links", methods=["POST"])
def add_link(policy_id: int):
    raw = request.form.get("target", "")
    kind, _, target = raw.partition(":")
    target_id = to_id(target)
    if target_id is None:
        raise Invalid("请选择要关联的作战方案或公开答辩", field="target")
    attachments.add_link(current_user, policy_id, kind, target_id)
    flash("已添加关联。", "success")
    return redirect(url_for(".edit", policy_id=policy_id) + "#links")


@bp.route("/<int:policy_id>/links/<int:link_id>/delete", methods=["POST"])
def delete_link(policy_id: int, link_id: int):
    attachments.remove_link(current_user, policy_id, link_id)
    flash("关联已移除。", "success")
    return redirect(url_for(".edit", policy_id=policy_id) + "#links")
