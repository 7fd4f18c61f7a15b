"""Demo 现场表决 (``demo/hearing_polls.yaml``): polls of the demo hearings with their answers, and the audience
curve of the closed hearing (one presence sample a minute). Idempotent: a poll is looked up by its key."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

import sqlalchemy as sa

from portal import demo as demo_data
from portal.actors import SYSTEM
from portal.demo import demo_loader
from portal.extensions import db
from portal.hearings import analytics
from portal.hearings.models import (
    Hearing,
    HearingState,
    Poll,
    PollAnswer,
    PollEvent,
    PollOption,
    PollState,
    PresenceSample,
)
from portal.history import record


def _answers(poll: Poll, counts: dict[str, int]) -> None:
    """Anonymous answers (demo browsers), one option each, so that the counts are as the file says."""
    by_label = {o.label: o for o in poll.options}
    rows = []
    for label, n in counts.items():
        option = by_label[label]
        rows += [
            {
                "poll_id": poll.id,
                "device": f"{poll.id:08x}{option.position:04x}{i:020x}",
                "choices": 1 << option.position,
            }
            for i in range(n)
        ]
    db.session.execute(sa.insert(PollAnswer), rows)


def _poll(spec: dict[str, Any]) -> str | None:
    hearing = db.session.scalar(sa.select(Hearing).where(Hearing.title == spec["hearing"]))
    if hearing is None:
        return None
    key = f"demo-{spec['key']}"
    if db.session.scalar(sa.select(Poll.id).where(Poll.hearing_id == hearing.id, Poll.client_id == key)):
        return None
    # The record as it stood (the hearing may have closed since): created, opened and closed while it was live.
    state = PollState(spec["state"])
    poll = Poll(
        hearing_id=hearing.id,
        client_id=key,
        question=spec["question"],
        multiple=spec.get("multiple", False),
        allow_anonymous=spec.get("allow_anonymous", False),
        state=state,
        results_shown=spec.get("results_shown", False),
        opened_at=hearing.opened_at,
        closed_at=hearing.closed_at if state == PollState.CLOSED else None,
        options=[PollOption(position=i, label=label) for i, label in enumerate(spec["answers"])],
    )
    db.session.add(poll)
    db.session.flush()
    steps = [("create", None, PollState.DRAFT), ("open", PollState.DRAFT, PollState.OPEN)]
    if poll.results_shown:
        steps.append(("show", PollState.OPEN, PollState.OPEN))
    if state == PollState.CLOSED:
        steps.append(("close", PollState.OPEN, PollState.CLOSED))
    for action, before, after in steps:
        record(PollEvent, SYSTEM, action, before, after, poll_id=poll.id)
    _answers(poll, spec["answers"])
    db.session.commit()
    return spec["key"]


def _audience(spec: dict[str, Any]) -> int:
    hearing = db.session.scalar(sa.select(Hearing).where(Hearing.title == spec["hearing"]))
    if hearing is None or hearing.state != HearingState.CLOSED or hearing.opened_at is None:
        return 0
    if db.session.scalar(sa.select(PresenceSample.id).where(PresenceSample.hearing_id == hearing.id).limit(1)):
        return 0
    points = spec["points"]
    start = analytics.minute_of(hearing.opened_at)
    samples = {}
    for (m0, n0), (m1, n1) in pairwise(points):
        for m in range(m0, m1):
            samples[m] = round(n0 + (n1 - n0) * (m - m0) / (m1 - m0))
    db.session.execute(
        sa.insert(PresenceSample),
        [{"hearing_id": hearing.id, "minute": start + timedelta(minutes=m), "count": n} for m, n in samples.items()],
    )
    db.session.commit()
    return len(samples)


@demo_loader(order=21)
def load_polls(data: dict[str, Any] | None = None) -> str:
    data = demo_data.read("hearing_polls") if data is None else data
    made = [key for spec in data.get("polls", []) if (key := _poll(spec))]
    samples = _audience(data["audience"]) if data.get("audience") else 0
    return f"hearing polls: {len(made)} polls created, {samples} audience samples"
