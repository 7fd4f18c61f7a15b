"""企业家满意度指数: the enterprise satisfaction index (0–100) per period, city-wide, per department, per policy.

The formula (shown on the index pages as ``FORMULA``):

- a rating's score s = 0.15 × (服务态度 + 工作作风 + 办事效率 + 业务能力) + 0.40 × 总体评价   (1–5);
- each enterprise counts once: its score is the mean of its ratings' scores in the set;
- the index = 25 × (mean of the enterprises' scores − 1), so 1 → 0 and 5 → 100, rounded to 0.1.

Which ratings form the set: city-wide every rating of the period but those of individual officials; a
department: the ratings of its service, of the tasks it leads and of the work orders it handled; a policy: the
ratings of that policy. Below ``RATING_MIN_SAMPLE`` distinct enterprises (k, 5 by default) no figure is given
(``value`` is None, ``sufficient`` False): pages say 样本不足. ``eligible`` is the number of enterprises with a
verified member today, the base of the share of enterprises that rated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import User
from portal.extensions import db
from portal.ratings.membership import verified_enterprise_count
from portal.ratings.models import DIMENSIONS, EnterpriseRating, TargetKind

DIMENSION_WEIGHT = 0.15
OVERALL_WEIGHT = 0.40
FORMULA = (
    "单次评价得分 = 0.15×(服务态度+工作作风+办事效率+业务能力) + 0.40×总体评价（1–5 分）；"
    "每家企业只计一次，取其各次评价得分的平均；"
    "满意度指数 = 25 ×（各企业得分的平均 − 1），即 1 分对应 0、5 分对应 100。"
)
COLUMNS = ("attitude", "style", "efficiency", "competence", "overall")


def min_sample() -> int:
    return int(current_app.config.get("RATING_MIN_SAMPLE", 5))


def to_index(score: float) -> float:
    """A 1–5 score on the 0–100 scale."""
    return round(25 * (score - 1), 1)


def rating_score(attitude: float, style: float, efficiency: float, competence: float, overall: float) -> float:
    return DIMENSION_WEIGHT * (attitude + style + efficiency + competence) + OVERALL_WEIGHT * overall


@dataclass
class IndexResult:
    """One index figure and what it rests on; ``value`` and ``dimensions`` are None below k."""

    period: str
    value: float | None
    raters: int  # distinct enterprises that rated
    ratings: int  # ratings counted
    eligible: int  # enterprises with a verified member
    k: int
    sufficient: bool
    dimensions: dict[str, float] | None = None  # column → 0–100, same enterprise weighting
    department_id: int | None = None
    policy_id: int | None = None

    @property
    def share(self) -> float | None:
        """raters / eligible enterprises, 0–1 (None when no enterprise is verified)."""
        return self.raters / self.eligible if self.eligible else None

    def as_dict(self) -> dict:
        return {
            "period": self.period,
            "value": self.value,
            "sufficient": self.sufficient,
            "k": self.k,
            "raters": self.raters,
            "ratings": self.ratings,
            "eligible": self.eligible,
            "share": round(self.share, 4) if self.share is not None else None,
            "dimensions": self.dimensions,
            "department_id": self.department_id,
            "policy_id": self.policy_id,
        }


DEPARTMENT_KINDS = (TargetKind.DEPARTMENT, TargetKind.TASK, TargetKind.ORDER_DEPARTMENT)


def counted(department_id: int | None = None, policy_id: int | None = None) -> list[sa.ColumnElement[bool]]:
    """The conditions that pick the ratings an index counts (see the module's docstring)."""
    R = EnterpriseRating
    if policy_id is not None:
        return [R.policy_id == policy_id, R.kind == TargetKind.POLICY]
    if department_id is not None:
        return [R.department_id == department_id, R.kind.in_(DEPARTMENT_KINDS)]
    return [R.kind != TargetKind.ORDER_MEMBER]


Aggregate = tuple[int, int, list[float]]  # raters (enterprises), ratings, the enterprises' mean of each column


def _aggregate(keys: list[sa.ColumnElement], conditions: list) -> dict[tuple, Aggregate]:
    """Per value of ``keys``: each enterprise's mean of every column first, then the mean over enterprises —
    both in the database, so a page of departments reads one row per department."""
    R = EnterpriseRating
    inner = (
        sa.select(
            *(k.label(f"k{i}") for i, k in enumerate(keys)),
            sa.func.count().label("n"),
            *(sa.func.avg(getattr(R, c)).label(c) for c in COLUMNS),
        )
        .where(*conditions)
        .group_by(*keys, R.enterprise_id)
        .subquery()
    )
    key_cols = [inner.c[f"k{i}"] for i in range(len(keys))]
    rows = db.session.execute(
        sa.select(
            *key_cols, sa.func.count(), sa.func.sum(inner.c.n), *(sa.func.avg(inner.c[c]) for c in COLUMNS)
        ).group_by(*key_cols)
    ).all()
    return {
        tuple(row[: len(keys)]): (row[len(keys)], int(row[len(keys) + 1]), [float(m) for m in row[len(keys) + 2 :]])
        for row in rows
    }


def _result(period: str, agg: Aggregate | None, eligible: int, k: int, **ids) -> IndexResult:
    raters, ratings, means = agg or (0, 0, [])
    sufficient = raters >= k and raters > 0
    if not sufficient:
        return IndexResult(period, None, raters, ratings, eligible, k, False, None, **ids)
    # An enterprise's score is the mean of its ratings' scores; the score is linear, so the mean over enterprises
    # of their scores is the score of the enterprises' mean columns.
    dimensions = {c: to_index(m) for c, m in zip(COLUMNS, means, strict=True)}
    return IndexResult(period, to_index(rating_score(*means)), raters, ratings, eligible, k, True, dimensions, **ids)


def satisfaction_index(period: str, *, department_id: int | None = None, policy_id: int | None = None) -> IndexResult:
    """The index of one period: city-wide, or of one department, or of one policy."""
    R = EnterpriseRating
    agg = _aggregate([R.period], [R.period == period, *counted(department_id, policy_id)])
    return _result(
        period, agg.get((period,)), verified_enterprise_count(), min_sample(),
        department_id=department_id, policy_id=policy_id,
    )  # fmt: skip


def satisfaction_trend(
    periods: list[str], *, department_id: int | None = None, policy_id: int | None = None
) -> list[IndexResult]:
    """The index of each period (oldest first), in one query."""
    R = EnterpriseRating
    agg = _aggregate([R.period], [R.period.in_(periods), *counted(department_id, policy_id)])
    eligible, k = verified_enterprise_count(), min_sample()
    return [_result(p, agg.get((p,)), eligible, k, department_id=department_id, policy_id=policy_id) for p in periods]


def indexes_by(period: str, column: str) -> dict[int, IndexResult]:
    """The index of every department (``column="department_id"``) or policy (``"policy_id"``) rated in a period."""
    R = EnterpriseRating
    key = getattr(R, column)
    kinds = DEPARTMENT_KINDS if column == "department_id" else (TargetKind.POLICY,)
    agg = _aggregate([key], [R.period == period, key.is_not(None), R.kind.in_(kinds)])
    eligible, k = verified_enterprise_count(), min_sample()
    return {ident: _result(period, a, eligible, k, **{column: ident}) for (ident,), a in agg.items()}


@dataclass
class MemberScore:
    """The averages of the ratings of one official (as the one who answered a 涉企 work order) in a period."""

    member_id: int
    name: str
    ratings: int
    raters: int  # distinct enterprises
    averages: dict[str, float] = field(default_factory=dict)  # column → mean 1–5
    score: float = 0.0  # the rating score of the averages (1–5)

    @property
    def index(self) -> float:
        return to_index(self.score)

    def as_dict(self) -> dict:
        return {
            "member_id": self.member_id,
            "name": self.name,
            "ratings": self.ratings,
            "raters": self.raters,
            "averages": self.averages,
            "score": round(self.score, 3),
            "index": self.index,
        }


def member_scores(period: str, department_id: int) -> list[MemberScore]:
    """Per official of a department: the mean of each dimension and of overall over their ratings, with counts.

    For officials and admins only (scorecards); never shown to the public. Highest index first.
    """
    R = EnterpriseRating
    rows = db.session.execute(
        sa.select(
            R.member_id,
            User.display_name,
            sa.func.count(),
            sa.func.count(sa.distinct(R.enterprise_id)),
            *(sa.func.avg(getattr(R, c)) for c in COLUMNS),
        )
        .join(User, User.id == R.member_id)
        .where(R.period == period, R.department_id == department_id, R.kind == TargetKind.ORDER_MEMBER)
        .group_by(R.member_id, User.display_name)
    ).all()
    scores = []
    for member_id, name, n, raters, *means in rows:
        averages = {c: round(float(m), 3) for c, m in zip(COLUMNS, means, strict=True)}
        scores.append(MemberScore(member_id, name, n, raters, averages, rating_score(*(float(m) for m in means))))
    return sorted(scores, key=lambda s: (-s.score, s.member_id))


DIMENSION_LABELS = dict(DIMENSIONS) | {"overall": "总体评价"}
