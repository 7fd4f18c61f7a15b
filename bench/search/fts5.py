"""The baseline: SQLite FTS5 with the trigram tokenizer, same corpus, same queries, same outputs.

Text is normalised (Traditional → Simplified, width, case) before it is stored, as the portal's analyzer does,
so both engines answer the same questions. Terms of 3+ characters use the trigram index; 1–2 character terms
cannot, and fall back to ``LIKE '%..%'`` over the normalised columns (FTS5's known weakness for Chinese).
Facets are ``GROUP BY`` over a temporary match-set table; snippets come from FTS5's ``snippet()`` (or a
substring window for LIKE-only queries).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.search.queries import BenchQuery
from portal.search.analyzer import normalize, normalize_doc_number
from portal.search.schema import status_code

FACET_COLUMNS = ("issuer", "doc_type", "status", "year")


@dataclass(frozen=True)
class FtsResult:
    total: int
    ids: list[int]
    snippets: list[str]
    facets: dict[str, list[tuple[Any, int]]]


class Fts5Index:
    """A documents table plus an external-content FTS5 trigram index over normalised title and body."""

    def __init__(self, path: Path, reuse: bool = False) -> None:
        """Create the database at ``path`` (replacing any), or open the existing one when ``reuse``."""
        if not reuse:
            path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if reuse:
            return
        self.db.executescript(
            """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT, title_n TEXT, body_n TEXT, doc_number TEXT,
                              issuer TEXT, doc_type TEXT, status TEXT, year INT, date TEXT);
            CREATE INDEX docs_date ON docs(date);
            CREATE VIRTUAL TABLE fts USING fts5(title_n, body_n, content='docs', content_rowid='id',
                                                tokenize='trigram');
            """
        )

    def add(self, docs: Iterable[dict[str, Any]]) -> None:
        rows = (
            (
                d["id"],
                d["title"],
                normalize(d["title"]),
                normalize(d["body"]),
                normalize_doc_number(d["doc_number"]) if d.get("doc_number") else None,
                d["issuer"],
                d["doc_type"],
                status_code(d["status"]),
                (d["published_on"] or d["written_on"]).year,
                str(d["published_on"] or d["written_on"]),
            )
            for d in docs
        )
        self.db.execute("BEGIN")
        self.db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        self.db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")
        self.db.execute("COMMIT")

    def add_one(self, doc: dict[str, Any]) -> None:
        """Publish (upsert) one document incrementally, keeping the FTS rows in sync by hand as triggers would."""
        self.db.execute("BEGIN")
        old = self.db.execute("SELECT title_n, body_n FROM docs WHERE id = ?", (doc["id"],)).fetchone()
        if old:
            self.db.execute(
                "INSERT INTO fts(fts, rowid, title_n, body_n) VALUES ('delete', ?, ?, ?)", (doc["id"], *old)
            )
            self.db.execute("DELETE FROM docs WHERE id = ?", (doc["id"],))
        title_n, body_n = normalize(doc["title"]), normalize(doc["body"])
        day = doc["published_on"] or doc["written_on"]
        self.db.execute(
            "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)",
            (doc["id"], doc["title"], title_n, body_n, None, doc["issuer"], doc["doc_type"],
             status_code(doc["status"]), day.year, str(day)),
        )  # fmt: skip
        self.db.execute("INSERT INTO fts(rowid, title_n, body_n) VALUES (?,?,?)", (doc["id"], title_n, body_n))
        self.db.execute("COMMIT")

    def search(self, query: BenchQuery, limit: int = 20) -> FtsResult:
        """Match set into a temp table, then total, facets (other filters applied), top hits and snippets."""
        match_parts: list[str] = []
        where: list[str] = []
        params: list[Any] = []
        for term in query.terms:
            text = normalize(term)
            column = "title_n" if query.scope == "title" else None
            if len(text) >= 3:
                match_parts.append(f'{column + ":" if column else ""}"{text}"')
            else:
                like = f"%{text}%"
                if column:
                    where.append("d.title_n LIKE ?")
                    params.append(like)
                else:
                    where.append("(d.title_n LIKE ? OR d.body_n LIKE ?)")
                    params += [like, like]
        if match_parts:
            where.append("d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(" AND ".join(match_parts))
        self.db.execute("DROP TABLE IF EXISTS temp.m")
        self.db.execute(
            f"CREATE TEMP TABLE m AS SELECT id, issuer, doc_type, status, year, date FROM docs d "
            f"WHERE {' AND '.join(where) or '1'}",
            params,
        )
        filters = {name: value for name, value in query.filters.items() if value is not None}
        facets: dict[str, list[tuple[Any, int]]] = {}
        for column in FACET_COLUMNS:
            others = [f"{name} = ?" for name in filters if name != column]
            sql = f"SELECT {column}, count(*) FROM m WHERE {' AND '.join(others) or '1'} GROUP BY {column}"
            facets[column] = self.db.execute(sql, [v for n, v in filters.items() if n != column]).fetchall()
        narrowed = " AND ".join(f"m.{name} = ?" for name in filters) or "1"
        total = self.db.execute(f"SELECT count(*) FROM m WHERE {narrowed}", list(filters.values())).fetchone()[0]
        if match_parts:
            rows = self.db.execute(
                f"SELECT fts.rowid, snippet(fts, 1, '<mark>', '</mark>', '…', 24) FROM fts JOIN m ON m.id = fts.rowid "
                f"WHERE fts MATCH ? AND {narrowed} ORDER BY bm25(fts) LIMIT ?",
                [params[-1], *filters.values(), limit],
            ).fetchall()
        else:
            rows = self.db.execute(
                f"SELECT m.id, substr(d.body_n, max(1, instr(d.body_n, ?) - 30), 80) FROM m JOIN docs d ON d.id = m.id "
                f"WHERE {narrowed} ORDER BY m.date DESC LIMIT ?",
                [normalize(query.terms[0]) if query.terms else "", *filters.values(), limit],
            ).fetchall()
        return FtsResult(total, [r[0] for r in rows], [r[1] for r in rows], facets)
