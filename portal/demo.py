"""``flask demo load``: the demo city from ../shared/DEMO.md, idempotent.

The demo is data: one folder of YAML files (``demo/`` in the repository, or ``DEMO_DATA_DIR``, or
``flask demo load --data DIR``), described in docs/DEMO-DATA.md. Each capability package registers a loader
with ``demo_loader(order)`` that reads its file with :func:`read` and creates what it describes through the
package's public services. Loaders run in order (accounts first) and are idempotent: they look up by natural
key before creating.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup

from portal.config import ROOT
from portal.times import LOCAL_TZ, to_local

Loader = Callable[[], str]
_LOADERS: list[tuple[int, str, Loader]] = []

demo_cli = AppGroup("demo", help="Demo data.")

DEFAULT_DATA_DIR = ROOT / "demo"


class DemoDataError(click.ClickException):
    """A demo data file is missing or malformed; the message names the file."""


def data_dir() -> Path:
    """The folder of demo data files: the ``DEMO_DATA_DIR`` setting, else ``demo/`` in the repository."""
    configured = current_app.config.get("DEMO_DATA_DIR")
    return Path(configured) if configured else DEFAULT_DATA_DIR


def read(name: str) -> dict:
    """The mapping in ``<data dir>/<name>.yaml`` (a missing file is an empty mapping: nothing to load)."""
    path = data_dir() / f"{name}.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DemoDataError(f"{path}: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DemoDataError(f"{path}: the file should hold a mapping of sections")
    return data


_DAYS = re.compile(r"^([-+])(\d+)d (\d{1,2}):(\d{2})$")
_MINUTES = re.compile(r"^([-+])(\d+)m$")


def moment(value: str, now: datetime) -> datetime:
    """A time of the data files, relative to ``now`` so that the demo always looks recent: "-9d 16:41" is 16:41
    Beijing time nine days ago, "+45d 09:00" 09:00 in 45 days, "-25m" 25 minutes ago."""
    text = str(value).strip()
    if found := _DAYS.match(text):
        sign, days, hh, mm = found.groups()
        day = to_local(now).date() + timedelta(days=int(days) * (1 if sign == "+" else -1))
        return datetime(day.year, day.month, day.day, int(hh), int(mm), tzinfo=LOCAL_TZ)
    if found := _MINUTES.match(text):
        sign, minutes = found.groups()
        return now + timedelta(minutes=int(minutes) * (1 if sign == "+" else -1))
    raise DemoDataError(f"a demo time reads like -9d 16:41, +45d 09:00 or -25m, not {value!r}")


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
@click.option(
    "--data",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of demo data files (default: DEMO_DATA_DIR, else demo/).",
)
def load_command(once: bool, directory: Path | None) -> None:
    """Create (or complete) the demo departments, accounts and content."""
    previous = current_app.config.get("DEMO_DATA_DIR")
    if directory is not None:
        current_app.config["DEMO_DATA_DIR"] = str(directory.resolve())
    try:
        _load(once)
    finally:
        current_app.config["DEMO_DATA_DIR"] = previous


def _load(once: bool) -> None:
    # The marker lists the loaders that ran and the data folder, so a checkout that adds a capability (or another
    # folder of data) loads its demo data too.
    loaders = "\n".join(sorted(name for _, name, _ in _LOADERS)) + f"\ndata: {data_dir()}\n"
    if once and _marker().exists() and _marker().read_text() == loaders:
        click.echo("demo data already loaded (run `flask --app portal demo load` to load it again)")
        return
    for line in load_all():
        click.echo(line)
    if once:
        _marker().write_text(loaders)
