"""Create and drop a database per test run: a temporary SQLite file, or a PostgreSQL database
named portal_test_<random> on the server TEST_DATABASE_URL points at."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from portal.config import _database_url


@contextlib.contextmanager
def fresh_database(label: str) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        with tempfile.TemporaryDirectory(prefix=f"portal-{label}-") as tmp:
            yield f"sqlite:///{tmp}/portal.sqlite3"
        return
    admin_url = make_url(_database_url(base))
    name = f"portal_test_{label}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_all_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    tables = [t for t in metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
