import pytest
import sqlalchemy as sa

from portal.accounts import services
from portal.accounts.models import Department, Role, User


def test_users_create_with_department(runner, ctx, factory):
    factory.department("市市场监督管理局", short_name="市场监管局")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "official",
            "--role",
            "host",
            "--name",
            "王建国",
            "--username",
            "wangjg",
            "--password",
            "initial-pass",
            "--department",
            "市场监管局",
        ]
    )
    assert result.exit_code == 0, result.output
    user = services.find_user("wangjg")
    assert user.roles == {Role.OFFICIAL, Role.HOST} and user.department.short_name == "市场监管局"


def test_users_create_refuses_unknown_department_and_bad_password(runner, ctx):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "official",
            "--name",
            "x1",
            "--password",
            "initial-pass",
            "--department",
            "不存在的局",
        ]
    )
    assert result.exit_code != 0 and "no department" in result.output
    result = runner.invoke(args=["users", "create", "--role", "citizen", "--name", "x2", "--password", "123"])
    assert result.exit_code != 0 and "密码至少需要" in result.output


@pytest.mark.slow
def test_demo_load_is_idempotent_and_builds_the_article_tree(runner, db):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = (
        db.session.scalar(sa.select(sa.func.count(User.id))),
        db.session.scalar(sa.select(sa.func.count(Department.id))),
    )
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert counts == (
        db.session.scalar(sa.select(sa.func.count(User.id))),
        db.session.scalar(sa.select(sa.func.count(Department.id))),
    )
    for name in (
        "市政府办公室",
        "发展改革委",
        "自然资源和规划局",
        "住房城乡建设局",
        "行政审批局",
        "综合行政执法局",
        "市场监管局",
        "生态环境局",
        "公安分局",
        "凤城街道",
        "水集街道",
    ):
        assert services.find_department(name) is not None, name
    street = services.find_department("凤城街道")
    assert street.parent.short_name == "莱芜区"
    for role in Role:
        user = services.find_user(role.value)
        assert user is not None and user.has_role(role), role
        assert services.authenticate(role.value, "demo1234") is not None


def test_demo_load_once_runs_again_only_when_loaders_change(runner, db, monkeypatch):
    from portal import demo

    calls = []
    monkeypatch.setattr(demo, "_LOADERS", [(0, "tests.a", lambda: calls.append("a") or "a: ok")])
    demo._marker().unlink(missing_ok=True)
    assert "a: ok" in runner.invoke(args=["demo", "load", "--once"]).output
    assert "already loaded" in runner.invoke(args=["demo", "load", "--once"]).output
    monkeypatch.setattr(demo, "_LOADERS", [*demo._LOADERS, (1, "tests.b", lambda: calls.append("b") or "b: ok")])
    third = runner.invoke(args=["demo", "load", "--once"])
    assert "b: ok" in third.output
    assert calls == ["a", "a", "b"]
    demo._marker().unlink(missing_ok=True)


def test_users_sign_out_ends_every_session_of_the_account(runner, login, users):
    client = login(users["citizen"])
    assert client.get("/account").status_code == 200
    result = runner.invoke(args=["users", "sign-out", "Citizen"])
    assert result.exit_code == 0 and "1 session" in result.output, result.output
    assert client.get("/account").status_code == 302
    missing = runner.invoke(args=["users", "sign-out", "nobody"])
    assert missing.exit_code != 0 and "no user named" in missing.output
