"""The plan editor: an admin builds a plan, moves it through its states and publishes versions."""

import pytest

from portal.extensions import db as _db
from portal.plans.models import Battle, Goal, Plan, PlanState, Task


@pytest.fixture
def admin(users, login):
    return login(users["admin"])


def test_admin_creates_a_plan_in_draft(admin, factory, db):
    office = factory.department("市政府办公室")
    response = admin.post(
        "/plans/admin/new",
        data={
            "title": "高效青岛建设攻势 3.0 作战方案",
            "version_label": "3.0",
            "year": "2021",
            "lead_department_id": str(office.id),
            "summary": "精简和提质",
        },
    )
    plan = db.session.scalars(_db.select(Plan)).one()
    assert response.status_code == 302
    assert (plan.title, plan.version_label, plan.year, plan.state) == (
        "高效青岛建设攻势 3.0 作战方案",
        "3.0",
        2021,
        PlanState.DRAFT,
    )
    assert plan.lead_department_id == office.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "version_label": "1.0", "year": "2021"}, "请填写方案名称"),
        ({"title": "方案", "version_label": "第一版", "year": "2021"}, "版本号只能包含"),
        ({"title": "方案", "version_label": "1.0", "year": "二〇二一"}, "年度应为整数"),
        ({"title": "方案", "version_label": "1.0", "year": "1999"}, "年度应在"),
    ],
)
def test_bad_plan_input_answers_400_with_a_chinese_message(admin, db, data, message):
    response = admin.post("/plans/admin/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(Plan).count() == 0


def test_admin_adds_battle_goal_and_task(admin, plans, factory, db):
    plan = plans.plan()
    lead, other = factory.department("行政审批局"), factory.department("大数据局")
    assert admin.post(f"/plans/admin/{plan.id}/battles", data={"title": "审批提质增效"}).status_code == 302
    battle = db.session.scalars(_db.select(Battle)).one()
    assert (
        admin.post(f"/plans/admin/battles/{battle.id}/goals", data={"title": "新增主题式服务场景"}).status_code == 302
    )
    goal = db.session.scalars(_db.select(Goal)).one()
    response = admin.post(
        f"/plans/admin/{plan.id}/tasks/new",
        data={
            "goal_id": str(goal.id),
            "title": "围绕“一件事”新增 100 项主题式服务场景",
            "lead_department_id": str(lead.id),
            "participating_department_ids": [str(other.id)],
            "responsible_leader": "分管副市长 赵立新",
            "contact_name": "杨帆",
            "contact_phone": "13905320008",
            "start_date": "2021-03-01",
            "due_date": "2021-12-31",
            "weight": "2",
            "milestones": "2021-06-30 首批 40 项场景上线\n2021-12-31 累计新增 100 项",
        },
    )
    assert response.status_code == 302
    task = db.session.scalars(_db.select(Task)).one()
    assert task.plan_id == plan.id and task.weight == 2
    assert [d.name for d in task.participating_departments] == ["大数据局"]
    assert [(m.due_date.isoformat(), m.title) for m in task.milestones] == [
        ("2021-06-30", "首批 40 项场景上线"),
        ("2021-12-31", "累计新增 100 项"),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_date": "2021-01-01"}, "完成时限不能早于开始日期"),
        ({"due_date": ""}, "请填写完成时限"),
        ({"lead_department_id": ""}, "请选择牵头部门"),
        ({"weight": "-1"}, "权重应在 0 到 100 之间"),
        ({"contact_phone": "call me"}, "联系电话只能包含"),
        ({"milestones": "六月底 上线"}, "时间节点第 1 行格式"),
        ({"milestones": "2021-02-30 上线"}, "日期无效"),
        ({"title": "任" * 201}, "任务名称不能超过 200 字"),
    ],
)
def test_bad_task_input_answers_400_and_saves_nothing(admin, scenario, db, changes, message):
    data = {
        "goal_id": str(scenario.goal.id),
        "title": "新任务",
        "lead_department_id": str(scenario.lead.id),
        "start_date": "2021-03-01",
        "due_date": "2021-12-31",
        **changes,
    }
    response = admin.post(f"/plans/admin/{scenario.plan.id}/tasks/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(Task).count() == 1


def test_editing_a_task_keeps_its_progress_and_ticked_milestones(admin, scenario, db):
    milestone = scenario.task.milestones[0]
    milestone.done = True
    scenario.task.progress = 40
    db.session.commit()
    response = admin.post(
        f"/plans/admin/tasks/{scenario.task.id}",
        data={
            "goal_id": str(scenario.goal.id),
            "title": "改名后的任务",
            "lead_department_id": str(scenario.lead.id),
            "due_date": "2026-12-31",
            "milestones": "2021-06-30 首批场景上线\n2027-06-30 新增节点",
        },
    )
    assert response.status_code == 302
    db.session.refresh(scenario.task)
    assert scenario.task.title == "改名后的任务" and scenario.task.progress == 40
    assert [(m.title, m.done) for m in scenario.task.milestones] == [("首批场景上线", True), ("新增节点", False)]


def test_admin_moves_the_plan_through_its_states_and_publishes(admin, scenario, db):
    plan_id = scenario.plan.id
    assert admin.post(f"/plans/admin/{plan_id}/state", data={"state": "defended", "note": "答辩"}).status_code == 302
    assert admin.post(f"/plans/admin/{plan_id}/publish", data={"note": "答辩后发布"}).status_code == 302
    db.session.refresh(scenario.plan)
    assert scenario.plan.state == PlanState.PUBLISHED
    assert [v.label for v in scenario.plan.versions] == ["1.0"]


def test_a_refused_state_change_answers_409_with_the_reason(admin, scenario):
    response = admin.post(f"/plans/admin/{scenario.plan.id}/state", data={"state": "revised"})
    assert response.status_code == 409
    assert "不能变更为" in response.get_data(as_text=True)


def test_publishing_a_draft_answers_409(admin, scenario):
    assert admin.post(f"/plans/admin/{scenario.plan.id}/publish").status_code == 409


def test_deleting_a_battle_removes_its_goals_and_tasks(admin, scenario, db):
    assert admin.post(f"/plans/admin/battles/{scenario.battle.id}/delete").status_code == 302
    assert db.session.query(Task).count() == 0
    assert db.session.query(Goal).count() == 0


def test_editor_page_renders_the_structure(admin, scenario):
    body = admin.get(f"/plans/admin/{scenario.plan.id}").get_data(as_text=True)
    assert scenario.battle.title in body and scenario.goal.title in body and scenario.task.title in body
    assert "记为已公开答辩" in body


def test_non_admins_cannot_post_to_the_editor(scenario, login):
    response = login(scenario.lead_official).post(f"/plans/admin/{scenario.plan.id}/battles", data={"title": "越权"})
    assert response.status_code == 403
