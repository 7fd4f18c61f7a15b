"""Progress reports (调度) by the lead department: validation, history, milestones, status."""

from datetime import UTC, date, datetime

import pytest

from portal.errors import Invalid
from portal.plans import services
from portal.plans.models import TaskStatus, TaskUpdate

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def report(scenario, progress="60", note="完成首批场景上线", **extra):
    return services.report_progress(
        scenario.lead_official,
        scenario.task.id,
        services.ProgressReport(progress=progress, note=note, **extra),
        now=NOW,
    )


def test_each_report_appends_one_history_row_with_old_and_new_values(scenario, db):
    report(scenario, progress="30", note="一期开发完成")
    report(scenario, progress="60", note="二期联调完成")

    rows = services.task_history(scenario.task.id)
    assert [(r.old_progress, r.new_progress) for r in rows] == [(30, 60), (0, 30)]
    assert rows[1].old_status == TaskStatus.NOT_STARTED
    assert rows[1].new_status == TaskStatus.IN_PROGRESS
    assert rows[0].actor_id == scenario.lead_official.id
    assert rows[0].note == "二期联调完成"
    assert rows[0].report_date == date(2026, 11, 23)


def test_report_changes_the_tasks_progress_and_status(scenario, db):
    report(scenario, progress="45")
    db.session.refresh(scenario.task)
    assert scenario.task.progress == 45
    assert scenario.task.status == TaskStatus.IN_PROGRESS


def test_reaching_one_hundred_percent_marks_the_task_done_on_the_report_date(scenario, db):
    report(scenario, progress="100", note="全部完成", report_date="2026-11-20")
    db.session.refresh(scenario.task)
    assert scenario.task.status == TaskStatus.DONE
    assert scenario.task.completed_on == date(2026, 11, 20)


def test_ticking_a_milestone_records_it_in_the_history(scenario, db):
    first = scenario.task.milestones[0]
    update = report(scenario, milestones_done={first.id})
    db.session.refresh(first)
    assert first.done and first.done_on == date(2026, 11, 23)
    assert update.milestone_changes == "完成节点：首批场景上线"


def test_a_note_alone_is_a_valid_report_and_is_kept(scenario, db):
    report(scenario, progress="0", note="本周召开专题调度会")
    assert db.session.query(TaskUpdate).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"progress": "abc"}, "progress", "整数"),
        ({"progress": "-1"}, "progress", "0 到 100"),
        ({"progress": "101"}, "progress", "0 到 100"),
        ({"progress": ""}, "progress", "整数"),
        ({"note": "   "}, "note", "请填写进展说明"),
        ({"note": "长" * 1001}, "note", "不能超过 1000 字"),
        ({"report_date": "2026-11-24"}, "report_date", "不能晚于今天"),
        ({"report_date": "23/11/2026"}, "report_date", "格式"),
        ({"progress": "50", "status": "done"}, "status", "100%"),
        ({"progress": "100", "status": "in_progress"}, "status", "已完成"),
        ({"progress": "20", "status": "not_started"}, "status", "应为 0"),
        ({"status": "finished"}, "status", "未知"),
    ],
)
def test_bad_reports_are_refused_with_a_chinese_message_and_nothing_saved(scenario, db, changes, field, message):
    values = {"progress": "60", "note": "进展说明", **changes}
    with pytest.raises(Invalid) as refused:
        report(scenario, **values)
    assert refused.value.field == field
    assert message in refused.value.message
    db.session.refresh(scenario.task)
    assert scenario.task.progress == 0
    assert db.session.query(TaskUpdate).count() == 0


def test_a_milestone_of_another_task_is_refused(scenario, plans, db):
    other = plans.task(scenario.goal, scenario.lead, milestones="2026-01-01 别的节点")
    with pytest.raises(Invalid):
        report(scenario, milestones_done={other.milestones[0].id})


def test_posting_a_report_over_http_redirects_to_the_history(scenario, login, db):
    client = login(scenario.lead_official)
    response = client.post(
        f"/plans/tasks/{scenario.task.id}/updates", data={"progress": "35", "note": "完成需求调研", "status": ""}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#history")
    page = client.get(f"/plans/tasks/{scenario.task.id}").get_data(as_text=True)
    assert "完成需求调研" in page
    assert "0% → <strong>35%</strong>" in page


def test_bad_input_over_http_answers_400_with_the_message_and_keeps_what_was_typed(scenario, login, db):
    client = login(scenario.lead_official)
    response = client.post(f"/plans/tasks/{scenario.task.id}/updates", data={"progress": "150", "note": "草稿说明"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "进度必须在 0 到 100 之间" in body
    assert "草稿说明" in body
