"""``flask search rebuild | drain | worker | status``: the index from the command line."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.search import indexer

search_cli = AppGroup("search", help="Full-text search index.")


@search_cli.command("rebuild")
@click.option(
    "--procs",
    default=1,
    show_default=True,
    help="Processes building the index (forked; each holds up to 25,000 documents' postings, ≈ 300 MB).",
)
def rebuild_command(procs: int) -> None:
    """Rebuild the whole index from the database."""
    started = time.monotonic()
    count = indexer.rebuild(current_app._get_current_object(), procs=max(1, procs))
    click.echo(f"indexed {count} documents into {indexer.index_dir()} in {time.monotonic() - started:.1f}s")


@search_cli.command("drain")
def drain_command() -> None:
    """Apply pending outbox rows once and exit."""
    count = indexer.drain(current_app._get_current_object())
    click.echo(f"applied {count} document changes")


@search_cli.command("worker")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between polls of the outbox.")
def worker_command(interval: float) -> None:
    """Run the single index writer for several web workers (set SEARCH_INDEXER=worker for them)."""
    app = current_app._get_current_object()
    click.echo(f"search worker: draining the outbox into {indexer.index_dir(app)} every {interval}s")
    # Like the in-process indexer: an empty index, or one built with an older schema, is rebuilt first.
    healed = indexer.ensure_populated(app)
    if healed:
        click.echo(f"rebuilt the index: {healed} documents")
    pruned_at = 0.0
    while True:
        try:
            count = indexer.drain(app)
            if count:
                click.echo(f"applied {count} document changes")
            if time.monotonic() - pruned_at > 3600:
                pruned_at = time.monotonic()
                indexer.prune(app)
        except Exception as error:  # keep serving; the rows stay in the outbox
            click.echo(f"drain failed: {error}", err=True)
        finally:
            db.session.remove()
        time.sleep(interval)


@search_cli.command("status")
def status_command() -> None:
    """Documents in the index and rows waiting in the outbox."""
    provider = indexer.get_provider()
    view = provider.view()
    click.echo(f"index: {indexer.index_dir()} · {view.doc_count} documents · outbox: {indexer.pending()} pending")
    if not provider.schema_current():
        click.echo("the index was built with an older schema: run `flask search rebuild`")
