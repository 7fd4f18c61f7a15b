"""Scorecard benchmark: the 企业家满意度指数 and the department scorecard over 100,000 ratings and 1,000,000 orders.

Run (from the repository root; PostgreSQL must be running)::

    .venv/bin/python -m bench.scorecard                    # 1,000,000 orders, 100,000 ratings
    .venv/bin/python -m bench.scorecard --orders 100000    # quicker

It creates its own database (bench_scorecard_<random>) on the server of BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, generates the rows inside PostgreSQL (the KPI
benchmark's orders, bench/scorecard/generate.py's ratings), then times — median of --repeat runs after one
warm-up — the portal's functions beside hand-written SQL for the same figures (bench/scorecard/handwritten.py),
asserts both give equal results, prints figures, ratios and the 300 ms target, and drops the database.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.kpi.__main__ import _compare_table, _median_ms
from bench.kpi.generate import DEPARTMENTS, generate
from bench.kpi.handwritten import KPI_TABLE
from bench.scorecard import handwritten as hand
from bench.scorecard.generate import generate_commitments_and_tasks, generate_ratings
from portal.config import _database_url

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
QUARTER = "2026-Q3"
TARGET_MS = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    base = make_url(
        _database_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    )
    name = f"bench_scorecard_{uuid.uuid4().hex[:8]}"
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
        from portal.ratings import public as ratings
        from portal.scorecards import card as cards

        print(f"database {make_url(url).database}: migrating …", flush=True)
        upgrade(revision="heads")
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            counts = generate(conn, args.orders, NOW - timedelta(days=round(args.months * 30.44)), NOW)
            generate_ratings(conn, args.ratings, DEPARTMENTS)
        generate_commitments_and_tasks(db.session, DEPARTMENTS)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
            counts["enterprise_ratings"] = conn.execute(sa.text("SELECT count(*) FROM enterprise_ratings")).scalar()
        print(f"generated in {time.perf_counter() - t0:.0f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))

        period = cards.parse_period(QUARTER)
        now = datetime.now(UTC)
        today = date.today()
        k = ratings.min_sample()
        kpi_params = {
            "s": period.start.astimezone(UTC).replace(tzinfo=None),
            "e": period.end.astimezone(UTC).replace(tzinfo=None),
            "now": now.replace(tzinfo=None),
        }
        until = period.end.astimezone(UTC).replace(tzinfo=None)

        def sql(text, **params):
            return db.session.execute(sa.text(text), params).mappings().all()

        def portal_index():
            db.session.rollback()
            return ratings.indexes_by(QUARTER, "department_id")

        def hand_index():
            return sql(hand.INDEX_BY_DEPARTMENT, period=QUARTER, k=k)

        def portal_city():
            db.session.rollback()
            return ratings.satisfaction_index(QUARTER)

        def hand_city():
            return sql(hand.CITY_INDEX, period=QUARTER, k=k)

        def portal_ranking():
            db.session.rollback()
            return cards.ranking(period)

        def hand_ranking():
            return (
                sql(KPI_TABLE, **kpi_params),
                sql(hand.INDEX_BY_DEPARTMENT, period=QUARTER, k=k),
                sql(hand.COMMITMENTS, until=until),
                sql(hand.TASKS, today=today),
            )

        def portal_card():
            db.session.rollback()
            return cards.scorecard(period, 7)

        rows = []
        for label, ours, theirs in (
            (f"index, every department, {QUARTER}", portal_index, hand_index),
            (f"index, city-wide, {QUARTER}", portal_city, hand_city),
            (f"scorecard ranking, {QUARTER}", portal_ranking, hand_ranking),
            (f"one department's scorecard, {QUARTER}", portal_card, hand_ranking),
        ):
            ours_ms, ours_result = _median_ms(ours, args.repeat)
            hand_ms, hand_result = _median_ms(theirs, args.repeat)
            rows.append((label, ours_ms, hand_ms, ours_result, hand_result))

        _compare_index(rows[0][3], rows[0][4])
        city, hand_city_row = rows[1][3], rows[1][4][0]
        assert (city.raters, city.value) == (hand_city_row["raters"], float(hand_city_row["value"])), city
        ranking = rows[2][3]
        _compare_ranking(ranking, rows[2][4])
        top = ranking.cards[0]
        print(
            f"\n{QUARTER}: {len(ranking.cards)} departments ranked; city index {city.value} from {city.raters:,} "
            f"enterprises; first {top.name} {top.score:.1f} (办件 {top.kpi_score:.1f}, 指数 {top.index.value}, "
            f"承诺 {top.commitments.total}, 任务 {top.tasks.total})"
        )
        print("results: portal == hand-written SQL for every department ✓\n")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"median of {args.repeat} runs after a warm-up; load average {load:.1f} on {os.cpu_count()} cores")
        print(f"{'query':<42} {'portal':>10} {'hand SQL':>10} {'ratio':>7} {'target':>8}")
        for label, ours_ms, hand_ms, *_ in rows:
            verdict = "ok" if ours_ms <= TARGET_MS else "MISSED"
            print(f"{label:<42} {ours_ms:>8.0f}ms {hand_ms:>8.0f}ms {ours_ms / hand_ms:>6.2f}x {verdict:>8}")
        db.session.remove()
        db.engine.dispose()


def _compare_index(ours, theirs) -> None:
    assert set(ours) == {h["department_id"] for h in theirs}, "departments differ"
    for h in theirs:
        mine = ours[h["department_id"]]
        value = None if h["value"] is None else float(h["value"])
        assert (mine.raters, mine.value) == (h["raters"], value), (h, mine)


def _compare_ranking(ranking, theirs) -> None:
    kpi_rows, index_rows, commitment_rows, task_rows = theirs

    _compare_table(SimpleNamespace(rows=[c.kpi for c in ranking.cards if c.kpi is not None]), kpi_rows)
    by_dept = {c.department_id: c for c in ranking.cards}
    for h in index_rows:
        value = None if h["value"] is None else float(h["value"])
        assert (by_dept[h["department_id"]].index.raters, by_dept[h["department_id"]].index.value) == (
            h["raters"],
            value,
        )
    for h in commitment_rows:
        assert by_dept[h["department_id"]].commitments.count(h["status"]) == h["n"], h
    for h in task_rows:
        t = by_dept[h["department_id"]].tasks
        assert (t.total, t.done, t.overdue, t.progress_sum) == (h["total"], h["done"], h["overdue"], h["progress_sum"])


if __name__ == "__main__":
    main()
