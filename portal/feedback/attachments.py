"""Attachments of requests and replies: images and PDF, checked by their first bytes, stored by random name."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.errors import Invalid
from portal.extensions import db
from portal.feedback.models import Assignment, Attachment, WorkOrder
from portal.feedback.settings import setting

# (magic prefix, offset, content type, extension)
SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"GIF87a", 0, "image/gif", "gif"),
    (b"GIF89a", 0, "image/gif", "gif"),
    (b"WEBP", 8, "image/webp", "webp"),
    (b"%PDF-", 0, "application/pdf", "pdf"),
)


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    data: bytes
    content_type: str
    extension: str


def sniff(data: bytes) -> tuple[str, str] | None:
    """The content type the bytes really are, whatever the file name says."""
    for magic, offset, content_type, extension in SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not data.startswith(b"RIFF"):
                continue
            return content_type, extension
    return None


def check(uploads: list[Upload], field: str = "attachments") -> list[CheckedUpload]:
    """Refuse anything that is not an image or a PDF, too big, or too many — before anything is saved."""
    uploads = [u for u in uploads if u.filename or u.data]
    limit = int(setting("FEEDBACK_MAX_ATTACHMENTS"))
    if len(uploads) > limit:
        raise Invalid(f"最多上传{limit}个附件", field=field)
    max_mb = int(setting("FEEDBACK_MAX_ATTACHMENT_MB"))
    checked = []
    for upload in uploads:
        name = _clean_name(upload.filename)
        if not upload.data:
            raise Invalid(f"附件“{name}”是空文件", field=field)
        if len(upload.data) > max_mb * 1024 * 1024:
            raise Invalid(f"附件“{name}”超过{max_mb}MB，请压缩后再上传", field=field)
        kind = sniff(upload.data)
        if kind is None:
            raise Invalid(f"附件“{name}”不是图片（JPG、PNG、GIF、WebP）或PDF文件", field=field)
        checked.append(CheckedUpload(name, upload.data, *kind))
    return checked


def _clean_name(filename: str) -> str:
    name = Path((filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:200] or "附件"


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "feedback"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(
    order: WorkOrder, files: list[CheckedUpload], uploader_id: int | None, assignment: Assignment | None = None
) -> list[Attachment]:
    """Write the files and add their rows; a failed transaction leaves orphan files only, never lost rows."""
    rows = []
    for f in files:
        stored = f"{secrets.token_hex(16)}.{f.extension}"
        (upload_dir() / stored).write_bytes(f.data)
        row = Attachment(
            order_id=order.id,
            assignment_id=assignment.id if assignment is not None else None,
            uploaded_by_id=uploader_id,
            filename=f.filename,
            stored_name=stored,
            content_type=f.content_type,
            size=len(f.data),
            sha256=hashlib.sha256(f.data).hexdigest(),
        )
        db.session.add(row)
        rows.append(row)
    return rows


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name
