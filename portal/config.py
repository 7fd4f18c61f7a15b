"""Settings from the environment, with embedded defaults that need nothing installed.

Every default keeps state under ``instance/`` so that ``make run`` works on a fresh
machine; production overrides them with environment variables (see README).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once into instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(url: str) -> str:
    # Accept the common postgres:// spelling and use psycopg 3 as the driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _engine_options(url: str) -> dict[str, object]:
    """Under gevent one process serves hundreds of concurrent handlers: a PostgreSQL pool of 5 + 10
    made bursts (a hall of viewers joining) queue for a connection and churn overflow connections."""
    options: dict[str, object] = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options["pool_size"] = int(os.environ.get("DATABASE_POOL_SIZE", "10"))
        options["max_overflow"] = int(os.environ.get("DATABASE_MAX_OVERFLOW", "20"))
    return options


def load_config(instance_path: str | os.PathLike[str]) -> dict[str, object]:
    """Build the Flask config mapping for one app instance."""
    instance = Path(instance_path)
    redis_url = os.environ.get("REDIS_URL") or None
    database_url = _database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'portal.sqlite3'}")
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "REDIS_URL": redis_url,
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "portal-socketio"),
        # Broadcast frames written straight to each websocket (portal/websocket_writes.py); off = engineio's queues.
        "SOCKETIO_DIRECT_WRITES": _env_flag("SOCKETIO_DIRECT_WRITES", default=True),
        # Serving processes run full garbage collections on this period only (portal/gc_schedule.py); 0 = CPython's.
        "GC_FULL_INTERVAL": float(os.environ.get("GC_FULL_INTERVAL", "300")),
        # Engine.IO heartbeat (seconds): a silent client is dropped after interval + timeout.
        "SOCKETIO_PING_INTERVAL": float(os.environ.get("SOCKETIO_PING_INTERVAL", "25")),
        "SOCKETIO_PING_TIMEOUT": float(os.environ.get("SOCKETIO_PING_TIMEOUT", "20")),
        # Enterprise ratings: aggregates are shown only when at least this many enterprises rated.
        "RATING_MIN_SAMPLE": int(os.environ.get("RATING_MIN_SAMPLE", "5")),
        "RATING_PERIOD": os.environ.get("RATING_PERIOD", "quarter"),  # quarter | month | year
        "HEARING_ASK_LIMIT": os.environ.get("HEARING_ASK_LIMIT", "5 per minute"),
        "HEARING_VOTE_LIMIT": os.environ.get("HEARING_VOTE_LIMIT", "60 per minute"),
        "SENSITIVE_WORDS": os.environ.get("SENSITIVE_WORDS") or None,
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR") or str(instance / "search-index"),
        # Folder of demo data files (``flask demo load``); unset = demo/ in the repository (docs/DEMO-DATA.md).
        "DEMO_DATA_DIR": os.environ.get("DEMO_DATA_DIR") or None,
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance / "uploads"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_flag("SESSION_COOKIE_SECURE"),
        # How many proxies in front set X-Forwarded-For / -Proto (1 behind deploy/nginx/portal.conf; 0: none,
        # the headers are ignored, as anyone could send them).
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env_flag("SESSION_COOKIE_SECURE"),
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "portal"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Log-in throttling (portal/accounts/throttle.py): failed log-ins per account name, and failed log-ins and
        # sign-ups per client address. The address limit is sized for a hearing hall of 500 people behind one NAT.
        "LOGIN_RATE_LIMIT_ACCOUNT": os.environ.get("LOGIN_RATE_LIMIT_ACCOUNT", "10 per minute;50 per hour"),
        "LOGIN_RATE_LIMIT_ACCOUNT_ALL": os.environ.get("LOGIN_RATE_LIMIT_ACCOUNT_ALL", "30 per minute;150 per hour"),
        "LOGIN_RATE_LIMIT_ADDRESS": os.environ.get("LOGIN_RATE_LIMIT_ADDRESS", "500 per minute;3000 per hour"),
        # The API's reads (/api/v1, /open311) without a key, per client address (per account when signed in), and
        # the defaults of a new API key (each key's own limits are set on its admin page; portal/apiclients).
        "API_ANONYMOUS_READ_LIMIT": os.environ.get("API_ANONYMOUS_READ_LIMIT", "60 per minute;1000 per hour"),
        "API_KEY_READ_LIMIT": os.environ.get("API_KEY_READ_LIMIT", "600 per minute;20000 per hour"),
        "API_KEY_WRITE_LIMIT": os.environ.get("API_KEY_WRITE_LIMIT", "10 per minute;200 per day"),
        "RUN_BACKGROUND_JOBS": _env_flag("RUN_BACKGROUND_JOBS", default=True),
        "TIMEZONE": "Asia/Shanghai",
    }
