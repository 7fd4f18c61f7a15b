"""What can be rated: a published policy, a plan task, a department, and after a closed 涉企 work order each
department that handled it and the official named on its reply. ``resolve`` turns a URL's kind and id into a
:class:`Target` or raises NotFound / Conflict."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import Department, User
from portal.errors import Conflict, NotFound
from portal.extensions import db
from portal.feedback.public import Assignment, AssignmentState, OrderState, WorkOrder
from portal.plans.public import Task
from portal.policies.public import Policy, PolicyStatus
from portal.ratings.models import TargetKind


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    key: str  # unique per target: the rating's ``target_key``
    title: str  # public wording of what is rated
    department_id: int | None = None  # the department answerable for the rating
    policy_id: int | None = None
    task_id: int | None = None
    order_id: int | None = None
    assignment_id: int | None = None
    member_id: int | None = None
    enterprise_id: int | None = None  # fixed by the target (a work order's enterprise), else chosen by the rater

    def columns(self) -> dict[str, int | None]:
        return {
            "department_id": self.department_id,
            "policy_id": self.policy_id,
            "task_id": self.task_id,
            "order_id": self.order_id,
            "assignment_id": self.assignment_id,
            "member_id": self.member_id,
        }


def policy_target(policy_id: int) -> Target:
    policy = db.session.get(Policy, policy_id)
    if policy is None or policy.status == PolicyStatus.DRAFT:
        raise NotFound("文件不存在或尚未发布")
    return Target(TargetKind.POLICY, f"policy:{policy.id}", policy.title, policy_id=policy.id)


def task_target(task_id: int) -> Target:
    task = db.session.get(Task, task_id)
    if task is None:
        raise NotFound("该攻坚任务不存在")
    return Target(
        TargetKind.TASK, f"task:{task.id}", task.title, department_id=task.lead_department_id, task_id=task.id
    )


def department_target(department_id: int) -> Target:
    department = db.session.get(Department, department_id)
    if department is None:
        raise NotFound("部门不存在")
    return Target(TargetKind.DEPARTMENT, f"department:{department.id}", department.name, department_id=department.id)


def order_handlers(order: WorkOrder) -> list[Assignment]:
    """The assignments of a closed order whose department handled it (replied), one per department."""
    seen: dict[int, Assignment] = {}
    for assignment in order.assignments:
        if assignment.state != AssignmentState.RETURNED and assignment.replied_at is not None:
            seen[assignment.department_id] = assignment  # the latest round's reply wins
    return list(seen.values())


def closed_enterprise_order(tracking_no: str) -> WorkOrder:
    order = db.session.scalar(sa.select(WorkOrder).where(WorkOrder.tracking_no == tracking_no))
    if order is None:
        raise NotFound("诉求不存在")
    if order.enterprise_id is None:
        raise NotFound("该诉求不是企业诉求")
    if order.state != OrderState.CLOSED:
        raise Conflict("诉求办结后才能评价办理部门")
    return order


def order_department_target(tracking_no: str, department_id: int) -> Target:
    order = closed_enterprise_order(tracking_no)
    assignment = next((a for a in order_handlers(order) if a.department_id == department_id), None)
    if assignment is None:
        raise NotFound("该部门没有办理这件诉求")
    return Target(
        TargetKind.ORDER_DEPARTMENT,
        f"order_department:{order.id}:{department_id}",
        f"{assignment.department.name}（诉求 {order.tracking_no}）",
        department_id=department_id,
        order_id=order.id,
        assignment_id=assignment.id,
        enterprise_id=order.enterprise_id,
    )


def order_member_target(tracking_no: str, member_id: int) -> Target:
    order = closed_enterprise_order(tracking_no)
    assignment = next((a for a in order_handlers(order) if a.replied_by_id == member_id), None)
    if assignment is None:
        raise NotFound("该工作人员没有答复这件诉求")
    member = db.session.get(User, member_id)
    return Target(
        TargetKind.ORDER_MEMBER,
        f"order_member:{order.id}:{member_id}",
        f"{assignment.department.name} {member.display_name}（诉求 {order.tracking_no}）",
        department_id=assignment.department_id,
        order_id=order.id,
        assignment_id=assignment.id,
        member_id=member_id,
        enterprise_id=order.enterprise_id,
    )


def resolve(kind: str, ident: int, tracking_no: str | None = None) -> Target:
    """The target a rating URL names (``/ratings/rate/<kind>/<ident>``)."""
    if kind == "policy":
        return policy_target(ident)
    if kind == "task":
        return task_target(ident)
    if kind == "department":
        return department_target(ident)
    if kind == "order_department" and tracking_no:
        return order_department_target(tracking_no, ident)
    if kind == "order_member" and tracking_no:
        return order_member_target(tracking_no, ident)
    raise NotFound("评价对象不存在")


def target_of(kind: TargetKind, key: str) -> str:
    """The wording of a stored rating's target, for lists (the key carries the ids)."""
    parts = key.split(":")
    ids = [int(p) for p in parts[1:]]
    if kind == TargetKind.POLICY:
        policy = db.session.get(Policy, ids[0])
        return policy.title if policy else "（已删除的政策）"
    if kind == TargetKind.TASK:
        task = db.session.get(Task, ids[0])
        return task.title if task else "（已删除的任务）"
    if kind == TargetKind.DEPARTMENT:
        department = db.session.get(Department, ids[0])
        return department.name if department else "（已撤销的部门）"
    order = db.session.get(WorkOrder, ids[0])
    department = db.session.get(Department, ids[1]) if kind == TargetKind.ORDER_DEPARTMENT else None
    if kind == TargetKind.ORDER_MEMBER:
        member = db.session.get(User, ids[1])
        return f"诉求 {order.tracking_no if order else ''} 经办人 {member.display_name if member else ''}"
    return f"诉求 {order.tracking_no if order else ''} 办理部门 {department.name if department else ''}"
