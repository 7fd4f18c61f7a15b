"""Progress roll-up (weighted by task weight) and overdue detection in Asia/Shanghai dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from portal.plans.models import Task, TaskStatus
from portal.times import to_local, utcnow


def local_today(now: datetime | None = None) -> date:
    """Today's date in Asia/Shanghai: a due date passes at local midnight, not UTC midnight."""
    return to_local(now or utcnow()).date()


def is_overdue(task: Task, today: date) -> bool:
    """逾期: the due date has passed and the task is not done."""
    return task.due_date is not None and task.due_date < today and task.status != TaskStatus.DONE


@dataclass(frozen=True)
class Progress:
    """The roll-up of a set of tasks: a goal's, a battle's or the whole plan's."""

    percent: float | None  # weighted mean of task progress; None when there are no tasks to weigh
    task_count: int
    done_count: int
    overdue_count: int
    in_progress_count: int

    @property
    def rounded(self) -> int:
        return round(self.percent) if self.percent is not None else 0

    @property
    def display(self) -> str:
        return "—" if self.percent is None else f"{self.percent:.1f}%".replace(".0%", "%")

    def as_dict(self) -> dict[str, object]:
        return {
            "percent": None if self.percent is None else round(self.percent, 1),
            "tasks": self.task_count,
            "done": self.done_count,
            "in_progress": self.in_progress_count,
            "overdue": self.overdue_count,
        }


def roll_up(tasks: Iterable[Task], today: date) -> Progress:
    """Weighted progress: Σ(weight × progress) / Σ weight over the tasks (weight 0 tasks count but weigh nothing)."""
    tasks = list(tasks)
    total_weight = sum(max(t.weight, 0) for t in tasks)
    percent = sum(max(t.weight, 0) * t.progress for t in tasks) / total_weight if total_weight else None
    return Progress(
        percent=percent,
        task_count=len(tasks),
        done_count=sum(1 for t in tasks if t.status == TaskStatus.DONE),
        overdue_count=sum(1 for t in tasks if is_overdue(t, today)),
        in_progress_count=sum(1 for t in tasks if t.status == TaskStatus.IN_PROGRESS),
    )
