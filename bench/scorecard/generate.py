"""100,000 enterprise ratings, commitments and plan tasks beside the KPI benchmark's work orders.

Ratings are INSERT … SELECT over generate_series (20,000 enterprises, each rating a department's service or a
handled order's department in some of four quarters of 2026, scores drawn with ``setseed``); commitments and
tasks are few and go through the models.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

ENTERPRISES = 20_000

ENTERPRISE_ROWS = """
INSERT INTO enterprises (id, name, uscc, created_at)
SELECT i, '基准企业' || i, '91' || lpad(i::text, 16, '0'), now() FROM generate_series(1, :e) i
"""

RATING_ROWS = """
INSERT INTO enterprise_ratings (enterprise_id, rater_id, period, kind, target_key, policy_id, task_id, department_id,
    order_id, assignment_id, member_id, attitude, style, efficiency, competence, overall, comment, answer,
    answered_at, answered_by_id, created_at, updated_at)
SELECT e, NULL, '2026-Q' || (j % 4 + 1),
       CASE WHEN j % 2 = 0 THEN 'department' ELSE 'order_department' END,
       CASE WHEN j % 2 = 0 THEN 'department:' ELSE 'order_department:' END || dept || ':' || j,
       NULL, NULL, dept, NULL, NULL, NULL,
       1 + floor(random() * 5)::int, 1 + floor(random() * 5)::int, 1 + floor(random() * 5)::int,
       1 + floor(random() * 5)::int, 1 + floor(random() * 5)::int, '', '', NULL, NULL, now(), now()
FROM (
    SELECT 1 + i % :e AS e, i / :e AS j, 1 + ((i % :e) * 13 + i / :e) % :d AS dept
    FROM generate_series(0, :n - 1) AS i
) AS picked
"""


def generate_ratings(conn: sa.Connection, ratings: int, departments: int) -> None:
    params = {"e": ENTERPRISES, "n": ratings, "d": departments}
    conn.execute(sa.text("SELECT setseed(0.12)"))
    conn.execute(sa.text(ENTERPRISE_ROWS), params)
    conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('enterprises', 'id'), :e)"), params)
    conn.execute(sa.text(RATING_ROWS), params)


def generate_commitments_and_tasks(session, departments: int) -> None:
    """50 commitments and 10 led tasks per department, statuses and progress cycling."""
    from portal.hearings.models import Commitment, CommitmentStatus, Hearing, HearingKind
    from portal.plans.models import Battle, Goal, Plan, Task, TaskStatus

    made = datetime(2026, 3, 1, tzinfo=UTC)
    hearing = Hearing(kind=HearingKind.INQUIRY, title="基准质询", starts_at=made, projector_token="bench-scorecard")
    plan = Plan(title="基准作战方案", year=2026)
    session.add_all([hearing, plan])
    session.flush()
    battle = Battle(plan_id=plan.id, title="攻坚战")
    session.add(battle)
    session.flush()
    goal = Goal(battle_id=battle.id, title="目标")
    session.add(goal)
    session.flush()
    statuses, task_statuses = list(CommitmentStatus), list(TaskStatus)
    for dept in range(1, departments + 1):
        session.add_all(
            Commitment(
                hearing_id=hearing.id,
                department_id=dept,
                text=f"承诺{dept}-{i}",
                due_date=date(2026, 12, 31),
                status=statuses[(dept + i) % len(statuses)],
                created_at=made,
            )
            for i in range(50)
        )
        session.add_all(
            Task(
                plan_id=plan.id,
                goal_id=goal.id,
                title=f"任务{dept}-{i}",
                lead_department_id=dept,
                status=task_statuses[(dept + i) % len(task_statuses)],
                progress=(dept * 7 + i * 11) % 101,
                due_date=date(2026, 6 + i % 6, 1),
            )
            for i in range(10)
        )
    session.commit()
