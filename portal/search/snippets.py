"""Highlighted snippets built from the stored ORIGINAL text — never from engine HTML.

Matches are located in :func:`normalize_aligned` (same length as the original, so offsets carry over), then
the original characters are HTML-escaped and the matches wrapped in ``<mark>``. This replaces whoosh's
highlighter, which re-segmented every stored body and was 70% of query time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from portal.search.analyzer import normalize_aligned

SNIPPET_CHARS = 120
_MAX_HITS_PER_TERM = 64
_WHITESPACE = re.compile("[\n\r\t\u3000]")  # shown as spaces; one character for one keeps offsets


def _find(normalized: str, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every occurrence of every term, capped per term."""
    found: list[tuple[int, int, str]] = []
    for term in terms:
        start = normalized.find(term)
        hits = 0
        while start >= 0 and hits < _MAX_HITS_PER_TERM:
            found.append((start, start + len(term), term))
            hits += 1
            start = normalized.find(term, start + len(term))
    found.sort()
    return found


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end, _ in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(original: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    cursor = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        parts.append(escape(original[cursor:span_start]))
        parts.append(f"<mark>{escape(original[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(original[cursor:end]))
    return "".join(parts)


def _best_window(found: list[tuple[int, int, str]], width: int) -> int:
    """Start of the ``width``-character window holding the most distinct terms (then the most matches)."""
    best_start, best_key = 0, (-1, -1)
    right = 0
    for left in range(len(found)):
        start = found[left][0]
        while right < len(found) and found[right][1] <= start + width:
            right += 1
        window = found[left:right]
        key = (len({term for _, _, term in window}), len(window))
        if key > best_key:
            best_start, best_key = start, key
    return best_start


def highlight(text: str, terms: Iterable[str]) -> str:
    """The whole ``text``, escaped, with every term occurrence in ``<mark>`` (for titles)."""
    original = _WHITESPACE.sub(" ", text)
    spans = _merge(_find(normalize_aligned(original), [t for t in terms if t]))
    return _render(original, 0, len(original), spans)


def snippet(text: str, terms: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """An escaped excerpt of about ``width`` characters around the densest cluster of query terms."""
    original = _WHITESPACE.sub(" ", text)
    found = _find(normalize_aligned(original), [t for t in terms if t])
    if not found:
        end = min(len(original), width)
        return escape(original[:end]) + ("…" if end < len(original) else "")
    start = max(0, _best_window(found, width) - width // 6)
    end = min(len(original), start + width)
    start = max(0, min(start, end - width))
    html = _render(original, start, end, _merge(found))
    return ("…" if start > 0 else "") + html + ("…" if end < len(original) else "")
