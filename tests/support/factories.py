"""Factories for users and departments, through the real services."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from portal.accounts import services
from portal.accounts.models import Department, DepartmentKind, DepartmentPosition, Role, User
from portal.actors import SYSTEM

PASSWORD = "password123"
_seq = itertools.count(1)


class Factory:
    def department(
        self,
        name: str | None = None,
        kind: DepartmentKind = DepartmentKind.OFFICE,
        parent: Department | None = None,
        short_name: str | None = None,
    ) -> Department:
        n = next(_seq)
        name = name or f"测试部门{n}"
        return services.create_department(
            SYSTEM,
            services.DepartmentData(
                name=name,
                short_name=short_name or name[:20],
                kind=kind,
                parent_id=parent.id if parent else None,
                phone=f"0532-8000{n:04d}",
            ),
        )

    def user(
        self,
        *roles: Role,
        username: str | None = None,
        display_name: str | None = None,
        department: Department | None = None,
        position: DepartmentPosition | None = None,
        phone: str | None = None,
    ) -> User:
        roles = roles or (Role.CITIZEN,)
        n = next(_seq)
        if department is None and set(roles) & {Role.OFFICIAL, Role.UNIT}:
            department = self.department()
        return services.create_user(
            SYSTEM,
            services.UserData(
                username=username or f"{roles[0].value}{n}",
                display_name=display_name or f"测试用户{n}",
                roles=set(roles),
                password=PASSWORD,
                phone=phone,
                department_id=department.id if department else None,
                position=position,
                enterprise_name="测试企业有限公司" if Role.ENTREPRENEUR in roles else "",
                uscc="91350100M000100Y43" if Role.ENTREPRENEUR in roles else "",
            ),
        )

    def one_user_per_role(self) -> dict[str, User]:
        return {role.value: self.user(role, username=role.value) for role in Role}

    def verified_member(self, user: User, name: str = "测试企业有限公司", uscc: str = "91370285MA3C00010Q"):
        """``user`` (an entrepreneur) as an approved member of the enterprise with this USCC, through the real
        join request (a licence photo) and an approval; returns the ``Enterprise`` (already a member: just that)."""
        from portal.accounts.models import Enterprise
        from portal.enterprises import services as enterprises
        from portal.extensions import db

        known = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == uscc))
        if known is not None and enterprises.is_verified_member(user, known.id):
            return known
        membership = enterprises.apply(
            user, enterprises.JoinRequest(name, uscc, [enterprises.uploads.Upload("执照.png", LICENCE_PNG)])
        )
        enterprises.decide(SYSTEM, membership.id, "approve")
        return membership.enterprise


# A tiny PNG (the signature is what the upload check reads).
LICENCE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
