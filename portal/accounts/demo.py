"""Demo departments and accounts, from the demo's accounts.yaml (docs/DEMO-DATA.md; passwords in README.md)."""

from __future__ import annotations

from typing import Any

from portal import demo as demo_data
from portal.accounts import services
from portal.accounts.models import DepartmentKind, DepartmentPosition, Role
from portal.actors import SYSTEM
from portal.demo import demo_loader


def department_id(name: str | None) -> int | None:
    """The id of a demo department by name or short name (None for None); a name the data does not define
    is a mistake in the data files, reported by name."""
    if not name:
        return None
    department = services.find_department(name)
    if department is None:
        raise demo_data.DemoDataError(f"demo department {name!r} is not in accounts.yaml (or not loaded yet)")
    return department.id


def user(username: str):
    """A demo account by user name; missing → an error naming it."""
    found = services.find_user(username)
    if found is None:
        raise demo_data.DemoDataError(f"demo user {username!r} is not in accounts.yaml (or not loaded yet)")
    return found


def _user_data(row: dict[str, Any], password: str) -> services.UserData:
    enterprise = row.get("enterprise") or {}
    position = row.get("position")
    return services.UserData(
        username=row["username"],
        display_name=row["name"],
        roles={Role(role) for role in row["roles"]},
        password=str(row.get("password") or password),
        phone=str(row.get("phone") or ""),
        department_id=department_id(row.get("department")),
        position=DepartmentPosition(position) if position else None,
        title=row.get("title") or "",
        enterprise_name=enterprise.get("name", ""),
        uscc=enterprise.get("uscc", ""),
    )


@demo_loader(order=0)
def load_accounts(data: dict[str, Any] | None = None) -> str:
    data = demo_data.read("accounts") if data is None else data
    created_depts = 0
    for order, row in enumerate(data.get("departments") or []):
        if services.find_department(row["name"]) is not None:
            continue
        services.create_department(
            SYSTEM,
            services.DepartmentData(
                name=row["name"],
                short_name=row.get("short") or row["name"],
                kind=DepartmentKind(row["kind"]),
                parent_id=department_id(row.get("parent")),
                phone=str(row.get("phone") or ""),
                sort_order=order,
            ),
        )
        created_depts += 1
    created_users = 0
    hashes: dict[str, str] = {}  # one hash per distinct password: the accounts share one, and scrypt is slow
    for row in data.get("users") or []:
        if services.find_user(row["username"]) is not None:
            continue
        user_data = _user_data(row, str(data.get("password", "")))
        if user_data.password not in hashes:
            hashes[user_data.password] = services.hash_password(user_data.password)
        services.create_user(SYSTEM, user_data, password_hash=hashes[user_data.password])
        created_users += 1
    return f"accounts: {created_depts} departments and {created_users} users created"
