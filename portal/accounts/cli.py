"""``flask users create`` for scripts; ``flask users sign-out`` for an account that may be in the wrong hands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.accounts import services, sessions
from portal.accounts.models import DepartmentPosition, Role
from portal.actors import SYSTEM
from portal.errors import DomainError
from portal.extensions import db

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Role; repeat for several.",
)
@click.option("--name", required=True, help="Display name (also the login name unless --username).")
@click.option("--username", default=None, help="Login name; defaults to --name.")
@click.option("--password", required=True, help="Initial password.")
@click.option("--department", default=None, help="Department name or short name.")
@click.option("--position", type=click.Choice([p.value for p in DepartmentPosition]), default=None)
@click.option("--phone", default=None)
@click.option("--enterprise", default="", help="Enterprise name (entrepreneurs).")
@click.option("--uscc", default="", help="统一社会信用代码 (entrepreneurs).")
def create_user(roles, name, username, password, department, position, phone, enterprise, uscc) -> None:
    """Create a user."""
    department_id = None
    if department:
        dept = services.find_department(department)
        if dept is None:
            raise click.BadParameter(f"no department named {department!r}", param_hint="--department")
        department_id = dept.id
    try:
        user = services.create_user(
            SYSTEM,
            services.UserData(
                username=username or name,
                display_name=name,
                roles={Role(r) for r in roles},
                password=password,
                phone=phone,
                department_id=department_id,
                position=DepartmentPosition(position) if position else None,
                enterprise_name=enterprise,
                uscc=uscc,
            ),
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created user {user.username} (id {user.id}) with roles {', '.join(sorted(roles))}")


@users_cli.command("sign-out")
@click.argument("username")
def sign_out(username: str) -> None:
    """End every session of USERNAME (its browsers, remember-me cookies and live sockets)."""
    user = services.find_user(username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    ended = sessions.count(user)
    sessions.end_all(user)
    db.session.commit()
    click.echo(f"signed {user.username} out of {ended} session(s)")
