"""Bad input stops at the edge: one URL integer converter, one integer reader and one text check for every request.

PostgreSQL's ``integer`` ends at 2**31 - 1 and SQLite's at 2**63 - 1; a number beyond either reached the
database and came back as a 500. Every integer the portal takes from a URL, a query or a form is held to the
smaller range here, so both databases answer alike: 404 for an id no row can have, 400 for a number out of
range, and ``request.args.get(..., type=int)`` falls back to its default as for any other non-number.
Text with control characters (NUL, which PostgreSQL cannot store, and the rest of C0 but tab, CR and LF) or
lone surrogates is refused with 400 before any view runs, whichever field carries it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from wtforms import IntegerField

from portal.errors import Invalid

MAX_INT = 2**31 - 1  # PostgreSQL ``integer``: the smaller of the two databases' ranges
MIN_INT = -(2**31)
MAX_FIELD_CHARS = 200_000  # one form field; a whole policy's text fits, a flood does not
MAX_QUERY_CHARS = 1_000  # one query parameter: search words, filters, ``next``

# C0 controls except tab, LF and CR; DEL; lone UTF-16 surrogates (not encodable, not storable).
FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
INTEGER = re.compile(r"[+-]?\d{1,19}")


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: 0 … 2**31 - 1, so a larger number matches no route (404) on either database."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max, signed=signed)


def bounded_int(value: object) -> int:
    """``int(value)`` within the 32-bit signed range; ValueError otherwise (the ``type=`` of request dicts)."""
    text = str(value).strip()
    if not INTEGER.fullmatch(text):
        raise ValueError(f"not an integer: {text[:40]!r}")
    number = int(text)
    if not MIN_INT <= number <= MAX_INT:
        raise ValueError(f"integer out of range: {text[:40]!r}")
    return number


def to_id(value: object) -> int | None:
    """A row id from a form or query value: a whole number 1 … 2**31 - 1, or None for anything else."""
    try:
        number = bounded_int(value)
    except ValueError:
        return None
    return number if number > 0 else None


class BoundedIntegerField(IntegerField):
    """IntegerField within the databases' integer range (a larger number is a field error, not a 500)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not MIN_INT <= self.data <= MAX_INT:
            self.data = None
            raise ValueError("数字超出允许的范围")


class InputDict(ImmutableMultiDict):
    """``request.args``/``request.form``: ``type=int`` converts within the databases' range."""

    def get(self, key, default=None, type=None):
        return super().get(key, default, bounded_int if type is int else type)

    def getlist(self, key, type=None):
        return super().getlist(key, bounded_int if type is int else type)


class PortalRequest(Request):
    parameter_storage_class = InputDict


def int_arg(name: str, default: int, *, label: str = "页码", low: int = 1, high: int = 100_000) -> int:
    """An integer query parameter (page and the like): absent → ``default``; not a number in range → 400."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = bounded_int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise Invalid(f"{label}应为 {low} 到 {high} 之间的整数", field=name)
    return value


def choice_arg(name: str, choices: tuple[str, ...], default: str, *, label: str) -> str:
    """A query parameter that names one of ``choices``: absent → ``default``; anything else → 400."""
    value = request.args.get(name) or default
    if value not in choices:
        raise Invalid(f"{label}无效", field=name)
    return value


def check_text(value: str, field: str | None = None, limit: int = MAX_FIELD_CHARS) -> str:
    """Refuse control characters and floods in one text value; the value as is otherwise."""
    if FORBIDDEN_CHARS.search(value):
        raise Invalid("提交的内容含有无法识别的控制字符，请删除后重试", field=field)
    if len(value) > limit:
        raise Invalid(f"提交的内容过长（每项最多 {limit} 个字）", field=field)
    return value


def _texts() -> Iterator[tuple[str | None, str, int]]:
    """(field, text, length limit) of what the request carries as text: path segments, query, form, file names.

    Read through ``dict`` itself, not the request dicts' methods, so that nothing counts as read by a handler.
    """
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            yield name, value, MAX_QUERY_CHARS
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        form, files = None, None  # a body over the limit: the view answers it, after its own checks (log-in)
    for values, limit in ((request.args, MAX_QUERY_CHARS), (form or {}, MAX_FIELD_CHARS)):
        for key, items in dict.items(values):
            yield None, key, MAX_QUERY_CHARS
            for item in items:
                yield key, item, limit
    for key, items in dict.items(files or {}):
        for item in items:
            yield key, item.filename or "", MAX_QUERY_CHARS


def refuse_bad_text() -> None:
    """before_request: every text of the request passes ``check_text`` or the request answers 400."""
    for field, value, limit in _texts():
        check_text(value, field, limit)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.request_class = PortalRequest
    app.before_request(refuse_bad_text)
