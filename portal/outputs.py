"""What leaves the portal as a file: CSV that a spreadsheet cannot execute, XML that every parser accepts.

Every CSV export goes through ``csv_text``/``csv_response``: a text cell starting with ``= + - @``, a tab or a
carriage return would be read by Excel, WPS or LibreOffice as a formula (``=HYPERLINK(...)`` in a citizen's
question sends whoever opens the file elsewhere); such a cell gets a leading ``'``, which spreadsheets show as
text. Numbers stay numbers. Every XML response (the Atom feed and any other ``*xml`` body) loses the characters
XML 1.0 forbids (U+0001 in one title must not break the feed for every subscriber).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Flask, Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Outside XML 1.0's Char production: C0 controls but tab/LF/CR, surrogates, U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as it is: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Rows (the header first) as CSV with a BOM, so that Excel reads the Chinese as UTF-8; CRLF line ends."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def csv_response(rows: Iterable[Sequence[object]], content_disposition: str) -> Response:
    """A CSV download; ``content_disposition`` is the whole header value (``attachment; filename=...``)."""
    return Response(csv_text(rows), mimetype="text/csv", headers={"Content-Disposition": content_disposition})


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return XML_FORBIDDEN.sub("", text)


def _clean_xml_response(response: Response) -> Response:
    mimetype = response.mimetype or ""
    if (mimetype.endswith("+xml") or mimetype.endswith("/xml")) and not (
        response.direct_passthrough or response.is_streamed
    ):
        body = response.get_data(as_text=True)
        cleaned = xml_safe(body)
        if cleaned != body:
            response.set_data(cleaned)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_clean_xml_response)
