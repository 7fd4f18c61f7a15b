"""Progress roll-up (weighted by task weight) and overdue detection in Asia/Shanghai dates."""

from datetime import UTC, date, datetime

from portal.plans import services
from portal.plans.models import Task, TaskStatus
from portal.plans.progress import is_overdue, local_today, roll_up

TODAY = date(2026, 11, 23)


def make(progress: int, weight: int = 1, status: TaskStatus | None = None, due: date | None = None) -> Task:
    status = status or (TaskStatus.DONE if progress == 100 else TaskStatus.IN_PROGRESS)
    return Task(progress=progress, weight=weight, status=status, due_date=due)


def test_roll_up_weighs_each_task_by_its_weight():
    result = roll_up([make(100, weight=1), make(0, weight=3)], TODAY)
    assert result.percent == 25


def test_roll_up_of_equal_weights_is_the_plain_mean():
    assert roll_up([make(40), make(80), make(90)], TODAY).percent == 70


def test_goal_without_tasks_has_no_progress_rather_than_zero():
    result = roll_up([], TODAY)
    assert result.percent is None
    assert result.display == "—"
    assert result.task_count == 0


def test_all_done_rolls_up_to_one_hundred_percent_and_counts_them():
    result = roll_up([make(100, weight=2), make(100)], TODAY)
    assert result.percent == 100
    assert result.done_count == 2
    assert result.display == "100%"


def test_tasks_of_weight_zero_count_but_weigh_nothing():
    result = roll_up([make(100, weight=0), make(50, weight=1)], TODAY)
    assert result.percent == 50
    assert result.task_count == 2


def test_a_task_due_today_is_not_overdue_until_local_midnight():
    task = make(50, due=date(2026, 11, 23))
    last_second = datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in Shanghai
    assert not is_overdue(task, local_today(last_second))


def test_a_task_becomes_overdue_at_local_midnight_not_utc_midnight():
    task = make(50, due=date(2026, 11, 23))
    local_midnight = datetime(2026, 11, 23, 16, 0, 0, tzinfo=UTC)  # 00:00 on the 24th in Shanghai
    assert local_today(local_midnight) == date(2026, 11, 24)
    assert is_overdue(task, local_today(local_midnight))


def test_a_done_task_is_never_overdue():
    assert not is_overdue(make(100, due=date(2021, 1, 1)), TODAY)


def test_roll_up_counts_overdue_tasks():
    result = roll_up([make(30, due=date(2026, 6, 30)), make(30, due=date(2026, 12, 31))], TODAY)
    assert result.overdue_count == 1


def test_plan_overview_rolls_goals_into_battles_and_battles_into_the_plan(plans, factory):
    dept = factory.department()
    plan = plans.plan()
    first, second = plans.battle(plan), plans.battle(plan)
    goal_a, goal_b, empty_goal = plans.goal(first), plans.goal(first), plans.goal(second)
    plans.task(goal_a, dept, progress=100, weight=1)
    plans.task(goal_b, dept, progress=20, weight=3)
    plans.task(plans.goal(second), dept, progress=60, weight=2)

    view = services.plan_overview(plan.id, TODAY)

    assert view.battles[0].progress.percent == 40  # (100×1 + 20×3) / 4
    assert view.battles[1].progress.percent == 60
    assert [g.progress.percent for g in view.battles[1].goals] == [None, 60]
    assert view.progress.percent == (100 + 60 + 120) / 6
    assert view.goal_count == 4
    assert empty_goal.tasks == []
