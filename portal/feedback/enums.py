"""Vocabulary of work orders: kinds, channels, states, roles, ratings, with their Chinese labels."""

from __future__ import annotations

import enum


class _Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return LABELS[(type(self), self.value)]


class OrderKind(_Labelled):
    CONSULTATION = "consultation"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    SUGGESTION = "suggestion"  # 建议
    CALL = "call"  # 呼叫: a township's or department's call for coordination (吹哨)


class Channel(_Labelled):
    WEB = "web"  # 网上提交
    PHONE = "phone"  # 热线电话, entered by an operator
    HEARING = "hearing"  # 公开答辩承诺


class OrderState(_Labelled):
    SUBMITTED = "submitted"  # 受理, waiting for dispatch
    DISPATCHED = "dispatched"  # 派单, waiting for sign-for
    SIGNED = "signed"  # 签收 by every department
    IN_PROGRESS = "in_progress"  # 办理中
    REPLIED = "replied"  # 回复: every department replied, the lead may close
    CLOSED = "closed"  # 办结
    RETURNED = "returned"  # 退单: every department returned it; back with the dispatcher


class AssignmentState(_Labelled):
    DISPATCHED = "dispatched"  # 待签收
    SIGNED = "signed"  # 已签收
    IN_PROGRESS = "in_progress"  # 办理中
    REPLIED = "replied"  # 已回复
    CLOSED = "closed"  # 已办结
    RETURNED = "returned"  # 已退单


class AssignmentRole(_Labelled):
    LEAD = "lead"  # 主办
    ASSIST = "assist"  # 协办


class Escalation(enum.IntEnum):
    NONE = 0
    SUPERVISED = 1  # 督办
    TOP = 2  # 顶格推进: to the department head

    @property
    def label(self) -> str:
        return {0: "", 1: "督办", 2: "顶格推进"}[self.value]


class ExtensionState(_Labelled):
    PENDING = "pending"  # 待审核
    APPROVED = "approved"  # 已同意
    REFUSED = "refused"  # 未同意


class Satisfaction(_Labelled):
    SATISFIED = "satisfied"  # 满意
    BASIC = "basic"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


class EventAction(_Labelled):
    SUBMIT = "submit"
    DISPATCH = "dispatch"
    SIGN = "sign"
    RETURN = "return"
    START = "start"
    PROGRESS = "progress"
    REPLY = "reply"
    CLOSE = "close"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    RATE = "rate"
    REOPEN = "reopen"
    REMIND = "remind"
    OVERDUE = "overdue"
    ESCALATE = "escalate"
    ATTACH = "attach"
    CHECK_PERSONAL = "check_personal"


# Keyed by (class, value): members of different enums share values ("dispatched") and StrEnum members
# equal to the same string would collide as plain keys.
_LABEL_PAIRS: list[tuple[enum.Enum, str]] = [
    (OrderKind.CONSULTATION, "咨询"),
    (OrderKind.HELP, "求助"),
    (OrderKind.COMPLAINT, "投诉"),
    (OrderKind.SUGGESTION, "建议"),
    (OrderKind.CALL, "呼叫"),
    (Channel.WEB, "网上提交"),
    (Channel.PHONE, "热线电话"),
    (Channel.HEARING, "公开答辩"),
    (OrderState.SUBMITTED, "已受理"),
    (OrderState.DISPATCHED, "已派单"),
    (OrderState.SIGNED, "已签收"),
    (OrderState.IN_PROGRESS, "办理中"),
    (OrderState.REPLIED, "已回复"),
    (OrderState.CLOSED, "已办结"),
    (OrderState.RETURNED, "已退单"),
    (AssignmentState.DISPATCHED, "待签收"),
    (AssignmentState.SIGNED, "已签收"),
    (AssignmentState.IN_PROGRESS, "办理中"),
    (AssignmentState.REPLIED, "已回复"),
    (AssignmentState.CLOSED, "已办结"),
    (AssignmentState.RETURNED, "已退单"),
    (AssignmentRole.LEAD, "主办"),
    (AssignmentRole.ASSIST, "协办"),
    (ExtensionState.PENDING, "待审核"),
    (ExtensionState.APPROVED, "已同意"),
    (ExtensionState.REFUSED, "未同意"),
    (Satisfaction.SATISFIED, "满意"),
    (Satisfaction.BASIC, "基本满意"),
    (Satisfaction.UNSATISFIED, "不满意"),
    (EventAction.SUBMIT, "提交诉求"),
    (EventAction.DISPATCH, "派单"),
    (EventAction.SIGN, "签收"),
    (EventAction.RETURN, "退单"),
    (EventAction.START, "开始办理"),
    (EventAction.PROGRESS, "办理进展"),
    (EventAction.REPLY, "答复"),
    (EventAction.CLOSE, "办结"),
    (EventAction.REQUEST_EXTENSION, "申请延期"),
    (EventAction.APPROVE_EXTENSION, "同意延期"),
    (EventAction.REFUSE_EXTENSION, "不同意延期"),
    (EventAction.RATE, "评价"),
    (EventAction.REOPEN, "发回重办"),
    (EventAction.REMIND, "催办"),
    (EventAction.OVERDUE, "逾期"),
    (EventAction.ESCALATE, "督办"),
    (EventAction.ATTACH, "上传附件"),
    (EventAction.CHECK_PERSONAL, "核对个人信息"),
]

LABELS: dict[tuple[type, str], str] = {(type(member), member.value): text for member, text in _LABEL_PAIRS}
# Categories offered on the form; the responsibility list maps them to departments.
CATEGORIES = (
    "城市管理",
    "市场监管",
    "生态环境",
    "社会治安",
    "医疗保障",
    "人力社保",
    "住房建设",
    "规划国土",
    "营商环境",
    "工业经济",
    "交通出行",
    "政务服务",
    "其他",
)
