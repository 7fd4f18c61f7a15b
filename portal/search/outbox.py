"""The search outbox: a row per changed document, written in the same transaction as the change.

Rows are written by ``portal.search.indexer.enqueue``, which also wakes the indexer after the commit. The
indexer is the only index writer; each index applies these rows once (its cursor, ``portal.search.cursor``);
rows are pruned after a retention period. A row says only
*which* document changed; the indexer reads the document's state at drain time, so rows are idempotent and
several rows for one document collapse into one index write.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.times import UTCDateTime, utcnow


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"
    # Never reuse ids on SQLite (cursors in index directories remember them).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(20))  # "policy"
    entity_id: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
