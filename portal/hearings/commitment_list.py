"""承诺事项 of every hearing as one public list: filters, pages, and the JSON, CSV and Atom forms of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from portal.accounts.models import Department
from portal.extensions import db
from portal.hearings.models import Commitment, CommitmentStatus, CommitmentUpdate, Hearing
from portal.opendata import Page, choice_arg, date_arg, int_arg, iso, text_arg
from portal.times import LOCAL_TZ, to_local

SORTS: dict[str, tuple[str, tuple]] = {
    "due": ("完成时限最近", (Commitment.due_date.asc(), Commitment.id.asc())),
    "newest": ("最新承诺", (Commitment.created_at.desc(), Commitment.id.desc())),
    "updated": ("最近更新", (Commitment.updated_at.desc(), Commitment.id.desc())),
}


@dataclass(frozen=True)
class CommitmentFilter:
    q: str = ""
    department_id: int | None = None
    status: str | None = None
    hearing_id: int | None = None
    until: date | None = None  # made on or before this day (a scorecard's period end)
    sort: str = "due"

    @property
    def active(self) -> bool:
        return bool(self.q or self.department_id or self.status or self.hearing_id or self.until)


def parse_filter(args: Mapping[str, str]) -> CommitmentFilter:
    return CommitmentFilter(
        q=text_arg(args, "q", "关键词"),
        department_id=int_arg(args, "dept", "责任部门"),
        status=choice_arg(args, "status", [s.value for s in CommitmentStatus], "状态"),
        hearing_id=int_arg(args, "hearing", "答辩"),
        until=date_arg(args, "until", "作出日期截止"),
        sort=choice_arg(args, "sort", SORTS, "排序方式") or "due",
    )


def _filtered(f: CommitmentFilter):
    query = sa.select(Commitment)
    if f.department_id:
        query = query.where(Commitment.department_id == f.department_id)
    if f.status:
        query = query.where(Commitment.status == CommitmentStatus(f.status))
    if f.hearing_id:
        query = query.where(Commitment.hearing_id == f.hearing_id)
    if f.until:
        query = query.where(Commitment.created_at < _local_midnight(f.until + timedelta(days=1)))
    for term in f.q.split()[:8]:
        query = query.where(sa.func.lower(Commitment.text).contains(term.lower(), autoescape=True))
    return query


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def status_counts(until: date) -> dict[int, dict[str, int]]:
    """Per department, its commitments made on or before ``until`` by current status (the list filtered by
    ``dept``, ``until`` and ``status`` shows the same items)."""
    query = (
        _filtered(CommitmentFilter(until=until))
        .with_only_columns(Commitment.department_id, Commitment.status, sa.func.count())
        .group_by(Commitment.department_id, Commitment.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for department_id, status, n in db.session.execute(query):
        counts.setdefault(department_id, {})[CommitmentStatus(status).value] = n
    return counts


def _options(query):
    return query.options(selectinload(Commitment.hearing), selectinload(Commitment.department))


def search(f: CommitmentFilter, page: int, per_page: int) -> Page:
    query = _filtered(f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        _options(query).order_by(*SORTS[f.sort][1]).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)


def export(f: CommitmentFilter, limit: int) -> list[Commitment]:
    return list(db.session.scalars(_options(_filtered(f)).order_by(*SORTS[f.sort][1]).limit(limit)))


def feed_updates(f: CommitmentFilter, limit: int) -> list[tuple[CommitmentUpdate, Commitment]]:
    """Newest status records (a commitment made, progress, done, overdue) of the filtered commitments."""
    ids = _filtered(f).with_only_columns(Commitment.id).scalar_subquery()
    rows = db.session.execute(
        sa.select(CommitmentUpdate, Commitment)
        .join(Commitment, Commitment.id == CommitmentUpdate.commitment_id)
        .where(CommitmentUpdate.commitment_id.in_(ids))
        .options(selectinload(Commitment.department))
        .order_by(CommitmentUpdate.created_at.desc(), CommitmentUpdate.id.desc())
        .limit(limit)
    )
    return [(update, item) for update, item in rows]


def summary(c: Commitment) -> dict:
    return {
        "id": c.id,
        "text": c.text,
        "department": c.department.name,
        "due_date": c.due_date.isoformat(),
        "status": c.status.value,
        "status_label": c.status.label,
        "hearing": {
            "id": c.hearing.id,
            "title": c.hearing.title,
            "kind": c.hearing.kind.value,
            "kind_label": c.hearing.kind.label,
            "url": url_for("hearings.show", hearing_id=c.hearing.id, _external=True),
        },
        "question_id": c.question_id,
        "plan_id": c.plan_id,
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "url": url_for("hearings.commitment", commitment_id=c.id, _external=True),
    }


CSV_HEADER = ("编号", "承诺事项", "责任部门", "完成时限", "状态", "答辩", "答辩类型", "作出时间", "最近更新", "链接")


def csv_rows(items: list[Commitment]) -> list[list[object]]:
    fmt = "%Y-%m-%d %H:%M"
    return [
        [
            c.id,
            c.text,
            c.department.name,
            c.due_date.isoformat(),
            c.status.label,
            c.hearing.title,
            c.hearing.kind.label,
            to_local(c.created_at).strftime(fmt),
            to_local(c.updated_at).strftime(fmt),
            url_for("hearings.commitment", commitment_id=c.id, _external=True),
        ]
        for c in items
    ]


def filter_departments() -> list[Department]:
    """Departments that made a commitment: the list's department choices."""
    made = sa.select(Commitment.department_id)
    return list(
        db.session.scalars(
            sa.select(Department).where(Department.id.in_(made)).order_by(Department.sort_order, Department.id)
        )
    )


def filter_hearings() -> list[Hearing]:
    with_commitments = sa.select(Commitment.hearing_id)
    return list(
        db.session.scalars(
            sa.select(Hearing).where(Hearing.id.in_(with_commitments)).order_by(Hearing.starts_at.desc())
        )
    )
