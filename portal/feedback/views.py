"""Public and requester pages: index, filing, phone entry, the order page, my orders, notices, files."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from portal.accounts import services as accounts
from portal.accounts.models import DepartmentKind
from portal.accounts.permissions import can
from portal.enterprises import services as enterprises
from portal.errors import DomainError, Invalid, error_response
from portal.extensions import db
from portal.feedback import attachments as files
from portal.feedback import rating, services, settings
from portal.feedback.enums import OrderKind, OrderState, Satisfaction
from portal.feedback.forms import OrderForm
from portal.feedback.page import render_order
from portal.forms import attach_error, render_form
from portal.inputs import int_arg, to_id
from portal.pages import home_panel
from portal.redirects import safe_next

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


@bp.route("/")
def index():
    """What can be done here, recent public orders, and one box: a tracking number opens the order, words search."""
    q = " ".join((request.args.get("q") or "").split())
    if q and not services.TRACKING_RE.match(q.upper()):
        return redirect(url_for(".public_list", q=q))  # words, not a number: search the public orders' text
    if q:
        order = services.find_order(q)
        if order is not None and services.can_view(current_user, order):
            return redirect(url_for(".order", tracking_no=order.tracking_no))
        flash(f"未找到编号为 {q.upper()} 的公开诉求，请核对编号。", "warning")
    page = services.public_orders(int_arg("page", 1), kind=request.args.get("kind"), state=request.args.get("state"))
    return render_template(
        "feedback/index.html",
        page=page,
        counts=services.public_counts(),
        kinds=list(OrderKind),
        states=list(OrderState),
    )


def _order_form(phone: bool, formdata: MultiDict | None = None) -> OrderForm:
    form = OrderForm() if formdata is None else OrderForm(formdata=formdata)
    form.set_kind_choices(allow_call=not phone and can(current_user, "feedback.call"))
    depts = accounts.list_departments()
    form.district_id.choices = [("", "不确定")] + [
        (str(d.id), d.name) for d in depts if d.kind == DepartmentKind.DISTRICT
    ]
    form.street_id.choices = [("", "不确定")] + [
        (str(d.id), d.name) for d in depts if d.kind == DepartmentKind.TOWNSHIP
    ]
    mine = [] if phone else enterprises.verified_enterprises(current_user)
    form.enterprise_id.choices = [("", "以个人名义提交")] + [(str(e.id), e.name) for e in mine]
    if not form.is_submitted():
        kind = request.args.get("kind")
        if kind in dict(form.kind.choices):
            form.kind.data = kind
        if not phone:
            form.requester_name.data = current_user.display_name
            form.requester_phone.data = current_user.phone or ""
    return form


def _enterprise_choice(value: str | None) -> int | None:
    if not value:
        return None
    enterprise_id = to_id(value)
    if enterprise_id is None:
        raise Invalid("请选择以个人名义或以哪家企业的名义提交", field="enterprise_id")
    return enterprise_id


def _order_data(form: OrderForm, channel: str) -> services.OrderData:
    return services.OrderData(
        kind=form.kind.data,
        category=form.category.data,
        title=form.title.data,
        description=form.description.data,
        place=form.place.data or "",
        district_id=int(form.district_id.data) if form.district_id.data else None,
        street_id=int(form.street_id.data) if form.street_id.data else None,
        is_public=form.is_public.data,
        requester_name=form.requester_name.data or "",
        requester_phone=form.requester_phone.data or "",
        channel=channel,
        uploads=[files.Upload(f.filename or "", f.read()) for f in request.files.getlist("attachments") if f],
        enterprise_id=_enterprise_choice(form.enterprise_id.data),
    )


def _submit(form: OrderForm, channel: str, template: str):
    context = {"limits": _limits()}
    if form.validate_on_submit():
        try:
            order = services.file_order(current_user, _order_data(form, channel))
        except DomainError as err:
            db.session.rollback()
            attach_error(form, err)
            return render_form(template, form, status=err.status, **context)
        flash(f"已受理，诉求编号 {order.tracking_no}。请记下编号以便查询办理进度。", "success")
        return redirect(url_for(".order", tracking_no=order.tracking_no))
    return render_form(template, form, **context)


@bp.context_processor
def upload_limits() -> dict:
    """What the browser checks before sending files (static/js/upload-limit.js); the server checks again."""
    total = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return {
        "upload_limits": {
            "data-max-file-bytes": int(settings.setting("FEEDBACK_MAX_ATTACHMENT_MB")) * 1024 * 1024,
            "data-max-files": int(settings.setting("FEEDBACK_MAX_ATTACHMENTS")),
            # Leave room for the typed text and the multipart framing.
            "data-max-total-bytes": max(total - 256 * 1024, 0) if total else "",
        }
    }


class _Discard(io.BytesIO):
    """Where the files of an over-limit body go while its text fields are read: nowhere."""

    def write(self, data) -> int:  # type: ignore[override]
        return len(data)


# A body up to this many times MAX_CONTENT_LENGTH is read (files discarded) to give the typed text back;
# anything larger is refused outright.
TOO_LARGE_READ_FACTOR = 8


def _typed_fields() -> MultiDict | None:
    """The text fields of a multipart body over MAX_CONTENT_LENGTH, its files dropped as they stream by."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length or 0
    if not limit or not length or length > limit * TOO_LARGE_READ_FACTOR or request.mimetype != "multipart/form-data":
        return None
    _, form, _ = parse_form_data(
        request.environ, stream_factory=lambda *args, **kwargs: _Discard(), max_content_length=None, silent=True
    )
    return form


def too_large_message() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    size = f"{limit / 1048576:g}MB" if limit >= 1048576 else f"{limit // 1024}KB"
    return f"附件合计超过{size}，未能提交。请压缩或减少附件后重新选择；您填写的其他内容已保留。"


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """413 on a form with files: the same form again, with what was typed and a clear message (not the files)."""
    endpoint = request.endpoint or ""
    forms = {"feedback.new": "feedback/new.html", "feedback.phone_entry": "feedback/phone.html"}
    allowed = current_user.is_authenticated and (
        endpoint == "feedback.new" or (endpoint == "feedback.phone_entry" and can(current_user, "feedback.enter_phone"))
    )
    if endpoint == "feedback.assignment_action" and (request.view_args or {}).get("action") == "reply":
        return _reply_too_large()
    typed = _typed_fields() if allowed else None
    if typed is None:
        return error_response(413)
    form = _order_form(phone=endpoint == "feedback.phone_entry", formdata=typed)
    if endpoint == "feedback.phone_entry":
        form.requester_name.label.text = "来电人姓名"
        form.requester_phone.label.text = "来电号码"
    form.attachments.errors = [too_large_message()]
    return render_form(forms[endpoint], form, status=413, limits=_limits())


def _reply_too_large():
    assignment = services.get_assignment((request.view_args or {}).get("assignment_id", 0))
    if not current_user.is_authenticated or not services.can_view(current_user, assignment.order):
        return error_response(413)
    typed = _typed_fields()
    if typed is None:
        return error_response(413)
    error = Invalid(too_large_message(), field="reply_files")
    error.status = 413
    return render_order(assignment.order, error=error, action="reply", assignment_id=assignment.id, values=typed)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """File a consultation, request for help, complaint, suggestion — or a unit's 呼叫."""
    return _submit(_order_form(phone=False), "web", "feedback/new.html")


def _limits() -> list[tuple[str, int, int]]:
    """(kind label, sign-for minutes, working days) as configured, for the form's side note."""
    return [(k.label, settings.sign_minutes(k), settings.handling_days(k)) for k in OrderKind]


@bp.route("/phone", methods=["GET", "POST"])
@login_required
def phone_entry():
    """A hotline operator types in a caller's request."""
    if not can(current_user, "feedback.enter_phone"):
        abort(403)
    form = _order_form(phone=True)
    form.requester_name.label.text = "来电人姓名"
    form.requester_phone.label.text = "来电号码"
    return _submit(form, "phone", "feedback/phone.html")


@bp.route("/<tracking_no>")
def order(tracking_no: str):
    """The order's page: public facts and timeline; actions for those who may act."""
    return render_order(services.get_order_for(current_user, tracking_no))


@bp.route("/<tracking_no>/rate", methods=["POST"])
@login_required
def rate(tracking_no: str):
    """评价 — per department for a unit's 呼叫."""
    order = services.get_order_for(current_user, tracking_no)
    values = {}
    for target in rating.rating_targets(order):
        key = target.department_id if target is not None else None
        suffix = key or "order"
        values[key] = (request.form.get(f"rating_{suffix}", ""), request.form.get(f"comment_{suffix}", ""))
    try:
        rating.rate_order(current_user, order, values)
    except DomainError as err:
        db.session.rollback()
        return render_order(order, error=err, action="rate")
    if order.state != OrderState.CLOSED:
        flash("感谢您的评价。诉求已发回承办部门重新办理。", "info")
    else:
        flash("感谢您的评价。", "success")
    return redirect(url_for(".order", tracking_no=order.tracking_no))


@bp.route("/mine")
@login_required
def mine():
    """The orders I filed (and my unit's calls)."""
    page = services.my_orders(current_user, int_arg("page", 1))
    return render_template("feedback/mine.html", page=page, satisfaction=Satisfaction)


@bp.route("/notices")
@login_required
def notices():
    page = services.notices_for(current_user, int_arg("page", 1))
    return render_template("feedback/notices.html", page=page)


@bp.route("/notices/read", methods=["POST"])
@login_required
def read_notices():
    notice_id = request.form.get("id", type=int)
    services.mark_notices_read(current_user, notice_id)
    return redirect(safe_next(request.form.get("next"), url_for(".notices")))


@bp.route("/attachments/<int:attachment_id>/<path:filename>")
def attachment(attachment_id: int, filename: str):
    """Files only to those allowed to see them; served with their sniffed type, never guessed."""
    row = services.get_attachment_for(current_user, attachment_id)
    response = send_file(
        files.path_of(row), mimetype=row.content_type, download_name=row.filename, conditional=True, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@home_panel(order=15, template="feedback/_home_panel.html")
def _home_panel() -> dict:
    """The latest public orders on the home page (the period's figures are the 数据公开 panel's, not repeated)."""
    return {"recent": services.public_orders(1, per_page=5).items}
