"""Admin screens for users, roles and departments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from portal.accounts import services
from portal.accounts.forms import DepartmentForm, UserForm
from portal.accounts.models import DepartmentKind, DepartmentPosition, Role
from portal.accounts.permissions import require
from portal.errors import DomainError
from portal.forms import attach_error, render_form
from portal.inputs import int_arg

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_admins():
    require(current_user, "admin.access")


def _department_choices(blank: str) -> list[tuple[int | None, str]]:
    return [(None, blank)] + [(d.id, "　" * depth + d.name) for d, depth in services.department_tree()]


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user)
    form.department_id.choices = _department_choices("（无）")
    if user is not None and not form.is_submitted():
        form.roles.data = [r.value for r in user.roles]
        form.position.data = (user.position or DepartmentPosition.MEMBER).value
        form.enterprise_name.data = user.enterprise.name if user.enterprise else ""
        form.uscc.data = ""
    return form


def _user_data(form: UserForm) -> services.UserData:
    try:
        roles = {Role(r) for r in form.roles.data or []}
    except ValueError:
        abort(400)
    return services.UserData(
        username=form.username.data,
        display_name=form.display_name.data,
        roles=roles,
        password=form.password.data or None,
        phone=form.phone.data,
        email=form.email.data,
        department_id=form.department_id.data,
        position=DepartmentPosition(form.position.data) if form.position.data else None,
        title=form.title.data or "",
        enterprise_name=form.enterprise_name.data or "",
        uscc=form.uscc.data or "",
        active=form.active.data,
    )


@bp.route("/")
def index():
    """Admin home: users and departments."""
    return redirect(url_for("admin.users"))


@bp.route("/users")
def users():
    """List users with search and role filter."""
    role = request.args.get("role") or None
    page = services.list_users(
        query=request.args.get("q", ""),
        role=Role(role) if role in Role._value2member_map_ else None,
        page=int_arg("page", 1),
    )
    return render_form("admin/users.html", UserForm(), page=page, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create a user with roles and department."""
    form = _user_form()
    status = 400
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, _user_data(form))
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            flash(f"已创建用户 {user.display_name}", "success")
            return redirect(url_for("admin.users"))
    return render_form("admin/user_form.html", form, user=None, status=status)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Edit a user's profile, roles, department and password."""
    user = services.get_user(user_id)
    form = _user_form(user)
    status = 400
    if form.validate_on_submit():
        data = _user_data(form)
        data.username = user.username  # the login name is permanent
        try:
            services.update_user(current_user, user, data)
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            flash(f"已保存 {user.display_name}", "success")
            return redirect(url_for("admin.users"))
    return render_form("admin/user_form.html", form, user=user, status=status)


@bp.route("/departments")
def departments():
    """The department tree."""
    return render_form("admin/departments.html", DepartmentForm(), tree=services.department_tree())


def _department_form(dept=None) -> DepartmentForm:
    form = DepartmentForm(obj=dept)
    form.parent_id.choices = _department_choices("（无，顶级）")
    if dept is not None and not form.is_submitted():
        form.kind.data = dept.kind.value
    return form


def _department_data(form: DepartmentForm) -> services.DepartmentData:
    return services.DepartmentData(
        name=form.name.data,
        short_name=form.short_name.data or "",
        kind=DepartmentKind(form.kind.data),
        parent_id=form.parent_id.data,
        phone=form.phone.data or "",
        description=form.description.data or "",
        sort_order=form.sort_order.data or 0,
    )


@bp.route("/departments/new", methods=["GET", "POST"])
def new_department():
    """Create a department."""
    form = _department_form()
    status = 400
    if form.validate_on_submit():
        try:
            dept = services.create_department(current_user, _department_data(form))
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            flash(f"已创建 {dept.name}", "success")
            return redirect(url_for("admin.departments"))
    return render_form("admin/department_form.html", form, dept=None, status=status)


@bp.route("/departments/<int:dept_id>", methods=["GET", "POST"])
def edit_department(dept_id: int):
    """Edit a department."""
    dept = services.get_department(dept_id)
    form = _department_form(dept)
    status = 400
    if form.validate_on_submit():
        try:
            services.update_department(current_user, dept, _department_data(form))
        except DomainError as error:
            attach_error(form, error)
            status = error.status
        else:
            flash(f"已保存 {dept.name}", "success")
            return redirect(url_for("admin.departments"))
    return render_form("admin/department_form.html", form, dept=dept, status=status)
