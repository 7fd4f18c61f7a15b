import re

import pytest

from portal.accounts import services
from portal.accounts.models import Role


def form(**overrides):
    data = {
        "role": "citizen",
        "username": "huming",
        "display_name": "胡明",
        "phone": "",
        "password": "secret-pass",
        "confirm": "secret-pass",
        "enterprise_name": "",
        "uscc": "",
    }
    data.update(overrides)
    return data


def test_register_page_is_labelled_and_chinese(client):
    html = client.get("/register").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    for field_id in ("username", "display_name", "password", "confirm", "uscc"):
        assert re.search(rf'<label for="{field_id}">', html), field_id


def test_register_logs_in_and_shows_name(client, ctx):
    response = client.post("/register", data=form())
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "胡明" in home
    assert services.find_user("huming").has_role(Role.CITIZEN)


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"username": ""}, 400, "此项为必填项"),
        ({"display_name": ""}, 400, "此项为必填项"),
        ({"password": "", "confirm": ""}, 400, "此项为必填项"),
        ({"display_name": "长" * 41}, 400, "不能超过40个字"),
        ({"username": "u" * 41}, 400, "不能超过40位"),
        ({"password": "x" * 129, "confirm": "x" * 129}, 400, "不能超过128位"),
        ({"confirm": "different"}, 400, "两次输入的密码不一致"),
        ({"username": "A B"}, 400, "用户名须为"),
        ({"role": "entrepreneur", "enterprise_name": "海润", "uscc": "91350100M000100Y44"}, 400, "校验码"),
        ({"role": "entrepreneur", "enterprise_name": "海润", "uscc": "123"}, 400, "应为18位"),
        ({"role": "admin"}, 400, "Not a valid choice"),
    ],
)
def test_register_bad_input_gets_a_clear_message(client, ctx, overrides, status, message):
    response = client.post("/register", data=form(**overrides))
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in html or (message == "Not a valid choice" and "不是有效选项" in html) or message in html
    assert services.find_user("huming") is None or overrides.get("username") == "huming"


def test_register_duplicate_username_is_409_and_keeps_first_account(client, ctx):
    client.post("/register", data=form())
    other = client.application.test_client()
    response = other.post(
        "/register", data=form(display_name="冒名者", password="another-pass-2", confirm="another-pass-2")
    )
    assert response.status_code == 409
    assert "已被使用" in response.get_data(as_text=True)
    assert services.authenticate("huming", "secret-pass").display_name == "胡明"


def test_login_failure_message_is_the_same_for_unknown_user_and_wrong_password(client, users):
    wrong_password = client.post("/login", data={"username": "citizen", "password": "nope-nope"})
    unknown_user = client.post("/login", data={"username": "ghost", "password": "nope-nope"})
    assert wrong_password.status_code == unknown_user.status_code == 401
    body = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert body(wrong_password) == body(unknown_user)
    assert "用户名或密码错误" in body(unknown_user)


def test_login_redirects_only_to_local_paths(client, users):
    ok = client.post("/login?next=/departments/", data={"username": "citizen", "password": "password123"})
    assert ok.headers["Location"].endswith("/departments/")
    client.post("/logout")
    evil = client.post("/login?next=https://evil.example/", data={"username": "citizen", "password": "password123"})
    assert "evil.example" not in evil.headers["Location"]


def test_logout_is_post_only(login, users):
    client = login(users["citizen"])
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302  # back to login


def test_change_password_through_the_page(login, users, ctx):
    client = login(users["citizen"])
    bad = client.post(
        "/account/password",
        data={"current_password": "wrong-one", "new_password": "new-pass-1", "confirm": "new-pass-1"},
    )
    assert bad.status_code == 400 and "当前密码不正确" in bad.get_data(as_text=True)
    mismatch = client.post(
        "/account/password",
        data={"current_password": "password123", "new_password": "new-pass-1", "confirm": "new-pass-2"},
    )
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    ok = client.post(
        "/account/password",
        data={"current_password": "password123", "new_password": "new-pass-1", "confirm": "new-pass-1"},
    )
    assert ok.status_code == 302
    assert services.authenticate("citizen", "new-pass-1") is not None


@pytest.mark.parametrize("role", ["citizen", "official", "dispatcher", "moderator", "host", "editor"])
def test_admin_screens_refuse_non_admins(login, users, role):
    client = login(users[role])
    for path in ("/admin/users", "/admin/users/new", "/admin/departments", f"/admin/users/{users['admin'].id}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "没有权限" in response.get_data(as_text=True)


def test_admin_screens_send_anonymous_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_creates_official_with_roles_and_department(login, users, factory, ctx):
    dept = factory.department("市行政审批服务局", short_name="行政审批局")
    client = login(users["admin"])
    response = client.post(
        "/admin/users/new",
        data={
            "username": "wangfang",
            "display_name": "王芳",
            "roles": ["official", "host"],
            "department_id": dept.id,
            "position": "liaison",
            "title": "科长",
            "phone": "13912345678",
            "password": "initial-pass",
            "active": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    user = services.find_user("wangfang")
    assert user.roles == {Role.OFFICIAL, Role.HOST}
    assert user.department_id == dept.id and user.position.value == "liaison"
    listing = client.get("/admin/users?role=official").get_data(as_text=True)
    assert "王芳" in listing and "联络员" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "display_name": "x"}, "此项为必填项"),
        ({"username": "nodept", "display_name": "x", "roles": ["official"], "password": "initial-pass"}, "必须属于"),
        ({"username": "noroles", "display_name": "x", "password": "initial-pass"}, "至少选择一个角色"),
        ({"username": "admin", "display_name": "x", "roles": ["citizen"], "password": "initial-pass"}, "已被使用"),
        (
            {
                "username": "ent",
                "display_name": "x",
                "roles": ["entrepreneur"],
                "password": "initial-pass",
                "enterprise_name": "某公司",
                "uscc": "91350100M000100Y4Z",
            },
            "不允许的字符",
        ),
    ],
)
def test_admin_user_form_bad_input(login, users, data, message):
    client = login(users["admin"])
    data = {"position": "member", "active": "y", **data}
    response = client.post("/admin/users/new", data=data)
    assert 400 <= response.status_code < 500
    assert message in response.get_data(as_text=True)


def test_admin_edits_user_roles(login, users, ctx):
    client = login(users["admin"])
    target = users["citizen"]
    response = client.post(
        f"/admin/users/{target.id}",
        data={
            "username": "ignored",
            "display_name": "胡明（改）",
            "roles": ["citizen", "moderator"],
            "position": "member",
            "active": "y",
        },
    )
    assert response.status_code == 302
    user = services.find_user("citizen")
    assert user.roles == {Role.CITIZEN, Role.MODERATOR} and user.display_name == "胡明（改）"


def test_admin_department_crud(login, users, ctx):
    client = login(users["admin"])
    response = client.post(
        "/admin/departments/new",
        data={
            "name": "市大数据发展管理局",
            "short_name": "大数据局",
            "kind": "office",
            "phone": "0532-1",
            "sort_order": 3,
        },
    )
    assert response.status_code == 302
    dept = services.find_department("大数据局")
    assert dept is not None
    response = client.post(
        f"/admin/departments/{dept.id}",
        data={"name": "市大数据局", "short_name": "大数据局", "kind": "office", "phone": "0532-2"},
    )
    assert response.status_code == 302
    assert services.get_department(dept.id).name == "市大数据局"
    duplicate = client.post("/admin/departments/new", data={"name": "市大数据局", "kind": "office"})
    assert duplicate.status_code == 409 and "同名" in duplicate.get_data(as_text=True)
    assert "市大数据局" in client.get("/admin/departments").get_data(as_text=True)


def test_unknown_ids_are_chinese_404(login, users):
    client = login(users["admin"])
    response = client.get("/admin/users/99999")
    assert response.status_code == 404 and "用户不存在" in response.get_data(as_text=True)
