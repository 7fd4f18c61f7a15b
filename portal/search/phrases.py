"""Phrase checks on stored text, and deferred checks for common phrases.

A quoted phrase first narrows to the documents holding its rarest character bigrams (an AND of cached
bitsets; rarest by document frequency from the term index, so common bigrams are never read). Then:

* few candidates (≤ ``TEXT_CHECK_CANDIDATES``): each is checked exactly with a substring test on its stored
  title and body, normalised as at indexing (the same as consecutive bigram positions);
* many candidates, and every match must hold the phrase (not under OR/NOT): the check is *deferred*. Hits stay
  exact: candidates are taken in rank (or date) order and checked until the page is filled. The total and the
  facet counts are estimates: the share of an evenly spaced sample of ``SAMPLE`` candidates that hold the phrase,
  times the candidate counts — exact whenever the candidates are no more than the sample or the page is not
  filled (then every candidate was checked);
* many candidates under OR/NOT (or a deferred phrase whose sample found no holder): every document holding
  *all* the phrase's bigrams is checked on its stored text (exact; ≈ 0.1 ms per document, so slow for a very
  common phrase: ≈ 1 s per 10,000 such documents). The index keeps no bigram positions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.search import bitset
from portal.search.analyzer import normalize, phrase_chars

# Up to this many bigram candidates a phrase is checked exactly on their stored text (≈ 0.35 ms each).
TEXT_CHECK_CANDIDATES = 150
# Candidates checked on stored text to estimate the total and facets of a deferred phrase (≈ 0.3 ms each).
SAMPLE = 40


@dataclass(frozen=True)
class PendingPhrase:
    chars: str  # the phrase's normalised word characters
    title_only: bool

    @property
    def fields(self) -> tuple[str, ...]:
        """The bigram fields that narrow it to candidates."""
        return ("title_bigrams",) if self.title_only else ("title_bigrams", "body_bigrams")


class PhraseCheck:
    """``check(doc)``: does the document hold every deferred phrase? Results are memoised for one search."""

    def __init__(self, stored: Callable[[list[int]], list[dict]], pending: list[PendingPhrase]) -> None:
        self._stored = stored
        self._pending = pending
        self._seen: dict[int, bool] = {}

    def __call__(self, doc: int) -> bool:
        result = self._seen.get(doc)
        if result is None:
            self.prefetch([doc])
            result = self._seen[doc]
        return result

    def prefetch(self, docs: list[int]) -> None:
        """Check several documents with one pass over the stored fields."""
        docs = [doc for doc in docs if doc not in self._seen]
        for doc, fields in zip(docs, self._stored(docs), strict=True):
            # A phrase (word characters only) found in the normalised text is found in its word characters too;
            # those (punctuation and spaces dropped) are computed only when the plain search fails.
            title = normalize(fields.get("title") or "")
            title_chars = body = body_chars = None
            ok = True
            for phrase in self._pending:
                chars = phrase.chars
                if chars in title:
                    continue
                if title_chars is None:
                    title_chars = phrase_chars(title)
                if chars in title_chars:
                    continue
                if not phrase.title_only:
                    if body is None:
                        body = normalize(fields.get("body_text") or "")
                    if chars in body:
                        continue
                    if body_chars is None:
                        body_chars = phrase_chars(body)
                    if chars in body_chars:
                        continue
                ok = False
                break
            self._seen[doc] = ok

    def select(self, candidates: int) -> int:
        """The candidates that pass (every one is checked)."""
        docs = bitset.to_ids(candidates)
        self.prefetch(docs)
        return bitset.from_ids(doc for doc in docs if self._seen[doc])

    def estimate(self, matches: int) -> tuple[int | None, float]:
        """(exact set, None) when the candidates are few enough to check all; else (None, share that match)."""
        count = matches.bit_count()
        if count <= SAMPLE:
            docs = bitset.to_ids(matches)
            self.prefetch(docs)
            return bitset.from_ids(doc for doc in docs if self._seen[doc]), 1.0
        docs = bitset.to_ids(matches)
        step = len(docs) / SAMPLE
        sample = [docs[int(i * step)] for i in range(SAMPLE)]
        self.prefetch(sample)
        return None, sum(self._seen[doc] for doc in sample) / SAMPLE


def accepted(ranked: list[int], check: PhraseCheck, limit: int) -> list[int]:
    """The first ``limit`` documents of ``ranked`` that pass ``check``."""
    kept: list[int] = []
    for start in range(0, len(ranked), limit):
        chunk = ranked[start : start + limit]
        check.prefetch(chunk)
        kept.extend(doc for doc in chunk if check(doc))
        if len(kept) >= limit:
            break
    return kept[:limit]


def resolve_cheaper(share: float) -> bool:
    """Whether to check every document holding all the phrase's bigrams (``IndexView.resolve``) rather than
    text-check candidates in rank order until the page is filled: only when the sample found no holder at all
    (a phrase most candidates lack: the checks in rank order would go through nearly all of them anyway, and
    the documents holding all its bigrams are usually far fewer than the candidates of its rarest ones)."""
    return share == 0
