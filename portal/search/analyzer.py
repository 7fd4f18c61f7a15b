"""Text normalisation and segmentation shared by indexing, querying and snippets.

Everything that reaches the index or a query goes through :func:`normalize` first: Traditional → Simplified
(OpenCC ``t2s``), full-width → half-width, lowercase. Documents and queries therefore meet in one script, so
乡呼县应 finds 鄉呼縣應 and ＧＤＰ finds gdp. The original text is kept (stored) for display; snippets locate
matches in :func:`normalize_aligned`, which is guaranteed to have the same length as its input.

Two kinds of index terms (see ``portal.search.schema`` for the fields):

* words — jieba search-mode segmentation (``cut_for_search``) for recall: 吹哨报到 is indexed as 吹哨报到, 吹哨
  and 报到, so both the whole domain term and its sub-words find the document (:func:`index_terms`, computed by
  :class:`SearchSegmenter`, a faster equivalent of jieba's own). Queries are segmented in accurate mode
  (:func:`query_terms`) so a query term is one whole word whenever jieba knows it. Search-mode tokens overlap,
  so their positions are useless for phrases; hence the second kind.
* character bigrams of the normalised word characters (:func:`bigram_set`), used only to narrow quoted phrases
  to candidates, which are then checked on their stored text.

The whoosh tokenizers (:class:`JiebaTokenizer`, :class:`BigramTokenizer`) produce the same terms for whoosh's
generic paths; indexing itself bypasses them (``schema.WordsField.index``).

HMM (new-word discovery) is off: it costs ~35% of segmentation time and the bigram field already covers exact
character sequences; documents and queries are segmented the same way, so recall does not depend on it.
"""

from __future__ import annotations

import logging
import math
import operator
import re
import threading
from collections.abc import Iterator
from functools import lru_cache

import jieba
from opencc import OpenCC
from whoosh.analysis import Token, Tokenizer

# jieba logs its dictionary loading at DEBUG through a handler of its own *and* the root logger's (each line twice,
# whatever the application's level): keep only its warnings, through the application's logging.
jieba.setLogLevel(logging.WARNING)
jieba.default_logger.removeHandler(jieba.log_console)

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
_NON_WORD_RE = re.compile(r"\W+")

_PREFIX = object()  # marks a dictionary prefix that is no word itself
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # jieba's re_eng
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


_last_normalized: tuple[str, str] = ("", "")


def normalize_for_index(text: str) -> str:
    """:func:`normalize`, remembering the last text: indexing reads each title and body twice in a row (words,
    then bigrams), so the second field gets the first one's result. Thread-safe (one tuple, swapped whole)."""
    global _last_normalized
    last = _last_normalized
    if last[0] is text or last[0] == text:
        return last[1]
    result = normalize(text)
    _last_normalized = (text, result)
    return result


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


class SearchSegmenter:
    """jieba's ``cut_for_search(text, HMM=False)``, filtered by :func:`_keep`, computed in a fraction of the time.

    Same dictionary, same algorithm, same tokens in the same order (tests/search/test_analyzer.py compares the
    two on real and generated text): the best route through the word graph by log-probability, then the
    dictionary's 2- and 3-character sub-words of longer words. What differs is only how. jieba builds a dict of
    candidate lists per character (``get_DAG``), then scores them in a generator calling ``log()`` per candidate
    (``calc``). Here the one- and two-character lookups of a whole block are done by ``map()`` (in C), one
    right-to-left pass extends only the two-character prefixes, and scores come from log-probabilities computed
    once per dictionary word (``log(freq) - log(total)``: the same floating-point operations as jieba's, so
    equal scores, and ties, come out the same).
    """

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        log_total = math.log(tokenizer.total)
        self._neg_log_total = 0.0 - log_total  # a character no word starts with: log(1) - log(total)
        # word → log-probability; a prefix of longer words that is no word itself → _PREFIX; else absent.
        # One float object per distinct frequency (the table: ≈ 28 MB instead of 38).
        logs = {freq: math.log(freq) - log_total for freq in set(tokenizer.FREQ.values()) if freq}
        self._table: dict[str, float | object] = {
            word: logs[freq] if freq else _PREFIX for word, freq in tokenizer.FREQ.items()
        }
        self._freq = tokenizer.FREQ
        self._han = jieba.re_han_default

    def _block(self, text: str, out: list[str]) -> None:
        """Accurate-mode words of one run of Han/alphanumeric characters, with search-mode sub-words."""
        n = len(text)
        get = self._table.get
        ones = list(map(get, text))
        twos = list(map(get, map(operator.add, text, text[1:])))
        twos.append(None)
        score = [0.0] * (n + 1)  # best log-probability of text[k:]
        end = list(range(1, n + 2))  # end of the best route's first word from k
        single = self._neg_log_total
        prefix = _PREFIX
        after = 0.0  # score[k + 1]
        for k in range(n - 1, -1, -1):
            one = ones[k]
            two = twos[k]
            if two is None:  # only the character itself (a word, or a character no word starts with)
                after = score[k] = (single if one is None or one is prefix else one) + after
                continue
            best, stop = (None, k) if one is prefix else (one + after, k)
            if two is not prefix:
                value = two + score[k + 2]
                if best is None or value >= best:  # ties: the longer word, like jieba's max() over (score, end)
                    best, stop = value, k + 1
            i = k + 2
            while i < n:
                found = get(text[k : i + 1])
                if found is None:
                    break
                if found is not prefix:
                    value = found + score[i + 1]
                    if best is None or value >= best:
                        best, stop = value, i
                i += 1
            if best is None:
                best = single + after
            after = score[k] = best
            end[k] = stop + 1
        words: list[str] = []
        x = 0
        buf = ""
        while x < n:
            y = end[x]
            word = text[x:y]
            if y - x == 1 and word in _ALNUM:
                buf += word  # consecutive single letters and digits form one token, as in jieba
            else:
                if buf:
                    words.append(buf)
                    buf = ""
                words.append(word)
            x = y
        if buf:
            words.append(buf)
        freq = self._freq
        search = _WORD_RE.search
        # _keep(), inlined: a token of this block that starts with a Han character is a word (\w).
        for word in words:
            size = len(word)
            for width in (2, 3):  # jieba: a word's 2-character sub-words, then its 3-character ones
                if size <= width:
                    break
                for i in range(size - width + 1):
                    gram = word[i : i + width]
                    if freq.get(gram) and gram not in STOP_WORDS and (gram >= "\u4e00" or search(gram)):
                        out.append(gram)
            if word not in STOP_WORDS and (word >= "\u4e00" or search(word)):
                out.append(word)

    def terms(self, normalized: str) -> list[str]:
        out: list[str] = []
        block = self._block
        findall = _WORD_RE.findall
        for index, part in enumerate(self._han.split(normalized)):
            if index % 2:  # re.split puts the matched runs (Han, letters, digits) at odd places
                block(part, out)
            elif part:
                # Other characters one by one (whitespace runs, which jieba keeps whole, never pass _keep).
                out.extend(char for char in findall(part) if char not in STOP_WORDS)
        return out


_segmenter: SearchSegmenter | None = None


def get_segmenter() -> SearchSegmenter:
    """The process-wide :class:`SearchSegmenter` (built once from :func:`get_jieba`, ≈ 0.2 s)."""
    global _segmenter
    if _segmenter is None:
        tokenizer = get_jieba()
        with _jieba_lock:
            if _segmenter is None:
                _segmenter = SearchSegmenter(tokenizer)
    return _segmenter


def index_terms(normalized: str) -> list[str]:
    """Search-mode tokens of already normalised text, as indexed (overlapping sub-words included)."""
    return get_segmenter().terms(normalized)


_inner_words: frozenset[str] | None = None


def inside_longer_word(word: str) -> bool:
    """Whether a dictionary word of four or more characters is also part of a longer dictionary word (人民共和国 in
    中华人民共和国). Search-mode indexing adds only the 2- and 3-character sub-words of a word, so such a word is
    indexed where it stands alone but not inside the longer one. The set is built once (≈ 0.1 s of CPU)."""
    global _inner_words
    if len(word) < 4:
        return False
    if _inner_words is None:
        freq = get_jieba().FREQ
        get = freq.get
        longer = [w for w, f in freq.items() if f and len(w) >= 5]
        inner = {
            s
            for w in longer
            for size in range(4, len(w))
            for i in range(len(w) - size + 1)
            if get(s := w[i : i + size])
        }
        _inner_words = frozenset(inner)
    return word in _inner_words


def jieba_index_terms(normalized: str) -> list[str]:
    """:func:`index_terms` computed by jieba itself (the reference the fast segmenter is tested against)."""
    return [t for t in get_jieba().cut_for_search(normalized, HMM=False) if _keep(t)]


def query_terms(text: str) -> list[str]:
    """Accurate-mode tokens of a query word, normalised: the terms that must all be present."""
    return [t.strip() for t in get_jieba().cut(normalize(text), HMM=False) if _keep(t.strip())]


def phrase_chars(normalized: str) -> str:
    """The characters a phrase is matched on: word characters only, so punctuation and spaces don't matter."""
    return _NON_WORD_RE.sub("", normalized)


def bigram_set(chars: str) -> set[str]:
    """The distinct sequential character bigrams (a single character yields itself), as indexed."""
    if len(chars) < 2:
        return {chars} if chars else set()
    return set(map(operator.add, chars, chars[1:]))


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
        return index_terms(normalize_for_index(text))


class BigramTokenizer(_TokenStream):
    """Normalise, then character bigrams with sequential positions (an index built before 2026-11 stored them)."""

    def _terms(self, text: str) -> list[str]:
        return bigrams(phrase_chars(normalize_for_index(text)))


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
