"""Document sets as Python ints (bit *n* set ⇔ document number *n* in the set).

Why ints: AND/OR/AND-NOT and popcount (``int.bit_count``) run in C over 100,000 documents in microseconds, so
a facet count is one ``&`` and one ``bit_count`` per value, and the match set of a query is computed once and
reused for the total, every facet and the filters. No numpy needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NONZERO = re.compile(rb"[^\x00]")
_BITS_OF_BYTE: tuple[tuple[int, ...], ...] = tuple(tuple(i for i in range(8) if b >> i & 1) for b in range(256))


def from_ids(ids: Iterable[int], offset: int = 0) -> int:
    """Bitset of ``offset + id`` for each id."""
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray((max(ids) >> 3) + 1)
    for doc in ids:
        buffer[doc >> 3] |= 1 << (doc & 7)
    return int.from_bytes(buffer, "little") << offset


def to_ids(bits: int) -> list[int]:
    """Document numbers of a bitset, ascending. Skips empty bytes in C, so sparse sets are cheap."""
    if not bits:
        return []
    raw = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    ids: list[int] = []
    for match in _NONZERO.finditer(raw):
        base = match.start() << 3
        ids.extend(base + i for i in _BITS_OF_BYTE[raw[base >> 3]])
    return ids


class Membership:
    """O(1) membership tests on a bitset (``(bits >> n) & 1`` would copy the whole int per test)."""

    __slots__ = ("_raw",)

    def __init__(self, bits: int) -> None:
        self._raw = bits.to_bytes((bits.bit_length() + 7) >> 3, "little") if bits else b""

    def __contains__(self, doc: int) -> bool:
        index = doc >> 3
        return index < len(self._raw) and bool(self._raw[index] >> (doc & 7) & 1)


def full(count: int) -> int:
    """Bitset holding documents ``0 .. count-1``."""
    return (1 << count) - 1
