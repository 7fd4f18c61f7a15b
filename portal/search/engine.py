"""Query evaluation over one index generation: match sets, filters, facets and BM25 ranking.

Why not ``searcher.search()``: at 100,000 documents whoosh rebuilds facet and filter sets on every query and
scores every posting through per-posting method calls. Here an :class:`IndexView` wraps one whoosh searcher
(one index generation, immutable) and caches, for its lifetime:

* per *segment* (segments are immutable, so these survive every commit that does not touch the segment, and
  are shared by all generations holding it): document metadata, one bitset per facet value, the date order,
  and recently used terms' postings — a new generation combines them by shifting with the segment's offset,
  so a commit costs only the new segment's work;
* per generation: the live set (deletions), the combined facet sets and postings, and phrase results.

A query is evaluated to one bitset (the match set); the total and all facets are computed from it; only the
documents of the match set that contain the query's scoring terms get BM25 scores, and only the requested page
is hydrated with stored text for snippets.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable

from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from portal.search import bitset
from portal.search.analyzer import (
    bigrams,
    inside_longer_word,
    looks_like_doc_number,
    normalize,
    normalize_doc_number,
    phrase_chars,
    query_terms,
)
from portal.search.phrases import TEXT_CHECK_CANDIDATES, PendingPhrase, PhraseCheck, accepted
from portal.search.query import And, Node, Not, Or, Phrase, Term
from portal.search.schema import DocMeta
from portal.search.segments import FACETS, Postings, SegmentData, segment_data, segment_postings

# BM25 parameters; title matches weigh more than body matches.
K1, B, TITLE_BOOST = 1.2, 0.75, 2.5
# A term in more than this share of documents only filters; it adds almost nothing to the ranking.
COMMON_TERM_SHARE = 0.5
_TERM_CACHE_SIZE = 512
# A phrase's candidates are the documents holding its rarest bigrams (this many): the common ones narrow little
# and cost the most to read; candidates are verified anyway.
_PHRASE_GRAMS = 3
# Checking one document's stored text costs about as much as reading this many postings.
_TEXT_CHECK_POSTINGS = 500
_HAN_RE = re.compile("[\u3400-\u9fff]")
# Up to this many matches, date order is found by sorting the matches; above, by walking each segment's order.
_SMALL_MATCH_SET = 4096


class IndexView:
    """Caches and query evaluation for one whoosh searcher (one index generation). Thread-safe."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._lock = threading.RLock()  # whoosh readers seek+read shared files: one reader user at a time
        reader = searcher.reader()
        self.segments: list[tuple[IndexReader, int, SegmentData]] = []
        self.metas: list[DocMeta] = []
        self.lengths: list[int] = []
        live = 0
        for leaf, offset in reader.leaf_readers():
            if not leaf.doc_count_all():
                continue  # an empty index has one segment-less reader
            data = segment_data(leaf)
            self.segments.append((leaf, offset, data))
            self.metas.extend(data.metas)
            self.lengths.extend(data.lengths)
            seg_live = bitset.full(leaf.doc_count_all())
            if leaf.has_deletions():
                seg_live &= ~bitset.from_ids(leaf.deleted_docs_set)
            live |= seg_live << offset
        self.live = live
        self.doc_count = live.bit_count()
        self.avg_length = sum(self.lengths) / max(len(self.lengths), 1) or 1.0
        self._facets: dict[str, dict[str | int, int]] | None = None
        self._terms: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._phrases: OrderedDict[PendingPhrase, int] = OrderedDict()

    # -- cached sets -------------------------------------------------------------------------------------------

    @property
    def facets(self) -> dict[str, dict[str | int, int]]:
        """facet name → value → bitset of live documents: the segments' cached sets, shifted and combined."""
        if self._facets is None:
            combined: dict[str, dict[str | int, int]] = {name: {} for name in FACETS}
            for _, offset, data in self.segments:
                for name, values in data.facets.items():
                    target = combined[name]
                    for value, bits in values.items():
                        target[value] = target.get(value, 0) | bits << offset
            self._facets = {
                name: {value: bits & self.live for value, bits in values.items()} for name, values in combined.items()
            }
        return self._facets

    def date_range(self, first: int | None, last: int | None) -> int:
        """Bitset of documents dated within [first, last] (ordinals); undated documents never match."""
        result = 0
        for _, offset, data in self.segments:
            lo = bisect.bisect_left(data.dates, max(first or 1, 1))
            hi = bisect.bisect_right(data.dates, last) if last else len(data.dates)
            if hi > lo:
                result |= bitset.from_ids(data.order[lo:hi], offset)
        return result

    def postings(self, field: str, text: str) -> Postings:
        """Postings of one term across all segments (per-segment parts cached across generations)."""
        key = (field, text)
        with self._lock:
            cached = self._terms.get(key)
            if cached is not None:
                self._terms.move_to_end(key)
                return cached
            ids, weights, bits = array("i"), array("f"), 0
            for leaf, offset, _ in self.segments:
                seg_ids, seg_weights, seg_bits = segment_postings(leaf, field, text)
                if not seg_ids:
                    continue
                ids.extend(seg_ids if not offset else array("i", map(offset.__add__, seg_ids)))
                weights.extend(seg_weights)
                bits |= seg_bits << offset
            entry = (ids, weights, bits & self.live)
            self._terms[key] = entry
            if len(self._terms) > _TERM_CACHE_SIZE:
                self._terms.popitem(last=False)
            return entry

    def term_bits(self, field: str, text: str) -> int:
        return self.postings(field, text)[2]

    def doc_frequency(self, field: str, text: str) -> int:
        """Documents holding a term, deleted ones included (from the term index: no postings are read)."""
        with self._lock:
            return sum(leaf.doc_frequency(field, text) for leaf, _, _ in self.segments)

    def phrase_candidates(self, field: str, grams: tuple[str, ...], most: int = _PHRASE_GRAMS) -> int:
        """Documents whose ``field`` holds the ``most`` rarest bigrams of a phrase, anywhere (a superset of the
        phrase's documents)."""
        candidates = self.live
        ordered = sorted((self.doc_frequency(field, gram), gram) for gram in set(grams))
        for frequency, gram in ordered[:most]:
            # Stop when checking the remaining candidates' text costs less than reading another posting list.
            if candidates is not self.live and candidates.bit_count() * _TEXT_CHECK_POSTINGS < frequency:
                break
            candidates &= self.term_bits(field, gram)
            if not candidates:
                break
        return candidates

    def resolve(self, pending: list[PendingPhrase]) -> int:
        """Live documents holding every pending phrase, exactly (cached for the generation): the documents
        holding *all* its bigrams, each checked on its stored text. Costs one text check (≈ 0.1 ms) per such
        document: slow for a very common phrase (≈ 1 s per 10,000)."""
        result = self.live
        for phrase in pending:
            with self._lock:
                exact = self._phrases.get(phrase)
            if exact is None:
                exact = self._resolve(phrase)
                self._remember(phrase, exact)
            result &= exact
        return result

    def _resolve(self, phrase: PendingPhrase) -> int:
        grams = tuple(bigrams(phrase.chars))
        candidates = 0
        for field in phrase.fields:
            candidates |= self.phrase_candidates(field, grams, most=len(grams))
        return self.phrase_check([phrase]).select(candidates) if candidates else 0

    def stored_fields(self, docs: list[int]) -> list[dict]:
        """Stored values (original title, body, 文号, id) of the given documents, for the page of hits."""
        with self._lock:
            return [self.searcher.stored_fields(doc) for doc in docs]

    # -- evaluation --------------------------------------------------------------------------------------------

    def match(self, node: Node | None) -> int:
        """The exact match set of a query tree; an empty query matches every live document."""
        bits = self._eval(node, None)
        return self.live if bits is None else bits & self.live

    def evaluate(self, node: Node | None) -> tuple[int, list[PendingPhrase]]:
        """The match set, allowing common required phrases to be deferred (see ``phrases``): the set then holds
        their candidates and every document must still pass a :class:`PhraseCheck` of the returned phrases."""
        pending: list[PendingPhrase] = []
        bits = self._eval(node, pending)
        return (self.live if bits is None else bits & self.live), pending

    def phrase_check(self, pending: list[PendingPhrase]) -> PhraseCheck:
        return PhraseCheck(self.stored_fields, pending)

    def _eval(self, node: Node | None, pending: list[PendingPhrase] | None) -> int | None:
        """Bitset of a node, or None for "no constraint" (a term made only of stop words or punctuation).

        ``pending`` is given only where every match must hold the node (top level and ANDs below it): there a
        common phrase may be deferred; under OR and NOT phrases are always exact.
        """
        if isinstance(node, Term):
            return self._term(node, pending)
        if isinstance(node, Phrase):
            return self._phrase(node, pending)
        if isinstance(node, Not):
            inner = self._eval(node.item, None)
            return None if inner is None else self.live & ~inner
        if isinstance(node, And):
            result: int | None = None
            for item in node.items:
                bits = self._eval(item, pending)
                if bits is not None:
                    result = bits if result is None else result & bits
            return result
        if isinstance(node, Or):
            parts = [self._eval(item, None) for item in node.items]
            if any(part is None for part in parts):
                return None
            result = 0
            for part in parts:
                result |= part or 0
            return result
        return None

    def inside_words(self, text: str, terms: list[str], fields: tuple[str, ...]) -> bool:
        """Whether a query word of Chinese characters must be matched as a run of characters (like a quoted
        phrase) rather than by its words: when segmentation breaks it into single characters (乡呼 → 乡 呼,
        营商环 → 营商 环) or into a word the index never holds on its own (a run inside longer words). The index
        holds the words of the text and their dictionary sub-words, never single characters of a longer word, so
        such a query would otherwise find nothing: 乡呼 would miss 乡呼县应. Likewise a word of 4+ characters that
        is also part of a longer dictionary word (人民共和国 in 中华人民共和国)."""
        chars = phrase_chars(normalize(text))
        if len(chars) < 2 or not _HAN_RE.search(chars):
            return False
        return any(len(term) == 1 or inside_longer_word(term) for term in terms) or any(
            not any(self.doc_frequency(field, term) for field in fields) for term in terms
        )

    def _term(self, node: Term, pending: list[PendingPhrase] | None = None) -> int | None:
        if node.field == "doc_number":
            return self.term_bits("doc_number", normalize_doc_number(node.text))
        if node.field == "issuer":
            return self.issuer_matching(node.text)
        fields = ("title",) if node.field == "title" else ("title", "body")
        terms = query_terms(node.text)
        doc_number = node.field is None and looks_like_doc_number(node.text)
        result: int | None = None
        if self.inside_words(node.text, terms, fields):
            # Deferred phrase checks apply to the whole match set: not when 文号 matches are added to it.
            result = self._phrase(Phrase(node.text, node.field), None if doc_number else pending)
        else:
            for term in terms:
                bits = 0
                for field in fields:
                    bits |= self.term_bits(field, term)
                result = bits if result is None else result & bits
        if doc_number:
            result = (result or 0) | self.term_bits("doc_number", normalize_doc_number(node.text))
        return result

    def _phrase(self, node: Phrase, pending: list[PendingPhrase] | None) -> int | None:
        """A phrase's documents: bigram candidates, then an exact check on their stored text (of the candidates
        by the rarest bigrams when few, else of the documents holding all its bigrams) — or, for a common
        required phrase, the candidates and a deferred check."""
        if node.field in ("doc_number", "issuer"):
            return self._term(Term(node.text, node.field))
        chars = phrase_chars(normalize(node.text))
        grams = tuple(bigrams(chars))
        if not grams:
            return None
        phrase = PendingPhrase(chars, node.field == "title")
        candidates = 0
        for field in phrase.fields:
            candidates |= self.phrase_candidates(field, grams)
        if len(grams) == 1 or not candidates:
            return candidates  # one bigram (or character): holding it is the phrase
        with self._lock:
            cached = self._phrases.get(phrase)
        if cached is not None:
            return cached
        if candidates.bit_count() <= TEXT_CHECK_CANDIDATES:
            exact = self.phrase_check([phrase]).select(candidates)
        elif pending is not None:
            pending.append(phrase)
            return candidates
        else:
            exact = self._resolve(phrase)
        self._remember(phrase, exact)
        return exact

    def _remember(self, phrase: PendingPhrase, exact: int) -> None:
        with self._lock:
            self._phrases[phrase] = exact
            if len(self._phrases) > _TERM_CACHE_SIZE:
                self._phrases.popitem(last=False)

    def issuer_matching(self, text: str) -> int:
        """发文机关 search: every issuer whose normalised name contains the normalised query text."""
        wanted = "".join(normalize(text).split())
        result = 0
        for issuer, bits in self.facets["issuer"].items():
            if wanted and wanted in "".join(normalize(str(issuer)).split()):
                result |= bits
        return result

    # -- ranking -----------------------------------------------------------------------------------------------

    def rank(
        self, matches: int, terms: Iterable[str], limit: int, check: PhraseCheck | None = None
    ) -> list[tuple[int, float]]:
        """Top ``limit`` (docnum, BM25 score) of the match set; unscored matches follow, newest first.

        With ``check``, only documents passing it are returned (checked in rank order, as few as needed).
        """
        membership = bitset.Membership(matches)
        scores: dict[int, float] = {}
        terms = list(dict.fromkeys(terms))
        doc_count = max(self.doc_count, 1)
        # Document frequencies from the term index: a common term's postings are then never read.
        weighted = [t for t in terms if self.doc_frequency("body", t) <= COMMON_TERM_SHARE * doc_count]
        lengths = self.lengths
        get = scores.get
        for term in weighted or terms[:1]:
            for field, boost in (("body", 1.0), ("title", TITLE_BOOST)):
                ids, freqs, bits = self.postings(field, term)
                df = bits.bit_count()
                if not df:
                    continue
                weight = boost * (K1 + 1) * math.log(1 + (doc_count - df + 0.5) / (df + 0.5))
                norm = K1 * (1 - B) if field == "body" else K1
                slope = K1 * B / self.avg_length if field == "body" else 0.0
                # Hot loop (up to one pass per posting): skip the membership test when the match set holds
                # every posting of the term (none deleted), as for a one-word query without filters.
                if len(ids) == df and bits & matches == bits:
                    for doc, tf in zip(ids, freqs, strict=True):
                        scores[doc] = get(doc, 0.0) + weight * tf / (tf + norm + slope * lengths[doc])
                else:
                    for doc, tf in zip(ids, freqs, strict=True):
                        if doc in membership:
                            scores[doc] = get(doc, 0.0) + weight * tf / (tf + norm + slope * lengths[doc])
        if check is None:
            top = heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], item[0]))
        wanted = limit * 2
        while check is not None:
            best = heapq.nlargest(wanted, scores.items(), key=lambda item: (item[1], item[0]))
            kept = set(accepted([doc for doc, _ in best], check, limit))
            top = [item for item in best if item[0] in kept]
            if len(top) >= limit or wanted >= len(scores):
                break
            wanted *= 4
        if len(top) < limit and len(scores) < matches.bit_count():
            unscored = matches & ~bitset.from_ids(scores)
            top.extend((doc, 0.0) for doc in self.newest(unscored, limit - len(top), check))
        return top

    def newest(self, matches: int, limit: int, check: PhraseCheck | None = None) -> list[int]:
        """Up to ``limit`` documents of the match set, newest first (undated last, then by index order).

        With ``check``, only documents passing it (checked newest first, as few as needed).
        """
        if check is None:
            return self._newest(matches, limit)
        wanted = limit * 2
        while True:
            docs = self._newest(matches, wanted)
            kept = accepted(docs, check, limit)
            if len(kept) >= limit or len(docs) < wanted:
                return kept
            wanted *= 4

    def _newest(self, matches: int, limit: int) -> list[int]:
        count = matches.bit_count()
        metas = self.metas
        if count <= _SMALL_MATCH_SET or count * 8 < len(metas):
            docs = bitset.to_ids(matches)
            return heapq.nlargest(limit, docs, key=lambda doc: (metas[doc].date, doc))
        picked: list[int] = []
        for _, offset, data in self.segments:
            membership = bitset.Membership(matches >> offset)
            taken = 0
            for doc in reversed(data.order):
                if doc in membership:
                    picked.append(doc + offset)
                    taken += 1
                    if taken == limit:
                        break
        return heapq.nlargest(limit, picked, key=lambda doc: (metas[doc].date, doc))

    def facet_counts(self, base: int, selected: dict[str, int]) -> dict[str, list[tuple[str | int, int]]]:
        """Per facet, value counts over ``base`` narrowed by every *other* facet's selected filter."""
        result: dict[str, list[tuple[str | int, int]]] = {}
        for name, values in self.facets.items():
            scope = base
            for other, bits in selected.items():
                if other != name:
                    scope &= bits
            counts = [(value, (scope & bits).bit_count()) for value, bits in values.items()]
            result[name] = sorted(((v, c) for v, c in counts if c), key=lambda item: (-item[1], str(item[0])))
        return result
