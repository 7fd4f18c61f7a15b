"""Full-text search of the policy archive: engine core, independent of Flask and the database.

The web layer calls a :class:`SearchProvider` (today :class:`WhooshProvider`) with plain dicts and gets ids,
the total, facets and escaped highlights back; the database hydrates rows.
"""

from portal.search.analyzer import normalize, normalize_doc_number
from portal.search.provider import (
    Hit,
    SearchIndexBusy,
    SearchProvider,
    SearchRequest,
    SearchResponse,
    WhooshProvider,
)
from portal.search.schema import STATUS_CODES, STATUS_LABELS

__all__ = [
    "STATUS_CODES",
    "STATUS_LABELS",
    "Hit",
    "SearchIndexBusy",
    "SearchProvider",
    "SearchRequest",
    "SearchResponse",
    "WhooshProvider",
    "normalize",
    "normalize_doc_number",
]
