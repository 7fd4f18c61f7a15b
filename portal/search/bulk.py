"""Full rebuilds: documents split into chunks, each chunk written as one whoosh segment from postings in memory.

Why not whoosh's own writers: a ``SegmentWriter`` adds every posting to a ``PostingPool`` as a tuple, spills
sorted runs to disk every ``limitmb`` (every ≈ 2,300 documents at 512 MB), heap-merges them all in Python at the
end, and hands them to the codec one posting at a time; its multi-process writer also pickles every document to
job files. That was ≈ 20 ms of CPU per document at 100,000 documents.

Here (:func:`build_segments`):

* the documents are cut into chunks in order; with ``procs`` > 1, that many *forked* workers (they inherit the
  documents: nothing is pickled but chunk numbers and the finished segments) take chunks from a queue; with one
  process the chunks are built in turn in this process;
* :class:`SegmentBuilder` indexes a chunk's documents into arrays per field and term (document numbers and,
  for frequency fields, frequencies), then writes each term's posting list whole, block by block, in whoosh's
  W3 format (byte for byte what whoosh writes: tests/search/test_bulk.py), so readers see an ordinary segment;
* the caller commits all segments in one TOC, in chunk order, so document numbers follow the input order as
  in a one-segment index (ties in ranking and date order break the same way).

The builder supports what the archive schema uses: fields in whoosh's Existence or Frequency format whose
weights are their frequencies (no per-token boosts), no term vectors, no spelling fields. It writes through
private parts of whoosh-reloaded 2.7.5's W3 field writer (pinned, like ``segments.py``'s block reader); the
byte-for-byte test is what tells when an upgrade breaks it.
"""

from __future__ import annotations

import math
import multiprocessing
import operator
import struct
import threading
import zlib
from array import array
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import chain
from pickle import dumps
from typing import Any

from whoosh.codec import whoosh3
from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Existence, Frequency
from whoosh.index import Index
from whoosh.reading import TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from portal.internals import Need, available

# Documents per segment, at most. Memory while building a chunk is ≈ 11 KB per document (3 KB bodies), and
# every segment costs queries a little (≈ 0.15 ms at the median: term-index lookups per term and segment) and
# the build a little (its terms are written once per segment): so few, big segments (4 at 100,000 documents).
CHUNK_DOCS = 25_000

FEATURE = "search bulk builder"
# The parts of whoosh-reloaded 2.7.5 (pinned) that the builder writes through.
NEEDS = (
    Need(SegmentWriter, "__init__", source=("self.perdocwriter", "self.fieldwriter", "self.docnum", "self._added")),
    Need(SegmentWriter, "_finalize_segment", ("self",)),
    Need(SegmentWriter, "_close_segment", ("self",)),
    Need(SegmentWriter, "_commit_toc", ("self", "segments")),
    Need(SegmentWriter, "_finish", ("self",)),
    Need(whoosh3.W3Codec, "__init__", source=("self._blocklimit", "self._compression")),
    Need(whoosh3.W3FieldWriter, "__init__", source=("self._postfile", "self._fieldid", "self._tindex")),
    Need(whoosh3.W3FieldWriter, "start_field", ("self", "fieldname", "fieldobj")),
    Need(whoosh3.W3FieldWriter, "finish_field", ("self",)),
    Need(whoosh3.W3PerDocWriter, "start_doc", ("self", "docnum")),
    Need(whoosh3.W3PerDocWriter, "add_field", ("self", "fieldname", "fieldobj", "value", "length")),
    Need(whoosh3.W3PerDocWriter, "add_column_value", ("self", "fieldname", "column", "value")),
    Need(whoosh3.W3PerDocWriter, "finish_doc", ("self",)),
    Need(TermInfo, "__init__", source=("self._weight", "self._df", "self._maxweight", "self._minid", "self._maxid")),
    Need(W3TermInfo, "set_extent", ("self", "offset", "length")),
    Need(whoosh3, "WHOOSH3_HEADER_MAGIC"),
)


def usable() -> bool:
    """Whether the installed whoosh is the one the builder writes for (else rebuilds use whoosh's writer)."""
    return available(FEATURE, NEEDS)


_ZERO_LENGTH = length_to_byte(0)
_NO_LENGTH = length_to_byte(None)


def chunk_bounds(count: int, procs: int, most: int | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` of equal chunks of at most ``most`` (``CHUNK_DOCS``) documents, as many as a multiple
    of ``procs`` (so that the workers finish together)."""
    if count <= 0:
        return []
    chunks = math.ceil(count / (most or CHUNK_DOCS))
    if procs > 1:
        chunks = min(count, math.ceil(chunks / procs) * procs)
    size = math.ceil(count / chunks)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


class SegmentBuilder(SegmentWriter):
    """A ``SegmentWriter`` for one new segment (no lock: the caller holds the index's) that keeps postings in
    arrays and writes them in :meth:`_flush_segment` (called by ``_finalize_segment()``, which returns the
    segment to commit)."""

    def __init__(self, ix: Index, codec: Any) -> None:
        if codec.length_stats:
            raise ValueError("SegmentBuilder writes no per-block length statistics: use a codec without them")
        super().__init__(ix, _lk=False, codec=codec)
        self._terms: dict[str, dict[str, tuple[array, array | None]]] = {}
        self._counted: dict[str, bool] = {}  # field name → keeps frequencies (Frequency format)
        for name, field in self.schema.items():
            if not field.indexed:
                continue
            fmt = type(field.format)
            if fmt not in (Existence, Frequency) or field.vector or field.separate_spelling():
                raise ValueError(f"SegmentBuilder cannot index field {name!r} ({field!r})")
            self._terms[name] = {}
            self._counted[name] = fmt is Frequency

    def add_document(self, **values: Any) -> None:
        schema = self.schema
        docnum = self.docnum
        writer = self.perdocwriter
        writer.start_doc(docnum)
        for name in sorted(values):  # whoosh's order: title, then title_bigrams (normalize_for_index reuses)
            value = values[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                terms = self._terms[name]
                counts = _term_counts(field, value)
                if self._counted[name]:
                    for text, freq in counts.items():  # type: ignore[union-attr]
                        entry = terms.get(text)
                        if entry is None:
                            terms[text] = (array("I", (docnum,)), array("I", (freq,)))
                        else:
                            entry[0].append(docnum)
                            entry[1].append(freq)  # type: ignore[union-attr]
                    if field.scorable:
                        length = sum(counts.values())  # type: ignore[union-attr]
                else:
                    for text in counts:
                        entry = terms.get(text)
                        if entry is None:
                            terms[text] = (array("I", (docnum,)), None)
                        else:
                            entry[0].append(docnum)
                    if field.scorable:
                        length = len(counts)
            writer.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                writer.add_column_value(name, field.column_type, field.to_column_value(value))
        writer.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        postfile = fieldwriter._postfile
        blocklimit = self.codec._blocklimit
        level = self.codec._compression
        for name in sorted(self._terms):
            terms = self._terms[name]
            if not terms:
                continue
            field = self.schema[name]
            fieldwriter.start_field(name, field)
            key = pack_ushort(fieldwriter._fieldid)
            add = fieldwriter._tindex.add
            boost = field.format.field_boost
            for text in sorted(terms):  # code point order is UTF-8 byte order: whoosh's term order
                docs, freqs = terms[text]
                info = _write_postings(postfile, docs, freqs, boost, blocklimit, level)
                add(key + text.encode(), info.to_bytes())
            fieldwriter.finish_field()
            terms.clear()
        fieldwriter.close()


def _term_counts(field: Any, value: Any) -> Mapping[str, int] | set[str]:
    """A document's terms in a field: term → frequency, or the set of terms (Existence format). Fields may
    provide ``term_counts(value)`` (``schema.WordsField``, ``schema.BigramsField``); else whoosh's ``index()``."""
    counts = getattr(field, "term_counts", None)
    if counts is not None:
        return counts(value)
    return {text.decode(): freq for text, freq, _, _ in field.index(value)}


def _write_postings(
    postfile: Any, docs: array, freqs: array | None, boost: float, blocklimit: int, level: int
) -> W3TermInfo:
    """One term's posting list, as ``W3PostingsWriter`` writes it (same blocks, same pickles, same statistics)."""
    info = W3TermInfo()
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    count = len(docs)
    for first in range(0, count, blocklimit):
        ids = docs[first : first + blocklimit]
        deltas = tuple(map(operator.sub, ids, chain((0,), ids)))
        if freqs is None:
            weights = array("f", (boost,)) * len(ids)
            values = None
            top = boost
        else:
            block = freqs[first : first + blocklimit]
            weights = array("f", [freq * boost for freq in block])
            values = struct.pack(f"!{len(block)}I", *block)
            top = max(block) * boost
        if weights.count(1.0) == len(weights):
            mini: Any = None
        elif weights.count(weights[0]) == len(weights):
            mini = weights[0]
        else:
            mini = tuple(weights)
        data = dumps((deltas, mini, values), 2)
        if level:
            data = zlib.compress(data, level)
        head = dumps((len(ids), ids[-1], top, level, _NO_LENGTH, _ZERO_LENGTH), 2)
        size = len(head) + len(data)
        postfile.write_int(-size if first + blocklimit >= count else size)
        postfile.write(head)
        postfile.write(data)
        info._weight += sum(weights)
        info._df += len(ids)
        info._maxweight = max(info._maxweight, top)
        if info._minid is None:
            info._minid = ids[0]
        info._maxid = ids[-1]
    info.set_extent(start, postfile.tell() - start)
    return info


# -- chunks and workers ----------------------------------------------------------------------------------------

Prepare = Callable[[Mapping[str, Any]], dict[str, Any]]

# What forked workers inherit: (index, codec, documents, field mapper, chunk bounds); one build at a time.
_job: tuple[Index, Any, Sequence[Mapping[str, Any]], Prepare, list[tuple[int, int]]] | None = None
_job_lock = threading.Lock()


def _build_chunk(number: int) -> Segment:
    assert _job is not None
    ix, codec, docs, prepare, bounds = _job
    start, end = bounds[number]
    builder = SegmentBuilder(ix, codec)
    for doc in docs[start:end]:
        builder.add_document(**prepare(doc))
    return builder._finalize_segment()


def build_segments(
    ix: Index, codec: Any, docs: Sequence[Mapping[str, Any]], prepare: Prepare, procs: int = 1
) -> list[Segment]:
    """Write ``docs`` (mapped to field values by ``prepare``) as new segments of ``ix``, in order; the caller
    holds the index's write lock and commits the returned segments. ``procs`` > 1 forks that many workers."""
    global _job
    bounds = chunk_bounds(len(docs), procs)
    with _job_lock:
        _job = (ix, codec, docs, prepare, bounds)
        try:
            if procs <= 1 or len(bounds) <= 1:
                return [_build_chunk(number) for number in range(len(bounds))]
            pool = ProcessPoolExecutor(max_workers=procs, mp_context=multiprocessing.get_context("fork"))
            try:
                return list(pool.map(_build_chunk, range(len(bounds))))
            finally:
                pool.shutdown(cancel_futures=True)  # after a failure, chunks not started yet are dropped
        finally:
            _job = None
