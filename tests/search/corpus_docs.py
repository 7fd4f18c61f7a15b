"""Test helpers: the five real articles of /work/shared/corpus as policy dicts (manifest metadata)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

CORPUS_DIR = Path("/work/shared/corpus")
# id → corpus file, so tests can name documents.
IDS = {
    "laixi": 1,
    "laiwu": 2,
    "guiyang": 3,
    "qingdao_campaign": 4,
    "qingdao_reengineering": 5,
}
_TYPES = ["新闻", "解读", "新闻", "方案", "意见"]
_STATUSES = ["in_force", "现行有效", "amended", "expired", "repealed"]
_NUMBERS = [None, None, None, "青政办发〔2021〕5号", "青发[2019]12号"]


def corpus_docs() -> list[dict[str, Any]]:
    manifest = json.loads((CORPUS_DIR / "manifest.json").read_text())
    docs = []
    for i, entry in enumerate(manifest["documents"]):
        published = dt.date.fromisoformat(entry["published_on"]) if entry["published_on"] else None
        docs.append(
            {
                "id": i + 1,
                "title": entry["title"],
                "doc_number": _NUMBERS[i],
                "issuer": entry["issuer"],
                "doc_type": _TYPES[i],
                "status": _STATUSES[i],
                "topics": entry["topics"],
                "body": (CORPUS_DIR / entry["file"]).read_text(),
                "published_on": published,
                "written_on": dt.date(entry["year"], 6, 1) if entry["year"] and not published else None,
            }
        )
    return docs
