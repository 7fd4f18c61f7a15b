"""A database fallback for the search (indico's pattern): used while the index is empty but the database is not
(first start, a deleted index directory, a rebuild in progress). Same request and response as the provider.

Substring matching with SQL ``LIKE`` on the original text: each query word is tried as typed in Simplified and
Traditional script (the parser has already folded it to Simplified), and 文号 in every bracket style. No ranking:
newest first. Good enough to keep the archive usable for the minutes an index rebuild takes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import lru_cache

import sqlalchemy as sa
from opencc import OpenCC

from portal.extensions import db
from portal.policies.models import Policy, PolicyStatus
from portal.search import query as query_syntax
from portal.search.analyzer import looks_like_doc_number, normalize, normalize_doc_number
from portal.search.provider import Hit, SearchRequest, SearchResponse
from portal.search.query import And, Node, Not, Or, Phrase, Term
from portal.search.snippets import highlight, snippet

_to_traditional = OpenCC("s2t")
_BRACKETS = ("〔{}〕", "[{}]", "({})", "（{}）", "【{}】")
_YEAR = re.compile(r"\((\d{4})\)")


@lru_cache(maxsize=1024)
def variants(text: str) -> tuple[str, ...]:
    """The word as parsed (Simplified, half-width) and in Traditional script."""
    return tuple(dict.fromkeys((text, _to_traditional.convert(text))))


def _doc_number_variants(text: str) -> list[str]:
    """青政发(2021)5号 → 〔2021〕, [2021], (2021), （2021）, 【2021】, in both scripts."""
    canonical = normalize_doc_number(text)
    styles = [_YEAR.sub(lambda m, b=b: b.format(m.group(1)), canonical) for b in _BRACKETS]
    return [v for style in dict.fromkeys(styles) for v in variants(style)]


def _like(column, text: str):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _condition(node: Node | None):
    if node is None:
        return sa.true()
    if isinstance(node, (Term, Phrase)):
        if node.field == "doc_number":
            return sa.or_(*(_like(Policy.doc_number, v) for v in _doc_number_variants(node.text)))
        if node.field == "issuer":
            return sa.or_(*(_like(Policy.issuer, v) for v in variants(node.text)))
        columns = (Policy.title,) if node.field == "title" else (Policy.title, Policy.body_text, Policy.doc_number)
        words = node.text.split() if isinstance(node, Term) else ["".join(node.text.split())]
        found = sa.and_(*(sa.or_(*(_like(c, v) for c in columns for v in variants(w))) for w in words if w))
        if node.field is None and looks_like_doc_number(node.text):
            found = sa.or_(found, *(_like(Policy.doc_number, v) for v in _doc_number_variants(node.text)))
        return found
    if isinstance(node, Not):
        return sa.not_(_condition(node.item))
    if isinstance(node, And):
        return sa.and_(*(_condition(item) for item in node.items))
    if isinstance(node, Or):
        return sa.or_(*(_condition(item) for item in node.items))
    return sa.true()


def _terms(node: Node | None) -> list[str]:
    if isinstance(node, (Term, Phrase)) and node.field in (None, "title"):
        return [normalize(w) for w in node.text.split()]
    if isinstance(node, (And, Or)):
        return [t for item in node.items for t in _terms(item)]
    return []


def _year(policy: Policy) -> int:
    return policy.display_year or 0


def search(request: SearchRequest) -> SearchResponse:
    tree = query_syntax.parse(request.q)
    query = sa.select(Policy).where(Policy.status != PolicyStatus.DRAFT, _condition(tree))
    if request.date_from:
        query = query.where(Policy.published_on >= request.date_from)
    if request.date_to:
        query = query.where(Policy.published_on <= request.date_to)
    matches = list(db.session.scalars(query))
    wanted = {
        "issuer": request.issuer or None,
        "doc_type": request.doc_type or None,
        "status": request.status or None,
        "year": request.year,
    }
    values = {
        "issuer": lambda p: p.issuer,
        "doc_type": lambda p: p.doc_type,
        "status": lambda p: p.status.value,
        "year": _year,
    }

    def keep(policy: Policy, skip: str | None = None) -> bool:
        return all(v is None or name == skip or values[name](policy) == v for name, v in wanted.items())

    facets = {
        name: sorted(
            Counter(getter(p) for p in matches if keep(p, skip=name) and getter(p)).items(),
            key=lambda item: (-item[1], str(item[0])),
        )
        for name, getter in values.items()
    }
    selected = [p for p in matches if keep(p)]
    selected.sort(key=lambda p: (p.display_date or dt.date(_year(p) or 1, 1, 1), p.id), reverse=True)
    per_page = max(1, min(request.per_page, 100))
    page = selected[(max(1, request.page) - 1) * per_page :][:per_page]
    terms = sorted(set(_terms(tree)), key=len, reverse=True)
    hits = [
        Hit(id=p.id, score=0.0, snippet_html=snippet(p.body_text, terms), title_html=highlight(p.title, terms))
        for p in page
    ]
    return SearchResponse(total=len(selected), hits=hits, facets=facets)
