"""Open-data lists: one shape for every public list as HTML, JSON, CSV and Atom.

Query arguments are read with the same rules everywhere (a bad value is a 400 ``invalid`` naming the field,
never a 500); a JSON page carries ``total``, ``page``, ``per_page``, ``pages`` and ``results`` with RFC 8288
``Link`` headers (first, prev, next, last) and an ``ETag`` answered by 304 on ``If-None-Match``; CSV opens in
spreadsheet programs (UTF-8 with BOM) with formula-like cells neutralised; Atom is valid XML whatever the text.

Foundation: imports no capability package.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import Response, jsonify, render_template, request, url_for

from portal.errors import Invalid
from portal.outputs import csv_text, xml_safe

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
CSV_MAX_ROWS = 5000
FEED_SIZE = 50

TRUE_VALUES = {"1", "true", "on", "yes"}
FALSE_VALUES = {"", "0", "false", "off", "no"}


# ---- arguments -----------------------------------------------------------------------------------------------


def int_arg(args: Mapping[str, str], name: str, label: str, lo: int = 1, hi: int = 2**31 - 1) -> int | None:
    """An integer argument between ``lo`` and ``hi``, None when absent or empty."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise Invalid(f"{label}必须是整数", field=name)
    number = int(value)
    if not lo <= number <= hi:
        raise Invalid(f"{label}应在 {lo} 到 {hi} 之间", field=name)
    return number


def page_args(args: Mapping[str, str], default_per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (1–100)."""
    page = int_arg(args, "page", "页码") or 1
    per_page = int_arg(args, "per_page", "每页条数", hi=MAX_PER_PAGE) or default_per_page
    return page, per_page


def date_arg(args: Mapping[str, str], name: str, label: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise Invalid(f"{label}格式应为 YYYY-MM-DD，如 2026-11-01", field=name)


def choice_arg(args: Mapping[str, str], name: str, allowed: Iterable[str], label: str) -> str | None:
    """One of ``allowed``, None when absent or empty."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value not in set(allowed):
        raise Invalid(f"未知的{label}：{value[:40]}", field=name)
    return value


def flag_arg(args: Mapping[str, str], name: str, label: str) -> bool:
    """A checkbox: 1/true/on/yes, or absent / 0 / false."""
    value = (args.get(name) or "").strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise Invalid(f"{label}只能为 1 或 0", field=name)


def text_arg(args: Mapping[str, str], name: str, label: str, max_length: int = 100) -> str:
    value = " ".join((args.get(name) or "").split())
    if len(value) > max_length:
        raise Invalid(f"{label}不能超过 {max_length} 个字", field=name)
    return value


def parse_period(value: str, name: str = "period") -> tuple[date, date, str]:
    """A calendar period as in ``/api/v1/data/kpi``: ``2026`` (year), ``2026-Q4`` (quarter), ``2026-11`` (month).

    Returns its first day, last day and a Chinese label.
    """
    value = value.strip().upper()
    if m := re.fullmatch(r"(\d{4})", value):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31), f"{year}年"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        year, quarter = int(m[1]), int(m[2])
        first = date(year, 3 * quarter - 2, 1)
        return first, _month_end(year, 3 * quarter), f"{year}年第{'一二三四'[quarter - 1]}季度"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return date(year, month, 1), _month_end(year, month), f"{year}年{month}月"
    raise Invalid("时间段格式应为 2026、2026-Q4 或 2026-11", field=name)


def _month_end(year: int, month: int) -> date:
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def recent_periods(today: date) -> list[tuple[str, str]]:
    """(value, label) of this and last year, quarter and month: the choices of a list's 时间段 select."""
    quarter = (today.month - 1) // 3 + 1
    last_quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    last_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    values = [
        f"{today.year}-{today.month:02d}",
        f"{last_month[0]}-{last_month[1]:02d}",
        f"{today.year}-Q{quarter}",
        f"{last_quarter[0]}-Q{last_quarter[1]}",
        f"{today.year}",
        f"{today.year - 1}",
    ]
    return [(v, parse_period(v)[2]) for v in values]


def date_range(args: Mapping[str, str]) -> tuple[date | None, date | None]:
    """``period`` and / or ``from`` and ``to`` (inclusive): the days in all that are given."""
    start, end = date_arg(args, "from", "开始日期"), date_arg(args, "to", "结束日期")
    if start and end and end < start:
        raise Invalid("结束日期不能早于开始日期", field="to")
    period = (args.get("period") or "").strip()
    if period:
        first, last, _ = parse_period(period)
        start, end = max(start or first, first), min(end or last, last)
    return start, end


# ---- pages ---------------------------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of a list; the template's ``pagination`` macro and the JSON body read the same fields."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its offset (times are stored in UTC: ``…+00:00``)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def list_args(**overrides: Any) -> dict[str, Any]:
    """The request's arguments (several values of a name kept) with ``overrides``; None removes a name."""
    args: dict[str, Any] = {key: values if len(values) > 1 else values[0] for key, values in request.args.lists()}
    for key, value in overrides.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


def page_links(page: Page) -> dict[str, str]:
    """first / prev / next / last of this request's list, same arguments, absolute URLs."""
    endpoint, view_args = request.endpoint or "", request.view_args or {}
    last = max(page.pages, 1)

    def url(number: int) -> str:
        return url_for(endpoint, _external=True, **view_args, **list_args(page=number, per_page=page.per_page))

    links = {"first": url(1)}
    if page.has_prev:
        links["prev"] = url(min(page.prev_num, last))
    if page.has_next:
        links["next"] = url(page.next_num)
    links["last"] = url(last)
    return links


def conditional(response: Response) -> Response:
    """A strong ETag of the body; a matching ``If-None-Match`` gets 304 without a body."""
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"  # always revalidate: the lists change as orders move
    return response.make_conditional(request)


def json_page(page: Page, results: list[dict[str, Any]], **extra: Any) -> Response:
    """A page of a list as JSON, with ``Link`` headers and an ETag."""
    response = jsonify(
        {
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
            "pages": page.pages,
            **extra,
            "results": results,
        }
    )
    return conditional(with_links(response, page))


def with_links(response: Response, page: Page) -> Response:
    """The RFC 8288 ``Link`` header of a page: first, prev, next, last."""
    response.headers["Link"] = ", ".join(f'<{href}>; rel="{rel}"' for rel, href in page_links(page).items())
    return response


# ---- CSV -----------------------------------------------------------------------------------------------------


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> Response:
    """UTF-8 with BOM (spreadsheet programs then read Chinese correctly), CRLF rows, an ASCII and a UTF-8 name."""
    body = csv_text([header, *rows])  # the portal's one CSV writer: formula-like cells neutralised
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export.csv"
    response = Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"},
    )
    return conditional(response)


# ---- Atom ----------------------------------------------------------------------------------------------------


def xml_text(value: object) -> str:
    return xml_safe("" if value is None else str(value))


@dataclass
class FeedEntry:
    id: str  # permanent: the item's URL and the event's number
    title: str
    url: str
    updated: datetime
    summary: str = ""  # plain text
    author: str = ""
    category: tuple[str, str] | None = None  # (term, label)


@dataclass
class Feed:
    title: str
    subtitle: str
    self_url: str
    html_url: str
    author: str
    entries: list[FeedEntry] = field(default_factory=list)

    @property
    def updated(self) -> datetime:
        return max((e.updated for e in self.entries), default=datetime(2000, 1, 1, tzinfo=UTC))


def atom_time(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_response(feed: Feed) -> Response:
    body = render_template("opendata/feed.atom", feed=feed, atom_time=atom_time, xml_text=xml_text)
    return conditional(Response(body, mimetype="application/atom+xml"))


def list_feed(
    entries: list[FeedEntry], *, title: str, items: str, news: str, author: str, feed_endpoint: str, page_endpoint: str
) -> Response:
    """The Atom feed of a filtered public list (「符合条件的<items>的最新 N 条<news>」), linking to itself and to the
    list page with the same filters."""
    args = list_args(page=None, per_page=None, sort=None)
    feed = Feed(
        title=title,
        subtitle=f"符合条件的{items}的最新 {len(entries)} 条{news}",
        self_url=url_for(feed_endpoint, _external=True, **args),
        html_url=url_for(page_endpoint, _external=True, **args),
        author=author,
        entries=entries,
    )
    return atom_response(feed)
