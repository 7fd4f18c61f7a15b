import pytest

from portal.accounts import services
from portal.accounts.models import DepartmentKind, Role
from portal.accounts.permissions import can, require
from portal.errors import Conflict, Forbidden, Invalid, Unauthorized


def registration(**overrides):
    data = dict(username="huming", display_name="胡明", password="secret-pass", phone="13800001234")
    data.update(overrides)
    return services.Registration(**data)


def test_register_citizen_stores_salted_hash_not_password(db):
    user = services.register(registration())
    assert user.roles == {Role.CITIZEN}
    assert "secret-pass" not in user.password_hash
    other = services.register(registration(username="other"))
    assert other.password_hash != user.password_hash, "hashes are salted"


def test_register_entrepreneur_creates_enterprise(db):
    user = services.register(
        registration(role=Role.ENTREPRENEUR, enterprise_name="海润食品", uscc=" 91350100m000100y43 ")
    )
    assert user.enterprise.uscc == "91350100M000100Y43"
    assert user.has_role(Role.ENTREPRENEUR)


def test_register_entrepreneur_with_wrong_check_character_is_refused(db):
    with pytest.raises(Invalid) as err:
        services.register(registration(role=Role.ENTREPRENEUR, enterprise_name="海润", uscc="91350100M000100Y44"))
    assert err.value.field == "uscc"
    assert "校验码" in err.value.message
    assert services.find_user("huming") is None


def test_register_cannot_grant_staff_roles(db):
    with pytest.raises(Invalid):
        services.register(registration(role=Role.ADMIN))


def test_duplicate_username_is_a_conflict_case_insensitively(db):
    services.register(registration())
    with pytest.raises(Conflict):
        services.register(registration(username="HuMing"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "a", "用户名"),
        ("username", "有 空格", "用户名"),
        ("username", "-dash", "用户名"),
        ("display_name", "  ", "姓名"),
        ("display_name", "名" * 41, "40"),
        ("password", "short", "至少"),
        ("password", "12345678", "数字"),
        ("phone", "12345", "手机号"),
    ],
)
def test_register_validation_messages(db, field, value, message):
    with pytest.raises(Invalid) as err:
        services.register(registration(**{field: value}))
    assert message in err.value.message


def test_authenticate_right_and_wrong(db):
    services.register(registration())
    assert services.authenticate("HUMING", "secret-pass").username == "huming"
    assert services.authenticate("huming", "wrong-pass") is None
    assert services.authenticate("nobody", "secret-pass") is None


def test_inactive_user_cannot_authenticate(db, factory, users):
    user = factory.user(Role.CITIZEN)
    data = services.UserData(username=user.username, display_name=user.display_name, roles={Role.CITIZEN}, active=False)
    services.update_user(users["admin"], user, data)
    assert services.authenticate(user.username, "password123") is None


def test_change_password_requires_current(db, factory):
    user = factory.user()
    with pytest.raises(Invalid) as err:
        services.change_password(user, "wrong", "new-password-1")
    assert err.value.field == "current_password"
    services.change_password(user, "password123", "new-password-1")
    assert services.authenticate(user.username, "new-password-1") is not None
    assert services.authenticate(user.username, "password123") is None


def test_user_holds_several_roles(db, factory):
    dept = factory.department("市住房和城乡建设局")
    user = factory.user(Role.OFFICIAL, Role.HOST, department=dept)
    assert user.roles == {Role.OFFICIAL, Role.HOST}
    assert user.department.name == "市住房和城乡建设局"


def test_official_needs_a_department(db, users):
    with pytest.raises(Invalid) as err:
        services.create_user(
            users["admin"],
            services.UserData(
                username="nodept", display_name="无部门", roles={Role.OFFICIAL}, password="Qd-hearing-2026"
            ),
        )
    assert err.value.field == "department_id"


def test_only_admins_manage_users_and_departments(db, users):
    data = services.UserData(username="x1", display_name="某人", roles={Role.CITIZEN}, password="Qd-hearing-2026")
    for role in ("citizen", "official", "dispatcher", "host", "moderator"):
        with pytest.raises(Forbidden):
            services.create_user(users[role], data)
        with pytest.raises(Forbidden):
            services.create_department(
                users[role], services.DepartmentData(name="新部门", short_name="", kind=DepartmentKind.OFFICE)
            )
    assert services.create_user(users["admin"], data).username == "x1"


def test_anonymous_is_unauthorized_not_forbidden(db):
    from flask_login import AnonymousUserMixin

    with pytest.raises(Unauthorized):
        require(AnonymousUserMixin(), "users.manage")
    assert not can(AnonymousUserMixin(), "users.manage")


def test_unknown_action_is_a_programming_error(db, users):
    with pytest.raises(RuntimeError):
        can(users["admin"], "no.such.action")


def test_department_tree_order_and_cycle_refused(db, factory, users):
    city = factory.department("市人民政府", kind=DepartmentKind.CITY)
    district = factory.department("莱芜区人民政府", kind=DepartmentKind.DISTRICT, parent=city)
    street = factory.department("凤城街道办事处", kind=DepartmentKind.TOWNSHIP, parent=district)
    names = {"市人民政府", "莱芜区人民政府", "凤城街道办事处"}
    tree = [(d.name, depth) for d, depth in services.department_tree() if d.name in names]
    assert tree == [("市人民政府", 0), ("莱芜区人民政府", 1), ("凤城街道办事处", 2)]
    assert [d.name for d in street.ancestors()] == ["莱芜区人民政府", "市人民政府"]
    with pytest.raises(Invalid):
        services.update_department(
            users["admin"],
            city,
            services.DepartmentData(name=city.name, short_name="市政府", kind=DepartmentKind.CITY, parent_id=street.id),
        )


def test_duplicate_department_name_is_a_conflict(db, factory):
    factory.department("市司法局")
    with pytest.raises(Conflict):
        factory.department("市司法局")
