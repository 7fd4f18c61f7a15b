"""The whoosh schema of the policy archive and the mapping of a policy dict onto it.

Field layout, and why:

* ``title``/``body``: jieba search-mode terms, frequencies only (no positions: search-mode tokens overlap, so
  positions could not support phrases anyway, and they would double the postings).
* ``title_bigrams``/``body_bigrams``: which character bigrams a document holds (no frequencies, no positions),
  used only to narrow quoted phrases to candidates; phrases are then checked on the stored text
  (``portal.search.phrases``). Until 2026-11 these fields had positions; :func:`schema_is_current` tells such an
  index apart (it still answers correctly, but a rebuild makes it smaller and is needed for the new layout).
* ``doc_number``: the canonical 文号 plus its prefix, for 文号: search (see ``doc_number_terms``).
* ``meta``: one column per document with everything facets, filters, sorting and BM25 need (issuer, type,
  status, year, date, body length), read once per segment and cached — instead of whoosh's per-query facets.
* ``stored``: the ORIGINAL title, body and 文号 for display and snippets; the normalised form is recomputed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from whoosh import columns, fields
from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint

from portal.search.analyzer import (
    BigramTokenizer,
    DocNumberTokenizer,
    JiebaTokenizer,
    bigram_set,
    index_terms,
    normalize_for_index,
    phrase_chars,
)

# Policy status labels (现行有效/已修改/失效/废止) and the codes stored in the index and returned by facets.
STATUS_CODES: dict[str, str] = {
    "现行有效": "in_force",
    "已修改": "amended",
    "失效": "expired",
    "废止": "repealed",
}
STATUS_LABELS: dict[str, str] = {code: label for label, code in STATUS_CODES.items()}

_SEP = "\x1f"


class ArchiveCodec(W3Codec):
    """whoosh's W3 codec without per-posting length statistics.

    With ``length_stats`` whoosh looks up the document's field length for every posting it writes (~15% of
    build time) to keep per-block min/max lengths, which only whoosh's own scorer uses; BM25 here takes lengths
    from the ``meta`` column. Readers are unaffected. Pass it to every writer (``ix.writer(codec=...)``).
    """

    length_stats = False


class WordsField(fields.FieldType):
    """jieba search-mode terms with frequencies.

    ``index()`` gives whoosh what its Frequency format would make of :class:`JiebaTokenizer`'s tokens (term,
    frequency, weight = frequency, packed frequency), straight from a ``Counter``: no whoosh ``Token`` per word.
    ``term_counts()`` is the ``Counter`` itself, for ``portal.search.bulk``. The analyzer stays for whoosh's
    generic paths.
    """

    def __init__(self, stored: bool = False) -> None:
        super().__init__(Frequency(), JiebaTokenizer(), stored=stored)

    def term_counts(self, value: str) -> Counter[str]:
        return Counter(index_terms(normalize_for_index(value)))

    def index(self, value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        return [(term.encode(), freq, float(freq), pack_uint(freq)) for term, freq in self.term_counts(value).items()]


class BigramsField(fields.FieldType):
    """Which character bigrams (of the normalised word characters) a document holds: whoosh's Existence format,
    indexed straight from a set (``term_counts()``; no whoosh ``Token`` per bigram)."""

    def __init__(self) -> None:
        super().__init__(Existence(), BigramTokenizer())

    def term_counts(self, value: str) -> set[str]:
        """The distinct bigrams (each counts once, as in whoosh's Existence format)."""
        return bigram_set(phrase_chars(normalize_for_index(value)))

    def index(self, value: str, **kwargs: Any) -> list[tuple[bytes, int, float, bytes]]:
        return [(gram.encode(), 1, 1.0, b"") for gram in self.term_counts(value)]


def build_schema() -> fields.Schema:
    """The schema; its field and analyzer classes are pickled into the index, so they must stay importable by
    name (also the tokenizers of older schemas, so that an index built by them still opens)."""
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        title=WordsField(stored=True),
        body=WordsField(),
        title_bigrams=BigramsField(),
        body_bigrams=BigramsField(),
        doc_number=fields.FieldType(Frequency(), DocNumberTokenizer(), stored=True),
        meta=fields.COLUMN(columns.VarBytesColumn()),
        body_text=fields.STORED(),
    )


def schema_is_current(schema: fields.Schema) -> bool:
    """Whether an index's schema is the one :func:`build_schema` makes (same fields, classes and formats)."""
    current = build_schema()
    if sorted(schema.names()) != sorted(current.names()):
        return False
    return all(_signature(schema[name]) == _signature(current[name]) for name in current.names())


def _signature(field: fields.FieldType) -> tuple:
    fmt = field.format
    return (
        type(field),
        type(fmt),
        vars(fmt) if fmt is not None else None,
        type(field.analyzer),
        type(field.column_type),
        field.scorable,
        field.stored,
        field.unique,
    )


@dataclass(frozen=True)
class DocMeta:
    """Per-document values behind facets, filters, date sorting and BM25 length normalisation."""

    issuer: str
    doc_type: str
    status: str
    year: int
    date: int  # proleptic ordinal of published_on (else written_on); 0 when unknown
    length: int  # characters of the body, for BM25

    def encode(self) -> bytes:
        return _SEP.join(
            (self.issuer, self.doc_type, self.status, str(self.year), str(self.date), str(self.length))
        ).encode()

    @classmethod
    def decode(cls, raw: bytes) -> DocMeta:
        if not raw:
            return cls("", "", "", 0, 0, 0)
        issuer, doc_type, status, year, date, length = raw.decode().split(_SEP)
        return cls(issuer, doc_type, status, int(year), int(date), int(length))


def status_code(value: str | None) -> str:
    """Accept a code (in_force) or its Chinese label (现行有效); unknown values pass through unchanged."""
    if not value:
        return ""
    return STATUS_CODES.get(value, value)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def to_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Whoosh field values for one policy dict (keys as documented on :meth:`WhooshProvider.index_documents`)."""
    title = doc.get("title") or ""
    body = doc.get("body") or ""
    issuer = doc.get("issuer") or ""
    doc_type = doc.get("doc_type") or ""
    status = status_code(doc.get("status"))
    day = _as_date(doc.get("published_on")) or _as_date(doc.get("written_on"))
    year = day.year if day else int(doc.get("year") or 0)
    meta = DocMeta(issuer, doc_type, status, year, day.toordinal() if day else 0, len(body))
    values: dict[str, Any] = {
        "id": str(int(doc["id"])),
        "title": title,
        "body": body,
        "title_bigrams": title,
        "body_bigrams": body,
        "meta": meta.encode(),
        "body_text": body,
    }
    if doc.get("doc_number"):
        values["doc_number"] = doc["doc_number"]
    return values
