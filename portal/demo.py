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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
import yaml
from flask import current_app
from flask.cli import AppGroup

from portal.config import ROOT
from portal.extensions import db
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
@click.option(
    "--index-later",
    is_flag=True,
    help="Leave the search index to the serving process's background indexer (outbox rows wait for it).",
)
def load_command(once: bool, directory: Path | None, index_later: bool) -> None:
    """Create (or complete) the demo departments, accounts and content."""
    previous = current_app.config.get("DEMO_DATA_DIR")
    if directory is not None:
        current_app.config["DEMO_DATA_DIR"] = str(directory.resolve())
    try:
        _load(once, index_later)
    finally:
        current_app.config["DEMO_DATA_DIR"] = previous


def _marker_text() -> str:
    # The marker lists the loaders that ran and the data folder, so a checkout that adds a capability (or another
    # folder of data) loads its demo data too.
    return "\n".join(sorted(name for _, name, _ in _LOADERS)) + f"\ndata: {data_dir()}\n"


def loaded() -> bool:
    """Whether ``--once`` would skip: these loaders already ran on this database with this data folder."""
    return _marker().exists() and _marker().read_text() == _marker_text()


def index_now() -> bool:
    """Whether loaders write the search index themselves (else the outbox rows wait for the serving process's
    background indexer: ``make run`` answers before the index is built)."""
    return not current_app.config.get("DEMO_INDEX_LATER")


@contextmanager
def _quick_writes() -> Iterator[None]:
    """On a SQLite file, no fsync per commit while the demo loads (``PRAGMA synchronous=OFF``): the loaders
    commit hundreds of times, and on a busy disk each fsync costs tens of milliseconds. Demo data can be loaded
    again if the machine crashes meanwhile. Other databases are left as they are."""
    engine = db.engine
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        yield
        return

    def no_sync(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    db.session.remove()
    engine.dispose()
    sa.event.listen(engine, "connect", no_sync)
    try:
        yield
    finally:
        sa.event.remove(engine, "connect", no_sync)
        db.session.remove()
        engine.dispose()  # later connections sync again


def load_once(*, once: bool = True, index_later: bool = False, echo: Callable[[str], object] = click.echo) -> None:
    """Run the loaders (skipped when ``once`` and :func:`loaded`), echoing their one-line summaries."""
    if once and loaded():
        echo("demo data already loaded (run `flask --app portal demo load` to load it again)")
        return
    previous = current_app.config.get("DEMO_INDEX_LATER")
    current_app.config["DEMO_INDEX_LATER"] = index_later
    try:
        with _quick_writes():
            for line in load_all():
                echo(line)
    finally:
        current_app.config["DEMO_INDEX_LATER"] = previous
    if once:
        _marker().write_text(_marker_text())


def _load(once: bool, index_later: bool = False) -> None:
    load_once(once=once, index_later=index_later)
