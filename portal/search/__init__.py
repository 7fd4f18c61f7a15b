"""The full-text search engine: it imports no capability package (docs/ARCHITECTURE-LAYERS.md).

Its core is independent of Flask and the database: a caller hands a :class:`SearchProvider` (today
:class:`WhooshProvider`) plain dicts and gets ids, the total, facets and escaped highlights back; the database
hydrates rows. ``portal.search.indexer`` drains the outbox into the index from the document sources that packages
register (``register_source``); the policy search itself lives in ``portal.policies.search``.
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
