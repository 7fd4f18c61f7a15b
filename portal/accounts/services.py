"""Every operation on accounts and departments: validate, authorise, change.

Services take the acting user explicitly and never touch ``flask.request``, so views, the
CLI and tests share them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from portal.accounts import sessions
from portal.accounts.models import Department, DepartmentKind, DepartmentPosition, Enterprise, Role, User
from portal.accounts.permissions import require
from portal.accounts.uscc import normalize_uscc, uscc_problem
from portal.actors import SYSTEM
from portal.errors import Conflict, Invalid, get_or_raise
from portal.extensions import db
from portal.times import utcnow

# Letters (Chinese included), digits and _ . -; at least 2 characters, starting with a letter or digit.
USERNAME_RE = re.compile(r"^[^\W_][\w.-]{1,39}$")
PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
# zxcvbn's score: 0 and 1 are passwords found in its lists of common passwords, words and names, keyboard walks,
# repeats and sequences (fewer than a million guesses); 2 resists a throttled online attack.
PASSWORD_MIN_SCORE = 2
WEAK_PASSWORD = "密码太常见或太简单（如 password、12345678、aaaaaaaa、qwertyui，或含有用户名），请换一个更难猜的密码"
SELF_SERVICE_ROLES = frozenset({Role.CITIZEN, Role.ENTREPRENEUR})


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def hash_password(password: str) -> str:
    """A hash of an acceptable password, for :func:`create_user`'s ``password_hash`` (the demo loader hashes its
    accounts' one shared password once instead of once per account: scrypt costs ~0.1 s of CPU each)."""
    return _hash(validate_password(password))


def validate_username(username: str) -> str:
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise Invalid("用户名须为2至40位汉字、字母、数字或 _ . -，并以汉字、字母或数字开头", field="username")
    return username


def validate_display_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid("请填写姓名或称呼", field="display_name")
    if len(name) > 40:
        raise Invalid("姓名或称呼不能超过40个字", field="display_name")
    return name


def validate_password(password: str, field: str = "password") -> str:
    """Length and not digits only: what every password must meet, including those set by the CLI and demo."""
    password = password or ""
    if len(password) < PASSWORD_MIN:
        raise Invalid(f"密码至少需要{PASSWORD_MIN}位", field=field)
    if len(password) > PASSWORD_MAX:
        raise Invalid(f"密码不能超过{PASSWORD_MAX}位", field=field)
    if password.isdigit():
        raise Invalid("密码不能全部是数字", field=field)
    return password


def validate_new_password(password: str, *context: str, field: str = "password") -> str:
    """A password a person chooses in a form: also not common or trivial, nor made of ``context`` (the user name,
    the display name). zxcvbn looks at the first 72 characters; a longer password is not guessable by its lists."""
    validate_password(password, field)
    hints = [word for word in context if word]
    if zxcvbn(password[:72], user_inputs=hints)["score"] < PASSWORD_MIN_SCORE:
        raise Invalid(WEAK_PASSWORD, field=field)
    lowered = password.lower()
    if any(len(word) >= 4 and word.lower() in lowered for word in hints):
        raise Invalid(WEAK_PASSWORD, field=field)
    return password


def validate_phone(phone: str | None) -> str | None:
    phone = (phone or "").strip().replace(" ", "")
    if not phone:
        return None
    if not PHONE_RE.match(phone):
        raise Invalid("请填写11位手机号或带区号的固定电话", field="phone")
    return phone


def get_user(user_id: int) -> User:
    return get_or_raise(User, user_id, "用户不存在")


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == (username or "").strip().lower()))


def get_department(department_id: int) -> Department:
    return get_or_raise(Department, department_id, "部门不存在")


def find_department(name: str) -> Department | None:
    name = (name or "").strip()
    return db.session.scalar(
        sa.select(Department).where(sa.or_(Department.name == name, Department.short_name == name))
    )


def list_departments() -> list[Department]:
    return list(db.session.scalars(sa.select(Department).order_by(Department.sort_order, Department.id)))


def department_tree() -> list[tuple[Department, int]]:
    """All departments in tree order with their depth, for directories and select boxes."""
    by_parent: dict[int | None, list[Department]] = {}
    for dept in list_departments():
        by_parent.setdefault(dept.parent_id, []).append(dept)
    out: list[tuple[Department, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for dept in by_parent.get(parent_id, []):
            out.append((dept, depth))
            walk(dept.id, depth + 1)

    walk(None, 0)
    return out


def _ensure_username_free(username: str, exclude_id: int | None = None) -> None:
    existing = find_user(username)
    if existing is not None and existing.id != exclude_id:
        raise Conflict("该用户名已被使用，请换一个", field="username")


def enterprise_for(name: str, uscc: str) -> Enterprise:
    """The enterprise with this USCC (checked per GB 32100-2015), added with ``name`` when new."""
    name = (name or "").strip()
    if not name:
        raise Invalid("请填写企业名称", field="enterprise_name")
    if len(name) > 120:
        raise Invalid("企业名称不能超过120个字", field="enterprise_name")
    code = normalize_uscc(uscc)
    if problem := uscc_problem(code):
        raise Invalid(problem, field="uscc")
    enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.uscc == code))
    if enterprise is None:
        enterprise = Enterprise(name=name, uscc=code)
        db.session.add(enterprise)
    return enterprise


@dataclass
class Registration:
    username: str
    display_name: str
    password: str
    phone: str | None = None
    role: Role = Role.CITIZEN
    enterprise_name: str = ""
    uscc: str = ""


def register(data: Registration) -> User:
    """Self-service sign-up: citizens, and entrepreneurs with a valid USCC."""
    if data.role not in SELF_SERVICE_ROLES:
        raise Invalid("只能注册市民或企业家账号", field="role")
    username = validate_username(data.username)
    display_name = validate_display_name(data.display_name)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=_hash(validate_new_password(data.password, username, display_name)),
        phone=validate_phone(data.phone),
    )
    _ensure_username_free(username)
    if data.role == Role.ENTREPRENEUR:
        with db.session.no_autoflush:
            user.enterprise = enterprise_for(data.enterprise_name, data.uscc)
    user.set_roles({data.role})
    db.session.add(user)
    db.session.commit()
    return user


# Per hash method, a hash to verify against when the user does not exist, made once: a log-in then costs one
# verification of the same method and cost whether or not the account exists.
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-password", method=method)
    return _DUMMY_HASHES[method]


def authenticate(username: str, password: str) -> User | None:
    """The user for these credentials, or None; same work whether or not the user exists: exactly one password
    verification (the dummy hash is made before the lookup, by whichever attempt comes first)."""
    dummy = _dummy_hash()
    user = find_user(username)
    if user is None or not user.active:
        check_password_hash(dummy, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def change_password(actor: User, current: str, new: str) -> bool:
    """Change one's own password. Every other session of the account ends, and this one gets a new key (so
    copies of its old cookies die too); returns whether it had remember-me, for ``login_user``."""
    require(actor, "account.change_password", actor)
    if not check_password_hash(actor.password_hash, current or ""):
        raise Invalid("当前密码不正确", field="current_password")
    validate_new_password(new, actor.username, actor.display_name, field="new_password")
    if current == new:
        raise Invalid("新密码不能与当前密码相同", field="new_password")
    actor.password_hash = _hash(new)
    remember = sessions.renew(actor)
    db.session.commit()
    return remember


def sign_out_everywhere(actor: User) -> None:
    """退出所有设备: end every session of the account, the current one included."""
    require(actor, "account.end_sessions", actor)
    sessions.end_all(actor)
    db.session.commit()


@dataclass
class UserData:
    username: str
    display_name: str
    roles: set[Role]
    password: str | None = None
    phone: str | None = None
    email: str | None = None
    department_id: int | None = None
    position: DepartmentPosition | None = None
    title: str = ""
    enterprise_name: str = ""
    uscc: str = ""
    active: bool = True


def _apply(user: User, data: UserData) -> None:
    if not data.roles:
        raise Invalid("请至少选择一个角色", field="roles")
    user.display_name = validate_display_name(data.display_name)
    user.phone = validate_phone(data.phone)
    user.email = (data.email or "").strip() or None
    user.title = (data.title or "").strip()[:60]
    user.active = data.active
    needs_department = data.roles & {Role.OFFICIAL, Role.UNIT}
    if data.department_id:
        user.department = get_department(data.department_id)
    elif needs_department:
        raise Invalid("部门工作人员和基层单位账号必须属于一个部门", field="department_id")
    else:
        user.department = None
    user.position = (data.position or DepartmentPosition.MEMBER) if user.department else None
    if Role.ENTREPRENEUR in data.roles:
        if data.uscc or user.enterprise is None:
            user.enterprise = enterprise_for(data.enterprise_name, data.uscc)
    else:
        user.enterprise = None
    user.set_roles(set(data.roles))


def create_user(actor: User | None, data: UserData, *, password_hash: str | None = None) -> User:
    """Create any kind of account: an administrator, or ``SYSTEM`` (the CLI, the demo loader). ``password_hash``:
    :func:`hash_password` of ``data.password``, made earlier (the caller vouches that they match)."""
    require(actor, "users.manage")
    username = validate_username(data.username)
    password = data.password or ""
    if actor is SYSTEM:  # the CLI and demo data set their own passwords (the demo's is demo1234)
        validate_password(password)
    else:  # a person in the admin form
        validate_new_password(password, username, data.display_name)
    user = User(username=username, password_hash=password_hash or _hash(password))
    _ensure_username_free(username)
    with db.session.no_autoflush:
        _apply(user, data)
    db.session.add(user)
    db.session.commit()
    return user


def update_user(actor: User, user: User, data: UserData) -> User:
    require(actor, "users.manage")
    if user.id == actor.id and Role.ADMIN not in data.roles:
        raise Invalid("不能取消自己的管理员角色", field="roles")
    if user.id == actor.id and not data.active:
        raise Invalid("不能停用自己的账号", field="active")
    was_active = user.active
    _apply(user, data)
    if data.password:
        user.password_hash = _hash(validate_new_password(data.password, user.username, user.display_name))
    if data.password or (was_active and not user.active):
        sessions.end_all(user)  # a new password, or a deactivated account: every browser signs in again
    db.session.commit()
    return user


@dataclass
class DepartmentData:
    name: str
    short_name: str
    kind: DepartmentKind
    parent_id: int | None = None
    phone: str = ""
    description: str = ""
    sort_order: int = 0


def _apply_department(dept: Department, data: DepartmentData) -> None:
    name = (data.name or "").strip()
    if not name or len(name) > 80:
        raise Invalid("部门名称须为1至80个字", field="name")
    other = db.session.scalar(sa.select(Department).where(Department.name == name))
    if other is not None and other.id != dept.id:
        raise Conflict("已有同名部门", field="name")
    short = (data.short_name or "").strip() or name
    if len(short) > 20:
        raise Invalid("简称不能超过20个字", field="short_name")
    parent = get_department(data.parent_id) if data.parent_id else None
    node = parent
    while node is not None:
        if node.id is not None and node.id == dept.id:
            raise Invalid("上级部门不能是本部门或其下级", field="parent_id")
        node = node.parent
    phone = (data.phone or "").strip()
    if len(phone) > 40:
        raise Invalid("电话不能超过40个字符", field="phone")
    dept.name, dept.short_name, dept.kind, dept.parent = name, short, data.kind, parent
    dept.phone, dept.description, dept.sort_order = phone, (data.description or "").strip(), data.sort_order


def create_department(actor: User | None, data: DepartmentData) -> Department:
    require(actor, "departments.manage")
    dept = Department()
    _apply_department(dept, data)
    db.session.add(dept)
    db.session.commit()
    return dept


def update_department(actor: User, dept: Department, data: DepartmentData) -> Department:
    require(actor, "departments.manage")
    _apply_department(dept, data)
    db.session.commit()
    return dept


def list_users(query: str = "", role: Role | None = None, page: int = 1, per_page: int = 50):
    stmt = sa.select(User).order_by(User.id)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), User.display_name.ilike(like)))
    if role:
        stmt = stmt.where(User.role_rows.any(role=role))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
