"""``flask demo load``: the demo city from ../shared/DEMO.md, idempotent.

Each capability package registers a loader with ``demo_loader(order)``; loaders run in order
(accounts first) and must themselves be idempotent: look up by natural key before creating.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

Loader = Callable[[], str]
_LOADERS: list[tuple[int, str, Loader]] = []

demo_cli = AppGroup("demo", help="Demo data.")


def demo_loader(order: int) -> Callable[[Loader], Loader]:
    """Register a loader; it returns a one-line summary of what it ensured."""

    def register(fn: Loader) -> Loader:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _, existing, _ in _LOADERS):
            _LOADERS.append((order, name, fn))
        return fn

    return register


def load_all() -> list[str]:
    return [fn() for _, _, fn in sorted(_LOADERS, key=lambda item: (item[0], item[1]))]


def _marker() -> Path:
    """One marker per database, so ``--once`` notices a different DATABASE_URL."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    return Path(current_app.instance_path) / f"demo-loaded-{hashlib.sha1(url.encode()).hexdigest()[:12]}"


@demo_cli.command("load")
@click.option("--once", is_flag=True, help="Skip when demo data was already loaded into this database.")
def load_command(once: bool) -> None:
    """Create (or complete) the demo departments, accounts and content."""
    # The marker lists the loaders that ran, so a checkout that adds a capability loads its demo data too.
    loaders = "\n".join(sorted(name for _, name, _ in _LOADERS)) + "\n"
    if once and _marker().exists() and _marker().read_text() == loaders:
        click.echo("demo data already loaded (run `flask --app portal demo load` to load it again)")
        return
    for line in load_all():
        click.echo(line)
    if once:
        _marker().write_text(loaders)
