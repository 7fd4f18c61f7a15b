"""A hearing's analytics (for its host and administrators): the audience over time, questions asked, published and
answered, votes, the top questions, polls with their results, commitments; and the presence sampling behind the
audience curve.

While a hearing is live, the live queue's tick writes how many watch it once a minute (``PresenceSample``, one row
per hearing and minute: the unique constraint keeps one when several processes sample the same minute).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import User
from portal.accounts.permissions import require
from portal.extensions import db
from portal.hearings import live, payloads, polls
from portal.hearings.commitments import commitments_for_hearing
from portal.hearings.models import (
    PUBLIC_STATES,
    CommitmentStatus,
    Hearing,
    HearingState,
    PresenceSample,
    Question,
    QuestionState,
    Vote,
)
from portal.times import to_local, utcnow

SAMPLE_SECONDS = 60
_last_sample = 0.0


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def record_presence(counts: dict[int, int], moment: datetime | None = None) -> None:
    """Write one sample per hearing for the minute of ``moment`` (a sample already there for that minute stays)."""
    if not counts:
        return
    minute = minute_of(moment or utcnow())
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [{"hearing_id": hid, "minute": minute, "count": n} for hid, n in counts.items()]
    db.session.execute(insert(PresenceSample.__table__).on_conflict_do_nothing(), rows)
    db.session.commit()


@live.on_tick
def sample_presence() -> None:
    """Once a minute: how many watch each live hearing that this process has viewers of."""
    global _last_sample
    if time.monotonic() - _last_sample < SAMPLE_SECONDS:
        return
    _last_sample = time.monotonic()
    watched = [hid for hid, sids in live.presence.local.items() if sids]
    if not watched:
        return
    live_ids = set(
        db.session.scalars(sa.select(Hearing.id).where(Hearing.id.in_(watched), Hearing.state == HearingState.LIVE))
    )
    record_presence({hid: live.presence.count(hid) for hid in live_ids})


@dataclass
class Analytics:
    hearing: Hearing
    audience: list[tuple[datetime, int]]  # (minute, viewers)
    peak: int
    counts: dict[str, int]  # payloads.counts: received, public, answered, …
    published: int  # ever made public (answered, merged or hidden later included)
    votes: int
    voters: int
    top: list[Question]
    polls: list[dict[str, Any]]  # the host's view of each poll, results included
    commitments: list
    commitment_status: list[tuple[CommitmentStatus, int]]

    @property
    def audience_points(self) -> list[tuple[str, int]]:
        return [(f"{to_local(m):%H:%M}", n) for m, n in self.audience]


def analytics(actor: User | None, hearing: Hearing) -> Analytics:
    require(actor, "hearings.analytics", hearing)
    audience = [
        (m, n)
        for m, n in db.session.execute(
            sa.select(PresenceSample.minute, PresenceSample.count)
            .where(PresenceSample.hearing_id == hearing.id)
            .order_by(PresenceSample.minute)
        )
    ]
    in_hearing = Question.hearing_id == hearing.id
    published = db.session.scalar(sa.select(sa.func.count()).where(in_hearing, Question.published_at.is_not(None)))
    votes = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Question.votes), 0)).where(
            in_hearing, Question.state != QuestionState.MERGED
        )
    )
    voters = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Vote.user_id)))
        .join(Question, Question.id == Vote.question_id)
        .where(in_hearing)
    )
    top = list(
        db.session.scalars(
            sa.select(Question)
            .where(in_hearing, Question.state.in_(PUBLIC_STATES))
            .order_by(Question.votes.desc(), Question.id)
            .limit(10)
        )
    )
    hearing_polls = polls.hearing_polls(hearing.id, public=False)
    counted = polls.results([p.id for p in hearing_polls])
    commitments = commitments_for_hearing(hearing.id)
    by_status = {s: 0 for s in CommitmentStatus}
    for c in commitments:
        by_status[c.status] += 1
    return Analytics(
        hearing=hearing,
        audience=audience,
        peak=max((n for _, n in audience), default=0),
        counts=payloads.counts(hearing.id),
        published=published or 0,
        votes=int(votes or 0),
        voters=voters or 0,
        top=top,
        polls=[polls.payload(p, counted[p.id], host=True) for p in hearing_polls],
        commitments=commitments,
        commitment_status=list(by_status.items()),
    )


def csv_rows(a: Analytics) -> list[list[Any]]:
    """The figures as one long table: 类别, 项目, 数值 (the audience per minute, totals, questions, polls)."""
    rows: list[list[Any]] = [["类别", "项目", "数值"]]
    for point, n in a.audience:
        rows.append(["在线人数", to_local(point).strftime("%Y-%m-%d %H:%M"), n])
    rows += [
        ["概况", "最高在线人数", a.peak],
        ["概况", "收到问题", a.counts["received"]],
        ["概况", "公开问题", a.published],
        ["概况", "已回答问题", a.counts["answered"]],
        ["概况", "待审核", a.counts["pending"]],
        ["概况", "不予公开", a.counts["rejected"]],
        ["概况", "合并", a.counts["merged"]],
        ["概况", "隐藏", a.counts["hidden"]],
        ["概况", "投票数", a.votes],
        ["概况", "投票人数", a.voters],
        ["概况", "承诺事项", len(a.commitments)],
    ]
    for status, n in a.commitment_status:
        rows.append(["承诺事项", status.label, n])
    for i, q in enumerate(a.top, 1):
        rows.append(["最受关注的问题", f"{i}. {q.text}（{q.state.label}）", q.votes])
    for p in a.polls:
        rows.append([f"表决：{p['question']}", "参与人数", p["total"]])
        for option in p["options"]:
            rows.append([f"表决：{p['question']}", option["label"], p["counts"][str(option["id"])]])
    return rows
