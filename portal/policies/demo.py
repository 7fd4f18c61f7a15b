"""Demo archive: the five articles of ../shared/corpus, the Guiyang review (248 normative documents) and a few
interpretations. Idempotent: every document has a natural key (``source_key``)."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.config import ROOT
from portal.demo import demo_loader
from portal.extensions import db
from portal.policies import services
from portal.policies.attachments import add_link, link_choices
from portal.policies.guiyang import generate
from portal.policies.importer import import_directory
from portal.policies.models import LinkKind, Policy, PolicyStatus
from portal.search import indexer

log = logging.getLogger(__name__)

BUNDLED_CORPUS = Path(__file__).resolve().parent / "demo_corpus"
# What the manifest does not say: the kind of each article and, for the Qingdao ones, a plausible 文号.
ARTICLE_DEFAULTS = {
    "laixi-call-and-respond.zh-Hans.txt": {"doc_type": "新闻"},
    "laiwu-township-whistle.zh-Hant.txt": {"doc_type": "新闻"},
    "guiyang-governance-efficiency.zh-Hans.txt": {"doc_type": "新闻"},
    "qingdao-efficiency-campaign-3.zh-Hans.txt": {"doc_type": "解读"},
    "qingdao-process-reengineering.zh-Hans.txt": {"doc_type": "解读"},
}
ACTION = {"expired": "expire", "repealed": "repeal"}
INTERPRETED = 6  # interpretations (解读) written for the first in-force documents of these types
INTERPRETED_TYPES = ("办法", "规定")


def corpus_dir() -> Path:
    """../shared/corpus beside the repository when present, else the copy bundled in the package."""
    shared = ROOT.parent / "shared" / "corpus"
    if (shared / "manifest.json").is_file():
        return shared
    log.warning("%s not found; importing the bundled copy of the corpus", shared)
    return BUNDLED_CORPUS


def _load_articles() -> str:
    report = import_directory(corpus_dir(), None, key_prefix="corpus:", defaults=ARTICLE_DEFAULTS)
    plan_links = 0
    campaign = services.find_by_source("corpus:qingdao-efficiency-campaign-3.zh-Hans.txt")
    if campaign is not None and not campaign.links:
        for plan_id, title in link_choices(LinkKind.PLAN):
            if "高效青岛" in title:
                add_link(None, campaign.id, LinkKind.PLAN, plan_id)
                plan_links += 1
    return f"{len(report.imported)} 篇新导入（{len(report.existing)} 篇已存在，跳过 {len(report.skipped)}）" + (
        f"，关联作战方案 {plan_links} 个" if plan_links else ""
    )


def _load_review() -> int:
    existing = set(db.session.scalars(sa.select(Policy.source_key).where(Policy.source_key.like("demo:guiyang:%"))))
    created = 0
    for doc in generate():
        key = f"demo:guiyang:{doc.doc_number}"
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
        policy = services.create_policy(None, data, source_key=key)
        services.transition(None, policy.id, "publish", doc.published_on)
        if doc.revised_body:
            data.body = doc.revised_body
            services.update_policy(None, policy.id, data, "勘误：修正正文表述")
        if doc.status in ACTION:
            services.transition(None, policy.id, ACTION[doc.status], doc.status_on, doc.reason)
        created += 1
    return created


def _load_interpretations() -> int:
    created = 0
    targets = db.session.scalars(
        sa.select(Policy)
        .where(
            Policy.source_key.like("demo:guiyang:%"),
            Policy.status == PolicyStatus.IN_FORCE,
            Policy.doc_type.in_(INTERPRETED_TYPES),
        )
        .order_by(Policy.published_on.desc())
        .limit(INTERPRETED)
    ).all()
    for target in targets:
        key = f"demo:interpretation:{target.doc_number}"
        if services.find_by_source(key) is not None:
            continue
        name = target.title.split("关于")[-1]
        body = (
            f"一、起草背景\n为贯彻落实省政府关于政府系统效能提升的部署，{target.issuer}起草了《{name}》。\n"
            f"二、主要内容\n文件明确了责任主体、办理流程和完成时限，要求依托12345政务服务便民热线和融媒问政平台，"
            "实行首问负责、限时办结，办结率、满意率纳入年度目标考核。\n"
            "三、适用范围\n适用于本市行政区域内的有关单位和个人。\n"
            f"四、解读机关及联系方式\n{target.issuer}（联系电话：0851-8XXXXXXX）"
        )
        data = services.PolicyData(
            title=f"《{name}》政策解读",
            body=body,
            issuer=target.issuer,
            doc_type="解读",
            published_on=target.published_on,
            topics=[*(target.topics or []), "政策解读"],
            interprets_id=target.id,
        )
        policy = services.create_policy(None, data, source_key=key)
        services.transition(None, policy.id, "publish", target.published_on)
        created += 1
    return created


@demo_loader(order=40)
def load_policies() -> str:
    """Articles, the Guiyang review and interpretations; the index is written once, at the end."""
    app = current_app._get_current_object()
    with indexer.deferred(app):
        articles = _load_articles()
        review = _load_review()
        interpretations = _load_interpretations()
    indexed = indexer.drain(app)
    counts = services.status_counts()
    summary = "、".join(f"{status.label} {counts.get(status, 0)}" for status in PolicyStatus if counts.get(status))
    return (
        f"policies: 文章 {articles}；贵阳规范性文件新建 {review} 件；解读新建 {interpretations} 件；"
        f"共 {sum(counts.values())} 件（{summary}）；索引更新 {indexed} 件"
    )
