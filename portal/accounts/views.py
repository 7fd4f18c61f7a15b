"""Sign-up, log-in, log-out and password change."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import ChangePasswordForm, LoginForm, RegisterForm
from portal.accounts.models import Role
from portal.accounts.throttle import login_per_account, login_per_address, password_limit, register_limit
from portal.errors import DomainError
from portal.forms import attach_error, render_form

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so ?next= cannot send users elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("pages.home")


@bp.route("/login", methods=["GET", "POST"])
@login_per_account
@login_per_address
def login():
    """Log in; one message for every failure so that accounts cannot be probed."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(f"欢迎回来，{user.display_name}", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("用户名或密码错误")
        return render_form("accounts/login.html", form, status=401)
    return render_form("accounts/login.html", form)


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register():
    """Create a citizen or entrepreneur account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = RegisterForm()
    status = 400
    if form.validate_on_submit():
        try:
            user = services.register(
                services.Registration(
                    username=form.username.data,
                    display_name=form.display_name.data,
                    password=form.password.data,
                    phone=form.phone.data,
                    role=Role(form.role.data),
                    enterprise_name=form.enterprise_name.data or "",
                    uscc=form.uscc.data or "",
                )
            )
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            login_user(user)
            flash("注册成功，欢迎使用", "success")
            return redirect(url_for("pages.home"))
    return render_form("accounts/register.html", form, status=status)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST with CSRF token, so a link elsewhere cannot log you out)."""
    logout_user()
    flash("您已安全退出", "info")
    return redirect(url_for("pages.home"))


@bp.route("/account", methods=["GET"])
@login_required
def account():
    """The user's own account page."""
    return render_form("accounts/account.html", ChangePasswordForm())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@password_limit
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    status = 400
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            flash("密码已修改", "success")
            return redirect(url_for("accounts.account"))
    return render_form("accounts/account.html", form, status=status)
