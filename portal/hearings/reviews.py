"""The annual 公开质询 (inquiry) reviews the commitments made at earlier hearings: which hearings it reviews, and
their commitments with status and evidence (each commitment's dated updates).

An inquiry reviews the hearings linked to it (``HearingReview``); without links, the earlier hearings of its plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.permissions import require
from portal.errors import Conflict, Invalid
from portal.extensions import db
from portal.hearings.commitments import commitments_for_hearing
from portal.hearings.models import Commitment, CommitmentStatus, Hearing, HearingKind, HearingReview


@dataclass
class Reviewed:
    hearing: Hearing
    commitments: list[Commitment]


def reviewed_hearings(inquiry: Hearing) -> list[Hearing]:
    if inquiry.kind != HearingKind.INQUIRY:
        return []
    linked = list(
        db.session.scalars(
            sa.select(Hearing)
            .join(HearingReview, HearingReview.reviewed_id == Hearing.id)
            .where(HearingReview.inquiry_id == inquiry.id)
            .order_by(Hearing.starts_at)
        )
    )
    if linked or inquiry.plan_id is None:
        return linked
    return list(
        db.session.scalars(
            sa.select(Hearing)
            .where(
                Hearing.plan_id == inquiry.plan_id,
                Hearing.id != inquiry.id,
                Hearing.starts_at < inquiry.starts_at,
            )
            .order_by(Hearing.starts_at)
        )
    )


def reviewed(inquiry: Hearing) -> list[Reviewed]:
    return [Reviewed(h, commitments_for_hearing(h.id)) for h in reviewed_hearings(inquiry)]


def status_counts(groups: list[Reviewed]) -> list[tuple[CommitmentStatus, int]]:
    counts = {s: 0 for s in CommitmentStatus}
    for group in groups:
        for c in group.commitments:
            counts[c.status] += 1
    return list(counts.items())


def set_reviews(actor: User | None, inquiry: Hearing, hearing_ids: list[int]) -> None:
    """Link the hearings an inquiry reviews (replacing the links it had)."""
    require(actor, "hearings.manage", inquiry)
    if inquiry.kind != HearingKind.INQUIRY:
        raise Conflict("只有公开质询可以关联被质询的答辩")
    ids = sorted(set(hearing_ids))
    if inquiry.id in ids:
        raise Invalid("公开质询不能质询自身", field="reviews")
    found = set(db.session.scalars(sa.select(Hearing.id).where(Hearing.id.in_(ids))))
    if found != set(ids):
        raise Invalid("所选答辩不存在", field="reviews")
    db.session.execute(sa.delete(HearingReview).where(HearingReview.inquiry_id == inquiry.id))
    db.session.add_all(HearingReview(inquiry_id=inquiry.id, reviewed_id=hid) for hid in ids)
    db.session.commit()
