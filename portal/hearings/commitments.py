"""承诺事项: promises made in answers, tracked afterwards with a dated status history."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.accounts.models import Department, User
from portal.accounts.permissions import require
from portal.actors import SYSTEM, is_system
from portal.errors import Conflict, Invalid, NotFound, get_or_raise
from portal.extensions import db
from portal.hearings import live, payloads
from portal.hearings.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Hearing,
    HearingState,
    Question,
    QuestionState,
)
from portal.jobs import periodic
from portal.plans.public import task_brief
from portal.times import to_local, utcnow


def get_commitment(commitment_id: int) -> Commitment:
    return get_or_raise(Commitment, commitment_id, "承诺事项不存在")


def flag_commitment(
    actor: User | None,
    hearing: Hearing,
    question_id: int | None,
    department_id: int,
    text: str,
    due_date: date | None,
    task_id: int | None = None,
) -> Commitment:
    """The host flags an answer as a commitment of a department with a due date and, where there is one, the
    plan task it belongs to (a task of the hearing's plan); SYSTEM: the demo loader."""
    require(actor, "hearings.host", hearing)
    if hearing.state == HearingState.ARCHIVED:  # the archived record takes nothing more
        raise Conflict("答辩已归档，不能再登记承诺事项")
    text = (text or "").strip()
    if len(text) < 4:
        raise Invalid("请写明承诺的具体内容", field="text")
    if len(text) > 500:
        raise Invalid("承诺内容不能超过 500 字", field="text")
    if db.session.get(Department, department_id or 0) is None:
        raise Invalid("请选择责任部门", field="department_id")
    if due_date is None:
        raise Invalid("请填写完成时限", field="due_date")
    if not is_system(actor) and due_date < to_local(utcnow()).date():  # demo data records past promises
        raise Invalid("完成时限不能早于今天", field="due_date")
    if question_id is not None:
        question = db.session.get(Question, question_id)
        if question is None or question.hearing_id != hearing.id:
            raise NotFound("问题不存在")
        if question.state not in (QuestionState.ANSWERING, QuestionState.ANSWERED):
            raise Conflict("只有正在回答或已回答的问题才能形成承诺事项")
    if task_id:
        task = task_brief(task_id)
        if task is None or task.plan_id != hearing.plan_id:
            raise Invalid("请选择本场答辩所审方案中的任务", field="task_id")
    commitment = Commitment(
        hearing_id=hearing.id,
        question_id=question_id,
        plan_id=hearing.plan_id,
        task_id=task_id or None,
        department_id=department_id,
        text=text,
        due_date=due_date,
    )
    db.session.add(commitment)
    db.session.flush()
    db.session.add(
        CommitmentUpdate(
            commitment_id=commitment.id,
            actor_id=actor.id,
            from_status=None,
            to_status=CommitmentStatus.NOT_STARTED.value,
            note="答辩中作出承诺",
        )
    )
    _broadcast(commitment)
    db.session.commit()
    return commitment


def _broadcast(commitment: Commitment) -> None:
    """Pages of the hearing list a new or updated commitment without a reload (an event with a seq)."""
    db.session.flush()
    db.session.refresh(commitment)
    seq = live.next_seq(commitment.hearing_id)
    data = {"hearing_id": commitment.hearing_id, "seq": seq, "commitment": payloads.commitment(commitment)}
    live.emit_after_commit("commitment", data, live.public_room(commitment.hearing_id))


def update_commitment(actor: User, commitment: Commitment, status: CommitmentStatus | str, note: str) -> Commitment:
    """The lead department's officials or a host record progress with a note; every change is kept."""
    require(actor, "hearings.commitment.update", commitment)
    try:
        status = CommitmentStatus(status)
    except ValueError:
        raise Invalid("请选择状态", field="status") from None
    note = (note or "").strip()
    if not note:
        raise Invalid("请填写进展说明", field="note")
    if len(note) > 1000:
        raise Invalid("进展说明不能超过 1000 字", field="note")
    db.session.add(
        CommitmentUpdate(
            commitment_id=commitment.id,
            actor_id=actor.id,
            from_status=commitment.status.value,
            to_status=status.value,
            note=note,
        )
    )
    commitment.status = status
    commitment.updated_at = utcnow()
    _broadcast(commitment)
    db.session.commit()
    return commitment


def commitments_for_plan(plan_id: int) -> list[Commitment]:
    """Every commitment made at the plan's hearings, soonest due first (the plan page lists them)."""
    return list(
        db.session.scalars(
            sa.select(Commitment).where(Commitment.plan_id == plan_id).order_by(Commitment.due_date, Commitment.id)
        )
    )


def commitments_for_task(task_id: int) -> list[Commitment]:
    """Commitments that belong to a plan task (the task's page shows their status)."""
    return list(
        db.session.scalars(
            sa.select(Commitment).where(Commitment.task_id == task_id).order_by(Commitment.due_date, Commitment.id)
        )
    )


def commitments_for_hearing(hearing_id: int) -> list[Commitment]:
    return list(
        db.session.scalars(
            sa.select(Commitment)
            .where(Commitment.hearing_id == hearing_id)
            .order_by(Commitment.due_date, Commitment.id)
        )
    )


@periodic(3600)
def mark_overdue_commitments() -> int:
    """Commitments past their due date and not done become 逾期, with a history row."""
    today = to_local(utcnow()).date()
    late = db.session.scalars(
        sa.select(Commitment).where(
            Commitment.due_date < today,
            Commitment.status.in_([CommitmentStatus.NOT_STARTED, CommitmentStatus.IN_PROGRESS]),
        )
    ).all()
    for commitment in late:
        db.session.add(
            CommitmentUpdate(
                commitment_id=commitment.id,
                actor_id=SYSTEM.id,
                from_status=commitment.status.value,
                to_status=CommitmentStatus.OVERDUE.value,
                note="已超过承诺完成时限，系统标记为逾期",
            )
        )
        commitment.status = CommitmentStatus.OVERDUE
        commitment.updated_at = utcnow()
    db.session.commit()
    return len(late)
