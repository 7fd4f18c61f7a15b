"""Per-segment data and postings, cached across index generations (segments never change).

Document numbers here are local to the segment; :class:`~portal.search.engine.IndexView` shifts them by the
segment's offset in a generation. Deletions are not applied here (they can change while the segment does not):
views mask with their ``live`` set.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable
from itertools import accumulate
from typing import Generic, TypeVar

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.reading import IndexReader

from portal.internals import Need, available
from portal.search import bitset
from portal.search.schema import DocMeta

FACETS: tuple[str, ...] = ("issuer", "doc_type", "status", "year")

BLOCK_READER = "search block reader"
# The parts of whoosh-reloaded 2.7.5's W3LeafMatcher (pinned) that _read_postings reads a block at a time.
BLOCK_NEEDS = (
    Need(W3LeafMatcher, "__init__", source=("self._byteids",)),
    Need(W3LeafMatcher, "_read_data", ("self",)),
    Need(W3LeafMatcher, "_read_weights", ("self",)),
    Need(W3LeafMatcher, "_next_block", ("self",)),
    Need(W3LeafMatcher, "_read_data", source=("self._data",)),
    Need(W3LeafMatcher, "_read_weights", source=("self._weights",)),
)

Postings = tuple[array, array, int]  # document numbers, term frequencies, bitset
T = TypeVar("T")

_segment_cache: OrderedDict[tuple, tuple[object, int]] = OrderedDict()  # key → (value, size)
_segment_lock = threading.Lock()
_segment_size = 0
# Per-segment term postings, across generations, bounded by size: about
# 12 bytes per posting (≈ 100 MB), so the postings a whole query mix needs stay cached.
_SEGMENT_BUDGET = 8_000_000


def _cached(key: tuple, build: Callable[[], T], size: Callable[[T], int]) -> T:
    """Per-segment value, LRU-cached by a key starting with the segment id (segments never change)."""
    global _segment_size
    with _segment_lock:
        entry = _segment_cache.get(key)
        if entry is not None:
            _segment_cache.move_to_end(key)
            return entry[0]  # type: ignore[return-value]
    value = build()
    weight = size(value) + 1
    with _segment_lock:
        if key not in _segment_cache:
            _segment_cache[key] = (value, weight)
            _segment_size += weight
        while _segment_size > _SEGMENT_BUDGET and len(_segment_cache) > 1:
            _, (_, dropped) = _segment_cache.popitem(last=False)
            _segment_size -= dropped
    return value


def _read_postings(matcher: Matcher, offset: int, with_weights: bool = True) -> tuple[array, array]:
    """All (docnum + offset, frequency) pairs of a leaf matcher.

    whoosh's block reader is used a whole block at a time (relies on whoosh-reloaded 2.7.5's W3LeafMatcher,
    which is pinned): per-posting ``id()/weight()/next()`` calls cost 10x more. Terms with a single posting are
    inlined by the codec and come back as a plain matcher, read the generic way, as is everything when the
    installed whoosh is not the pinned one (``BLOCK_NEEDS``).
    """
    ids, weights = array("i"), array("f")
    leaf = getattr(matcher, "child", matcher)  # unwrap the deletion filter; deletions are masked by bitset
    if isinstance(leaf, W3LeafMatcher) and available(BLOCK_READER, BLOCK_NEEDS):
        while leaf.is_active():
            if leaf._data is None:
                leaf._read_data()
            raw = leaf._data[0]
            # Document numbers are delta-coded unless stored as bytes; accumulate() decodes them in C.
            block = raw if leaf._byteids else accumulate(raw)
            ids.extend(block if not offset else (doc + offset for doc in block))
            if with_weights:
                leaf._read_weights()
                weights.extend(leaf._weights)
            leaf._next_block()
    else:
        while leaf.is_active():
            ids.append(leaf.id() + offset)
            if with_weights:
                weights.append(leaf.weight())
            leaf.next()
    return ids, weights


class SegmentData:
    """What a view needs of one immutable segment, built once and shared by every generation holding it.

    Document numbers are local to the segment; a view shifts them by the segment's offset. Deletions are not
    applied here (they can change without the segment changing): views mask with their ``live`` set.
    """

    def __init__(self, reader: IndexReader) -> None:
        column = reader.column_reader("meta", translate=False)
        self.metas: list[DocMeta] = [DocMeta.decode(raw) for raw in column]
        self.lengths: list[int] = [meta.length for meta in self.metas]
        groups: dict[str, dict[str | int, list[int]]] = {name: {} for name in FACETS}
        issuer, doc_type, status, year = (groups[name] for name in FACETS)
        for doc, meta in enumerate(self.metas):
            issuer.setdefault(meta.issuer, []).append(doc)
            doc_type.setdefault(meta.doc_type, []).append(doc)
            status.setdefault(meta.status, []).append(doc)
            year.setdefault(meta.year, []).append(doc)
        self.facets: dict[str, dict[str | int, int]] = {
            name: {value: bitset.from_ids(docs) for value, docs in values.items() if value}
            for name, values in groups.items()
        }
        # (date, doc) ascending: reversed, it is newest first with ties broken by the higher document number.
        self.order: list[int] = sorted(range(len(self.metas)), key=lambda doc: self.metas[doc].date)
        self.dates: list[int] = [self.metas[doc].date for doc in self.order]


class PerSegment(Generic[T]):
    """A value built once per segment (segments never change), the ``entries`` most recently used kept."""

    def __init__(self, build: Callable[[IndexReader], T], entries: int) -> None:
        self.build, self.entries = build, entries
        self._values: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader: IndexReader) -> T:
        key = reader.segment().segment_id()
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = self.build(reader)  # outside the lock: building reads the whole segment
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.entries:
                self._values.popitem(last=False)
        return value


_segment_data: PerSegment[SegmentData] = PerSegment(SegmentData, entries=64)


def segment_data(reader: IndexReader) -> SegmentData:
    """A segment's data, cached apart from postings (so a long run of queries never evicts it), LRU by count."""
    return _segment_data.get(reader)


def segment_postings(reader: IndexReader, field: str, text: str) -> Postings:
    """One segment's postings of a term (local document numbers), cached across generations."""

    def read() -> Postings:
        if (field, text) not in reader:
            return array("i"), array("f"), 0
        # Bigram postings only narrow phrase candidates: their frequencies are never used.
        ids, weights = _read_postings(reader.postings(field, text), 0, with_weights=not field.endswith("_bigrams"))
        return ids, weights, bitset.from_ids(ids)

    return _cached((reader.segment().segment_id(), "postings", field, text), read, lambda entry: len(entry[0]))
