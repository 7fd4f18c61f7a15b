"""The policy search as the web, the API, the feed and the CSV export use it.

Parses and validates URL parameters (bad ones → ``Invalid`` with a Chinese message), asks the provider for ids,
highlights and facets, and hydrates the rows from the database (the database is the source of truth: a hit
whose row is gone or unpublished is dropped).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from portal.errors import Invalid
from portal.extensions import db
from portal.policies import search_fallback
from portal.policies.models import STATUS_LABELS, Policy, PolicyStatus
from portal.search import query as query_syntax
from portal.search.indexer import get_provider
from portal.search.provider import SearchRequest

log = logging.getLogger(__name__)

MAX_QUERY = 200
MAX_PER_PAGE = 100
MAX_PAGE = 500
SORTS = {"relevance": "相关度", "date": "发布日期"}
FACET_LABELS = {"doc_type": "文种", "status": "效力状态", "issuer": "发文机关", "year": "年份"}
# URL parameter names (short, bookmarkable) ↔ SearchRequest fields.
_STATUS_BY_CODE = {status.value: label for status, label in STATUS_LABELS.items()}
PARAMS = ("q", "issuer", "type", "status", "year", "from", "to", "sort", "page", "per_page")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    issuer: str = ""
    doc_type: str = ""
    status: str = ""  # code
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """URL parameters (defaults omitted), with ``changes`` applied; page resets unless given."""
        params = replace(self, page=1) if "page" not in changes else self
        params = replace(params, **changes)
        args = {
            "q": params.q,
            "issuer": params.issuer,
            "type": params.doc_type,
            "status": params.status,
            "year": params.year or "",
            "from": params.date_from.isoformat() if params.date_from else "",
            "to": params.date_to.isoformat() if params.date_to else "",
            "sort": params.sort if params.sort != "relevance" else "",
            "page": params.page if params.page > 1 else "",
            "per_page": params.per_page if params.per_page != 20 else "",
        }
        return {key: value for key, value in args.items() if value not in ("", None)}

    @property
    def has_filters(self) -> bool:
        return bool(self.issuer or self.doc_type or self.status or self.year or self.date_from or self.date_to)

    @property
    def is_empty(self) -> bool:
        return not self.q and not self.has_filters


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Result:
    policy: Policy
    title_html: Markup
    snippet_html: Markup


@dataclass(frozen=True)
class SearchResults:
    params: SearchParams
    total: int
    results: list[Result]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    degraded: bool = False  # answered by the database fallback (no relevance ranking)
    estimated: bool = False  # total and facet counts estimated (a common quoted phrase); the hits are exact
    notice: str | None = None  # why nothing was searched (a query of punctuation only)
    suggestion: str | None = None  # 您是不是要找: the query corrected from the index's terms, when it found nothing

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.per_page))


def read_text(args: Mapping[str, str], name: str, label: str, limit: int = 120) -> str:
    value = " ".join((args.get(name) or "").split())
    if len(value) > limit:
        raise Invalid(f"{label}过长（最多 {limit} 个字）", field=name)
    return value


def read_int(args: Mapping[str, str], name: str, label: str, low: int, high: int, default: int | None) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"{label}应为整数", field=name) from None
    if not low <= value <= high:
        raise Invalid(f"{label}应在 {low} 到 {high} 之间", field=name)
    return value


def read_date(args: Mapping[str, str], name: str, label: str) -> dt.date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid(f"{label}格式应为 YYYY-MM-DD，例如 2020-12-14", field=name) from None


def parse_params(args: Mapping[str, str]) -> SearchParams:
    """Validate URL parameters; every message is shown to the user as is."""
    status = (args.get("status") or "").strip()
    if status:
        codes = {s.value: s for s in PolicyStatus if s is not PolicyStatus.DRAFT}
        by_label = {label: s for s, label in STATUS_LABELS.items() if s is not PolicyStatus.DRAFT}
        chosen = codes.get(status) or by_label.get(status)
        if chosen is None:
            raise Invalid("效力状态应为：现行有效、已修改、失效或废止", field="status")
        status = chosen.value
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise Invalid("排序方式应为 relevance（相关度）或 date（发布日期）", field="sort")
    date_from, date_to = read_date(args, "from", "起始日期"), read_date(args, "to", "截止日期")
    if date_from and date_to and date_from > date_to:
        raise Invalid("起始日期不能晚于截止日期", field="from")
    return SearchParams(
        q=read_text(args, "q", "检索词", MAX_QUERY),
        issuer=read_text(args, "issuer", "发文机关"),
        doc_type=read_text(args, "type", "文种", 20),
        status=status,
        year=read_int(args, "year", "年份", 1949, 2100, None),
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=read_int(args, "page", "页码", 1, MAX_PAGE, 1) or 1,
        per_page=read_int(args, "per_page", "每页条数", 1, MAX_PER_PAGE, 20) or 20,
    )


def _facets(raw: Mapping[str, list[tuple[Any, int]]], params: SearchParams) -> dict[str, list[FacetValue]]:
    selected = {"issuer": params.issuer, "doc_type": params.doc_type, "status": params.status, "year": params.year}
    facets: dict[str, list[FacetValue]] = {}
    for name in FACET_LABELS:
        values = [(value, count) for value, count in raw.get(name, []) if value not in ("", 0, None)]
        if name == "year":
            values.sort(key=lambda item: -int(item[0]))
        else:
            values.sort(key=lambda item: (-item[1], str(item[0])))
        facets[name] = [
            FacetValue(
                value=str(value),
                label=_STATUS_BY_CODE.get(str(value), str(value)) if name == "status" else str(value),
                count=count,
                selected=str(value) == str(selected[name] or ""),
            )
            for value, count in values
        ]
    return facets


def unsearchable_notice(q: str) -> str | None:
    """The message for a query with nothing to search for (punctuation, operators or stop words only), else None."""
    if not q or query_syntax.searchable(query_syntax.parse(q)):
        return None
    return (
        f"检索词“{q}”中没有可以检索的文字（只有标点符号、运算符或“的”“和”之类的虚词）。"
        "请输入汉字、字母或数字，例如：乡呼县应。"
    )


def search(params: SearchParams) -> SearchResults:
    notice = unsearchable_notice(params.q)
    if notice:
        return SearchResults(params, 0, [], _facets({}, params), notice=notice)
    request = SearchRequest(
        q=params.q,
        issuer=params.issuer or None,
        doc_type=params.doc_type or None,
        status=params.status or None,
        year=params.year,
        date_from=params.date_from,
        date_to=params.date_to,
        sort=params.sort,
        page=params.page,
        per_page=params.per_page,
    )
    degraded = False
    try:
        provider = get_provider()
        if provider.view().doc_count == 0 and _has_public_documents():
            degraded = True  # first start or a rebuild in progress: the database answers meanwhile
        else:
            response = provider.search(request)
    except Exception:  # a damaged index must not take the archive down
        log.exception("search index failed; answering from the database")
        degraded = True
    if degraded:
        response = search_fallback.search(request)
    ids = [hit.id for hit in response.hits]
    rows = {p.id: p for p in db.session.scalars(sa.select(Policy).where(Policy.id.in_(ids)))} if ids else {}
    results = [
        Result(rows[hit.id], Markup(hit.title_html), Markup(hit.snippet_html))
        for hit in response.hits
        if hit.id in rows and rows[hit.id].is_public
    ]
    return SearchResults(
        params,
        response.total,
        results,
        _facets(response.facets, params),
        degraded,
        response.estimated,
        suggestion=response.suggestion,
    )


def _has_public_documents() -> bool:
    return db.session.scalar(sa.select(Policy.id).where(Policy.status != PolicyStatus.DRAFT).limit(1)) is not None
