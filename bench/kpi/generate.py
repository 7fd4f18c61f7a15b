"""One million work orders with assignments, history and ratings, generated inside PostgreSQL.

Everything is INSERT … SELECT over generate_series with ``setseed``, so a run takes minutes, not
hours, and two runs produce the same rows. Shapes follow the demo history (portal/dashboard/demo.py):
about 20% of orders go to two departments, 7% are 呼叫 rated per department, 75% are signed within
30 minutes, ~90% answered by the deadline, 85% of closed orders rated, 不满意 reopens (a round-2
assignment), late assignments carry 催办 / 逾期 / 督办 / 顶格推进 events.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

DEPARTMENTS = 40

PLAN = """
SELECT setseed(0.42);
CREATE UNLOGGED TABLE bench_plan AS
SELECT i AS id,
       CAST(:start AS timestamp) + (i::float8 / :n) * (:span * interval '1 second') AS created_at,
       random() AS r_kind, random() AS r_assist, random() AS r_sign, random() AS r_sign2,
       random() AS r_reply, random() AS r_late, random() AS r_rate, random() AS r_value,
       random() AS r_dept, random() AS r_dept2, random() AS r_round2
FROM generate_series(1, :n) AS i;
ALTER TABLE bench_plan ADD PRIMARY KEY (id);
CREATE UNLOGGED TABLE bench_order AS
SELECT p.*,
       CASE WHEN r_kind < 0.30 THEN 'consultation' WHEN r_kind < 0.55 THEN 'help' WHEN r_kind < 0.85 THEN 'complaint'
            WHEN r_kind < 0.93 THEN 'suggestion' ELSE 'call' END AS kind,
       p.created_at + interval '30 minutes' AS dispatched_at,
       1 + floor(r_dept * :d)::int AS lead_dept,
       CASE WHEN r_assist < 0.2 OR r_kind >= 0.93
            THEN 1 + ((floor(r_dept * :d)::int + 1 + floor(r_dept2 * (:d - 1))::int) % :d) END AS assist_dept,
       CASE WHEN r_kind < 0.30 THEN 5 WHEN r_kind < 0.55 THEN 7 WHEN r_kind < 0.85 THEN 21 WHEN r_kind < 0.93 THEN 21
            ELSE 7 END AS due_days
FROM bench_plan p;
DROP TABLE bench_plan;
"""

# Round-1 assignments (lead and, for some orders, one assisting department).
ASSIGN = """
CREATE UNLOGGED TABLE bench_assign AS
SELECT o.id AS order_id, x.dept AS department_id, x.role, 1 AS round, o.kind,
       o.dispatched_at,
       o.dispatched_at + interval '30 minutes' AS sign_deadline,
       o.dispatched_at
         + (CASE WHEN x.role = 'lead' THEN o.r_sign ELSE o.r_sign2 END) * interval '40 minutes' AS signed_at,
       date_trunc('day', o.dispatched_at + interval '8 hours') - interval '8 hours'
         + o.due_days * interval '1 day' + interval '23 hours 59 minutes 59 seconds' AS due_at,
       o.r_reply, o.r_late, o.r_rate, o.r_value, o.r_round2
FROM bench_order o
CROSS JOIN LATERAL (VALUES (o.lead_dept, 'lead'), (o.assist_dept, 'assist')) AS x(dept, role)
WHERE x.dept IS NOT NULL;
ALTER TABLE bench_assign ADD COLUMN replied_at timestamp;
UPDATE bench_assign SET replied_at = CASE
    WHEN r_reply < 0.90 THEN signed_at + (due_at - signed_at) * (0.05 + 0.9 * r_late)
    ELSE due_at + (4 + 100 * r_late) * interval '1 hour' END;
UPDATE bench_assign SET replied_at = NULL WHERE replied_at >= CAST(:now AS timestamp);
"""

# Orders: closed when every round-1 assignment answered; rated by 85%; 不满意 reopens to round 2.
ORDERS = """
CREATE UNLOGGED TABLE bench_close AS
SELECT order_id, max(replied_at) + interval '2 hours' AS closed_at, bool_and(replied_at IS NOT NULL) AS all_replied
FROM bench_assign GROUP BY order_id;
INSERT INTO work_orders (id, tracking_no, kind, category, title, description, place, is_public, channel, source_ref,
    requester_name, requester_phone, state, round, reopen_count, satisfaction, created_at, dispatched_at, replied_at,
    closed_at, rated_at, updated_at)
SELECT o.id, 'GD' || to_char(o.created_at + interval '8 hours', 'YYYYMMDD') || '-' || lpad(o.id::text, 7, '0'),
       o.kind, '城市管理', '基准测试诉求 ' || o.id, '基准测试', '', true, 'phone', 'bench',
       '测试', '',
       CASE WHEN NOT c.all_replied OR c.closed_at >= CAST(:now AS timestamp) THEN 'in_progress'
            WHEN o.r_rate < 0.85 AND o.r_value >= 0.82 AND o.kind <> 'call' THEN 'dispatched' ELSE 'closed' END,
       CASE WHEN c.all_replied AND c.closed_at < CAST(:now AS timestamp) AND o.r_rate < 0.85 AND o.r_value >= 0.82
                 AND o.kind <> 'call' THEN 2 ELSE 1 END,
       CASE WHEN c.all_replied AND c.closed_at < CAST(:now AS timestamp) AND o.r_rate < 0.85 AND o.r_value >= 0.82
                 AND o.kind <> 'call' THEN 1 ELSE 0 END,
       CASE WHEN c.all_replied AND c.closed_at < CAST(:now AS timestamp) AND o.r_rate < 0.85 THEN
            CASE WHEN o.r_value < 0.60 THEN 'satisfied' WHEN o.r_value < 0.82 THEN 'basic' ELSE 'unsatisfied' END END,
       o.created_at, o.dispatched_at, NULL,
       CASE WHEN c.all_replied AND c.closed_at < CAST(:now AS timestamp) THEN c.closed_at END,
       CASE WHEN c.all_replied AND c.closed_at < CAST(:now AS timestamp) AND o.r_rate < 0.85
            THEN c.closed_at + o.r_rate * interval '40 hours' END,
       o.created_at
FROM bench_order o JOIN bench_close c ON c.order_id = o.id;
SELECT setval(pg_get_serial_sequence('work_orders', 'id'), (SELECT max(id) FROM work_orders));
"""

ASSIGNMENTS = """
INSERT INTO assignments (order_id, department_id, role, round, state, instructions, dispatched_at, sign_deadline,
    signed_at, handler_name, handler_phone, due_at, original_due_at, started_at, replied_at, reply_html, return_reason,
    closed_at, overdue_at, escalation_level, escalated_at, top_escalated_at)
SELECT a.order_id, a.department_id, a.role, a.round,
       CASE WHEN a.replied_at IS NULL THEN 'in_progress' WHEN w.closed_at IS NOT NULL THEN 'closed' ELSE 'replied' END,
       '', a.dispatched_at, a.sign_deadline, a.signed_at, '经办人', '', a.due_at, a.due_at, a.signed_at, a.replied_at,
       '', '', w.closed_at,
       CASE WHEN coalesce(a.replied_at, CAST(:now AS timestamp)) > a.due_at THEN a.due_at + interval '1 minute' END,
       CASE WHEN coalesce(a.replied_at, CAST(:now AS timestamp)) > a.due_at + interval '48 hours' THEN 2
            WHEN coalesce(a.replied_at, CAST(:now AS timestamp)) > a.due_at THEN 1 ELSE 0 END,
       CASE WHEN coalesce(a.replied_at, CAST(:now AS timestamp)) > a.due_at THEN a.due_at + interval '1 minute' END,
       CASE WHEN coalesce(a.replied_at, CAST(:now AS timestamp)) > a.due_at + interval '48 hours'
            THEN a.due_at + interval '48 hours 1 minute' END
FROM bench_assign a JOIN work_orders w ON w.id = a.order_id;
-- Round 2 (发回重办) for orders rated 不满意: the lead department again, answered in time by 85%.
INSERT INTO assignments (order_id, department_id, role, round, state, instructions, dispatched_at, sign_deadline,
    signed_at, handler_name, handler_phone, due_at, original_due_at, started_at, replied_at, reply_html, return_reason,
    closed_at, overdue_at, escalation_level)
SELECT w.id, a.department_id, 'lead', 2,
       CASE WHEN w.rated_at + interval '8 days' < CAST(:now AS timestamp) THEN 'replied' ELSE 'in_progress' END,
       '发回重办', w.rated_at, w.rated_at + interval '30 minutes',
       w.rated_at + interval '12 minutes', '经办人', '', w.rated_at + interval '7 days', w.rated_at + interval '7 days',
       w.rated_at + interval '12 minutes',
       CASE WHEN w.rated_at + interval '8 days' < CAST(:now AS timestamp)
            THEN w.rated_at + CASE WHEN b.r_round2 < 0.85 THEN interval '3 days' ELSE interval '8 days' END END,
       '', '', NULL, NULL, 0
FROM work_orders w JOIN assignments a ON a.order_id = w.id AND a.round = 1 AND a.role = 'lead'
JOIN bench_assign b ON b.order_id = a.order_id AND b.department_id = a.department_id
WHERE w.round = 2;
"""

RATINGS = """
-- Whole-order ratings of citizens' orders; 呼叫 orders are rated per department by the calling unit.
INSERT INTO ratings (order_id, assignment_id, department_id, round, value, comment, rater_id, created_at)
SELECT w.id, NULL, NULL, 1, w.satisfaction, '', NULL, w.rated_at
FROM work_orders w WHERE w.rated_at IS NOT NULL AND w.kind <> 'call';
INSERT INTO ratings (order_id, assignment_id, department_id, round, value, comment, rater_id, created_at)
SELECT w.id, a.id, a.department_id, 1,
       CASE WHEN a.role = 'lead' THEN 'satisfied' WHEN w.satisfaction = 'unsatisfied' THEN 'basic'
            ELSE w.satisfaction END,
       '', NULL, w.rated_at
FROM work_orders w JOIN assignments a ON a.order_id = w.id AND a.round = 1
WHERE w.rated_at IS NOT NULL AND w.kind = 'call';
"""

EVENTS = """
INSERT INTO order_events (order_id, assignment_id, actor_id, actor_label, department_id, action, from_state, to_state,
    note, is_public, created_at)
SELECT id, NULL, NULL, '12345热线', NULL, 'dispatch', 'submitted', 'dispatched', '派单', true, dispatched_at
FROM work_orders;
INSERT INTO order_events (order_id, assignment_id, actor_id, actor_label, department_id, action, from_state, to_state,
    note, is_public, created_at)
SELECT a.order_id, a.id, NULL, '部门', a.department_id, e.action, '', '', e.note, e.public, e.at
FROM assignments a
CROSS JOIN LATERAL (VALUES
    ('sign', '已签收', true, a.signed_at),
    ('reply', '已办结', true, a.replied_at),
    ('remind', '催办：办理期限将至', false, CASE WHEN a.overdue_at IS NOT NULL THEN a.due_at - interval '24 hours' END),
    ('overdue', '办理逾期', true, a.overdue_at),
    ('escalate', '督办', true, a.escalated_at),
    ('escalate', '督办后仍未办结，报主要负责人顶格推进', true, a.top_escalated_at)
) AS e(action, note, public, at)
WHERE e.at IS NOT NULL AND e.at < CAST(:now AS timestamp);
"""


def generate(conn: sa.Connection, orders: int, start: datetime, now: datetime, echo=print) -> dict[str, int]:
    """Fill an empty, migrated database; returns row counts."""
    params = {
        "n": orders,
        "d": DEPARTMENTS,
        "start": start.replace(tzinfo=None),
        "now": now.replace(tzinfo=None),
        "span": (now - start).total_seconds() - 3 * 86400,
    }
    conn.execute(
        sa.text(
            "INSERT INTO departments (id, name, short_name, kind, phone, description, sort_order, created_at) "
            "SELECT i, '基准部门' || i, '部门' || i, 'office', '', '', i, now() FROM generate_series(1, :d) i"
        ),
        params,
    )
    conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('departments', 'id'), :d)"), params)
    for name, script in (
        ("plan", PLAN),
        ("assign", ASSIGN),
        ("orders", ORDERS),
        ("assignments", ASSIGNMENTS),
        ("ratings", RATINGS),
        ("events", EVENTS),
    ):
        echo(f"  generating {name} …", flush=True)
        for statement in (s.strip() for s in script.split(";\n")):
            if statement:
                conn.execute(sa.text(statement), params)
    for table in ("bench_order", "bench_assign", "bench_close"):
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    conn.execute(sa.text("ANALYZE"))
    return {
        table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
        for table in ("work_orders", "assignments", "ratings", "order_events")
    }
