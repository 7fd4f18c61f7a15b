"""Extensions created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

import logging

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# async_mode is chosen in create_app: gevent (with gevent-websocket) when serving,
# threading under the test client.
socketio = SocketIO()


def str_enum(enum_cls: type, length: int = 20) -> Enum:
    """A portable enum column storing the member's value as text (no native type, no CHECK),
    so adding a member later needs no migration on either database."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# A PostgreSQL that restarted (or crashed) under a process: psycopg reports some lost connections only by message
# ("consuming input failed: server closed the connection unexpectedly") without marking the connection broken, so
# SQLAlchemy took them for ordinary errors, kept them, and the rollback that followed failed again and leaked them
# from the pool until it ran dry (bench/soak). Told as disconnects, the connection and the pool's older ones are
# discarded and the next checkout connects afresh.
_DISCONNECT_SQLSTATES = ("08", "57P01", "57P02", "57P03")  # connection exception, shutdown, crash, starting up
_DISCONNECT_MESSAGES = (
    "server closed the connection",
    "consuming input failed",
    "sending query failed",
    "connection is closed",
    "connection is lost",
    "terminating connection",
    "SSL connection has been closed",
)


@event.listens_for(Engine, "handle_error")
def _recognise_disconnects(context) -> None:
    if context.is_disconnect or context.original_exception is None:
        return
    error = context.original_exception
    sqlstate = getattr(error, "sqlstate", None) or ""
    if sqlstate.startswith(_DISCONNECT_SQLSTATES) or any(m in str(error) for m in _DISCONNECT_MESSAGES):
        context.is_disconnect = True


def release_session(exception: BaseException | None = None) -> None:
    """End the context's session where a failure cannot escape: the rollback of a connection PostgreSQL dropped
    fails too, and raised from Flask-SQLAlchemy's teardown it broke the response (and the socket event's ack)."""
    try:
        db.session.remove()
    except Exception as error:
        logging.getLogger(__name__).warning("closing the database session failed: %s", error)
