"""Demo archive from the demo's policies.yaml (docs/DEMO-DATA.md): published articles, documents written out in
full, a generated review of normative documents and a few interpretations. Idempotent: every document has a
natural key (``source_key``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal import demo as demo_data
from portal.actors import SYSTEM
from portal.demo import demo_loader
from portal.extensions import db
from portal.policies import services
from portal.policies.attachments import add_link, link_choices
from portal.policies.importer import import_directory
from portal.policies.models import LinkKind, Policy, PolicyStatus
from portal.policies.review import generate
from portal.search import indexer

BUNDLED_CORPUS = Path(__file__).resolve().parent / "demo_corpus"
ACTION = {"expired": "expire", "repealed": "repeal"}


def corpus_dir(configured: str | None = None) -> Path:
    """The articles' folder: as the data says (relative to the data folder), else the copy bundled in the package
    (the normal case: nothing outside the repository is looked at)."""
    if configured:
        return demo_data.data_dir() / configured
    return BUNDLED_CORPUS


def _link_plan(policy: Policy | None, title_part: str) -> int:
    if policy is None or policy.links:
        return 0
    linked = 0
    for plan_id, title in link_choices(LinkKind.PLAN):
        if title_part in title:
            add_link(SYSTEM, policy.id, LinkKind.PLAN, plan_id)
            linked += 1
    return linked


def _load_articles(spec: dict[str, Any]) -> str:
    report = import_directory(
        corpus_dir(spec.get("directory")), SYSTEM, key_prefix="corpus:", defaults=spec.get("defaults") or {}
    )
    plan_links = sum(
        _link_plan(services.find_by_source(f"corpus:{name}"), part)
        for name, part in (spec.get("plan_links") or {}).items()
    )
    return f"{len(report.imported)} 篇新导入（{len(report.existing)} 篇已存在，跳过 {len(report.skipped)}）" + (
        f"，关联作战方案 {plan_links} 个" if plan_links else ""
    )


def _create(key: str, data: services.PolicyData, status: str = "in_force", status_on=None, reason: str = "") -> Policy:
    """A document as published on its own date, then retired (expired/repealed) when the data says so."""
    policy = services.create_policy(SYSTEM, data, source_key=key, dated_on=data.written_on or data.published_on)
    services.transition(SYSTEM, policy.id, "publish", data.published_on)
    if status in ACTION:
        services.transition(SYSTEM, policy.id, ACTION[status], status_on, reason)
    return policy


def _load_documents(rows: list[dict[str, Any]]) -> int:
    created = 0
    for row in rows:
        key = f"demo:document:{row['key']}"
        if services.find_by_source(key) is not None:
            continue
        data = services.PolicyData(
            title=row["title"],
            body=row.get("body", ""),
            doc_number=row.get("doc_number", ""),
            issuer=row.get("issuer", ""),
            doc_type=row.get("doc_type", ""),
            written_on=row.get("written_on"),
            published_on=row.get("published_on"),
            topics=list(row.get("topics") or []),
        )
        policy = _create(key, data, row.get("status", "in_force"), row.get("status_on"), row.get("reason", ""))
        if row.get("plan_link"):
            _link_plan(policy, row["plan_link"])
        created += 1
    return created


def _load_review(params: dict[str, Any]) -> int:
    prefix = params["key_prefix"]
    existing = set(db.session.scalars(sa.select(Policy.source_key).where(Policy.source_key.like(f"{prefix}%"))))
    created = 0
    for doc in generate(params):
        key = f"{prefix}{doc.doc_number}"
        if key in existing:
            continue
        data = services.PolicyData(
            title=doc.title,
            body=doc.body,
            doc_number=doc.doc_number,
            issuer=doc.issuer,
            doc_type=doc.doc_type,
            written_on=doc.written_on,
            published_on=doc.published_on,
            topics=doc.topics,
        )
        policy = services.create_policy(SYSTEM, data, source_key=key, dated_on=doc.written_on)
        services.transition(SYSTEM, policy.id, "publish", doc.published_on)
        if doc.revised_body:
            data.body = doc.revised_body
            services.update_policy(SYSTEM, policy.id, data, "勘误：修正正文表述", dated_on=doc.published_on)
        if doc.status in ACTION:
            services.transition(SYSTEM, policy.id, ACTION[doc.status], doc.status_on, doc.reason)
        created += 1
    return created


def _load_interpretations(params: dict[str, Any], key_prefix: str) -> int:
    created = 0
    targets = db.session.scalars(
        sa.select(Policy)
        .where(
            Policy.source_key.like(f"{key_prefix}%"),
            Policy.status == PolicyStatus.IN_FORCE,
            Policy.doc_type.in_(params["doc_types"]),
        )
        .order_by(Policy.published_on.desc(), Policy.id)
        .limit(params["count"])
    ).all()
    for target in targets:
        key = f"demo:interpretation:{target.doc_number}"
        if services.find_by_source(key) is not None:
            continue
        fields = {"name": target.title, "issuer": target.issuer}
        data = services.PolicyData(
            title=params["title"].format(**fields),
            body=params["body"].format(**fields),
            issuer=target.issuer,
            doc_type="解读",
            published_on=target.published_on,
            topics=[*(target.topics or []), params["topic"]],
            interprets_id=target.id,
        )
        _create(key, data)
        created += 1
    return created


@demo_loader(order=40)
def load_policies(data: dict[str, Any] | None = None) -> str:
    """Articles, documents, the review and interpretations; the index is written once, at the end."""
    data = demo_data.read("policies") if data is None else data
    app = current_app._get_current_object()
    with indexer.deferred(app):
        articles = _load_articles(data["articles"]) if "articles" in data else "无"
        documents = _load_documents(data.get("documents") or [])
        review = _load_review(data["review"]) if "review" in data else 0
        interpretations = (
            _load_interpretations(data["interpretations"], data["review"]["key_prefix"])
            if "interpretations" in data and "review" in data
            else 0
        )
    indexed = indexer.drain(app) if demo_data.index_now() else None
    counts = services.status_counts()
    summary = "、".join(f"{status.label} {counts.get(status, 0)}" for status in PolicyStatus if counts.get(status))
    return (
        f"policies: 文章 {articles}；文件新建 {documents} 件；规范性文件清理新建 {review} 件；"
        f"解读新建 {interpretations} 件；共 {sum(counts.values())} 件（{summary}）；"
        + (f"索引更新 {indexed} 件" if indexed is not None else "索引稍后在后台建立")
    )
