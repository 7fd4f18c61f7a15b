"""A password a person chooses in a form is neither common nor trivial nor their user name.

Threat: an online guess of `password` or `12345678` succeeds before any throttle notices; the lists of common
passwords (zxcvbn's, with its keyboard walks, repeats and sequences) are where attackers start.
"""

from __future__ import annotations

import pytest

from portal.accounts import services
from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.errors import Invalid
from tests.support.forms import open_form

WEAK = [
    "x" * 128,
    "password",
    "aaaaaaaa",
    "qwertyui",
    "12345678",
    "password123",
    "iloveyou",
    "abcd1234",
    "1qaz2wsx",
    "demo1234",
]
STRONG = "Tide!Harbour-58"


@pytest.mark.parametrize("password", WEAK)
def test_common_and_trivial_passwords_are_refused(password):
    with pytest.raises(Invalid) as err:
        services.validate_new_password(password, "huming", "胡明")
    assert "太常见或太简单" in err.value.message or "数字" in err.value.message


@pytest.mark.parametrize("password", ["huming2024", "my-huming-pass", "HuMing!!88"])
def test_the_user_name_inside_the_password_is_refused(password):
    with pytest.raises(Invalid):
        services.validate_new_password(password, "huming", "胡明")


LONG = "Harbour tide 58, the Qingdao hearing at noon; Laiwu whistles twice and the street answers by dusk!"


@pytest.mark.parametrize("password", [STRONG, "qingdao-hearing-7", "wo ai bei jing", LONG])
def test_uncommon_passwords_are_accepted(password):
    assert services.validate_new_password(password, "huming", "胡明") == password


def test_the_demo_loader_and_the_cli_keep_their_own_passwords(db):
    """demo1234 is in the common lists; the demo data (loaded by SYSTEM, not through a form) still uses it."""
    user = services.create_user(
        SYSTEM, services.UserData(username="demo1", display_name="演示", roles={Role.CITIZEN}, password="demo1234")
    )
    assert services.authenticate("demo1", "demo1234") == user


def _register(client, password: str, username: str = "huming"):
    form = open_form(client, "/register")
    form.fill("用户名", username).fill("姓名或称呼", "胡明").fill("密码", password).fill("确认密码", password)
    return form.submit()


def test_sign_up_refuses_a_common_password_with_a_clear_message(client, ctx):
    response = _register(client, "qwertyui")
    assert response.status_code == 400
    assert "密码太常见或太简单" in response.get_data(as_text=True)
    assert services.find_user("huming") is None
    assert _register(client, "huming123").status_code == 400
    assert _register(client, STRONG).status_code == 302


def test_password_change_refuses_a_common_password(login, users, ctx):
    client = login(users["citizen"])
    form = open_form(client, "/account", form="#change-password")
    form.fill("当前密码", "password123").fill("新密码", "aaaaaaaa").fill("确认新密码", "aaaaaaaa")
    response = form.submit()
    assert response.status_code == 400 and "密码太常见或太简单" in response.get_data(as_text=True)
    assert services.authenticate("citizen", "password123") is not None


def test_the_administrators_password_field_refuses_a_common_password(login, users, ctx):
    admin = login(users["admin"])
    form = open_form(admin, f"/admin/users/{users['citizen'].id}", form="保存")
    response = form.fill("密码", "password").submit()
    assert response.status_code == 400 and "密码太常见或太简单" in response.get_data(as_text=True)
    new = open_form(admin, "/admin/users/new", form="保存")
    new.fill("用户名", "newbie").fill("姓名", "新人").check("角色", "市民").fill("密码", "12345678abc")
    response = new.submit()
    assert response.status_code == 400 and "密码太常见或太简单" in response.get_data(as_text=True)
    assert services.find_user("newbie") is None
