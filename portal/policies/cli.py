"""``flask policies import DIR``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.actors import SYSTEM
from portal.policies.importer import ManifestError, import_directory
from portal.search import indexer

policies_cli = AppGroup("policies", help="Policy archive.")


@policies_cli.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Import as drafts instead of publishing (现行有效).")
def import_command(directory: Path, draft: bool) -> None:
    """Import plain-text files described by DIRECTORY/manifest.json; bad files are reported and skipped."""
    app = current_app._get_current_object()
    try:
        with indexer.deferred(app):
            report = import_directory(directory, SYSTEM, publish=not draft)
    except ManifestError as error:
        raise click.ClickException(str(error)) from None
    indexer.drain(app)
    for line in report.lines():
        click.echo(line)
