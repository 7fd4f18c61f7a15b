"""The search seam of the portal: ``SearchProvider`` and its whoosh implementation.

As ARCHITECTURE says, search returns ids, the total and highlights; the database hydrates rows. The provider
knows nothing about Flask or SQLAlchemy: callers hand it plain dicts.

Writes: whoosh allows one writer per index and raises ``LockError`` to a second one. Writers in this process
queue on a lock per index directory; a writer in another process (e.g. ``flask search worker`` while a web
worker publishes) is waited for with backoff. Callers never see ``LockError``; after ``lock_timeout`` seconds
they get :class:`SearchIndexBusy`.
"""

from __future__ import annotations

import abc
import datetime as dt
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import MERGE_SMALL, IndexWriter

from portal.search import bulk, suggest
from portal.search import query as query_syntax
from portal.search.analyzer import get_segmenter, normalize, phrase_chars, query_terms
from portal.search.engine import IndexView
from portal.search.phrases import resolve_cheaper
from portal.search.query import And, Node, Or, Phrase, Term
from portal.search.schema import ArchiveCodec, build_schema, schema_is_current, status_code, to_fields
from portal.search.snippets import highlight, snippet


class SearchIndexBusy(RuntimeError):
    """Another process held the index writer lock for longer than the provider's ``lock_timeout``."""


@dataclass(frozen=True)
class SearchRequest:
    """What the user asked: query text, filters (facet values as returned in facets), sort and page."""

    q: str = ""
    issuer: str | None = None
    doc_type: str | None = None
    status: str | None = None  # code (in_force) or label (现行有效)
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"  # or "date": newest first
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    snippet_html: str  # escaped original text with <mark> around matches
    title_html: str


@dataclass(frozen=True)
class SearchResponse:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str | int, int]]] = field(default_factory=dict)
    # True when a common quoted phrase made the total and facet counts estimates (the hits are exact).
    estimated: bool = False
    # 您是不是要找: the query with misspelt words corrected from the index's terms, when it found nothing.
    suggestion: str | None = None


class SearchProvider(abc.ABC):
    """The engine seam: whoosh today, another engine tomorrow."""

    @abc.abstractmethod
    def index_documents(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Insert or replace documents by id; returns how many were written."""

    @abc.abstractmethod
    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by id (unknown ids are ignored)."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    @abc.abstractmethod
    def search(self, request: SearchRequest) -> SearchResponse:
        """Run a query; never raises on user input."""

    def rebuild(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Replace the whole index with ``docs``."""
        self.clear()
        return self.index_documents(docs)


_dir_locks: dict[str, threading.Lock] = {}
_dir_locks_guard = threading.Lock()


def _lock_for(path: Path) -> threading.Lock:
    with _dir_locks_guard:
        return _dir_locks.setdefault(os.path.realpath(path), threading.Lock())


# Segments of at least this many documents (a rebuild's) are left alone by ordinary commits: whoosh's MERGE_SMALL
# would merge them all, in someone's publish, once there are some twenty of them (≈ 400,000 documents).
BIG_SEGMENT = 10_000


def merge_small(writer: IndexWriter, segments: list) -> list:
    """whoosh's MERGE_SMALL over the segments smaller than ``BIG_SEGMENT``; big ones are kept as they are."""
    small = [segment for segment in segments if segment.doc_count_all() < BIG_SEGMENT]
    kept = {id(segment) for segment in MERGE_SMALL(writer, small)}
    return [s for s in segments if s.doc_count_all() >= BIG_SEGMENT or id(s) in kept]


class WhooshProvider(SearchProvider):
    """Whoosh + jieba implementation. One instance per index directory per process is enough (thread-safe).

    ``procs`` > 1 makes bulk loads (:meth:`rebuild`) fork that many processes; ``limitmb`` is whoosh's posting
    pool size for ordinary writes (:meth:`index_documents`).
    """

    def __init__(self, index_dir: str | Path, *, procs: int = 1, limitmb: int = 256, lock_timeout: float = 60.0):
        self.index_dir = Path(index_dir)
        self.procs = procs
        self.limitmb = limitmb
        self.lock_timeout = lock_timeout
        self._local_lock = _lock_for(self.index_dir)
        self._view_lock = threading.Lock()
        self._view: IndexView | None = None
        self.index_dir.mkdir(parents=True, exist_ok=True)
        # No mmap: whoosh wraps each mapped segment file in a BytesIO, which COPIES it (≈ 1 s for the terms of
        # 100,000 documents) every time a reader is opened — by every new searcher and by every writer that
        # updates documents. Plain file reads cost no more per query (measured in bench/search).
        self._storage = FileStorage(str(self.index_dir), supports_mmap=False)
        with self._local_lock:
            if index.exists_in(str(self.index_dir)):
                self._index = self._storage.open_index()
            else:
                self._index = self._storage.create_index(build_schema())

    def schema_current(self) -> bool:
        """False for an index built with an older schema: it still answers correctly, but should be rebuilt
        (:meth:`rebuild`, ``flask search rebuild``; ``indexer.ensure_populated`` does it by itself)."""
        return schema_is_current(self._index.schema)

    # -- writing -----------------------------------------------------------------------------------------------

    def _acquire_writer(self, **options: Any) -> IndexWriter:
        """Open a writer, waiting (with backoff) for a writer in another process instead of raising LockError."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.01
        while True:
            try:
                writer = self._index.writer(codec=ArchiveCodec(), **options)
                writer.mergetype = merge_small
                return writer
            except LockError:
                if time.monotonic() > deadline:
                    raise SearchIndexBusy(f"search index {self.index_dir} is locked by another writer") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    @contextmanager
    def _writer(self, **options: Any) -> Iterator[IndexWriter]:
        """A writer committed on success and cancelled on error; one at a time per index directory."""
        with self._local_lock:
            writer = self._acquire_writer(**options)
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def index_documents(self, docs: Iterable[Mapping[str, Any]]) -> int:
        count = 0
        with self._writer(limitmb=self.limitmb) as writer:
            for doc in docs:
                writer.update_document(**to_fields(doc))
                count += 1
        return count

    def delete(self, ids: Iterable[int]) -> None:
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_by_term("id", str(int(doc_id)))

    def clear(self) -> None:
        """Empty the index with the current schema (so a rebuild also picks up schema changes)."""
        with self._local_lock:
            writer = self._acquire_writer()  # held only to keep other writers out while the index is replaced
            try:
                self._index = self._storage.create_index(build_schema())
            finally:
                writer.cancel()
        with self._view_lock:
            self._view = None

    def rebuild(self, docs: Iterable[Mapping[str, Any]], procs: int | None = None) -> int:
        """Fresh index of ``docs``, written by ``portal.search.bulk`` (segments of up to ``bulk.CHUNK_DOCS``
        documents, in order) in ``procs`` (default: the provider's) forked processes. Fork only where that is
        safe: not from a gevent-patched web process. Where the installed whoosh is not the one the builder
        writes for (``bulk.NEEDS``), whoosh's own writer builds the index instead."""
        procs = procs or self.procs
        docs = docs if isinstance(docs, Sequence) else list(docs)
        get_segmenter()  # loaded once here, not in every worker
        self.clear()
        if not bulk.usable():  # another whoosh than the pinned one: its own writer, slower but correct
            with self._writer(limitmb=self.limitmb) as writer:
                for doc in docs:
                    writer.add_document(**to_fields(doc))
            with self._view_lock:
                self._view = None
            return len(docs)
        with self._local_lock:
            writer = self._acquire_writer()  # holds the lock; its own (empty) segment is discarded
            try:
                segments = bulk.build_segments(self._index, ArchiveCodec(), docs, to_fields, procs)
                writer._close_segment()
                writer._commit_toc(segments)
            except BaseException:
                writer.cancel()
                raise
            writer._finish()
        with self._view_lock:
            self._view = None
        return len(docs)

    # -- searching ---------------------------------------------------------------------------------------------

    def view(self) -> IndexView:
        """The current generation's view; reopened when a writer (any process) has committed since."""
        with self._view_lock:
            if self._view is None or not self._view.searcher.up_to_date():
                # A fresh searcher, not searcher.refresh(): refresh() reuses segment readers whose deletion
                # sets are stale when a commit only deleted documents from an existing segment.
                self._view = IndexView(self._index.searcher())
            return self._view

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run a query. With a common quoted phrase the hits are exact, the total and facets estimated (see
        ``portal.search.phrases``)."""
        view = self.view()
        tree = query_syntax.parse(request.q)
        if request.q.strip() and not query_syntax.searchable(tree):
            return SearchResponse(total=0, hits=[], facets={})  # punctuation only: nothing, not everything
        matches, pending = view.evaluate(tree)
        scope = view.live  # the documents the filters leave, for suggestions
        if request.date_from or request.date_to:
            scope = view.date_range(
                request.date_from.toordinal() if request.date_from else None,
                request.date_to.toordinal() if request.date_to else None,
            )
            matches &= scope
        per_page = max(1, min(request.per_page, 100))
        page = max(1, request.page)
        limit = page * per_page
        check = view.phrase_check(pending) if pending else None
        share = 1.0
        if check is not None:
            exact, share = check.estimate(matches)
            if exact is not None:
                matches, check = exact, None
            elif resolve_cheaper(share):
                matches, check, share = matches & view.resolve(pending), None, 1.0
        selected = self._selected_filters(view, request)
        facets = view.facet_counts(matches, selected)
        for bits in selected.values():
            matches &= bits
            scope &= bits

        terms = _highlight_terms(tree)
        if request.sort == "date" or tree is None:
            ranked = [(doc, 0.0) for doc in view.newest(matches, limit, check)]
        else:
            ranked = view.rank(matches, _scoring_terms(tree), limit, check)
        total = matches.bit_count()
        estimated = False
        if check is not None:
            facets = _scaled(facets, share)
            # Fewer hits than asked for: every candidate was checked, so the total is known exactly.
            estimated = len(ranked) >= limit
            total = max(round(total * share), len(ranked)) if estimated else len(ranked)
        page_of = ranked[limit - per_page :]
        stored = zip(page_of, view.stored_fields([doc for doc, _ in page_of]), strict=True)
        hits = [
            Hit(
                id=int(fields["id"]),
                score=round(score, 4),
                snippet_html=snippet(fields.get("body_text") or "", terms),
                title_html=highlight(fields.get("title") or "", terms),
            )
            for (_, score), fields in stored
        ]
        suggestion = _suggestion(view, request.q, tree, scope) if not total and tree is not None else None
        return SearchResponse(total=total, hits=hits, facets=facets, estimated=estimated, suggestion=suggestion)

    @staticmethod
    def _selected_filters(view: IndexView, request: SearchRequest) -> dict[str, int]:
        wanted: dict[str, str | int | None] = {
            "issuer": request.issuer,
            "doc_type": request.doc_type,
            "status": status_code(request.status) or None,
            "year": _as_int(request.year),
        }
        return {name: view.facets[name].get(value, 0) for name, value in wanted.items() if value not in (None, "")}


def _suggestion(view: IndexView, q: str, tree: Node, scope: int) -> str | None:
    """The query with each word (or phrase) that finds nothing replaced by its best correction from the index's
    terms (``portal.search.suggest``), if the corrected query finds documents within ``scope`` (the documents the
    request's filters leave: the suggestion link keeps the filters)."""
    with view._lock:
        maps = [suggest.segment_sounds(leaf) for leaf, _, _ in view.segments]

    def is_term(word: str) -> bool:
        return any(view.doc_frequency(field, word) for field in suggest.FIELDS)

    text = normalize(q).translate(query_syntax.QUOTES)
    changed = False
    for node in _positive(tree):
        if node.field not in (None, "title") or node.text not in text or view.match(node) & scope:
            continue
        kind, field = type(node), node.field
        fixed = suggest.best(
            suggest.corrections(node.text, maps, is_term),
            lambda candidate, kind=kind, field=field: (view.match(kind(candidate, field)) & scope).bit_count(),
        )
        if fixed:
            text = text.replace(node.text, fixed, 1)
            changed = True
    if not changed:
        return None
    return text if view.match(query_syntax.parse(text)) & scope else None


def _scaled(facets: dict[str, list[tuple[str | int, int]]], share: float) -> dict[str, list[tuple[str | int, int]]]:
    """Facet counts of phrase candidates times the share of candidates that hold the phrase (an estimate)."""
    return {
        name: [(value, max(1, round(count * share))) for value, count in values if share > 0]
        for name, values in facets.items()
    }


def _as_int(value: object) -> int | None:
    """Facet year as an int, also when a web form passes "2020"; junk selects nothing rather than raising."""
    if value in (None, ""):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except ValueError:
        return -1


def _positive(node: Node | None) -> Iterator[Term | Phrase]:
    """Terms and phrases the user wants present (not under NOT)."""
    if isinstance(node, (Term, Phrase)):
        yield node
    elif isinstance(node, (And, Or)):
        for item in node.items:
            yield from _positive(item)


def _scoring_terms(tree: Node | None) -> list[str]:
    terms: list[str] = []
    for node in _positive(tree):
        if node.field in (None, "title"):
            terms.extend(query_terms(node.text))
    return terms


def _highlight_terms(tree: Node | None) -> list[str]:
    """Normalised strings to mark: whole phrases (as typed, and without punctuation) and query terms."""
    terms: list[str] = []
    for node in _positive(tree):
        if node.field not in (None, "title"):
            continue
        if isinstance(node, Phrase):
            terms.extend({" ".join(normalize(node.text).split()), phrase_chars(normalize(node.text))})
        else:
            terms.append(phrase_chars(normalize(node.text)))  # a word matched as a run of characters (乡呼)
        terms.extend(query_terms(node.text))
    return sorted(set(terms), key=len, reverse=True)
