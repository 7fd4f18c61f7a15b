"""The same figures as portal.dashboard.kpi and kpi_supervision, written by hand as plain SQL.

A different formulation on purpose (one CTE per metric, EXISTS for 返工, a LEFT JOIN for shared
ratings), so that equal results cross-check the portal's queries and the timings compare with
what a DBA would write.
"""

from __future__ import annotations

KPI_TABLE = """
WITH p AS (
    SELECT CAST(:s AS timestamp) AS s, CAST(:e AS timestamp) AS e, CAST(:now AS timestamp) AS now,
           LEAST(CAST(:e AS timestamp), CAST(:now AS timestamp)) AS due_end
), disp AS (
    SELECT department_id, count(*) AS dispatched, count(*) FILTER (WHERE signed_at <= sign_deadline) AS signed_in_time
    FROM assignments, p
    WHERE dispatched_at >= p.s AND dispatched_at < p.e AND (signed_at IS NOT NULL OR sign_deadline < p.now)
    GROUP BY department_id
), due AS (
    SELECT department_id, count(*) AS due, count(*) FILTER (WHERE replied_at <= due_at) AS due_closed_in_time
    FROM assignments, p
    WHERE due_at >= p.s AND due_at < p.due_end AND returned_at IS NULL
    GROUP BY department_id
), done AS (
    SELECT a.department_id, count(*) AS closed, count(*) FILTER (WHERE a.replied_at <= a.due_at) AS closed_in_time,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM assignments b
               WHERE b.order_id = a.order_id AND b.department_id = a.department_id AND b.round = a.round + 1
           )) AS reopened,
           coalesce(sum(EXTRACT(EPOCH FROM a.replied_at - a.dispatched_at)), 0) AS handling_seconds
    FROM assignments a, p
    WHERE a.replied_at >= p.s AND a.replied_at < p.e
    GROUP BY a.department_id
), rated AS (
    SELECT coalesce(r.department_id, a.department_id) AS department_id, r.value,
           r.department_id IS NOT NULL AS addressed
    FROM ratings r
    LEFT JOIN assignments a
      ON r.department_id IS NULL AND a.order_id = r.order_id AND a.round = r.round AND a.returned_at IS NULL
    CROSS JOIN p
    WHERE r.created_at >= p.s AND r.created_at < p.e AND (r.department_id IS NOT NULL OR a.id IS NOT NULL)
), rt AS (
    SELECT department_id, count(*) AS rated,
           count(*) FILTER (WHERE value IN ('satisfied', 'basic')) AS satisfied,
           count(*) FILTER (WHERE addressed) AS township_rated,
           count(*) FILTER (WHERE addressed AND value IN ('satisfied', 'basic')) AS township_satisfied
    FROM rated GROUP BY department_id
)
SELECT d.id AS department_id,
       coalesce(disp.dispatched, 0) AS dispatched, coalesce(disp.signed_in_time, 0) AS signed_in_time,
       coalesce(due.due, 0) AS due, coalesce(due.due_closed_in_time, 0) AS due_closed_in_time,
       coalesce(done.closed, 0) AS closed, coalesce(done.closed_in_time, 0) AS closed_in_time,
       coalesce(done.reopened, 0) AS reopened, coalesce(done.handling_seconds, 0) AS handling_seconds,
       coalesce(rt.rated, 0) AS rated, coalesce(rt.satisfied, 0) AS satisfied,
       coalesce(rt.township_rated, 0) AS township_rated, coalesce(rt.township_satisfied, 0) AS township_satisfied
FROM departments d
LEFT JOIN disp ON disp.department_id = d.id
LEFT JOIN due ON due.department_id = d.id
LEFT JOIN done ON done.department_id = d.id
LEFT JOIN rt ON rt.department_id = d.id
WHERE disp.department_id IS NOT NULL OR due.department_id IS NOT NULL OR done.department_id IS NOT NULL
   OR rt.department_id IS NOT NULL
ORDER BY d.id
"""

# The weekly report: per department, the listed assignments and their escalation events.
WEEKLY = """
WITH p AS (SELECT CAST(:s AS timestamp) AS s, LEAST(CAST(:e AS timestamp), CAST(:now AS timestamp)) AS u),
listed AS (
    SELECT a.id, a.department_id,
           (a.sign_deadline < p.u AND (a.signed_at IS NULL OR (a.signed_at > p.s AND a.signed_at > a.sign_deadline)))
               AS sign_late,
           (a.due_at < p.u AND (a.replied_at IS NULL OR (a.replied_at > p.s AND a.replied_at > a.due_at))) AS overdue,
           (a.replied_at IS NULL OR a.replied_at >= p.u) AS still_open,
           ((a.escalated_at >= p.s AND a.escalated_at < p.u)
            OR (a.top_escalated_at >= p.s AND a.top_escalated_at < p.u)) AS escalated,
           (a.top_escalated_at >= p.s AND a.top_escalated_at < p.u) AS top
    FROM assignments a, p
    WHERE a.returned_at IS NULL AND a.dispatched_at < p.u
      AND (a.sign_deadline < p.u AND (a.signed_at IS NULL OR (a.signed_at > p.s AND a.signed_at > a.sign_deadline))
           OR a.due_at < p.u AND (a.replied_at IS NULL OR (a.replied_at > p.s AND a.replied_at > a.due_at))
           OR a.escalated_at >= p.s AND a.escalated_at < p.u
           OR a.top_escalated_at >= p.s AND a.top_escalated_at < p.u)
), history AS (
    SELECT e.assignment_id, count(*) AS events
    FROM order_events e JOIN listed l ON l.id = e.assignment_id, p
    WHERE e.action IN ('remind', 'overdue', 'escalate') AND e.created_at < p.u
    GROUP BY e.assignment_id
)
SELECT l.department_id,
       count(*) FILTER (WHERE sign_late) AS sign_late,
       count(*) FILTER (WHERE overdue) AS overdue,
       count(*) FILTER (WHERE overdue AND still_open) AS still_overdue,
       count(*) FILTER (WHERE escalated) AS escalated,
       count(*) FILTER (WHERE top) AS top_escalated,
       count(*) AS items,
       coalesce(sum(h.events), 0) AS events
FROM listed l LEFT JOIN history h ON h.assignment_id = l.id
GROUP BY l.department_id
ORDER BY l.department_id
"""
