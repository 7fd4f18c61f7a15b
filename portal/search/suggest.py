"""您是不是要找: spelling suggestions built from the index's own terms, by sound and by edit distance.

A Chinese misspelling is nearly always a character that sounds like the right one (营商坏境 for 营商环境: huai for
huan; 乡呼县映 for 乡呼县应: the same ying). So a query word that finds nothing is corrected window by window: a run
of its characters that is no index term is replaced by an index term of the same length whose pinyin (toneless,
pypinyin's readings) is the same, or differs in one syllable by one letter, and whose characters differ in at
most half the places (edit distance). The corrected words are then searched, and only a correction that finds
documents is offered.

Cost: a per-segment map of the index's terms (title and body fields; Chinese terms of 2–8 characters) by their
pinyin, built the first time a query in that segment needs a suggestion and cached by segment id (segments are
immutable, so it survives every commit that does not touch the segment; ≈ 0.1 s per 10,000 documents).
Looking a query up is a few hundred dictionary lookups; only queries that found nothing pay for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from pypinyin.constants import PINYIN_DICT
from whoosh.reading import IndexReader

from portal.search.analyzer import normalize, phrase_chars
from portal.search.segments import PerSegment

FIELDS = ("title", "body")
_TERM_RE = re.compile("^[\u4e00-\u9fff]{2,8}$")
_HAN_RUN_RE = re.compile("^[\u4e00-\u9fff]{2,12}$")

SoundMap = dict[tuple[str, ...], list[str]]


def _toneless(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def readings(char: str) -> tuple[str, ...]:
    """The character's toneless pinyin readings, most common first (empty for characters without one)."""
    raw = PINYIN_DICT.get(ord(char))
    if not raw:
        return ()
    return tuple(dict.fromkeys(_toneless(p) for p in raw.split(",")))


def sound(word: str) -> tuple[str, ...] | None:
    """The word's pinyin, each character by its most common reading; None when a character has none."""
    result = []
    for char in word:
        found = readings(char)
        if not found:
            return None
        result.append(found[0])
    return tuple(result)


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return frozenset(_toneless(p) for raw in PINYIN_DICT.values() for p in raw.split(","))


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a with one letter changed, added or removed."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@lru_cache(maxsize=4096)
def similar_syllables(syllable: str) -> tuple[str, ...]:
    """Syllables one letter away (huai → huan, ying → yin, zhi → zi), then the syllable itself excluded."""
    return tuple(sorted(s for s in _syllables() if _one_edit(syllable, s)))


def _build_sounds(reader: IndexReader) -> SoundMap:
    sounds: SoundMap = {}
    seen: set[str] = set()
    match = _TERM_RE.match
    for field in FIELDS:
        if field not in reader.schema:
            continue
        for raw in reader.lexicon(field):
            term = raw.decode("utf-8")
            if term in seen or not match(term):
                continue
            seen.add(term)
            key_sound = sound(term)
            if key_sound is not None:
                sounds.setdefault(key_sound, []).append(term)
    return sounds


_sound_maps: PerSegment[SoundMap] = PerSegment(_build_sounds, entries=64)  # segments whose sound maps are kept


def segment_sounds(reader: IndexReader) -> SoundMap:
    """pinyin → the segment's Chinese terms of 2–8 characters with that pinyin (cached by segment id)."""
    return _sound_maps.get(reader)


def _sound_keys(window: str) -> Iterator[tuple[tuple[str, ...], int]]:
    """(pinyin to look up, syllables changed): the window's own pinyin, then with one syllable one letter off
    (or another reading of its character)."""
    base = sound(window)
    if base is None:
        return
    yield base, 0
    for i, char in enumerate(window):
        alternatives = dict.fromkeys(
            readings(char)[1:] + tuple(s for r in readings(char) for s in similar_syllables(r))
        )
        for other in alternatives:
            if other != base[i]:
                yield (*base[:i], other, *base[i + 1 :]), 1


def corrections(word: str, maps: list[SoundMap], is_term: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """Candidate corrections of one query word, best first: (characters changed, syllables changed, text).

    ``is_term`` tells whether a string is an index term (a window that is one is left alone)."""
    chars = phrase_chars(normalize(word))
    if not _HAN_RUN_RE.match(chars):
        return []
    found: dict[str, tuple[int, int]] = {}
    for size in range(min(len(chars), 8), 1, -1):
        for start in range(len(chars) - size + 1):
            window = chars[start : start + size]
            if is_term(window):
                continue
            for key, syllables_changed in _sound_keys(window):
                for sound_map in maps:
                    for term in sound_map.get(key, ()):
                        changed = sum(a != b for a, b in zip(term, window, strict=True))
                        if not changed or changed > max(1, size // 2):
                            continue
                        text = chars[:start] + term + chars[start + size :]
                        score = (changed, syllables_changed)
                        if text not in found or score < found[text]:
                            found[text] = score
    return sorted((changed, syllables, text) for text, (changed, syllables) in found.items())


def best(candidates: Iterable[tuple[int, int, str]], matches: Callable[[str], int], tries: int = 8) -> str | None:
    """The first of the best-scored candidates that finds documents (the most, among equally scored ones)."""
    ranked: list[tuple[tuple[int, int], int, str]] = []
    for changed, syllables, text in list(candidates)[:tries]:
        count = matches(text)
        if count:
            ranked.append(((changed, syllables), -count, text))
    return min(ranked)[2] if ranked else None
