"""The work orders' notion of "now": real time, or a moment set with ``at`` (demo history, tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from portal.times import utcnow

_local = threading.local()


def now() -> datetime:
    return getattr(_local, "moment", None) or utcnow()


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Act as if it were ``moment`` (aware) inside the block."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware datetime")
    previous = getattr(_local, "moment", None)
    _local.moment = moment
    try:
        yield moment
    finally:
        _local.moment = previous
