"""The fixed query mix: the same questions, phrased for the portal's syntax and for the FTS5 baseline."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from bench.search.corpus import DOC_TYPES, Vocabulary

KINDS = ("2-char word", "4-char word", "two words", "phrase", "field + filter")


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    q: str  # portal syntax
    terms: tuple[str, ...]  # FTS5: each term must match (phrases are one term)
    scope: str | None = None  # "title" restricts the terms to the title
    filters: dict[str, Any] = field(default_factory=dict)  # facet column → value


def query_mix(vocab: Vocabulary, per_kind: int, seed: int) -> list[BenchQuery]:
    """``per_kind`` distinct queries of each kind, interleaved, from mid-frequency corpus words and sentences."""
    rng = random.Random(seed)
    two = vocab.words_by_length[2][10:300]
    four = vocab.words_by_length[4][:200]
    mixes: list[list[BenchQuery]] = [[] for _ in KINDS]
    for _ in range(per_kind):
        a, b = rng.sample(two, 2)
        sentence = rng.choice([s for s in vocab.sentences if len(s) > 12])
        start = rng.randrange(0, len(sentence) - 8)
        phrase = "".join(c for c in sentence[start : start + rng.randint(4, 6)] if c.isalnum()) or a
        year = rng.randint(2012, 2024)
        doc_type = rng.choice(DOC_TYPES)
        word = rng.choice(two)
        w2 = rng.choice(two)
        mixes[0].append(BenchQuery(KINDS[0], w2, (w2,)))
        w4 = rng.choice(four)
        mixes[1].append(BenchQuery(KINDS[1], w4, (w4,)))
        mixes[2].append(BenchQuery(KINDS[2], f"{a} {b}", (a, b)))
        mixes[3].append(BenchQuery(KINDS[3], f'"{phrase}"', (phrase,)))
        mixes[4].append(BenchQuery(KINDS[4], f"title:{word}", (word,), "title", {"doc_type": doc_type, "year": year}))
    return [query for group in zip(*mixes, strict=True) for query in group]
