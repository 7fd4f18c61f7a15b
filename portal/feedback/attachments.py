"""Attachments of requests and replies: the checks of ``portal.uploads`` with the work orders' limits, and rows."""

from __future__ import annotations

from pathlib import Path

from portal.extensions import db
from portal.feedback.models import Assignment, Attachment, WorkOrder
from portal.feedback.settings import setting
from portal.uploads import CheckedUpload, Upload, sniff, write
from portal.uploads import check as uploads_check
from portal.uploads import upload_dir as uploads_dir

__all__ = ["CheckedUpload", "Upload", "check", "path_of", "sniff", "store", "upload_dir"]


def check(uploads: list[Upload], field: str = "attachments") -> list[CheckedUpload]:
    """Refuse anything that is not an image or a PDF, too big, or too many — before anything is saved."""
    return uploads_check(
        uploads,
        limit=int(setting("FEEDBACK_MAX_ATTACHMENTS")),
        max_mb=int(setting("FEEDBACK_MAX_ATTACHMENT_MB")),
        field=field,
    )


def upload_dir() -> Path:
    return uploads_dir("feedback")


def store(
    order: WorkOrder, files: list[CheckedUpload], uploader_id: int | None, assignment: Assignment | None = None
) -> list[Attachment]:
    """Write the files and add their rows; a failed transaction leaves orphan files only, never lost rows."""
    rows = []
    for f in files:
        stored = write("feedback", f)
        row = Attachment(
            order_id=order.id,
            assignment_id=assignment.id if assignment is not None else None,
            uploaded_by_id=uploader_id,
            filename=f.filename,
            stored_name=stored,
            content_type=f.content_type,
            size=len(f.data),
            sha256=f.sha256,
        )
        db.session.add(row)
        rows.append(row)
    return rows


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name
