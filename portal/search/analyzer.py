"""Text normalisation and segmentation shared by indexing, querying and snippets.

Everything that reaches the index or a query goes through :func:`normalize` first: Traditional → Simplified
(OpenCC ``t2s``), full-width → half-width, lowercase. Documents and queries therefore meet in one script, so
乡呼县应 finds 鄉呼縣應 and ＧＤＰ finds gdp. The original text is kept (stored) for display; snippets locate
matches in :func:`normalize_aligned`, which is guaranteed to have the same length as its input.

Two tokenizers feed whoosh:

* :class:`JiebaTokenizer` — jieba search-mode segmentation (``cut_for_search``) for recall: 吹哨报到 is indexed as
  吹哨报到, 吹哨 and 报到, so both the whole domain term and its sub-words find the document. Queries are
  segmented in accurate mode (:func:`query_terms`) so a query term is one whole word whenever jieba knows it.
  Search-mode tokens overlap, so their positions are useless for phrases; hence the second tokenizer.
* :class:`BigramTokenizer` — character bigrams of the normalised text with strictly sequential positions, used
  only for quoted phrases, which must match the characters in order.

HMM (new-word discovery) is off: it costs ~35% of segmentation time and the bigram field already covers exact
character sequences; documents and queries are segmented the same way, so recall does not depend on it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import jieba
from opencc import OpenCC
from whoosh.analysis import Token, Tokenizer

# Terms of the portal's domain that jieba's general dictionary splits; added so they stay whole terms.
DOMAIN_WORDS: tuple[str, ...] = (
    "乡呼县应",
    "吹哨报到",
    "接诉即办",
    "呼应联动",
    "承接率",
    "办结率",
    "满意率",
    "满意度",
    "回访率",
    "12345",
    "市民热线",
    "工单",
    "一网通办",
    "放管服",
    "最多跑一次",
    "属地管理",
    "督查专报",
    "顶格推进",
    "顶格协调",
    "融媒问政",
    "数智督查",
    "限时办结",
    "工作专班",
    "任务台账",
    "质询答辩",
    "公开质询",
    "流程再造",
    "发文机关",
    "文号",
)

# Function words that match nearly every document; dropping them keeps postings small and AND queries sane.
STOP_WORDS: frozenset[str] = frozenset(
    [
        "的",
        "了",
        "和",
        "是",
        "在",
        "与",
        "及",
        "等",
        "对",
        "为",
        "并",
        "将",
        "把",
        "被",
        "之",
        "其",
        "或",
        "而",
        "也",
        "就",
        "都",
        "向",
        "从",
        "以",
        "于",
    ]
)

# Full-width forms and the ideographic space. Replaced via a regex, not str.translate: translate does a dict
# lookup per character of CJK text (≈130 µs per 3 KB body), while a regex search skips clean text in C.
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")
_WORD_RE = re.compile(r"\w")

_converter = OpenCC("t2s")
_jieba_lock = threading.Lock()
_jieba: jieba.Tokenizer | None = None


def _half_width(match: re.Match[str]) -> str:
    char = match.group()
    return " " if char == "\u3000" else chr(ord(char) - 0xFEE0)


def _fold(text: str) -> str:
    """Full-width → half-width and lowercase, one character for one character."""
    folded = _FULLWIDTH_RE.sub(_half_width, text) if _FULLWIDTH_RE.search(text) else text
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    # A handful of characters (e.g. "İ") lowercase to two code points: lower them one by one instead.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


def normalize(text: str) -> str:
    """Return the search form of ``text``: Simplified script, half-width, lowercase."""
    return _fold(_converter.convert(text))


@lru_cache(maxsize=65536)
def _simplify_char(char: str) -> str:
    converted = _converter.convert(char)
    return converted if len(converted) == 1 else char


def normalize_aligned(text: str) -> str:
    """Like :func:`normalize`, but ``result[i]`` always corresponds to ``text[i]`` (same length).

    OpenCC converts phrase by phrase and is 1:1 for almost every string; when a conversion changes the length,
    fall back to a cached character-by-character table so match offsets map straight back to the original.
    """
    converted = _converter.convert(text)
    if len(converted) != len(text):
        converted = "".join(_simplify_char(c) for c in text)
    return _fold(converted)


def get_jieba() -> jieba.Tokenizer:
    """The process-wide jieba instance, initialised once (from jieba's dictionary cache) with domain words."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word, freq=200000)
                _jieba = tokenizer
    return _jieba


def _keep(token: str) -> bool:
    return bool(_WORD_RE.search(token)) and token not in STOP_WORDS


def index_terms(normalized: str) -> list[str]:
    """Search-mode tokens of already normalised text, as indexed (overlapping sub-words included)."""
    return [t for t in get_jieba().cut_for_search(normalized, HMM=False) if _keep(t)]


def query_terms(text: str) -> list[str]:
    """Accurate-mode tokens of a query word, normalised: the terms that must all be present."""
    return [t.strip() for t in get_jieba().cut(normalize(text), HMM=False) if _keep(t.strip())]


def phrase_chars(normalized: str) -> str:
    """The characters a phrase is matched on: word characters only, so punctuation and spaces don't matter."""
    return "".join(_WORD_RE.findall(normalized))


def bigrams(chars: str) -> list[str]:
    """Sequential character bigrams (a single character yields itself)."""
    if len(chars) < 2:
        return [chars] if chars else []
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


class _TokenStream(Tokenizer):
    """Shared plumbing: turn a list of strings into whoosh tokens with sequential positions."""

    def _terms(self, text: str) -> list[str]:
        raise NotImplementedError

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, term in enumerate(self._terms(value), start_pos):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = pos
            yield token


class JiebaTokenizer(_TokenStream):
    """Normalise, then jieba search-mode segmentation. Picklable: holds no jieba state itself."""

    def _terms(self, text: str) -> list[str]:
        return index_terms(normalize(text))


class BigramTokenizer(_TokenStream):
    """Normalise, then character bigrams with sequential positions, for exact phrase matching."""

    def _terms(self, text: str) -> list[str]:
        return bigrams(phrase_chars(normalize(text)))


_DOC_NUMBER_BRACKETS = str.maketrans(
    {"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(", "】": ")", "〖": "(", "〗": ")"}
)
_DOC_NUMBER_RE = re.compile(r"^(\D+?)\((\d{4})\)(\d+)号?$")


def normalize_doc_number(text: str) -> str:
    """Canonical 文号: 青政发〔2021〕5号, 青政发[2021]5号, 青政发（2021）5号 and 【2021】 all become 青政发(2021)5号."""
    folded = normalize(text).translate(_DOC_NUMBER_BRACKETS)
    return "".join(folded.split())


def doc_number_terms(text: str) -> list[str]:
    """Index terms of a 文号: the canonical whole, plus its issuer prefix (青政发) and prefix+year, for browsing."""
    whole = normalize_doc_number(text)
    if not whole:
        return []
    match = _DOC_NUMBER_RE.match(whole)
    if not match:
        return [whole]
    prefix, year, _ = match.groups()
    return [whole, prefix, f"{prefix}({year})"]


def looks_like_doc_number(text: str) -> bool:
    """True for strings shaped like a 文号, so a plain query term can also be tried as one."""
    return bool(_DOC_NUMBER_RE.match(normalize_doc_number(text)))


class DocNumberTokenizer(_TokenStream):
    """Index analyzer of the 文号 field (see :func:`doc_number_terms`)."""

    def _terms(self, text: str) -> list[str]:
        return doc_number_terms(text)
