"""From an answer, a commitment that belongs to a plan task: registered through the host console's rendered form,
the task's progress reports shown on the commitment, the commitment's status on the task."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.hearings import questions, services
from portal.hearings.models import QuestionState
from tests.support.forms import open_form, parse_html


@pytest.fixture
def defended(hearings, factory):
    """A plan with a task led by the approval bureau, and its live hearing where the vice mayor answered."""
    from portal.plans import editing

    bureau = factory.department("市行政审批服务局", short_name="审批局")
    reform = factory.department("市发展和改革委员会", short_name="发改委")
    plan = editing.create_plan(SYSTEM, editing.PlanData(title="营商环境优化提升攻势", version_label="1.0", year=2026))
    battle = editing.add_battle(SYSTEM, plan.id, "审批提质增效")
    goal = editing.add_goal(SYSTEM, battle.id, "主题式服务")
    task = editing.create_task(
        SYSTEM,
        editing.TaskData(
            goal_id=goal.id, title="推行一业一证改革", lead_department_id=bureau.id, due_date="2026-12-31"
        ),
    )
    other_task = editing.create_task(
        SYSTEM,
        editing.TaskData(
            goal_id=goal.id, title="工程建设项目审批提速", lead_department_id=bureau.id, due_date="2026-12-31"
        ),
    )
    mayor = factory.user(Role.OFFICIAL, department=reform, display_name="王明")
    hearing = hearings.hearing(
        plan_id=plan.id,
        panel=[
            services.PanelData(name="王明", title="副市长", department_id=reform.id, user_id=mayor.id, is_lead=True)
        ],
    )
    q = hearings.question(hearing, text="一业一证什么时候在全市推开？")
    questions.moderate(mayor, q.id, "take")
    questions.moderate(mayor, q.id, "answer", summary="年底前在全市推开一业一证")
    return {
        "hearing": hearing,
        "question": q,
        "task": task,
        "other_task": other_task,
        "reform": reform,
        "bureau": bureau,
    }


def _register(host, d, text="年底前全市推开一业一证"):
    form = open_form(host, f"/hearings/{d['hearing'].id}/host", form="#commitment-form")
    form.select("对应问题", f"#{d['question'].id} 一业一证什么时候在全市推开？")
    form.fill("承诺内容", text)
    form.select("责任部门", "市发展和改革委员会")  # not the task's lead department: the form keeps what was chosen
    form.select("归属任务", "推行一业一证改革")
    form.fill("完成时限", (date.today() + timedelta(days=60)).isoformat())
    return form.submit(button="登记承诺")


def test_a_commitment_from_an_answer_keeps_its_question_department_and_task(defended, factory, login, client):
    host = login(factory.user(Role.HOST))
    assert _register(host, defended).status_code == 302
    (item,) = services.commitments_for_hearing(defended["hearing"].id)
    assert item.question_id == defended["question"].id
    assert item.department_id == defended["reform"].id
    assert item.task_id == defended["task"].id != defended["other_task"].id
    page = client.get(f"/hearings/commitments/{item.id}").get_data(as_text=True)
    assert "推行一业一证改革" in page and "年底前在全市推开一业一证" in page and "王明（副市长" in page


def test_a_refused_commitment_form_comes_back_with_the_choices_kept(defended, factory, login):
    host = login(factory.user(Role.HOST))
    response = _register(host, defended, text="")
    assert response.status_code == 400
    root = parse_html(response.get_data(as_text=True))
    selected = {
        select.get("name"): [o.text() for o in select.iter() if o.tag == "option" and o.has("selected")]
        for select in root.iter()
        if select.tag == "select"
    }
    assert selected["question_id"] == [f"#{defended['question'].id} 一业一证什么时候在全市推开？"]
    assert selected["department_id"] == ["市发展和改革委员会"]
    assert selected["task_id"] == ["推行一业一证改革"]
    assert services.commitments_for_hearing(defended["hearing"].id) == []


def test_a_task_of_another_plan_is_refused(defended, hearings, factory):
    from portal.errors import Invalid

    other = hearings.hearing()  # no plan
    q = hearings.question(other, QuestionState.ANSWERED)
    with pytest.raises(Invalid, match="任务"):
        services.flag_commitment(
            factory.user(Role.HOST),
            other,
            q.id,
            defended["reform"].id,
            "承诺的内容文字",
            date.today(),
            defended["task"].id,
        )


def test_the_commitment_follows_its_task_and_the_task_shows_the_commitment(defended, factory, login, client):
    from portal.plans import services as plans

    host = login(factory.user(Role.HOST))
    _register(host, defended)
    (item,) = services.commitments_for_hearing(defended["hearing"].id)
    official = factory.user(Role.OFFICIAL, department=defended["bureau"])
    plans.report_progress(
        official, defended["task"].id, plans.ProgressReport(progress=40, note="已在三个区试点一业一证")
    )

    commitment_page = client.get(f"/hearings/commitments/{item.id}").get_data(as_text=True)
    assert "已在三个区试点一业一证" in commitment_page and "40%" in commitment_page

    reformer = factory.user(Role.OFFICIAL, department=defended["reform"])
    services.update_commitment(reformer, item, "in_progress", "已印发实施方案")
    task_page = client.get(f"/plans/tasks/{defended['task'].id}").get_data(as_text=True)
    section = task_page[task_page.index('data-testid="task-commitments"') :]
    assert "年底前全市推开一业一证" in section and "推进中" in section
    other_page = client.get(f"/plans/tasks/{defended['other_task'].id}").get_data(as_text=True)
    assert 'data-testid="task-commitments"' not in other_page
