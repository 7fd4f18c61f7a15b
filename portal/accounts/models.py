"""Users, roles, departments and enterprises."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db, str_enum
from portal.times import UTCDateTime, utcnow


class Role(enum.StrEnum):
    CITIZEN = "citizen"  # 市民
    ENTREPRENEUR = "entrepreneur"  # 企业家
    UNIT = "unit"  # 乡镇/街道/部门: files 呼叫 on behalf of an organisation
    OFFICIAL = "official"  # 部门工作人员
    DISPATCHER = "dispatcher"  # 热线 / 专班 that dispatches work orders
    MODERATOR = "moderator"
    HOST = "host"  # 主持人: runs a hearing
    EDITOR = "editor"  # 政策文库编辑
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CITIZEN: "市民",
    Role.ENTREPRENEUR: "企业家",
    Role.UNIT: "基层单位",
    Role.OFFICIAL: "部门工作人员",
    Role.DISPATCHER: "派单员（热线/专班）",
    Role.MODERATOR: "审核员",
    Role.HOST: "主持人",
    Role.EDITOR: "政策编辑",
    Role.ADMIN: "系统管理员",
}


class DepartmentKind(enum.StrEnum):
    CITY = "city"  # 市
    OFFICE = "office"  # 市直部门
    DISTRICT = "district"  # 区（市）
    TOWNSHIP = "township"  # 镇/街道

    @property
    def label(self) -> str:
        return {"city": "市", "office": "部门", "district": "区（市）", "township": "镇（街道）"}[self.value]


class DepartmentPosition(enum.StrEnum):
    MEMBER = "member"
    LIAISON = "liaison"  # 联络员
    HEAD = "head"  # 负责人

    @property
    def label(self) -> str:
        return {"member": "工作人员", "liaison": "联络员", "head": "负责人"}[self.value]


class Department(db.Model):
    """A node of the government tree: city → offices and districts → townships/streets."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[DepartmentKind] = mapped_column(str_enum(DepartmentKind))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(
        back_populates="parent", order_by="(Department.sort_order, Department.id)"
    )
    members: Mapped[list[User]] = relationship(back_populates="department", order_by="User.id")

    def ancestors(self) -> list[Department]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


class Enterprise(db.Model):
    """An enterprise, identified by its 统一社会信用代码 (USCC)."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    uscc: Mapped[str] = mapped_column(sa.String(18), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="enterprise")


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    # The login session this instance was loaded for (not a column): ``get_id`` puts it beside the user id
    # in the session cookie and the remember-me cookie, so that ending the session ends both.
    session_key = None

    id: Mapped[int] = mapped_column(primary_key=True)
    # Login name, stored lower-cased so that lookups are case-insensitive on every database.
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(120))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    position: Mapped[DepartmentPosition | None] = mapped_column(str_enum(DepartmentPosition))
    title: Mapped[str] = mapped_column(sa.String(60), default="")  # e.g. 副市长, 局长
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department | None] = relationship(back_populates="members")
    enterprise: Mapped[Enterprise | None] = relationship(back_populates="members")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key}" if self.session_key else str(self.id)

    @property
    def is_active(self) -> bool:  # flask-login: inactive users cannot log in
        return self.active

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role | str) -> bool:
        mine = self.roles
        return any(Role(r) in mine for r in roles)

    def set_roles(self, roles: set[Role]) -> None:
        keep = [row for row in self.role_rows if row.role in roles]
        have = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=r) for r in sorted(roles - have)]

    @property
    def role_labels(self) -> list[str]:
        return [r.label for r in sorted(self.roles, key=list(Role).index)]

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginSession(db.Model):
    """One signed-in browser: the session cookie and the remember-me cookie carry its key, the table keeps only
    the key's SHA-256. Deleting the row signs that browser out, wherever the cookies were copied to."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
