"""Every operation on policy documents: validate, authorise, change, snapshot a version, queue indexing.

Services take the acting user explicitly (``None`` = the system: CLI import and demo data) and never touch
``flask.request``. Each change writes a :class:`PolicyVersion` and a search outbox row in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.accounts.permissions import can, require
from portal.errors import Conflict, Invalid, NotFound
from portal.extensions import db
from portal.policies.models import DOC_TYPES, BodyFormat, Policy, PolicyStatus, PolicyStatusChange, PolicyVersion
from portal.policies.text import html_to_text, normalize_text, sanitize_html
from portal.search.indexer import enqueue
from portal.statemachine import Machine, Transition, row
from portal.times import to_local, utcnow

MAX_BODY = 500_000
MAX_TOPICS = 20


@dataclass
class PolicyData:
    """What an editor (or the importer) supplies for a document."""

    title: str
    body: str = ""
    body_format: BodyFormat | str = BodyFormat.TEXT
    doc_number: str = ""
    issuer: str = ""
    doc_type: str = ""
    written_on: date | None = None
    published_on: date | None = None
    year: int | None = None
    topics: list[str] = field(default_factory=list)
    script: str = "zh-Hans"
    interprets_id: int | None = None


# Fields compared between versions, with their labels for the history.
VERSIONED_FIELDS = {
    "title": "标题",
    "doc_number": "文号",
    "issuer": "发文机关",
    "doc_type": "文种",
    "written_on": "成文日期",
    "published_on": "发布日期",
    "topics": "主题",
    "body": "正文",
}


def _authorise(actor: User | None) -> None:
    require(actor, "policies.manage")


def _clean(data: PolicyData, policy: Policy | None = None) -> dict:
    title = " ".join((data.title or "").split())
    if not title:
        raise Invalid("请填写文件标题", field="title")
    if len(title) > 300:
        raise Invalid("标题不能超过 300 个字", field="title")
    doc_number = " ".join((data.doc_number or "").split())
    if len(doc_number) > 80:
        raise Invalid("文号不能超过 80 个字", field="doc_number")
    issuer = " ".join((data.issuer or "").split())
    if len(issuer) > 120:
        raise Invalid("发文机关不能超过 120 个字", field="issuer")
    doc_type = (data.doc_type or "").strip()
    if doc_type and doc_type not in DOC_TYPES:
        raise Invalid(f"文种应为：{'、'.join(DOC_TYPES)}", field="doc_type")
    if data.written_on and data.published_on and data.published_on < data.written_on:
        raise Invalid("发布日期不能早于成文日期", field="published_on")
    try:
        body_format = BodyFormat(data.body_format or BodyFormat.TEXT)
    except ValueError:
        raise Invalid("正文格式应为纯文本或 HTML", field="body_format") from None
    raw = data.body or ""
    if len(raw) > MAX_BODY:
        raise Invalid("正文过长（最多 50 万字）", field="body")
    if body_format is BodyFormat.HTML:
        body = sanitize_html(raw).strip()
        body_text = html_to_text(body)
    else:
        body = body_text = normalize_text(raw)
    topics: list[str] = []
    for topic in data.topics or []:
        topic = topic.strip()
        if topic and topic not in topics:
            if len(topic) > 30:
                raise Invalid("每个主题不超过 30 个字", field="topics")
            topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise Invalid(f"主题最多 {MAX_TOPICS} 个", field="topics")
    interprets_id = data.interprets_id or None
    if interprets_id is not None:
        target = db.session.get(Policy, interprets_id)
        if target is None or (policy is not None and target.id == policy.id):
            raise Invalid("所解读的文件不存在", field="interprets_id")
    return {
        "title": title,
        "doc_number": doc_number,
        "issuer": issuer,
        "doc_type": doc_type,
        "written_on": data.written_on,
        "published_on": data.published_on,
        "year": data.year,
        "topics": topics,
        "body_format": body_format,
        "body": body,
        "body_text": body_text,
        "script": data.script or "zh-Hans",
        "interprets_id": interprets_id,
    }


def _snapshot(policy: Policy, actor: User | None, summary: str, dated_on: date | None = None) -> PolicyVersion:
    version = PolicyVersion(
        dated_on=dated_on,
        policy=policy,
        number=policy.version,
        title=policy.title,
        doc_number=policy.doc_number,
        issuer=policy.issuer,
        doc_type=policy.doc_type,
        written_on=policy.written_on,
        published_on=policy.published_on,
        status=policy.status,
        topics=list(policy.topics or []),
        body_format=policy.body_format,
        body=policy.body,
        body_text=policy.body_text,
        summary=summary[:300],
        actor_id=actor.id,
    )
    db.session.add(version)
    return version


def _changed(policy: Policy) -> None:
    """Queue the document for the index, in this transaction."""
    policy.updated_at = utcnow()
    db.session.flush()
    enqueue(db.session, "policy", policy.id)


def create_policy(
    actor: User | None, data: PolicyData, *, source_key: str | None = None, dated_on: date | None = None
) -> Policy:
    """A new draft (version 1). ``dated_on``: the document's own date for an imported document (its 成文 date),
    shown in the version history instead of the moment of the import."""
    _authorise(actor)
    values = _clean(data)
    policy = Policy(status=PolicyStatus.DRAFT, version=1, source_key=source_key, **values)
    db.session.add(policy)
    _snapshot(policy, actor, "创建草稿", dated_on)
    _changed(policy)
    db.session.commit()
    return policy


def update_policy(
    actor: User | None,
    policy_id: int,
    data: PolicyData,
    summary: str = "",
    *,
    base_version: int | None = None,
    dated_on: date | None = None,
) -> Policy:
    """Edit the document; a new version records what changed (nothing changed → Invalid).

    ``base_version`` is the version the editor's form was loaded from: if someone saved since, the edit is
    refused (Conflict) instead of silently overwriting their changes.
    """
    _authorise(actor)
    policy = get_for_edit(policy_id, lock=True)
    if base_version is not None and base_version != policy.version:
        raise Conflict(f"该文件已被其他编辑修改为第 {policy.version} 版，请刷新页面，在最新版本上修改")
    values = _clean(data, policy)
    changed = [label for name, label in VERSIONED_FIELDS.items() if getattr(policy, name) != values[name]]
    if policy.body_format != values["body_format"] and "正文" not in changed:
        changed.append("正文格式")
    if policy.interprets_id != values["interprets_id"]:
        changed.append("解读关系")
    if not changed:
        raise Invalid("没有检测到任何修改", field="title")
    for name, value in values.items():
        setattr(policy, name, value)
    policy.version += 1
    _snapshot(policy, actor, summary.strip() or f"修改{'、'.join(changed)}", dated_on)
    _commit_version(policy)
    return policy


# -- status: one table -----------------------------------------------------------------------------------------
# draft → published (现行有效) → amended (已修改) | expired (失效) | repealed (废止); an amended document can
# still expire or be repealed. Expired and repealed documents are final.

MANAGE = "policies.manage"


def _may(actor: User | None, rule: str, policy: Policy | None) -> bool:
    return can(actor, rule, policy)


def _date_and_reason(
    actor: User | None,
    policy: Policy,
    step: Transition,
    effective_on: date | None = None,
    reason: str = "",
    date_unknown: bool = False,
) -> tuple[date, str]:
    """The effect of every status change: a checked date and reason, a missing 发布日期 filled in, a new version."""
    reason = " ".join((reason or "").split())
    if step.needs_reason and not reason:
        raise Invalid(f"请填写{step.label}的理由", field="reason")
    if len(reason) > 500:
        raise Invalid("理由不能超过 500 个字", field="reason")
    if effective_on is None:
        if step.needs_reason:
            raise Invalid("请填写生效日期", field="effective_on")
        effective_on = policy.published_on or to_local(utcnow()).date()
    if policy.written_on and effective_on < policy.written_on:
        raise Invalid("日期不能早于成文日期", field="effective_on")
    if step.to is PolicyStatus.IN_FORCE and policy.published_on is None and not date_unknown:
        policy.published_on = effective_on
    policy.status_on = None if date_unknown else effective_on
    policy.version += 1
    return effective_on, reason


def _record_status(
    actor: User | None, policy: Policy, step: Transition, previous: PolicyStatus, result: tuple[date, str]
) -> None:
    effective_on, reason = result
    # The version is dated by the change's effective date (status_on; None for undated imported articles).
    _snapshot(policy, actor, f"{step.label}：{reason}" if reason else step.label, policy.status_on)
    db.session.add(
        PolicyStatusChange(
            policy=policy,
            from_status=previous,
            to_status=step.to,
            effective_on=effective_on,
            reason=reason,
            version_number=policy.version,
            actor_id=actor.id,
        )
    )


S = PolicyStatus
STATUS = Machine(
    "policies.policy",
    "Policy documents (政策文件效力状态)",
    (
        row("publish", "发布", S.DRAFT, S.IN_FORCE, MANAGE, effect=_date_and_reason),
        row("amend", "标记为已修改", S.IN_FORCE, S.AMENDED, MANAGE, effect=_date_and_reason, needs_reason=True),
        row(
            "expire", "宣布失效", {S.IN_FORCE, S.AMENDED}, S.EXPIRED, MANAGE, effect=_date_and_reason, needs_reason=True
        ),
        row("repeal", "废止", {S.IN_FORCE, S.AMENDED}, S.REPEALED, MANAGE, effect=_date_and_reason, needs_reason=True),
    ),
    can=_may,
    states=list(PolicyStatus),
    state="status",
    refusal="“{state}”状态的文件不能{action}",
    record=_record_status,
    who_labels={MANAGE: "editors, administrators"},
    notes="each change is dated, reasoned (except publishing) and saved as a new version with a status-change row.",
)


def transition(
    actor: User | None,
    policy_id: int,
    action: str,
    effective_on: date | None = None,
    reason: str = "",
    *,
    date_unknown: bool = False,
) -> Policy:
    """Publish, amend, expire or repeal: one row of ``STATUS``, dated and (except publishing) reasoned.

    Publishing fills in a missing 发布日期 with the effective date, unless ``date_unknown`` (imported articles
    whose date the source does not give: the archive does not invent one).
    """
    STATUS.authorise(actor, STATUS.lookup(action), None)  # before the row lock
    policy = get_for_edit(policy_id, lock=True)
    STATUS.fire(actor, policy, action, effective_on=effective_on, reason=reason, date_unknown=date_unknown)
    _commit_version(policy)
    return policy


# -- reading -------------------------------------------------------------------------------------------------


def get_for_edit(policy_id: int, *, lock: bool = False) -> Policy:
    """The document to change; ``lock`` takes its row lock (PostgreSQL) so concurrent edits queue up."""
    policy = db.session.get(Policy, policy_id, with_for_update=True if lock else None)
    if policy is None:
        raise NotFound("文件不存在")
    return policy


def _commit_version(policy: Policy) -> None:
    """Queue indexing and commit a new version; a concurrent edit that took the same number first (SQLite, where
    there is no row lock) → Conflict, not a 500."""
    try:
        _changed(policy)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("该文件刚刚被其他编辑修改，请刷新页面查看最新版本后再操作") from None


def get_policy(viewer: User | None, policy_id: int) -> Policy:
    """A document as ``viewer`` may see it: drafts only for editors."""
    policy = db.session.get(Policy, policy_id)
    if policy is None or (not policy.is_public and not can(viewer, "policies.manage")):
        raise NotFound("文件不存在或尚未发布")
    return policy


def find_by_source(source_key: str) -> Policy | None:
    return db.session.scalar(sa.select(Policy).where(Policy.source_key == source_key))


def latest_published(limit: int = 6) -> list[Policy]:
    return list(
        db.session.scalars(
            sa.select(Policy)
            .where(Policy.status != PolicyStatus.DRAFT)
            .order_by(Policy.published_on.desc().nulls_last(), Policy.id.desc())
            .limit(limit)
        )
    )


def manage_query(status: str | None = None, q: str | None = None) -> sa.Select:
    """Editors' list: every document, newest change first, optionally by status or title/文号 text."""
    query = sa.select(Policy).order_by(Policy.updated_at.desc(), Policy.id.desc())
    if status:
        try:
            query = query.where(Policy.status == PolicyStatus(status))
        except ValueError:
            raise Invalid("未知的状态", field="status") from None
    if q:
        like = f"%{q.strip()}%"
        query = query.where(sa.or_(Policy.title.like(like), Policy.doc_number.like(like)))
    return query


def status_counts() -> dict[PolicyStatus, int]:
    rows = db.session.execute(sa.select(Policy.status, sa.func.count()).group_by(Policy.status)).all()
    return {status: count for status, count in rows}


def visible_versions(viewer: User | None, policy: Policy) -> list[PolicyVersion]:
    """The versions ``viewer`` may read: editors every one, everybody else those recorded after publication.

    A draft's versions hold text that was never published (a line struck out before the document went out):
    the public history starts at the published version.
    """
    if can(viewer, MANAGE):
        return list(policy.versions)
    return [v for v in policy.versions if v.status is not PolicyStatus.DRAFT]


def get_version(viewer: User | None, policy: Policy, number: int) -> PolicyVersion:
    version = next((v for v in visible_versions(viewer, policy) if v.number == number), None)
    if version is None:
        raise NotFound("该版本不存在")
    return version


def previous_version(viewer: User | None, policy: Policy, version: PolicyVersion) -> PolicyVersion | None:
    """The version ``viewer`` may read that came just before ``version`` (None for the first one)."""
    earlier = [v for v in visible_versions(viewer, policy) if v.number < version.number]
    return earlier[-1] if earlier else None


def interpretation_targets(exclude_id: int | None = None) -> list[Policy]:
    """Documents an interpretation (解读) can point at: published, not interpretations themselves."""
    query = (
        sa.select(Policy)
        .where(Policy.status != PolicyStatus.DRAFT, Policy.doc_type != "解读")
        .order_by(Policy.published_on.desc().nulls_last(), Policy.id.desc())
    )
    if exclude_id:
        query = query.where(Policy.id != exclude_id)
    return list(db.session.scalars(query))


def citation(policy: Policy, url: str) -> str:
    """The line a journalist pastes: 《title》（文号），issuer，date。URL"""
    parts = [f"《{policy.title}》"]
    if policy.doc_number:
        parts[0] += f"（{policy.doc_number}）"
    if policy.issuer:
        parts.append(policy.issuer)
    day = policy.display_date
    if day:
        parts.append(f"{day.year}年{day.month}月{day.day}日")
    elif policy.year:
        parts.append(f"{policy.year}年")
    return "，".join(parts) + f"。{url}"
