"""Where one index stands in the outbox: a small file in the index directory (one per node).

Outbox rows are kept for a retention period instead of being deleted by the drain, so every node with its own
index catches up from the same rows (docs/OPERATIONS.md, "More machines"). Ids are allocated at insert but
become visible at commit, so a lower id can appear after a higher one; the cursor therefore keeps ``upto``
(every row at or below it is applied) plus the ids ``seen`` above it, and only moves ``upto`` past rows older
than ``GRACE`` — a transaction open longer than that could still be missed (``flask search rebuild`` repairs).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

GRACE = timedelta(seconds=120)
FILENAME = "outbox-cursor.json"


@dataclass
class Cursor:
    upto: int = 0
    seen: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, index_dir: str) -> Cursor | None:
        path = Path(index_dir) / FILENAME
        try:
            data = json.loads(path.read_text())
            return cls(int(data["upto"]), {int(i) for i in data.get("seen", [])})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, index_dir: str) -> None:
        path = Path(index_dir) / FILENAME
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"upto": self.upto, "seen": sorted(self.seen)}))
        os.replace(tmp, path)  # atomic: a crash leaves the old cursor, and re-applying rows is harmless

    def advance(self, rows: list[tuple[int, datetime]], now: datetime) -> None:
        """Mark ``rows`` (id, created_at; every visible row above ``upto`` up to the highest one) as applied."""
        self.seen.update(row_id for row_id, _ in rows)
        settled = [row_id for row_id, created in rows if created < now - GRACE]
        if settled:
            self.upto = max(self.upto, max(settled))
            self.seen = {row_id for row_id in self.seen if row_id > self.upto}


def forget(index_dir: str) -> None:
    (Path(index_dir) / FILENAME).unlink(missing_ok=True)
