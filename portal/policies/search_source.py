"""Policies as the search index sees them: plain dicts in search-core's shape; drafts are not indexed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.policies.models import Policy, PolicyStatus
from portal.search.indexer import Source, register_source


def to_search_doc(policy: Policy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "title": policy.title,
        "doc_number": policy.doc_number or None,
        "issuer": policy.issuer,
        "doc_type": policy.doc_type,
        "status": policy.status.value,
        "topics": list(policy.topics or []),
        # Topics ride along in the body until search-core indexes them: the document page links each topic to
        # a search for it, which must find the document even when its text never uses the word.
        "body": policy.body_text + (f"\n主题：{'、'.join(policy.topics)}" if policy.topics else ""),
        "published_on": policy.published_on,
        "written_on": policy.written_on,
        "year": policy.year,
    }


def _load(session: Session, ids: list[int]) -> tuple[list[dict[str, Any]], list[int]]:
    found = {p.id: p for p in session.scalars(sa.select(Policy).where(Policy.id.in_(ids)))}
    docs = [to_search_doc(p) for i, p in sorted(found.items()) if p.status != PolicyStatus.DRAFT]
    gone = [i for i in ids if i not in found or found[i].status == PolicyStatus.DRAFT]
    return docs, gone


def _all_docs(session: Session) -> Iterator[dict[str, Any]]:
    query = sa.select(Policy).where(Policy.status != PolicyStatus.DRAFT).order_by(Policy.id)
    for policy in session.scalars(query.execution_options(yield_per=500)):
        yield to_search_doc(policy)


def register() -> None:
    register_source("policy", Source(load=_load, all_docs=_all_docs))
