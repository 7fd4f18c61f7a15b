"""Demo consultations (征求意见) from demo/consultation.yaml: one on the campaign plan's draft, closed with its
report published (the draft differs from the final plan where adopted comments changed it), and one open."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal import demo as demo_data
from portal.accounts.models import User
from portal.actors import SYSTEM
from portal.consultation import comments, drafts, services
from portal.consultation.models import Comment, Consultation, Section, Support
from portal.demo import demo_loader, moment
from portal.extensions import db
from portal.plans.public import list_plans
from portal.times import LOCAL_TZ, utcnow


def _time(value: Any, now: datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value
    text = str(value)
    if text[:1] in "+-":
        return moment(text, now)
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TZ)


def _user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise demo_data.DemoDataError(f"consultation.yaml: no demo account {username!r}")
    return user


def _section(c: Consultation, part: str) -> Section:
    found = [s for s in c.sections if part in s.title]
    if not found:
        raise demo_data.DemoDataError(f"consultation.yaml: no section of {c.title!r} contains {part!r}")
    return min(found, key=lambda s: len(s.title))


def _as_drafted(c: Consultation, changes: dict[str, dict[str, Any]]) -> None:
    """Put back what the draft said where the final plan differs: the snapshot and the sections cut from it."""
    snap = copy.deepcopy(c.draft)
    for part, fields in changes.items():
        task = next((t for b in snap["battles"] for g in b["goals"] for t in g["tasks"] if part in t["title"]), None)
        if task is None:
            raise demo_data.DemoDataError(f"consultation.yaml: no task contains {part!r}")
        task.update({k: str(v) for k, v in fields.items()})
    c.draft = snap
    cut = {s.key: s for s in drafts.plan_sections(snap)}
    for section in c.sections:
        section.title, section.body = cut[section.key].title, cut[section.key].body


def _comment(c: Consultation, row: dict[str, Any], official: User) -> Comment:
    author = _user(row["by"])
    section = _section(c, row["section"])
    x = comments.add_comment(author, c, section.id, row["text"], bool(row.get("anonymous")))
    state = row.get("state", "approved")
    if state == "rejected":
        comments.act(SYSTEM, x.id, "reject", reason=row.get("reason", "不予公开"))
        return x
    if state == "pending":
        return x
    comments.act(SYSTEM, x.id, "approve")
    for username in row.get("supporters", []):
        comments.support(_user(username), x.id)
    if row.get("answer"):
        changed = section.id if row.get("changed") else None
        comments.act(official, x.id, "answer", answer=row["answer"], reason=row["reason"], changed_section_id=changed)
    return x


def _dated(c: Consultation, opens_at: datetime, closes_at: datetime, published_at: datetime | None) -> None:
    """Move the record to the consultation's own dates (comments in its period, answers before the report)."""
    c.opens_at, c.closes_at, c.created_at = opens_at, closes_at, opens_at
    span = (min(closes_at, utcnow()) - opens_at) / 12
    rows = db.session.scalars(sa.select(Comment).where(Comment.consultation_id == c.id).order_by(Comment.id)).all()
    for i, x in enumerate(rows, 1):
        x.created_at = opens_at + span * i
        x.published_at = x.published_at and x.created_at + span / 4
        x.answered_at = x.answered_at and (published_at - span if published_at else x.created_at + span / 2)
    db.session.execute(
        sa.update(Support).where(Support.comment_id.in_([x.id for x in rows])).values(created_at=closes_at)
    )
    if published_at is not None:
        c.closed_at, c.published_at = closes_at, published_at


def _load(spec: dict[str, Any], plan_id: int, now: datetime) -> Consultation:
    opens_at, closes_at = _time(spec["opens_at"], now), _time(spec["closes_at"], now)
    published_at = _time(spec["published_at"], now) if spec.get("published_at") else None
    c = services.create_consultation(
        SYSTEM,
        services.ConsultationData(
            kind="plan",
            subject_id=plan_id,
            title=spec["title"],
            summary=spec.get("summary", ""),
            opens_at=utcnow() - (closes_at - opens_at) / 2,  # taking comments now; dated below
            closes_at=utcnow() + (closes_at - opens_at) / 2,
            premoderation=spec.get("premoderation", True),
        ),
    )
    if spec.get("draft"):
        _as_drafted(c, spec["draft"])
    services.change_state(SYSTEM, c.id, "open")
    official = _user(spec["answerer"]) if spec.get("answerer") else SYSTEM
    for row in spec.get("comments", []):
        _comment(c, row, official)
    if published_at is not None:
        services.change_state(SYSTEM, c.id, "close")
        services.change_state(SYSTEM, c.id, "publish", note=spec.get("report_note", ""))
    _dated(c, opens_at, closes_at, published_at)
    db.session.commit()
    return c


@demo_loader(order=45)
def load_consultations(data: dict[str, Any] | None = None) -> str:
    data = demo_data.read("consultation") if data is None else data
    now = utcnow()
    made = []
    for spec in data.get("consultations", []):
        if db.session.scalar(sa.select(Consultation.id).where(Consultation.title == spec["title"])):
            continue
        plan = next((p for p in list_plans() if spec["plan"] in p.title), None)
        if plan is None:
            continue
        made.append(_load(spec, plan.id, now))
    return f"consultations: {len(made)} created"
