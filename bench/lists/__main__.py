"""Open-data lists benchmark: the public work-order list, its text search, CSV and feed on many orders.

Run (from the repository root; PostgreSQL must be running)::

    .venv/bin/python -m bench.lists                    # 100,000 orders
    .venv/bin/python -m bench.lists --orders 20000     # quicker

It creates its own database on the server of BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/
postgres), generates the orders with the KPI benchmark's generator (bench/kpi/generate.py: every order public,
titled 基准测试诉求 <n>), then requests each URL through the app (median of --repeat after one warm-up) and prints
the time, the size and the ratio to the baseline: the first page of the unfiltered JSON list. The text search
that matches every order is the worst case: each candidate's masked text is checked in Python.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.kpi.__main__ import NOW
from bench.kpi.generate import generate
from portal.config import _database_url

URLS = (
    ("first page, no filter (baseline)", "/api/v1/feedback"),
    ("page 100", "/api/v1/feedback?page=100"),
    ("one department", "/api/v1/feedback?dept=3"),
    ("overdue", "/api/v1/feedback?overdue=1"),
    ("period 2026-Q3, closed", "/api/v1/feedback?period=2026-Q3&state=closed"),
    ("text search, few matches", "/api/v1/feedback?q=诉求%2012345"),
    ("text search, every order matches", "/api/v1/feedback?q=基准测试"),
    ("HTML page, no filter", "/feedback/public/"),
    ("CSV, 5,000 rows", "/feedback/public/orders.csv"),
    ("Atom feed", "/feedback/public/feed.atom"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = make_url(
        _database_url(os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    )
    name = f"portal_bench_lists_{uuid.uuid4().hex[:8]}"
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
    from portal.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "RUN_BACKGROUND_JOBS": False,
            "REDIS_URL": None,
            "TESTING": True,
            "API_ANONYMOUS_READ_LIMIT": "1000000 per minute",  # the bench's requests are one client's
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            generate(conn, args.orders, NOW - timedelta(days=365), NOW, echo=lambda *a, **k: None)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        print(f"{args.orders:,} orders generated in {time.perf_counter() - t0:.0f} s")
    client = app.test_client()
    baseline = None
    print(f"{'request':<36} {'median ms':>10} {'× baseline':>11} {'bytes':>10}")
    for label, path in URLS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
        ms = statistics.median(samples)
        baseline = baseline or ms
        print(f"{label:<36} {ms:>10.1f} {ms / baseline:>11.1f} {len(response.data):>10,}", flush=True)


if __name__ == "__main__":
    main()
