"""Uploaded files: images and PDF only, recognised by their first bytes, stored under UPLOAD_DIR by random name.

The checks every upload of the portal goes through (work-order attachments, business licences): the kind the
bytes really are whatever the name says, a size limit and a count limit, a file name cleaned for display. Each
capability keeps its own rows and decides who may read a file; this module only checks and writes bytes.

Foundation: imports no capability package.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.errors import Invalid

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

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> tuple[str, str] | None:
    """The content type the bytes really are, whatever the file name says."""
    for magic, offset, content_type, extension in SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if content_type == "image/webp" and not data.startswith(b"RIFF"):
                continue
            return content_type, extension
    return None


def check(
    uploads: list[Upload],
    *,
    limit: int,
    max_mb: int,
    field: str = "attachments",
    noun: str = "附件",
) -> list[CheckedUpload]:
    """Refuse anything that is not an image or a PDF, too big, or too many — before anything is saved."""
    uploads = [u for u in uploads if u.filename or u.data]
    if len(uploads) > limit:
        raise Invalid(f"最多上传{limit}个{noun}", field=field)
    checked = []
    for upload in uploads:
        name = clean_name(upload.filename, noun)
        if not upload.data:
            raise Invalid(f"{noun}“{name}”是空文件", field=field)
        if len(upload.data) > max_mb * 1024 * 1024:
            raise Invalid(f"{noun}“{name}”超过{max_mb}MB，请压缩后再上传", field=field)
        kind = sniff(upload.data)
        if kind is None:
            raise Invalid(f"{noun}“{name}”不是图片（JPG、PNG、GIF、WebP）或PDF文件", field=field)
        checked.append(CheckedUpload(name, upload.data, *kind))
    return checked


def clean_name(filename: str, default: str = "附件") -> str:
    name = Path((filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name[:200] or default


def upload_dir(area: str) -> Path:
    """UPLOAD_DIR/<area>, created on first use."""
    path = Path(current_app.config["UPLOAD_DIR"]) / area
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(area: str, f: CheckedUpload) -> str:
    """Write the bytes under a random name in ``area``; returns the stored name (a failed transaction leaves an
    orphan file, never a row without its file)."""
    stored = f"{secrets.token_hex(16)}.{f.extension}"
    (upload_dir(area) / stored).write_bytes(f.data)
    return stored
