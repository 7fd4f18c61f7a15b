"""Append-only history: the one shape of the rows that record who changed what, from which state to which.

``History`` is the declarative mixin of the history tables of hearings, questions and work orders: who acted
(``actor_id``; NULL is ``SYSTEM``, shown as 系统), the action, the state before and after, a note and when.
A table adds its owner's foreign key and what only it records (a question's text before an edit, an order's
public label). ``record`` writes one row in the caller's transaction.

``AppendOnly`` is the guarantee: a row is written once; the session refuses to change or delete it
(``HistoryIsAppendOnly``), whether through the unit of work or a bulk ``update``/``delete`` statement. Rows go
only when their owner is deleted in the database (``ON DELETE CASCADE``). Plan state changes and policy status
changes, whose columns differ (no action; enum-typed states; a policy's dated reason and version), take the
guarantee without the shape.

Foundation: imports no capability package.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, relationship

from portal.extensions import db
from portal.times import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User


class HistoryIsAppendOnly(RuntimeError):
    """A history row was about to be changed or deleted: history is only ever appended to."""


class AppendOnly:
    """Rows of this class are written once and never changed or deleted (see the module's docstring)."""


class History(AppendOnly):
    """The shared columns of a history row; a table may redeclare one (an enum action, an indexed time)."""

    action: Mapped[str] = mapped_column(sa.String(20))
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def actor_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("users.id"))  # NULL: SYSTEM

    @declared_attr
    def actor(cls) -> Mapped[User | None]:
        return relationship("User")


H = TypeVar("H", bound=History)


def state_value(state: Enum | str | None) -> str | None:
    return state.value if isinstance(state, Enum) else state


def record(
    model: type[H],
    actor: Any,
    action: str | Enum,
    before: Enum | str | None,
    after: Enum | str | None,
    *,
    note: str = "",
    **fields: Any,
) -> H:
    """Add one history row in the caller's transaction: ``actor`` (a user or ``SYSTEM``) took ``action``."""
    row = model(
        actor_id=actor.id,
        action=action,
        from_state=state_value(before),
        to_state=state_value(after),
        note=note,
        **fields,
    )
    db.session.add(row)
    return row


def _refuse(target: Any, what: str) -> None:
    table = getattr(target, "__tablename__", type(target).__name__)
    raise HistoryIsAppendOnly(f"{table} is append-only: history rows are never {what}")


@event.listens_for(AppendOnly, "before_update", propagate=True)
def _refuse_update(mapper: Any, connection: Any, target: Any) -> None:
    session = sa.inspect(target).session
    if session is None or session.is_modified(target, include_collections=False):
        _refuse(target, "changed")


@event.listens_for(AppendOnly, "before_delete", propagate=True)
def _refuse_delete(mapper: Any, connection: Any, target: Any) -> None:
    _refuse(target, "deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    for mapper in state.all_mappers:
        if issubclass(mapper.class_, AppendOnly):
            _refuse(mapper.class_, "changed" if state.is_update else "deleted")
