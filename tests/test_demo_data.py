"""The demo is data: a city loads its own folder of YAML files instead of demo/ (docs/DEMO-DATA.md)."""

from __future__ import annotations

import textwrap

import pytest

from portal import demo


def test_demo_load_reads_another_folder_and_skips_files_it_does_not_have(runner, db, tmp_path):
    (tmp_path / "accounts.yaml").write_text(
        textwrap.dedent(
            """\
            password: city-pass-1
            departments:
            - {name: 某市人民政府, short: 市政府, kind: city, parent: null, phone: '12345'}
            - {name: 某市数据局, short: 数据局, kind: office, parent: 某市人民政府, phone: '0000-1'}
            users:
            - {username: clerk, name: 张三, roles: [official], department: 数据局, position: liaison, title: 科员}
            """
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["demo", "load", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "accounts: 2 departments and 1 users created" in result.output
    assert "no plan in the demo data" in result.output

    from portal.accounts import services

    clerk = services.authenticate("clerk", "city-pass-1")
    assert clerk is not None and clerk.department.name == "某市数据局"
    assert services.find_department("某市数据局").parent.name == "某市人民政府"
    assert services.find_user("admin") is None  # nothing of demo/ was loaded


def test_a_name_the_data_does_not_define_stops_the_load_with_a_message(runner, db, tmp_path):
    (tmp_path / "accounts.yaml").write_text(
        "users:\n- {username: x, name: X, roles: [official], department: 不存在的局}\n", encoding="utf-8"
    )
    result = runner.invoke(args=["demo", "load", "--data", str(tmp_path)])
    assert result.exit_code != 0 and "不存在的局" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-9d 16:41", "2026-11-22 16:41"), ("+45d 09:00", "2027-01-15 09:00"), ("-25m", "2026-12-01 11:35")],
)
def test_demo_times_are_relative_to_the_moment_of_loading(text, expected):
    from datetime import datetime

    from portal.times import LOCAL_TZ, to_local

    now = datetime(2026, 12, 1, 12, 0, tzinfo=LOCAL_TZ)
    assert to_local(demo.moment(text, now)).strftime("%Y-%m-%d %H:%M") == expected


def test_the_folder_given_on_the_command_line_is_used_for_that_load_only(runner, app, db, tmp_path):
    (tmp_path / "accounts.yaml").write_text("departments: []\n", encoding="utf-8")
    assert runner.invoke(args=["demo", "load", "--data", str(tmp_path)]).exit_code == 0
    with app.app_context():
        assert demo.data_dir() == demo.DEFAULT_DATA_DIR
