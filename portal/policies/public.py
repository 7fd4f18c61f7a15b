"""What other packages may use of the policies package; everything else in it is internal.

Ratings of policy fulfilment (政策兑现) name the published documents they rate. Consultations (征求意见) take a
document's text as the draft people comment on (``policy_draft``), list the drafts that can be opened for comment
(``policy_drafts``) and show what changed with the archive's own version diff (``diff_lines``). import-linter
holds other packages to this module (pyproject.toml).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.errors import NotFound
from portal.extensions import db
from portal.policies.models import Policy, PolicyStatus
from portal.policies.text import DiffLine, diff_lines


@dataclass(frozen=True)
class PolicyDraft:
    """A document as a consultation needs it: its title, number, status and plain text."""

    id: int
    title: str
    doc_number: str
    issuer: str
    is_draft: bool
    status_label: str
    version: int
    body_text: str


def policy_draft(policy_id: int) -> PolicyDraft:
    """The document's current text (NotFound for no such document)."""
    policy = db.session.get(Policy, policy_id)
    if policy is None:
        raise NotFound("该政策文件不存在")
    return PolicyDraft(
        policy.id,
        policy.title,
        policy.doc_number,
        policy.issuer,
        policy.status == PolicyStatus.DRAFT,
        policy.status.label,
        policy.version,
        policy.body_text,
    )


def policy_drafts(limit: int = 200) -> list[tuple[int, str]]:
    """(id, title) of the archive's drafts (草稿), newest first: what can be opened for comment."""
    rows = db.session.execute(
        sa.select(Policy.id, Policy.title)
        .where(Policy.status == PolicyStatus.DRAFT)
        .order_by(Policy.updated_at.desc(), Policy.id.desc())
        .limit(limit)
    )
    return [(pid, title) for pid, title in rows]


__all__ = ["DiffLine", "Policy", "PolicyDraft", "PolicyStatus", "diff_lines", "policy_draft", "policy_drafts"]
