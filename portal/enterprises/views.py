"""我的企业, 申请加入企业, the admins' review queue, invitations and the licence photo."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from portal.accounts.permissions import can, require
from portal.enterprises import services
from portal.enterprises.forms import InviteForm, JoinForm
from portal.enterprises.models import MembershipState
from portal.enterprises.permissions import REVIEW
from portal.errors import Conflict, DomainError, Invalid
from portal.extensions import db
from portal.forms import attach_error, render_form
from portal.inputs import choice_arg
from portal.uploads import Upload

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")

REVIEW_TABS = (
    (MembershipState.PENDING, "待审核"),
    (MembershipState.APPROVED, "已通过"),
    (MembershipState.REFUSED, "未通过"),
)


@bp.route("/")
@login_required
def mine():
    """我的企业: verified enterprises with their members, requests, invitations received and sent."""
    if can(current_user, REVIEW) and not can(current_user, "enterprises.apply"):
        return redirect(url_for(".review"))
    memberships = services.my_memberships(current_user)
    approved = [m for m in memberships if m.state == MembershipState.APPROVED]
    return render_template(
        "enterprises/mine.html",
        approved=approved,
        members={m.enterprise_id: services.members_of(current_user, m.enterprise_id) for m in approved},
        requests=[m for m in memberships if m.state != MembershipState.APPROVED],
        received=services.invitations_for(current_user),
        sent=services.invitations_sent(current_user),
        invite_form=InviteForm(),
        machine=services.MEMBERSHIPS,
    )


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply():
    """申请加入企业: the code, the name and a photo of the business licence."""
    require(current_user, "enterprises.apply")
    form = JoinForm()
    if not form.is_submitted() and current_user.enterprise is not None:
        form.enterprise_name.data = current_user.enterprise.name  # declared at sign-up
        form.uscc.data = current_user.enterprise.uscc
    if form.validate_on_submit():
        files = [Upload(f.filename or "", f.read()) for f in request.files.getlist("licence") if f]
        try:
            membership = services.apply(
                current_user, services.JoinRequest(form.enterprise_name.data, form.uscc.data, files)
            )
        except DomainError as err:
            db.session.rollback()
            attach_error(form, err)
            return render_form("enterprises/apply.html", form, status=err.status)
        flash(f"已提交加入“{membership.enterprise.name}”的申请，审核通过后即可以企业名义提交诉求。", "success")
        return redirect(url_for(".mine"))
    return render_form("enterprises/apply.html", form)


MEMBER_ACTIONS = ("approve", "refuse", "withdraw", "leave", "revoke")


@bp.route("/memberships/<int:membership_id>/<action>", methods=["POST"])
@login_required
def decide(membership_id: int, action: str):
    """Approve / refuse (reason) / revoke (reason) by an admin; withdraw / leave by the applicant."""
    if action not in MEMBER_ACTIONS:
        raise Invalid("未知的操作", field="action")
    membership = services.decide(current_user, membership_id, action, request.form.get("reason", ""))
    t = services.MEMBERSHIPS[action]
    flash(f"{membership.user.display_name}加入“{membership.enterprise.name}”：已{t.label}。", "success")
    if can(current_user, REVIEW) and action in ("approve", "refuse", "revoke"):
        return redirect(url_for(".review"))
    return redirect(url_for(".mine"))


@bp.route("/memberships/<int:membership_id>/licence")
@login_required
def licence(membership_id: int):
    """The business licence photo: the applicant and admins only; served with its sniffed type."""
    membership, path = services.licence_for(current_user, membership_id)
    response = send_file(
        path,
        mimetype=membership.licence_content_type,
        download_name=membership.licence_filename or "营业执照",
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/review")
@login_required
def review():
    """The admins' queue: each request with its licence photo, approve or refuse with a reason."""
    state = MembershipState(choice_arg("state", tuple(s.value for s, _ in REVIEW_TABS), "pending", label="状态"))
    return render_template(
        "enterprises/review.html",
        items=services.review_queue(current_user, state),
        state=state,
        tabs=REVIEW_TABS,
        pending=services.pending_count(),
        machine=services.MEMBERSHIPS,
    )


@bp.route("/<int:enterprise_id>/invitations", methods=["POST"])
@login_required
def invite(enterprise_id: int):
    """A verified member invites a colleague by user name, or makes a one-time link."""
    form = InviteForm()
    if not form.validate_on_submit():
        raise Invalid(next(iter(form.errors.values()))[0], field="username")
    try:
        new = services.invite(current_user, enterprise_id, form.username.data or "")
    except (Invalid, Conflict) as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(url_for(".mine"))
    if new.code:
        link = url_for(".join", invite_code=new.code, _external=True)
        flash(
            f"邀请链接（仅此一次显示，{services.setting('ENTERPRISE_INVITATION_DAYS')}天内有效，只能使用一次）：{link}",
            "success",
        )
    else:
        flash(f"已邀请 {new.invitation.invitee.display_name}，对方登录后在“我的企业”中接受即可。", "success")
    return redirect(url_for(".mine"))


INVITATION_ACTIONS = ("accept", "decline", "cancel")


@bp.route("/invitations/<int:invitation_id>/<action>", methods=["POST"])
@login_required
def invitation(invitation_id: int, action: str):
    """Accept or decline an invitation addressed to me by name; cancel one I sent."""
    if action not in INVITATION_ACTIONS:
        raise Invalid("未知的操作", field="action")
    if action == "accept":
        membership = services.accept_by_id(current_user, invitation_id)
        flash(f"您已加入“{membership.enterprise.name}”。", "success")
    else:
        services.close_invitation(current_user, invitation_id, action)
        flash("邀请已谢绝。" if action == "decline" else "邀请已取消。", "success")
    return redirect(url_for(".mine"))


@bp.route("/join/<invite_code>", methods=["GET", "POST"])
@login_required
def join(invite_code: str):
    """An invitation link: who invites to which enterprise, and the button to accept."""
    require(current_user, "enterprises.apply")
    invitation = services.find_invitation_by_code(invite_code)
    if request.method == "POST":
        membership = services.accept_invitation(current_user, invitation)
        flash(f"您已加入“{membership.enterprise.name}”。", "success")
        return redirect(url_for(".mine"))
    return render_template("enterprises/join.html", invitation=invitation)
