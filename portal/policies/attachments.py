"""Attachments (files of a document) and links to plans and hearings."""

from __future__ import annotations

import mimetypes
import os
import uuid
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import User
from portal.errors import Invalid, NotFound
from portal.extensions import db
from portal.policies.models import LinkKind, Policy, PolicyAttachment, PolicyLink
from portal.policies.services import _authorise, get_for_edit

ALLOWED_EXTENSIONS = {
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".et",
    ".txt",
    ".zip",
    ".jpg",
    ".jpeg",
    ".png",
}
MAX_ATTACHMENT = 20 * 1024 * 1024
LINK_TABLES = {LinkKind.PLAN: "plans", LinkKind.HEARING: "hearings"}


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "policies"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_attachment(actor: User | None, policy_id: int, filename: str, stream: BinaryIO) -> PolicyAttachment:
    _authorise(actor)
    policy = get_for_edit(policy_id)
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    ext = os.path.splitext(name)[1].lower()
    if not name:
        raise Invalid("请选择要上传的文件", field="file")
    if ext not in ALLOWED_EXTENSIONS:
        raise Invalid("附件只能是 PDF、OFD、Word、WPS、Excel、文本、图片或 ZIP 文件", field="file")
    data = stream.read(MAX_ATTACHMENT + 1)
    if not data:
        raise Invalid("文件是空的", field="file")
    if len(data) > MAX_ATTACHMENT:
        raise Invalid("附件不能超过 20 MB", field="file")
    stored = f"{uuid.uuid4().hex}{ext}"
    (upload_dir() / stored).write_bytes(data)
    attachment = PolicyAttachment(
        policy=policy,
        filename=name[:200],
        stored_name=stored,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(data),
    )
    db.session.add(attachment)
    db.session.commit()
    return attachment


def get_attachment(policy: Policy, attachment_id: int) -> tuple[PolicyAttachment, Path]:
    attachment = db.session.get(PolicyAttachment, attachment_id)
    if attachment is None or attachment.policy_id != policy.id:
        raise NotFound("附件不存在")
    path = upload_dir() / attachment.stored_name
    if not path.exists():
        raise NotFound("附件文件已丢失，请联系编辑")
    return attachment, path


def remove_attachment(actor: User | None, policy_id: int, attachment_id: int) -> None:
    _authorise(actor)
    policy = get_for_edit(policy_id)
    attachment, path = get_attachment(policy, attachment_id)
    db.session.delete(attachment)
    db.session.commit()
    path.unlink(missing_ok=True)


def _has_table(name: str) -> bool:
    return sa.inspect(db.engine).has_table(name)


def link_target_title(kind: LinkKind, target_id: int) -> str | None:
    """Title of the plan or hearing, or None when it (or its package) does not exist."""
    table = LINK_TABLES[kind]
    if not _has_table(table):
        return None
    return db.session.execute(sa.text(f"SELECT title FROM {table} WHERE id = :id"), {"id": target_id}).scalar()


def link_choices(kind: LinkKind) -> list[tuple[int, str]]:
    table = LINK_TABLES[kind]
    if not _has_table(table):
        return []
    rows = db.session.execute(sa.text(f"SELECT id, title FROM {table} ORDER BY id DESC LIMIT 200")).all()
    return [(row[0], row[1]) for row in rows]


def add_link(actor: User | None, policy_id: int, kind: LinkKind | str, target_id: int) -> PolicyLink:
    _authorise(actor)
    policy = get_for_edit(policy_id)
    try:
        kind = LinkKind(kind)
    except ValueError:
        raise Invalid("未知的关联类型", field="kind") from None
    title = link_target_title(kind, target_id)
    if title is None:
        raise Invalid(f"所选{kind.label}不存在", field="target_id")
    existing = db.session.scalar(
        sa.select(PolicyLink).where(
            PolicyLink.policy_id == policy.id, PolicyLink.kind == kind, PolicyLink.target_id == target_id
        )
    )
    if existing is not None:
        return existing
    link = PolicyLink(policy=policy, kind=kind, target_id=target_id, label=title[:200])
    db.session.add(link)
    db.session.commit()
    return link


def remove_link(actor: User | None, policy_id: int, link_id: int) -> None:
    _authorise(actor)
    link = db.session.get(PolicyLink, link_id)
    if link is None or link.policy_id != policy_id:
        raise NotFound("关联不存在")
    db.session.delete(link)
    db.session.commit()
