"""User query syntax → a small query tree. Never raises: bad syntax degrades to plain terms.

Syntax (Google-like, AND by default)::

    乡呼县应 吹哨报到          both words
    承接率 OR 办结率           either word (also `|` and 或)
    工单 -新闻, 工单 NOT 新闻   exclusion
    "一网通办"  “吹哨报到”      exact phrase, characters in order (ASCII, curly or 「」 quotes)
    title:满意率  标题:满意率    field search; also 文号:/doc_number:, 发文机关:/issuer:
    (承接率 OR 办结率) 莱西     grouping

The query is normalised first (Traditional → Simplified, full-width → half-width, lowercase), so 文號：青政發
〔2021〕5號 is the same query as 文号:青政发[2021]5号. What a term *means* (segmentation, 文号 canonical form) is
decided by the engine, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.search.analyzer import normalize, normalize_doc_number, phrase_chars, query_terms

FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "标题": "title",
    "文号": "doc_number",
    "doc_number": "doc_number",
    "发文机关": "issuer",
    "issuer": "issuer",
}


@dataclass(frozen=True)
class Term:
    """A word; ``field`` None means title or body."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Characters that must appear in this order (punctuation and spaces ignored)."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | Phrase | And | Or | Not

QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
_FIELD_RE = "|".join(re.escape(name) for name in sorted(FIELD_ALIASES, key=len, reverse=True))
# A word may hold "(2021)" so that 青政发(2021)5号 (after full-width folding) stays one word.
_WORD = r"(?:[^\s()\"]|\(\d{1,4}\))+"
_LEX = re.compile(
    rf"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) |
        (?P<field>{_FIELD_RE})\s*:\s*(?:"(?P<fphrase>[^"]*)"|(?P<fword>{_WORD})) |
        "(?P<phrase>[^"]*)" |
        (?P<word>{_WORD}) |
        (?P<stray>")
    )""",
    re.VERBOSE,
)
_OR_WORDS = frozenset({"or", "|", "或"})
_NOT_WORDS = frozenset({"not"})
_AND_WORDS = frozenset({"and", "&", "与"})


def parse(q: str) -> Node | None:
    """Parse a user query; None when nothing searchable is left (empty or only operators)."""
    text = normalize(q or "").translate(QUOTES)
    try:
        return _Parser(_lex(text)).parse()
    except (ValueError, IndexError, RecursionError):
        words = [Term(w) for w in re.findall(r"[^\s()\"|-]+", text) if w not in _OR_WORDS | _NOT_WORDS]
        return _combine(And, words)


def _lex(text: str) -> list[tuple[str, str | None, str]]:
    """(kind, field, text) tokens; a stray unmatched quote is dropped."""
    tokens: list[tuple[str, str | None, str]] = []
    for match in _LEX.finditer(text):
        if match.group("lparen"):
            tokens.append(("(", None, "("))
        elif match.group("rparen"):
            tokens.append((")", None, ")"))
        elif match.group("field"):
            field = FIELD_ALIASES[match.group("field")]
            if match.group("fphrase") is not None:
                tokens.append(("phrase", field, match.group("fphrase")))
            else:
                tokens.append(("word", field, match.group("fword")))
        elif match.group("phrase") is not None:
            tokens.append(("phrase", None, match.group("phrase")))
        elif match.group("word"):
            tokens.append(("word", None, match.group("word")))
    return tokens


def _combine(kind: type[And] | type[Or], items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else kind(tuple(items))


class _Parser:
    """Recursive descent: sequence := alternative+ ; alternative := unary (OR unary)* ; unary := [NOT|-] atom."""

    def __init__(self, tokens: list[tuple[str, str | None, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def parse(self) -> Node | None:
        return self._sequence(top=True)

    def _peek(self) -> tuple[str, str | None, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _sequence(self, top: bool) -> Node | None:
        items: list[Node] = []
        while (token := self._peek()) is not None:
            if token[0] == ")":
                self.pos += 1
                if top:
                    continue  # unbalanced ")" at top level: ignore it
                break
            node = self._alternative()
            if node is not None:
                items.append(node)
        return _combine(And, items)

    def _alternative(self) -> Node | None:
        items = [self._unary()]
        while (token := self._peek()) is not None and token[0] == "word" and token[1] is None and token[2] in _OR_WORDS:
            self.pos += 1
            if self._peek() is None:
                break
            items.append(self._unary())
        return _combine(Or, [item for item in items if item is not None])

    def _unary(self) -> Node | None:
        kind, field, text = self.tokens[self.pos]
        if kind == "word" and field is None and text in _NOT_WORDS | _AND_WORDS | _OR_WORDS:
            self.pos += 1
            if text in _NOT_WORDS and self._peek() is not None:
                operand = self._unary()
                return Not(operand) if operand is not None else None
            return None
        if kind == "word" and field is None and text.startswith("-") and len(text) > 1:
            self.tokens[self.pos] = ("word", None, text[1:])
            operand = self._unary()
            return Not(operand) if operand is not None else None
        return self._atom()

    def _atom(self) -> Node | None:
        kind, field, text = self.tokens[self.pos]
        self.pos += 1
        if kind == "(":
            return self._sequence(top=False)
        if kind == "phrase":
            return Phrase(text.strip(), field) if text.strip() else None
        text = text.strip("-")
        return Term(text, field) if text else None


def searchable(node: Node | None) -> bool:
    """Whether a parsed query asks for anything: False when it holds only punctuation, operators or stop words
    (``"(*:``, ``OR``, ``的``), which would otherwise constrain nothing and list the whole archive."""
    if isinstance(node, Term):
        if node.field == "doc_number":
            return bool(normalize_doc_number(node.text))
        if node.field == "issuer":
            return bool(node.text.split())
        return bool(query_terms(node.text))
    if isinstance(node, Phrase):
        return bool(phrase_chars(normalize(node.text)))
    if isinstance(node, Not):
        return searchable(node.item)
    if isinstance(node, (And, Or)):
        return any(searchable(item) for item in node.items)
    return False
