"""Ratings benchmark: the 企业家满意度指数 (city-wide, one department, every department) over 100,000 ratings.

Run (from the repository root; PostgreSQL must be running)::

    .venv/bin/python -m bench.ratings                    # 100,000 ratings
    .venv/bin/python -m bench.ratings --ratings 20000    # quicker

It creates its own database (portal_bench_ratings_<random>) on the server of BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, generates enterprises, departments and ratings over
eight quarters inside PostgreSQL, then times — median of --repeat runs after one warm-up — the portal's functions
(portal.ratings.index) beside hand-written SQL computing the same figures, asserts both agree, prints figures,
ratios and the 300 ms target, and drops the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from portal.config import _database_url

PERIOD = "2026-Q4"
TARGET_MS = 300.0
ENTERPRISES, DEPARTMENTS = 2000, 40

GENERATE = """
INSERT INTO departments (id, name, short_name, kind, phone, description, sort_order, created_at)
SELECT 1000 + d, '部门' || d, '部门' || d, 'office', '', '', d, now() FROM generate_series(1, :departments) d;
INSERT INTO enterprises (id, name, uscc, created_at)
SELECT e, '企业' || e, lpad(e::text, 18, '0'), now() FROM generate_series(1, :enterprises) e;
INSERT INTO enterprise_ratings (enterprise_id, period, kind, target_key, department_id, attitude, style, efficiency,
    competence, overall, comment, answer, created_at, updated_at)
SELECT e, p, 'department', 'department:' || d, 1000 + d, 1 + (i * 7) % 5, 1 + (i * 11) % 5, 1 + (i * 13) % 5,
       1 + (i * 17) % 5, 1 + (i * 19) % 5, '', '', now(), now()
FROM (SELECT i, 1 + i % :enterprises AS e, 1 + (i / :enterprises) % :departments AS d,
             (ARRAY['2025-Q1','2025-Q2','2025-Q3','2025-Q4','2026-Q1','2026-Q2','2026-Q3','2026-Q4'])
               [1 + (i / :cells + i) % 8] AS p
      FROM generate_series(1, :ratings) i) s
ON CONFLICT DO NOTHING;
INSERT INTO users (id, username, display_name, password_hash, title, active, created_at)
SELECT e, 'u' || e, 'u' || e, '', '', true, now() FROM generate_series(1, :enterprises) e;
INSERT INTO enterprise_memberships (enterprise_id, user_id, state, via, claimed_name, reason, created_at)
SELECT e, e, 'approved', 'licence', '', '', now() FROM generate_series(1, :enterprises) e;
"""

# The same figures by hand: per enterprise the mean of each column, then the weighted score's mean over enterprises.
HAND = """
WITH per_enterprise AS (
  SELECT department_id, enterprise_id,
         0.15 * (avg(attitude) + avg(style) + avg(efficiency) + avg(competence)) + 0.40 * avg(overall) AS score
  FROM enterprise_ratings
  WHERE period = :period AND kind IN ('department', 'task', 'order_department') AND department_id IS NOT NULL
  GROUP BY department_id, enterprise_id)
SELECT department_id, count(*) AS raters, round((25 * (avg(score) - 1))::numeric, 1) AS value
FROM per_enterprise GROUP BY department_id ORDER BY department_id
"""


def _median_ms(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    result = run()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base = make_url(
        _database_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    )
    name = f"portal_bench_ratings_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        run(base.set(database=name).render_as_string(hide_password=False), args)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, args: argparse.Namespace) -> None:
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RUN_BACKGROUND_JOBS": False, "REDIS_URL": None, "TESTING": True})
    with app.app_context():
        from portal.extensions import db
        from portal.ratings import index

        upgrade(revision="heads")
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            params = {
                "ratings": args.ratings,
                "enterprises": ENTERPRISES,
                "departments": DEPARTMENTS,
                "cells": ENTERPRISES * DEPARTMENTS,
            }
            for statement in GENERATE.split(";\n"):
                if statement.strip():
                    conn.execute(sa.text(statement), params)
            count = conn.scalar(sa.text("SELECT count(*) FROM enterprise_ratings"))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        print(f"generated {count:,} ratings by {ENTERPRISES:,} enterprises of {DEPARTMENTS} departments in "
              f"{time.perf_counter() - t0:.0f} s")  # fmt: skip

        def ours_all():
            db.session.rollback()
            return {d: (r.raters, r.value) for d, r in index.indexes_by(PERIOD, "department_id").items()}

        def hand_all():
            rows = db.session.execute(sa.text(HAND), {"period": PERIOD}).all()
            return {d: (n, float(v)) for d, n, v in rows}

        def ours_city():
            db.session.rollback()
            return index.satisfaction_index(PERIOD).value

        def ours_one():
            db.session.rollback()
            return index.satisfaction_index(PERIOD, department_id=1001).value

        def ours_trend():
            db.session.rollback()
            return [r.value for r in index.satisfaction_trend(index_periods(), department_id=1001)]

        ours_ms, ours = _median_ms(ours_all, args.repeat)
        hand_ms, hand = _median_ms(hand_all, args.repeat)
        assert ours == hand, "the portal and the hand-written SQL disagree"
        rows = [(f"every department's index, {PERIOD}", ours_ms, hand_ms)]
        for label, fn in (
            ("city-wide index", ours_city),
            ("one department", ours_one),
            ("8-quarter trend", ours_trend),
        ):
            ms, _ = _median_ms(fn, args.repeat)
            rows.append((label, ms, None))
        print(f"{'query':40} {'portal ms':>10} {'hand SQL ms':>12} {'ratio':>6}  target {TARGET_MS:.0f} ms")
        for label, ms, hand_ms in rows:
            ratio = f"{ms / hand_ms:.2f}" if hand_ms else ""
            hand_text = f"{hand_ms:.1f}" if hand_ms else ""
            print(f"{label:40} {ms:10.1f} {hand_text:>12} {ratio:>6}  {'ok' if ms <= TARGET_MS else 'OVER'}")


def index_periods() -> list[str]:
    from portal.ratings.periods import previous_periods

    return previous_periods(PERIOD, 8)


if __name__ == "__main__":
    main()
