"""Demo hearings from the demo's hearings.yaml (docs/DEMO-DATA.md): on the 高效青岛建设攻势 plan, a closed
公开答辩 with its transcript and commitments, a scheduled 公开质询, and a live 专题答辩 so that visitors can try the
queue at once. Questions are written with their states, votes and events as they stand in the story."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from portal import demo as demo_data
from portal.accounts.demo import department_id, user
from portal.actors import SYSTEM
from portal.demo import demo_loader, moment
from portal.extensions import db
from portal.hearings import services
from portal.hearings.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Hearing,
    HearingKind,
    HearingState,
    Question,
    QuestionEvent,
    QuestionState,
    RaiserKind,
)
from portal.plans import public as plans
from portal.times import to_local, utcnow


def _plan_id(title_part: str) -> int | None:
    return min((plan.id for plan in plans.list_plans() if title_part in plan.title), default=None)


def _panel(data: dict[str, Any], count: int | None) -> list[services.PanelData]:
    members = []
    for row in data.get("panel", [])[:count]:
        if "user" in row:
            member = user(row["user"])
            members.append(
                services.PanelData(
                    member.display_name, member.title, member.department_id, member.id, bool(row.get("lead"))
                )
            )
        else:
            members.append(services.PanelData(row["name"], row["title"], department_id(row["department"])))
    return members


def _raisers(data: dict[str, Any], names: list[str] | None) -> list[tuple[RaiserKind, str, str]]:
    rows = [(RaiserKind(kind), name, organisation) for kind, name, organisation in data.get("raisers", [])]
    if names is None:
        return rows
    by_name = {name: (kind, name, organisation) for kind, name, organisation in rows}
    return [by_name[name] for name in names]


def _add_question(hearing: Hearing, row: dict[str, Any], reject_reason: str) -> Question:
    state = QuestionState(row["state"])
    author = user(row["by"])
    at = hearing.starts_at + timedelta(minutes=row["minute"])
    answer = row.get("answer", "")
    q = Question(
        hearing_id=hearing.id,
        author_id=author.id,
        client_id=f"demo-{hearing.id}-{row['minute']}",
        text=row["text"],
        asker_kind=RaiserKind(row["kind"]),
        asker_name=row["asker"],
        state=state,
        votes=row.get("votes", 0),
        created_at=at,
        published_at=at if state != QuestionState.PENDING else None,
        answer_summary=answer,
        answered_at=at + timedelta(minutes=8) if state == QuestionState.ANSWERED else None,
        reject_reason=reject_reason if state == QuestionState.REJECTED else "",
    )
    if "answerer" in row:  # the panel member (a demo account) who took the question
        q.answerer = next(p for p in hearing.panel if p.user_id == user(row["answerer"]).id)
    db.session.add(q)
    db.session.flush()
    note = "现场提问，由主持人录入" if row["by"] == "host" else ""
    db.session.add(QuestionEvent(question_id=q.id, action="ask", to_state="pending", note=note, created_at=at))
    if state != QuestionState.PENDING:
        first = QuestionState.REJECTED if state == QuestionState.REJECTED else QuestionState.APPROVED
        db.session.add(
            QuestionEvent(
                question_id=q.id,
                action="approve" if first == QuestionState.APPROVED else "reject",
                from_state="pending",
                to_state=first.value,
                note=q.reject_reason,
                created_at=at,
            )
        )
    if state in (QuestionState.ANSWERING, QuestionState.ANSWERED):
        taken = q.answerer is not None
        who = f"{q.answerer.name}（{q.answerer.department_name or q.answerer.title}）" if taken else ""
        db.session.add(
            QuestionEvent(
                question_id=q.id,
                action="take" if taken else "answering",
                from_state="approved",
                to_state="answering",
                note=f"{who}：我来回答" if taken else "",
                created_at=at,
            )
        )
    if state == QuestionState.ANSWERED:
        db.session.add(
            QuestionEvent(
                question_id=q.id,
                action="answer" if q.answerer is not None else "answered",
                from_state="answering",
                to_state="answered",
                note=answer,
                created_at=q.answered_at,
            )
        )
    return q


def _commitment(hearing: Hearing, question: Question, row: dict[str, Any]) -> None:
    today = to_local(utcnow()).date()
    status = CommitmentStatus(row["status"])
    dept_id = department_id(row["department"])
    tasks = [tid for tid, title, _ in plans.plan_tasks(hearing.plan_id) if row.get("task") and row["task"] in title]
    item = Commitment(
        hearing_id=hearing.id,
        question_id=question.id,
        plan_id=hearing.plan_id,
        task_id=tasks[0] if tasks else None,  # the plan task the promise belongs to (a part of its title)
        department_id=dept_id,
        text=row["text"],
        due_date=today + timedelta(days=row["due_in_days"]),
        status=status,
    )
    db.session.add(item)
    db.session.flush()
    db.session.add(
        CommitmentUpdate(
            commitment_id=item.id,
            from_status=None,
            to_status="not_started",
            note="答辩中作出承诺",
            created_at=hearing.starts_at,
        )
    )
    note = row.get("note", "")
    if status == CommitmentStatus.OVERDUE:  # as the hourly job records it
        actor, note = None, "已超过承诺完成时限，系统标记为逾期"
    else:  # the head of the responsible department reports progress
        members = item.department.members if item.department is not None else []
        head = next((u for u in members if u.title.endswith("局长")), None)
        actor = head.id if head else None
    if status != CommitmentStatus.NOT_STARTED:
        db.session.add(
            CommitmentUpdate(
                commitment_id=item.id, actor_id=actor, from_status="not_started", to_status=status.value, note=note
            )
        )


def _agenda(start, agenda: str | list) -> str:
    if isinstance(agenda, str):
        return agenda
    return "\n".join(f"{to_local(start + timedelta(minutes=m)):%H:%M} {text}" for m, text in agenda)


def _hearing(data: dict[str, Any], spec: dict[str, Any], plan_id: int | None) -> Hearing:
    start = moment(spec["starts"], utcnow())
    end = start + timedelta(minutes=spec["minutes"])
    hearing = services.create_hearing(
        SYSTEM,
        services.HearingData(
            kind=HearingKind(spec["kind"]),
            plan_id=plan_id,
            title=spec["title"],
            summary=spec.get("summary", ""),
            place=spec.get("place", ""),
            starts_at=start,
            ends_at=end,
            livestream_url=spec.get("livestream_url", ""),
            allow_anonymous=bool(spec.get("allow_anonymous", False)),
            agenda=_agenda(start, spec.get("agenda", "")),
            panel=_panel(data, spec.get("panel")),
            raisers=_raisers(data, spec.get("raisers")),
        ),
    )
    state = HearingState(spec.get("state", "scheduled"))
    if state == HearingState.LIVE:
        hearing.state, hearing.opened_at = state, start
    elif state == HearingState.CLOSED:
        hearing.state, hearing.opened_at, hearing.closed_at = state, start, end
    questions: dict[str, Question] = {}
    made = []
    for row in spec.get("questions", []):
        question = _add_question(hearing, row, spec.get("reject_reason", ""))
        made.append((row, question))
        if "key" in row:
            questions[row["key"]] = question
    for row, question in made:
        if "merged_into" in row:
            question.merged_into_id = questions[row["merged_into"]].id
    if "now" in spec:
        hearing.now_question_id = questions[spec["now"]].id
    if "next" in spec:
        hearing.next_question_id = questions[spec["next"]].id
    for row in spec.get("commitments", []):
        _commitment(hearing, questions[row["question"]], row)
    return hearing


@demo_loader(order=20)
def load_hearings(data: dict[str, Any] | None = None) -> str:
    data = demo_data.read("hearings") if data is None else data
    plan_id = _plan_id(data["plan"]) if data.get("plan") else None
    made = []
    for spec in data.get("hearings", []):
        hearing = db.session.scalar(sa.select(Hearing).where(Hearing.title == spec["title"]))
        if hearing is None:
            _hearing(data, spec, plan_id)
            made.append(spec["title"])
        elif hearing.plan_id is None and plan_id is not None:
            hearing.plan_id = plan_id
            db.session.execute(sa.update(Commitment).where(Commitment.hearing_id == hearing.id).values(plan_id=plan_id))
    db.session.commit()
    return f"hearings: {len(made)} hearings created (plan {'linked' if plan_id else 'not found'})"
