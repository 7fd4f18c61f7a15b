"""Fixtures shared by the whole suite: app, database, clients, CLI runner, users of each role.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set; each run
gets its own database, created here and dropped afterwards.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, request_started

from tests.support import databases, openapi_check

os.environ.setdefault("RUN_BACKGROUND_JOBS", "0")


def pytest_report_header(config) -> list[str]:
    lines = [f"database: {'PostgreSQL (TEST_DATABASE_URL)' if os.environ.get('TEST_DATABASE_URL') else 'SQLite'}"]
    lines.append(f"redis: {os.environ.get('REDIS_URL') or 'not configured (Redis tests skip)'}")
    return lines


# Fixtures that make a test need a marker: a real server process, or Chromium.
_MARKER_FIXTURES = {
    "live": {"live_server"},
    "browser": {"browser", "new_page", "page"},
}
# Marked tests skip, with the reason, when the service they need is not configured.
_SERVICE_SETTINGS = {"postgres": "TEST_DATABASE_URL", "redis": "REDIS_URL"}


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test by what it needs (``make test-fast`` deselects live/browser/postgres/redis)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, needs in _MARKER_FIXTURES.items():
            if fixtures & needs and item.get_closest_marker(marker) is None:
                item.add_marker(marker)
        for marker, setting in _SERVICE_SETTINGS.items():
            if item.get_closest_marker(marker) is not None and not os.environ.get(setting):
                item.add_marker(pytest.mark.skip(reason=f"needs {setting} ({marker})"))


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with databases.fresh_database("unit") as url:
        yield url


@pytest.fixture(scope="session")
def instance_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="portal-test-") as tmp:
        yield Path(tmp)


def make_test_config(database_url: str, instance_dir: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SEARCH_INDEX_DIR": str(instance_dir / "search-index"),
        "UPLOAD_DIR": str(instance_dir / "uploads"),
        "REDIS_URL": None,
        "RUN_BACKGROUND_JOBS": False,
        "SERVER_NAME": "portal.test",
    }


def _forget_login_user(sender, **extra) -> None:
    g.pop("_login_user", None)


@pytest.fixture(scope="session")
def app(database_url: str, instance_dir: Path):
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app(make_test_config(database_url, instance_dir))
    # Tests often hold an app context (the ``ctx`` fixture) while the test client makes
    # requests, and Flask then reuses it; forget the logged-in user at every request as a
    # fresh context would in production.
    request_started.connect(_forget_login_user, app)
    with app.app_context():
        upgrade(revision="heads")
    # Every /api/v1 response a test receives must match the generated OpenAPI document.
    openapi_check.install(app)
    return app


@pytest.fixture
def other_app(app, database_url, instance_dir):
    """other_app(**overrides) → a second app on the same database with other settings.

    Some extensions (limiter, socketio) are process-wide singletons that the last ``init_app``
    configures, so the main app is bound to them again afterwards.
    """
    from portal import bind_process_extensions, create_app

    def make(**overrides):
        return create_app(make_test_config(database_url, instance_dir) | overrides)

    yield make
    bind_process_extensions(app)


@pytest.fixture(autouse=True)
def _clean_database(request) -> Iterator[None]:
    """Every test starts from empty tables (only for tests that use the app)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from portal.extensions import db
    from portal.hearings import live

    # The vote flusher a socket test may have started keeps running: forget the counts it still owes to
    # hearings about to be deleted, or its next tick bumps the seq of a later test's hearing with the same id.
    with live._lock:
        live._dirty_votes.clear()
        live._dirty_presence.clear()
    with app.app_context():
        db.session.remove()
        databases.empty_all_tables(db.engine, db.metadata)


@pytest.fixture
def ctx(app):
    """An app context with a request context, for calling services directly."""
    with app.test_request_context():
        yield app


@pytest.fixture
def db(ctx):
    from portal.extensions import db

    return db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def factory(ctx):
    from tests.support.factories import Factory

    return Factory()


@pytest.fixture
def users(factory):
    """One user of each role, all with password ``password123``."""
    return factory.one_user_per_role()


@pytest.fixture
def login(app):
    """login(user) → a test client logged in as that user."""

    def make(user, password: str = "password123"):
        client = app.test_client()
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return make


def unique(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


__all__ = ["sa", "unique"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real gevent server on a migrated database with the demo data loaded."""
    from tests.support import live

    instance = tmp_path_factory.mktemp("live")
    with databases.fresh_database("live") as url:
        env = live.server_env(url, instance)
        live.flask_cli(env, "db", "upgrade", "heads")
        live.flask_cli(env, "demo", "load")
        server = live.start_server(env, instance / "server.log")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        message = f"Chromium not found at {executable} (apt-get install -y chromium fonts-noto-cjk)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(width=1280, locale="zh-CN") → a page whose console errors and CSP violations fail the test."""
    contexts, pages = [], []

    def make(width: int = 1280, height: int = 900, locale: str = "zh-CN"):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.console_errors = []
        # A form answered with 4xx is expected behaviour; a failing script, style or image is not.
        page.on(
            "console",
            lambda msg: msg.type == "error"
            and not msg.text.startswith("Failed to load resource")
            and page.console_errors.append(msg.text),
        )
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        page.on(
            "response",
            lambda resp: resp.status >= 400
            and resp.request.resource_type != "document"
            and page.console_errors.append(f"{resp.status} {resp.url}"),
        )
        contexts.append(context)
        pages.append(page)
        return page

    yield make
    try:
        for page in pages:
            assert page.console_errors == [], f"console errors / CSP violations: {page.console_errors}"
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page):
    return new_page()
