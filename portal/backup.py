"""``flask backup`` / ``flask restore``: the database and the attachments in one archive, and back.

The archive (``.tar.gz``) holds ``manifest.json`` (when, which database, the row count of every table, the files
and bytes of the attachments), the database (SQLite: a copy taken with SQLite's online backup API, consistent
while the portal keeps writing; PostgreSQL: ``pg_dump -Fc``) and ``uploads/`` (a copy of UPLOAD_DIR). Restoring
replaces the database and UPLOAD_DIR with the archive's, compares the row counts with the manifest, and rebuilds
the search index from the restored rows (it is never backed up: it is derived from the database).

Stop the web processes and workers before a restore (PostgreSQL cannot drop tables they hold); a backup needs no
stop. See docs/OPERATIONS.md, "Backup and restore".
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app

from portal.extensions import db
from portal.search import indexer

FORMAT = 1
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _pg_tool(name: str) -> str:
    path = PG_BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        raise click.ClickException(f"{name} not found (in {PG_BIN} or on PATH): install the PostgreSQL client")
    return found


def _libpq_url(url: sa.URL) -> str:
    """The database URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def row_counts() -> dict[str, int]:
    """Rows in every table the models declare, and Alembic's version table."""
    names = [t.name for t in db.metadata.sorted_tables]
    inspector = sa.inspect(db.engine)
    if inspector.has_table("alembic_version"):
        names.append("alembic_version")
    with db.engine.connect() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in names
            if inspector.has_table(name)
        }


def _upload_dir(app: Flask) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def _file_figures(root: Path) -> dict[str, int]:
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def backup(target: Path, app: Flask | None = None) -> dict[str, Any]:
    """Write the archive to ``target``; returns its manifest."""
    app = app or current_app._get_current_object()
    url = db.engine.url
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dialect": url.get_backend_name(),
    }
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as tmp:
        work = Path(tmp)
        if manifest["dialect"] == "sqlite":
            database = work / "database.sqlite3"
            with db.engine.connect() as conn:
                source = conn.connection.driver_connection
                copy = sqlite3.connect(database)
                try:
                    source.backup(copy)  # the online backup API: a consistent copy while others write
                finally:
                    copy.close()
        elif manifest["dialect"] == "postgresql":
            database = work / "database.dump"
            _run([_pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(database), _libpq_url(url)])
        else:
            raise click.ClickException(f"no backup for {manifest['dialect']} databases")
        manifest["database"] = database.name
        manifest["tables"] = row_counts()
        manifest["uploads"] = _file_figures(_upload_dir(app))
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(database, database.name)
            uploads = _upload_dir(app)
            if uploads.exists():
                archive.add(uploads, "uploads")
        partial.replace(target)  # a backup interrupted half-way never looks like a finished one
    return manifest


def restore(source: Path, app: Flask | None = None, rebuild_search: bool = True) -> dict[str, Any]:
    """Replace the database and UPLOAD_DIR with the archive's; returns the comparison with the manifest."""
    app = app or current_app._get_current_object()
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, filter="data")  # no absolute paths, no links out of the folder
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise click.ClickException(f"unknown backup format {manifest.get('format')!r}")
        url = db.engine.url
        dialect = url.get_backend_name()
        if manifest["dialect"] != dialect:
            raise click.ClickException(f"the backup is of a {manifest['dialect']} database, this one is {dialect}")
        database = work / manifest["database"]
        db.session.remove()
        db.engine.dispose()  # nothing of this process holds the old tables
        if dialect == "sqlite":
            source_db = sqlite3.connect(database)
            target_db = sqlite3.connect(url.database)
            try:
                source_db.backup(target_db)  # page by page into the live file, in one transaction
            finally:
                source_db.close()
                target_db.close()
        else:
            _run(
                [
                    *(_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"),
                    *("--single-transaction", "--exit-on-error", "-d", _libpq_url(url), str(database)),
                ]
            )
        _replace_uploads(work / "uploads", _upload_dir(app))
        restored = row_counts()
        report: dict[str, Any] = {
            "created_at": manifest["created_at"],
            "tables": {name: (count, restored.get(name)) for name, count in manifest["tables"].items()},
            "uploads": (manifest["uploads"], _file_figures(_upload_dir(app))),
        }
        report["mismatches"] = [name for name, (want, got) in report["tables"].items() if want != got]
        if report["uploads"][0] != report["uploads"][1]:
            report["mismatches"].append("uploads")
    if rebuild_search:
        report["search_documents"] = indexer.rebuild(app)
    return report


def _replace_uploads(restored: Path, target: Path) -> None:
    """Swap the folder in whole: the old one is moved aside first and removed once the new one is in place."""
    aside = target.with_name(f"{target.name}.before-restore-{int(time.time())}")
    if target.exists():
        target.rename(aside)
    if restored.exists():
        shutil.copytree(restored, target)
    else:
        target.mkdir(parents=True)
    shutil.rmtree(aside, ignore_errors=True)


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise click.ClickException(f"{Path(cmd[0]).name} failed:\n{result.stderr.strip()[-2000:]}")


# --- the commands -------------------------------------------------------------------------------------------


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path | None) -> None:
    """Write the database and the attachments to TARGET (default: instance/backups/portal-<UTC time>.tar.gz)."""
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = Path(current_app.instance_path) / "backups" / f"portal-{stamp}.tar.gz"
    started = time.monotonic()
    manifest = backup(target)
    rows = sum(manifest["tables"].values())
    click.echo(
        f"backed up {rows} rows in {len(manifest['tables'])} tables ({manifest['dialect']}) and "
        f"{manifest['uploads']['files']} attachments ({manifest['uploads']['bytes']} bytes) "
        f"to {target} in {time.monotonic() - started:.1f}s"
    )


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: the current database and attachments are replaced.")
@click.option("--no-search", is_flag=True, help="Leave the search index alone (rebuild it later).")
def restore_command(source: Path, yes: bool, no_search: bool) -> None:
    """Replace the database and the attachments with the backup SOURCE, check them, rebuild the search index."""
    if not yes:
        click.confirm(f"Replace the database and {current_app.config['UPLOAD_DIR']} with {source}?", abort=True)
    started = time.monotonic()
    report = restore(source, rebuild_search=not no_search)
    rows = sum(got or 0 for _, got in report["tables"].values())
    uploads = report["uploads"][1]
    click.echo(
        f"restored the backup of {report['created_at']}: {rows} rows in {len(report['tables'])} tables, "
        f"{uploads['files']} attachments ({uploads['bytes']} bytes) in {time.monotonic() - started:.1f}s"
    )
    if "search_documents" in report:
        click.echo(f"search index rebuilt: {report['search_documents']} documents")
    if report["mismatches"]:
        for name in report["mismatches"]:
            click.echo(f"MISMATCH {name}: {report['tables'].get(name, report['uploads'])}", err=True)
        raise SystemExit(1)
