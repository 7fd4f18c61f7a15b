"""The scorecard's own figures written by hand as plain SQL, to cross-check the portal and compare timings.

The KPI part is bench/kpi/handwritten.py's KPI table; these add the enterprise index per department, the
commitments by status and the led tasks.
"""

from __future__ import annotations

# Per department: each enterprise's mean scores, then 25 × (mean of the enterprises' rating scores − 1).
INDEX_BY_DEPARTMENT = """
WITH per_enterprise AS (
    SELECT department_id, enterprise_id,
           0.15 * (avg(attitude) + avg(style) + avg(efficiency) + avg(competence)) + 0.40 * avg(overall) AS score
    FROM enterprise_ratings
    WHERE period = :period AND department_id IS NOT NULL
      AND kind IN ('department', 'task', 'order_department')
    GROUP BY department_id, enterprise_id
)
SELECT department_id, count(*) AS raters,
       CASE WHEN count(*) >= :k THEN round(CAST(25 * (avg(score) - 1) AS numeric), 1) END AS value
FROM per_enterprise GROUP BY department_id
"""

CITY_INDEX = """
WITH per_enterprise AS (
    SELECT enterprise_id,
           0.15 * (avg(attitude) + avg(style) + avg(efficiency) + avg(competence)) + 0.40 * avg(overall) AS score
    FROM enterprise_ratings WHERE period = :period AND kind <> 'order_member'
    GROUP BY enterprise_id
)
SELECT count(*) AS raters, CASE WHEN count(*) >= :k THEN round(CAST(25 * (avg(score) - 1) AS numeric), 1) END AS value
FROM per_enterprise
"""

COMMITMENTS = """
SELECT department_id, status, count(*) AS n FROM hearing_commitments
WHERE created_at < CAST(:until AS timestamp) GROUP BY department_id, status
"""

TASKS = """
SELECT lead_department_id AS department_id, count(*) AS total, count(*) FILTER (WHERE status = 'done') AS done,
       count(*) FILTER (WHERE due_date < CAST(:today AS date) AND status <> 'done') AS overdue,
       sum(progress) AS progress_sum
FROM plan_tasks GROUP BY lead_department_id
"""
