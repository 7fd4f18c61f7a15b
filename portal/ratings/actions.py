"""The 评价 buttons ratings add to other packages' pages (policy, task, department directory, closed 涉企 order)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from portal.feedback.public import OrderState
from portal.policies.public import PolicyStatus
from portal.ratings import membership
from portal.ratings.targets import order_handlers
from portal.templating import PageAction, page_action


def _may_rate(user: Any) -> bool:
    return bool(membership.verified_enterprises(user))


def policy_actions(policy: Any, user: Any) -> list[PageAction]:
    if policy.status == PolicyStatus.DRAFT:
        return []
    out = [PageAction("评价政策兑现", url_for("ratings_rate.rate", kind="policy", ident=policy.id), True)]
    if not _may_rate(user):
        out = []
    return [*out, PageAction("企业满意度", url_for("ratings.policy", policy_id=policy.id))]


def task_actions(task: Any, user: Any) -> list[PageAction]:
    if not _may_rate(user):
        return []
    return [PageAction("评价任务落实", url_for("ratings_rate.rate", kind="task", ident=task.id), True)]


def department_actions(department: Any, user: Any) -> list[PageAction]:
    return [PageAction("满意度", url_for("ratings.department", department_id=department.id))]


def order_actions(order: Any, user: Any) -> list[PageAction]:
    enterprise_id = order.enterprise_id
    if enterprise_id is None or order.state != OrderState.CLOSED:
        return []
    if not membership.is_verified_member(user, enterprise_id):
        return []
    out = []
    for assignment in order_handlers(order):
        out.append(
            PageAction(
                f"评价{assignment.department.short_name}",
                url_for(
                    "ratings_rate.rate_order_department",
                    tracking_no=order.tracking_no,
                    department_id=assignment.department_id,
                ),
                True,
            )
        )
        if assignment.replied_by is not None:
            out.append(
                PageAction(
                    f"评价经办人{assignment.replied_by.display_name}",
                    url_for(
                        "ratings_rate.rate_order_member",
                        tracking_no=order.tracking_no,
                        member_id=assignment.replied_by_id,
                    ),
                )
            )
    return out


def register() -> None:
    page_action("policy")(policy_actions)
    page_action("task")(task_actions)
    page_action("department")(department_actions)
    page_action("order")(order_actions)
