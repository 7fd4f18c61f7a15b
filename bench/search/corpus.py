"""Synthetic policy archive for the search benchmark, made from the vocabulary of /work/shared/corpus.

Bodies are sentences from a word-bigram Markov chain trained on the five real articles (so word frequencies
and co-occurrences look like real government prose), 1–5 KB of UTF-8 each; titles, 文号, issuers, types,
statuses and dates follow the archive's shapes. 10% of documents are converted to Traditional script (OpenCC
s2t). Everything derives from one seed, so two runs index the same documents.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from opencc import OpenCC

from portal.search.analyzer import get_jieba, normalize

CORPUS_DIR = Path("/work/shared/corpus")
ISSUERS: dict[str, str] = {
    "青岛市人民政府": "青政发",
    "青岛市人民政府办公厅": "青政办发",
    "中共青岛市委": "青发",
    "莱西市人民政府": "西政发",
    "莱芜区人民政府": "莱政发",
    "贵阳市人民政府": "筑府发",
    "贵阳市人民政府办公厅": "筑府办发",
    "济南市人民政府": "济政发",
    "山东省人民政府": "鲁政发",
    "山东省人民政府办公厅": "鲁政办发",
    "青岛市发展和改革委员会": "青发改",
    "青岛市行政审批服务局": "青审批发",
    "青岛市司法局": "青司发",
    "莱芜区12345市民服务热线运行中心": "莱热线发",
    "贵阳市大数据发展管理局": "筑数发",
    "青岛市市场监督管理局": "青市监发",
}
DOC_TYPES = ("通知", "意见", "办法", "方案", "解读", "新闻", "决定", "规定")
STATUSES = ("in_force",) * 7 + ("amended", "expired", "repealed")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_WORDISH = re.compile(r"^[\u4e00-\u9fff]+$")


class Vocabulary:
    """Words, sentences and a Markov chain learnt from the real corpus (Simplified)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        texts = [normalize(p.read_text()) for p in sorted(CORPUS_DIR.glob("*.txt"))]
        self.sentences = [s.strip() for t in texts for s in _SENTENCE_END.split(t) if 8 <= len(s.strip()) <= 200]
        jieba = get_jieba()
        chain: dict[str, list[str]] = defaultdict(list)
        counts: dict[str, int] = defaultdict(int)
        for sentence in self.sentences:
            words = ["<s>", *jieba.cut(sentence, HMM=False)]
            for left, right in pairwise(words):
                chain[left].append(right)
            for word in words[1:]:
                counts[word] += 1
        self.chain = dict(chain)
        ranked = sorted((w for w in counts if _WORDISH.match(w)), key=lambda w: -counts[w])
        self.words_by_length = {n: [w for w in ranked if len(w) == n] for n in (2, 3, 4)}
        self.topics = json.loads((CORPUS_DIR / "manifest.json").read_text())["documents"]

    def sentence(self) -> str:
        """One Markov sentence, ending at sentence punctuation or after 60 words."""
        words: list[str] = []
        word = "<s>"
        for _ in range(60):
            word = self.rng.choice(self.chain.get(word) or self.chain["<s>"])
            words.append(word)
            if word in "。！？；":
                break
        text = "".join(words)
        return text if text[-1] in "。！？；" else text + "。"


def generate(count: int, seed: int = 20240501, pool_size: int = 30000) -> Iterator[dict[str, Any]]:
    """``count`` policy dicts (ids 1..count) as the provider and the FTS5 baseline take them."""
    vocab = Vocabulary(seed)
    rng = vocab.rng
    to_traditional = OpenCC("s2t")
    pool = [vocab.sentence() for _ in range(pool_size)]
    title_words = vocab.words_by_length[2][:400] + vocab.words_by_length[4][:200]
    issuers = list(ISSUERS)
    for doc_id in range(1, count + 1):
        issuer = rng.choice(issuers)
        doc_type = rng.choice(DOC_TYPES)
        year = rng.randint(2012, 2024)
        published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        target = rng.randint(1024, 5120)
        parts: list[str] = []
        size = 0
        while size < target:
            sentence = rng.choice(pool)
            parts.append(sentence)
            size += len(sentence.encode())
        body = "".join(parts)
        title = f"{issuer}关于{rng.choice(title_words)}{rng.choice(title_words)}的{doc_type}"
        if doc_type == "新闻":
            title = f"{rng.choice(title_words)}{rng.choice(title_words)} {rng.choice(title_words)}见实效"
        doc: dict[str, Any] = {
            "id": doc_id,
            "title": title,
            "doc_number": f"{ISSUERS[issuer]}〔{year}〕{rng.randint(1, 120)}号" if doc_type != "新闻" else None,
            "issuer": issuer,
            "doc_type": doc_type,
            "status": rng.choice(STATUSES),
            "topics": [rng.choice(title_words)],
            "body": body,
            "published_on": published if rng.random() > 0.05 else None,
            "written_on": published - dt.timedelta(days=rng.randint(0, 20)),
        }
        if rng.random() < 0.10:
            for key in ("title", "body", "issuer"):
                doc[key] = to_traditional.convert(doc[key])
        yield doc
