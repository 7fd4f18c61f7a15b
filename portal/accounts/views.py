"""Sign-up, log-in, log-out and password change."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import services, sessions
from portal.accounts.forms import ChangePasswordForm, LoginForm, RegisterForm
from portal.accounts.models import Role
from portal.accounts.throttle import (
    login_per_account,
    login_per_account_all,
    login_per_address,
    password_limit,
    register_limit,
    remember_device,
)
from portal.errors import DomainError
from portal.forms import attach_error, render_form
from portal.redirects import safe_next

bp = Blueprint("accounts", __name__)


def _next() -> str:
    return safe_next(request.args.get("next"), url_for("pages.home"))


@bp.route("/login", methods=["GET", "POST"])
@login_per_account
@login_per_account_all
@login_per_address
def login():
    """Log in; one message for every failure so that accounts cannot be probed."""
    if current_user.is_authenticated:
        return redirect(_next())
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            sessions.start(user, remember=form.remember.data)
            login_user(user, remember=form.remember.data)
            flash(f"欢迎回来，{user.display_name}", "success")
            return remember_device(redirect(_next()), user.username)
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
            sessions.start(user)
            login_user(user)
            flash("注册成功，欢迎使用", "success")
            return remember_device(redirect(url_for("pages.home")), user.username)
    return render_form("accounts/register.html", form, status=status)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST with CSRF token, so a link elsewhere cannot log you out); the session ends on the server
    too, so a copy of its cookies (the remember-me cookie included) no longer signs anyone in."""
    if current_user.is_authenticated:
        sessions.end(current_user)
    logout_user()
    flash("您已安全退出", "info")
    return redirect(url_for("pages.home"))


@bp.route("/account", methods=["GET"])
@login_required
def account():
    """The user's own account page."""
    return _account_page(ChangePasswordForm())


def _account_page(form: ChangePasswordForm, status: int = 200):
    return render_form("accounts/account.html", form, status=status, sessions=sessions.count(current_user))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@password_limit
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    status = 400
    if form.validate_on_submit():
        try:
            remember = services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            # This browser's new session key into its cookies (copies of the old ones no longer sign in).
            login_user(current_user._get_current_object(), remember=remember)
            flash("密码已修改，其他设备上的登录已全部退出", "success")
            return redirect(url_for("accounts.account"))
    return _account_page(form, status=status)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """退出所有设备: end every session of the account, this one included."""
    services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash("已退出所有设备上的登录（包括本设备），需要时请重新登录", "info")
    return redirect(url_for("pages.home"))
