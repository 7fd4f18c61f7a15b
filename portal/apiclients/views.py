"""Admin screens: registered API clients, a new key (shown once), a client's usage, limits and revocation."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.accounts.permissions import require
from portal.apiclients import gate, services
from portal.apiclients.forms import ClientForm, LimitsForm, RevokeForm
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import attach_error, render_form

bp = Blueprint("apiclients", __name__, url_prefix="/admin/api-clients")


@bp.before_request
@login_required
def only_admins():
    require(current_user, services.MANAGE)


@bp.route("/")
def index():
    """Every client with its key's prefix, state, limits, last use and today's counts."""
    clients = services.list_clients(current_user)
    today = {c.id: gate.usage(c, days=1)[0] for c in clients}
    return render_template("apiclients/clients.html", clients=clients, today=today)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Register a client; the answer shows its key once (only its hash is kept)."""
    form = ClientForm()
    if not form.is_submitted():
        form.read_limit.data = current_app.config["API_KEY_READ_LIMIT"]
        form.write_limit.data = current_app.config["API_KEY_WRITE_LIMIT"]
    if form.validate_on_submit():
        data = services.ClientData(
            name=form.name.data,
            contact=form.contact.data,
            owner_username=form.owner_username.data,
            purpose=form.purpose.data or "",
            read_limit=form.read_limit.data or "",
            write_limit=form.write_limit.data or "",
        )
        try:
            client, key = services.register_client(current_user, data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return render_form("apiclients/client_form.html", form, status=error.status)
        response = current_app.make_response(render_template("apiclients/issued.html", client=client, key=key))
        response.headers["Cache-Control"] = "no-store"  # the key must not stay in a cache
        return response
    return render_form("apiclients/client_form.html", form)


def _detail(client, limits_form=None, status: int = 200):
    if limits_form is None:
        limits_form = LimitsForm(data={"read_limit": client.read_limit, "write_limit": client.write_limit})
    page = render_template(
        "apiclients/client.html",
        client=client,
        usage=gate.usage(client),
        limits_form=limits_form,
        revoke_form=RevokeForm(),
        actions={t.action for t in services.LIFECYCLE.available(current_user, client)},
    )
    return page, status


@bp.route("/<int:client_id>")
def client(client_id: int):
    """One client: its usage per day (requests, refused), last use, limits, history and revocation."""
    return _detail(services.get_client(client_id))


@bp.route("/<int:client_id>/limits", methods=["POST"])
def change_limits(client_id: int):
    """Set the key's read and write limits."""
    client = services.get_client(client_id)
    form = LimitsForm()
    if not form.validate_on_submit():
        return _detail(client, form, 400)
    try:
        services.act(
            current_user, client_id, "change_limits", read_limit=form.read_limit.data, write_limit=form.write_limit.data
        )
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _detail(services.get_client(client_id), form, error.status)
    flash("频率限制已更新", "success")
    return redirect(url_for(".client", client_id=client_id))


@bp.route("/<int:client_id>/revoke", methods=["POST"])
def revoke(client_id: int):
    """Revoke the key: every later request with it is refused (403)."""
    if not RevokeForm().validate_on_submit():
        return _detail(services.get_client(client_id), status=400)
    services.act(current_user, client_id, "revoke")
    flash("密钥已吊销，之后使用该密钥的请求都将被拒绝", "success")
    return redirect(url_for(".client", client_id=client_id))
