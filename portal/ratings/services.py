"""Rating operations: rate (or re-rate within the period), my ratings, a department's comments and answers, and
the admin's audited view of who rated. Services take the acting user and decide who may."""

from __future__ import annotations

from dataclasses import dataclass

import bleach
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Department, Enterprise, Role, User
from portal.accounts.permissions import require
from portal.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from portal.extensions import db
from portal.feedback.public import WorkOrder
from portal.history import record
from portal.ratings import index, membership
from portal.ratings.models import DIMENSIONS, EnterpriseRating, RatingAuditEntry, RatingEvent
from portal.ratings.periods import current_period
from portal.ratings.targets import Target
from portal.times import utcnow

COMMENT_LIMIT = 1000
ANSWER_LIMIT = 1000
SCORE_FIELDS = (*(c for c, _ in DIMENSIONS), "overall")


def plain_text(text: str | None, limit: int, label: str) -> str:
    """User text kept as plain text: every tag stripped with bleach, whitespace trimmed, bounded."""
    cleaned = bleach.clean(text or "", tags=[], strip=True).strip()
    # bleach escapes &, < and > of the remaining text; templates escape again, so store them unescaped.
    cleaned = cleaned.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if len(cleaned) > limit:
        raise Invalid(f"{label}不能超过 {limit} 个字", field="comment")
    return cleaned


def check_scores(scores: dict[str, object]) -> dict[str, int]:
    out = {}
    for name in SCORE_FIELDS:
        value = scores.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise Invalid(f"{index.DIMENSION_LABELS[name]}请选择 1–5 分", field=name)
        out[name] = value
    return out


def rater_enterprises(user: User | None) -> list[Enterprise]:
    """The verified enterprises ``user`` may rate for; an empty list when they may not rate."""
    return membership.verified_enterprises(user)


def _require_rater(user: User | None, enterprise_id: int | None, target: Target) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthorized()
    enterprises = rater_enterprises(user)
    if not enterprises:
        raise Forbidden("只有通过认证的企业成员才能评价")
    if target.enterprise_id is not None:
        enterprise_id = target.enterprise_id
    elif enterprise_id is None and len(enterprises) == 1:
        enterprise_id = enterprises[0].id
    if enterprise_id is None:
        raise Invalid("请选择以哪家企业的名义评价", field="enterprise")
    if not membership.is_verified_member(user, enterprise_id):
        raise Forbidden("只有该企业通过认证的成员才能以它的名义评价")
    return enterprise_id


def _scores_text(rating: EnterpriseRating) -> str:
    return ",".join(str(s) for s in rating.scores)  # 服务态度,工作作风,办事效率,业务能力,总体


def existing_rating(enterprise_id: int, target: Target, period: str | None = None) -> EnterpriseRating | None:
    return db.session.scalar(
        sa.select(EnterpriseRating).where(
            EnterpriseRating.enterprise_id == enterprise_id,
            EnterpriseRating.target_key == target.key,
            EnterpriseRating.period == (period or current_period()),
        )
    )


@dataclass
class Rated:
    rating: EnterpriseRating
    replaced: bool


def rate(
    user: User | None,
    target: Target,
    scores: dict[str, object],
    comment: str = "",
    *,
    enterprise_id: int | None = None,
) -> Rated:
    """Rate ``target`` for one of the user's verified enterprises in the current period.

    A second rating by the same enterprise in the same period replaces the first; the history keeps both.
    """
    enterprise_id = _require_rater(user, enterprise_id, target)
    values = check_scores(scores)
    text = plain_text(comment, COMMENT_LIMIT, "评价意见")
    period = current_period()
    rating = existing_rating(enterprise_id, target, period)
    now = utcnow()
    if rating is None:
        rating = EnterpriseRating(
            enterprise_id=enterprise_id,
            rater_id=user.id,
            period=period,
            kind=target.kind,
            target_key=target.key,
            comment=text,
            created_at=now,
            updated_at=now,
            **target.columns(),
            **values,
        )
        db.session.add(rating)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise Conflict("本周期的评价刚刚已提交，请刷新后修改") from None
        record(RatingEvent, user, "rated", None, _scores_text(rating), rating_id=rating.id, note=text[:500])
        db.session.commit()
        return Rated(rating, replaced=False)
    before, before_comment = _scores_text(rating), rating.comment
    for name, value in values.items():
        setattr(rating, name, value)
    if text != rating.comment:
        rating.comment = text
        rating.answer, rating.answered_at, rating.answered_by_id = "", None, None  # it answered the old text
    rating.rater_id = user.id
    rating.updated_at = now
    record(RatingEvent, user, "replaced", before, _scores_text(rating), rating_id=rating.id, note=before_comment[:500])
    db.session.commit()
    return Rated(rating, replaced=True)


def my_ratings(user: User | None) -> list[EnterpriseRating]:
    """The ratings of the user's verified enterprises, newest first."""
    ids = [e.id for e in rater_enterprises(user)]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(EnterpriseRating)
            .where(EnterpriseRating.enterprise_id.in_(ids))
            .order_by(EnterpriseRating.updated_at.desc(), EnterpriseRating.id.desc())
            .limit(500)
        )
    )


def _may_answer_for(user: User | None, department_id: int | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.OFFICIAL) and department_id is not None and user.department_id == department_id


def department_comments(user: User | None, department_id: int, period: str) -> list[EnterpriseRating]:
    """The comments on a department's ratings of a period, for its officials (templates show no enterprise)."""
    if user is None:
        raise Unauthorized()
    if not _may_answer_for(user, department_id):
        raise Forbidden("只有本部门工作人员可以查看和回复评价意见")
    return list(
        db.session.scalars(
            sa.select(EnterpriseRating)
            .where(
                EnterpriseRating.department_id == department_id,
                EnterpriseRating.period == period,
                EnterpriseRating.comment != "",
            )
            .order_by(EnterpriseRating.id)
        )
    )


def answer(user: User | None, rating_id: int, text: str) -> EnterpriseRating:
    """The department answers a comment publicly (shown under it once the aggregate is public)."""
    rating = db.session.get(EnterpriseRating, rating_id)
    if rating is None or not rating.comment:
        raise NotFound("评价意见不存在")
    if user is None:
        raise Unauthorized()
    if not _may_answer_for(user, rating.department_id):
        raise Forbidden("只有被评价部门的工作人员可以回复")
    body = plain_text(text, ANSWER_LIMIT, "回复")
    if not body:
        raise Invalid("请填写回复内容", field="answer")
    record(RatingEvent, user, "answered", None, "answered", rating_id=rating.id, note=body[:500])
    rating.answer, rating.answered_at, rating.answered_by_id = body, utcnow(), user.id
    db.session.commit()
    return rating


def public_comments(period: str, *, department_id: int | None = None, policy_id: int | None = None) -> list:
    """Comments with their answers for a public aggregate page: only when the index is shown (k met)."""
    result = index.satisfaction_index(period, department_id=department_id, policy_id=policy_id)
    if not result.sufficient:
        return []
    return list(
        db.session.scalars(
            sa.select(EnterpriseRating)
            .where(EnterpriseRating.period == period, EnterpriseRating.comment != "")
            .where(*index.counted(department_id, policy_id))
            .order_by(EnterpriseRating.target_key, EnterpriseRating.id)
            .limit(200)
        )
    )


def counted_ratings(period: str, *, department_id: int | None = None, policy_id: int | None = None) -> list:
    """The ratings an index counts, without who gave them: only when the index is shown (k met)."""
    result = index.satisfaction_index(period, department_id=department_id, policy_id=policy_id)
    if not result.sufficient:
        return []
    return list(
        db.session.scalars(
            sa.select(EnterpriseRating)
            .where(EnterpriseRating.period == period, *index.counted(department_id, policy_id))
            # By target and score, never by time or id: the order says nothing about who rated when.
            .order_by(EnterpriseRating.kind, EnterpriseRating.target_key, EnterpriseRating.overall)
        )
    )


def who_rated(admin: User | None, period: str, *, target_key: str | None = None, path: str = "") -> list:
    """Who rated what in a period (enterprise and member), for administrators; every call is written to the
    audit log in the same transaction."""
    require(admin, "ratings.raters")
    query = sa.select(EnterpriseRating).where(EnterpriseRating.period == period)
    what = f"评价人名单 {period}"
    if target_key:
        query = query.where(EnterpriseRating.target_key == target_key)
        what += f" {target_key}"
    db.session.add(RatingAuditEntry(viewer_id=admin.id, what=what[:200], path=path[:300]))
    db.session.commit()
    return list(db.session.scalars(query.order_by(EnterpriseRating.target_key, EnterpriseRating.id).limit(1000)))


def audit_log(admin: User | None, limit: int = 200) -> list[RatingAuditEntry]:
    require(admin, "ratings.raters")
    return list(db.session.scalars(sa.select(RatingAuditEntry).order_by(RatingAuditEntry.id.desc()).limit(limit)))


def order_tracking_no(order_id: int) -> str | None:
    order = db.session.get(WorkOrder, order_id)
    return order.tracking_no if order else None


def rated_departments(period: str) -> list[Department]:
    """The departments with comments in a period (an administrator picks one to read and answer)."""
    ids = sa.select(EnterpriseRating.department_id).where(
        EnterpriseRating.period == period, EnterpriseRating.comment != ""
    )
    return list(db.session.scalars(sa.select(Department).where(Department.id.in_(ids)).order_by(Department.id)))
