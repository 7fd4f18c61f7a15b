"""Registered API clients (调用方) and their keys: only a key's hash is stored; usage counters live in the
rate limiter's storage (see ``gate.py``), not in a row per request."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db, str_enum
from portal.history import History
from portal.times import UTCDateTime, utcnow


class ClientState(enum.StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return {"active": "有效", "revoked": "已吊销"}[self.value]


class ApiClient(db.Model):
    """A program of a journalist, researcher or civic-tech group that calls the API with its own key."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    contact: Mapped[str] = mapped_column(sa.String(200))  # who to write to about the client (e-mail, phone)
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    # The account the client acts for: work orders filed through the key are filed in its name.
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    key_prefix: Mapped[str] = mapped_column(sa.String(16))  # the key's first characters, to recognise it
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256 of the whole key
    read_limit: Mapped[str] = mapped_column(sa.String(80))  # limits syntax: "600 per minute;20000 per day"
    write_limit: Mapped[str] = mapped_column(sa.String(80))
    state: Mapped[ClientState] = mapped_column(str_enum(ClientState), default=ClientState.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # to the minute (written once a minute)

    owner: Mapped[User] = relationship()
    events: Mapped[list[ApiClientEvent]] = relationship(order_by="ApiClientEvent.id", viewonly=True)

    @property
    def is_active(self) -> bool:
        return self.state == ClientState.ACTIVE


class ApiClientEvent(History, db.Model):
    """Append-only history of a client: key issued, limits changed, key revoked."""

    __tablename__ = "api_client_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("api_clients.id", ondelete="CASCADE"), index=True)
