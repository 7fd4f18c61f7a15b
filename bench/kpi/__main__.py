"""KPI benchmark: the department KPI table of a quarter and the weekly 督查专报 on 1,000,000 work orders.

Run (one command, from the repository root; PostgreSQL must be running)::

    .venv/bin/python -m bench.kpi                     # 1,000,000 orders over 24 months
    .venv/bin/python -m bench.kpi --orders 100000     # quicker
    .venv/bin/python -m bench.kpi --keep              # keep the database, then time it again with
    .venv/bin/python -m bench.kpi --reuse postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_kpi_…

It creates its own database (portal_bench_kpi_<random>) on the server of BENCH_DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/postgres), migrates it, generates the rows inside
PostgreSQL (bench/kpi/generate.py), then times — median of --repeat runs after one warm-up —
the portal's queries (portal.dashboard.kpi.department_kpis, kpi_supervision.supervision_report)
beside hand-written SQL computing the same figures (bench/kpi/handwritten.py), asserts both give
equal results, prints figures, ratios and the 500 ms target, and drops the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.kpi.generate import generate
from bench.kpi.handwritten import KPI_TABLE, WEEKLY
from portal.config import _database_url

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # Monday noon in Shanghai
QUARTER, WEEK = "2026-Q3", "2026-W47"
TARGET_MS = 500.0


def _median_ms(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    result = run()  # warm-up (and the result compared below)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24, help="history span ending at the fixed 'now'")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database (prints its URL)")
    parser.add_argument("--reuse", metavar="URL", help="time again on a database kept by an earlier --keep run")
    args = parser.parse_args()
    if args.reuse:
        run(args.reuse, args)
        return

    base = make_url(
        _database_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    )
    name = f"portal_bench_kpi_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        run(url, args)
    finally:
        if args.keep:
            print(f"database kept: {url}")
        else:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, args: argparse.Namespace) -> None:
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RUN_BACKGROUND_JOBS": False, "REDIS_URL": None, "TESTING": True})
    with app.app_context():
        from portal.dashboard import kpi, kpi_supervision
        from portal.dashboard.kpi_periods import parse_period
        from portal.extensions import db

        if not args.reuse:
            print(f"database {make_url(url).database}: migrating …", flush=True)
            upgrade(revision="heads")
            start = NOW - timedelta(days=round(args.months * 30.44))
            t0 = time.perf_counter()
            with db.engine.begin() as conn:
                counts = generate(conn, args.orders, start, NOW)
            # What autovacuum does on a live database: statistics and the visibility map that
            # index-only scans rely on.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
            print(
                f"generated in {time.perf_counter() - t0:.0f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in counts.items())
                + f" ({start:%Y-%m-%d} … {NOW:%Y-%m-%d})"
            )

        quarter, week = parse_period(QUARTER), parse_period(WEEK)
        params = {
            "s": quarter.start.astimezone(UTC).replace(tzinfo=None),
            "e": quarter.end.astimezone(UTC).replace(tzinfo=None),
            "now": NOW.replace(tzinfo=None),
        }
        wparams = {
            "s": week.start.astimezone(UTC).replace(tzinfo=None),
            "e": week.end.astimezone(UTC).replace(tzinfo=None),
            "now": NOW.replace(tzinfo=None),
        }

        def portal_table():
            db.session.rollback()
            return kpi.department_kpis(quarter, now=NOW)

        def hand_table():
            return db.session.execute(sa.text(KPI_TABLE), params).mappings().all()

        def portal_week():
            db.session.rollback()
            return kpi_supervision.supervision_report(week, now=NOW)

        def hand_week():
            return db.session.execute(sa.text(WEEKLY), wparams).mappings().all()

        rows = []
        for label, ours, theirs in (
            (f"department KPI table, {QUARTER}", portal_table, hand_table),
            (f"weekly supervision report, {WEEK}", portal_week, hand_week),
        ):
            ours_ms, ours_result = _median_ms(ours, args.repeat)
            hand_ms, hand_result = _median_ms(theirs, args.repeat)
            rows.append((label, ours_ms, hand_ms, ours_result, hand_result))

        table, hand = rows[0][3], rows[0][4]
        _compare_table(table, hand)
        report, hand_w = rows[1][3], rows[1][4]
        _compare_week(report, hand_w)
        t = table.totals
        print(
            f"\n{QUARTER}: {len(table.rows)} departments, {t.dispatched:,} assignments dispatched, {t.due:,} due, "
            f"{t.closed:,} answered, {t.rated:,} ratings; 承接率 {t.rates['acceptance']:.1%}, 办结率 "
            f"{t.rates['completion']:.1%}, 满意率 {t.rates['satisfaction']:.1%}, 返工率 {t.rates['rework']:.1%}"
        )
        print(
            f"{WEEK}: {report.item_count:,} assignments listed in {len(report.departments)} departments, "
            f"{sum(len(i.history) for d in report.departments for i in d.items):,} escalation events"
        )
        print("results: portal == hand-written SQL for every department ✓\n")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"median of {args.repeat} runs after a warm-up; load average {load:.1f} on {os.cpu_count()} cores")
        print(f"{'query':<40} {'portal':>10} {'hand SQL':>10} {'ratio':>7} {'target':>8}")
        for label, ours_ms, hand_ms, *_ in rows:
            verdict = "ok" if ours_ms <= TARGET_MS else "MISSED"
            print(f"{label:<40} {ours_ms:>8.0f}ms {hand_ms:>8.0f}ms {ours_ms / hand_ms:>6.2f}x {verdict:>8}")
        db.session.remove()
        db.engine.dispose()


def _compare_table(table, hand) -> None:
    ours = {r.department_id: r.counts for r in table.rows}
    assert set(ours) == {h["department_id"] for h in hand}, "departments differ"
    for h in hand:
        c = ours[h["department_id"]]
        for key, value in h.items():
            if key == "department_id":
                continue
            mine = getattr(c, key)
            if key == "handling_seconds":
                assert abs(float(mine) - float(value)) <= 1e-6 * max(1.0, float(value)), (key, mine, value)
            else:
                assert mine == value, (h["department_id"], key, mine, value)


def _compare_week(report, hand) -> None:
    ours = {d.department_id: d for d in report.departments}
    assert set(ours) == {h["department_id"] for h in hand}, "departments differ"
    for h in hand:
        d = ours[h["department_id"]]
        mine = {
            "sign_late": d.sign_late,
            "overdue": d.overdue,
            "still_overdue": d.still_overdue,
            "escalated": d.escalated,
            "top_escalated": d.top_escalated,
            "items": len(d.items),
            "events": sum(len(i.history) for i in d.items),
        }
        assert mine == {k: h[k] for k in mine}, (h["department_id"], mine, dict(h))


if __name__ == "__main__":
    main()
